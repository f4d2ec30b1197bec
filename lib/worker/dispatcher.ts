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
 * Two recomputes of one session start at least this far apart (judged from the last one's
 * snapshot, `sessions."computedAt"`), so that a burst (a class of 500 joining at once) is taken in
 * a few recomputes rather than one per dispatch pass. A session not recomputed that recently is
 * recomputed at once, so a join in a class whose last change is a quarter of a second old reaches
 * open pages without waiting (ADR 017, 020).
 */
export const RECOMPUTE_INTERVAL_MS = 250;

export interface DispatchPass {
  dispatched: number;
  queued: number;
  /** recompute jobs queued to run later: [milliseconds from now, how many] */
  dueLater: [number, number][];
}

export async function dispatchStoredEvents(): Promise<DispatchPass> {
  const rows = await prisma.$queryRawUnsafe<
    { dispatched: number; queued: number; dueLater: [number, number][] | null }[]
  >(
    `WITH batch AS (
       SELECT "eventId" FROM event_outbox ORDER BY "eventId" LIMIT ${BATCH_SIZE} FOR UPDATE SKIP LOCKED
     ), marked AS (
       DELETE FROM event_outbox USING batch WHERE event_outbox."eventId" = batch."eventId"
       RETURNING event_outbox."zoomMeetingId", event_outbox."occurredAt"
     ), targets AS (
       SELECT DISTINCT s.id, s."computedAt" AT TIME ZONE 'UTC' AS "computedAt" FROM marked JOIN sessions s ON s."zoomMeetingId" = marked."zoomMeetingId"
        AND marked."occurredAt" >= s."startsAt" - interval '60 minutes'
        AND marked."occurredAt" < s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes'
     ), queued AS (
       SELECT job.run_at FROM targets, LATERAL graphile_worker.add_job('recompute_session', json_build_object('sessionId', targets.id),
         run_at => greatest(now(), targets."computedAt" + make_interval(secs => ${RECOMPUTE_INTERVAL_MS / 1000})),
         job_key => 'recompute:' || targets.id, job_key_mode => 'preserve_run_at', max_attempts => 25) AS job
     ), later AS (
       SELECT ceil(extract(epoch FROM run_at - now()) * 1000)::int AS due_ms, count(*)::int AS jobs FROM queued WHERE run_at > now() GROUP BY 1
     )
     SELECT (SELECT count(*)::int FROM marked) AS dispatched, (SELECT count(*)::int FROM queued) AS queued,
       (SELECT json_agg(json_build_array(due_ms, jobs)) FROM later) AS "dueLater"`,
  );
  return { dispatched: Number(rows[0].dispatched), queued: Number(rows[0].queued), dueLater: rows[0].dueLater ?? [] };
}

/**
 * Queues a session's recompute RECOMPUTE_INTERVAL_MS from now (or leaves the one already pending
 * as it is): for a recompute job that found another recompute of its session running.
 */
export async function requeueRecompute(sessionId: string): Promise<void> {
  await prisma.$executeRawUnsafe(
    `SELECT graphile_worker.add_job('recompute_session', json_build_object('sessionId', $1::text),
       run_at => now() + make_interval(secs => ${RECOMPUTE_INTERVAL_MS / 1000}),
       job_key => 'recompute:' || $1, job_key_mode => 'preserve_run_at', max_attempts => 25)`,
    sessionId,
  );
}

export interface Dispatcher {
  stop: () => Promise<void>;
}

/**
 * Runs dispatch passes until stopped: at once again after a full batch, else every 100 ms.
 * graphile-worker picks up a job due now at once (it LISTENs for new jobs) but finds a job due
 * later only by polling; `wakeWorkersAfter`, told when the jobs a pass queued for later fall due,
 * lets this process's runner take them on time instead.
 */
export function startDispatcher(
  options: { wakeWorkersAfter?: (delayMs: number, jobs: number) => void } = {},
): Dispatcher {
  let running = true;
  let wake: (() => void) | null = null;
  const loop = (async () => {
    let failures = 0;
    while (running) {
      let delay = IDLE_POLL_MS;
      try {
        const { dispatched, dueLater } = await dispatchStoredEvents();
        failures = 0;
        for (const [dueInMs, jobs] of dueLater) options.wakeWorkersAfter?.(dueInMs, jobs);
        if (dispatched >= BATCH_SIZE) delay = 0;
      } catch (error) {
        failures += 1;
        delay = Math.min(30_000, IDLE_POLL_MS * 2 ** failures);
        if (failures === 1 || failures % 20 === 0)
          log.warn("event dispatch failed; retrying", { error: errorMessage(error), failures });
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
