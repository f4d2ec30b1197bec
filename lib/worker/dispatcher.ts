// The event dispatcher: turns newly stored events into recompute jobs.
//
// Why not queue the job in the webhook's own statement? Every event of a class would then update
// the same job row (one pending recompute per session), and concurrent webhooks would wait on
// that row lock through each other's commit — one disk flush per event, about 200 events/s.
// Instead a trigger adds each stored event to the `event_outbox` table (a small row that
// conflicts with nothing, so commits group), and the dispatcher takes outbox rows in batches,
// deletes them and queues their sessions' recomputes in one transaction (a transactional outbox;
// ADR 004 and 008). A crash before that commit leaves the rows in the outbox, so the next pass —
// in any worker — picks them up: nothing is lost.
import { prisma } from "../db";
import { errorMessage, log } from "../log";

const BATCH_SIZE = 5000;
const IDLE_POLL_MS = 100;
/**
 * A recompute of a session that was recomputed within the last HOT_SESSION_MS starts this long
 * after the first event that calls for it, so that a burst (a class of 500 joining at once) is
 * taken in a few recomputes rather than one per dispatch pass. A session that has been quiet is
 * recomputed at once (graphile-worker picks up a job that is due now through LISTEN, not by
 * polling): a lone join reaches open pages in a fraction of a second (ADR 017).
 */
export const RECOMPUTE_GATHER_MS = 150;
export const HOT_SESSION_MS = 1_000;

export async function dispatchStoredEvents(): Promise<{ dispatched: number; queued: number }> {
  const rows = await prisma.$queryRawUnsafe<{ dispatched: number; queued: number }[]>(
    `WITH batch AS (
       SELECT "eventId" FROM event_outbox ORDER BY "eventId" LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED
     ), marked AS (
       DELETE FROM event_outbox USING batch WHERE event_outbox."eventId" = batch."eventId"
       RETURNING event_outbox."zoomMeetingId", event_outbox."occurredAt"
     ), targets AS (
       SELECT DISTINCT s.id, s."computedAt" FROM marked JOIN sessions s ON s."zoomMeetingId" = marked."zoomMeetingId"
        AND marked."occurredAt" >= s."startsAt" - interval '60 minutes'
        AND marked."occurredAt" < s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes'
     ), queued AS (
       SELECT graphile_worker.add_job('recompute_session', json_build_object('sessionId', id),
         run_at => CASE WHEN "computedAt" > now() - make_interval(secs => ${HOT_SESSION_MS / 1000})
           THEN now() + make_interval(secs => ${RECOMPUTE_GATHER_MS / 1000}) ELSE now() END,
         job_key => 'recompute:' || id, job_key_mode => 'preserve_run_at', max_attempts => 25)
       FROM targets
     )
     SELECT (SELECT count(*)::int FROM marked) AS dispatched, (SELECT count(*)::int FROM queued) AS queued`,
  );
  return { dispatched: Number(rows[0].dispatched), queued: Number(rows[0].queued) };
}

export interface Dispatcher {
  stop: () => Promise<void>;
}

/** Runs dispatch passes until stopped: at once again after a full batch, else every 100 ms. */
export function startDispatcher(): Dispatcher {
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    let failures = 0;
    while (running) {
      let delay = IDLE_POLL_MS;
      try {
        const { dispatched } = await dispatchStoredEvents();
        failures = 0;
        if (dispatched >= BATCH_SIZE) delay = 0;
      } catch (error) {
        failures += 1;
        delay = Math.min(30_000, IDLE_POLL_MS * 2 ** failures);
        if (failures === 1 || failures % 20 === 0) log.warn("event dispatch failed; retrying", { error: errorMessage(error), failures });
      }
      if (delay > 0 && running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, delay);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = null;
      }
    }
  })();
  return {
    stop: async () => {
      running = false;
      wake?.();
      await loop;
    },
  };
}
