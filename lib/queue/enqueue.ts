// Adding jobs to the Postgres job queue (graphile-worker) from app code, through the one Prisma
// client, so a job can be added in the same transaction as the data it is about.
import { prisma } from "../db";

type Executor = { $executeRawUnsafe: (query: string, ...values: unknown[]) => Promise<number> };

/** Queue a recomputation of each session's attendance (coalesced: one pending job per session). */
export async function enqueueRecompute(sessionIds: string[], db: Executor = prisma): Promise<void> {
  if (sessionIds.length === 0) return;
  await db.$executeRawUnsafe(
    `SELECT graphile_worker.add_job('recompute_session', json_build_object('sessionId', id),
       job_key => 'recompute:' || id, job_key_mode => 'preserve_run_at', max_attempts => 25)
     FROM unnest($1::text[]) AS id`,
    sessionIds,
  );
}

/** Queue a job to run at `runAt`; `jobKey` makes it unique (re-adding replaces the schedule). */
export async function enqueueAt(
  task: string,
  payload: Record<string, unknown>,
  runAt: Date,
  jobKey: string,
  db: Executor = prisma,
): Promise<void> {
  await db.$executeRawUnsafe(
    `SELECT graphile_worker.add_job($1, $2::json, run_at => $3::timestamptz, job_key => $4,
       job_key_mode => 'replace', max_attempts => 10)`,
    task,
    JSON.stringify(payload),
    runAt.toISOString(),
    jobKey,
  );
}
