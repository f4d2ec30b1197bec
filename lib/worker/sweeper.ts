// Recovery for a worker that died mid-recompute. graphile-worker leaves a crashed worker's job
// locked for hours; the sweeper finds sessions with events stored after their last recompute
// began (5 s of slack for commits in flight) and queues a fresh recompute (add_job creates a new
// job when the keyed one is locked). It runs when a worker starts and every minute, so a crash
// delays attendance by at most about a minute and loses nothing.
import { prisma } from "../db";

export async function sweepStaleProjections(): Promise<number> {
  const rows = await prisma.$queryRawUnsafe<{ queued: number }[]>(
    `WITH stale AS (
       SELECT s.id FROM sessions s
       WHERE s."startsAt" > now() - interval '8 days'
         AND EXISTS (
           SELECT 1 FROM events e
           WHERE e."zoomMeetingId" = s."zoomMeetingId"
             AND e."occurredAt" >= s."startsAt" - interval '60 minutes'
             AND e."occurredAt" < s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes'
             AND e."receivedAt" > coalesce(s."computedAt", '-infinity'::timestamp) + interval '5 seconds'
         )
     ), queued AS (
       SELECT graphile_worker.add_job('recompute_session', json_build_object('sessionId', id),
         job_key => 'recompute:' || id, job_key_mode => 'preserve_run_at', max_attempts => 25)
       FROM stale
     )
     SELECT count(*)::int AS queued FROM queued`,
  );
  return Number(rows[0].queued);
}
