// Adding jobs to the Postgres job queue (graphile-worker) from app code, through the one Prisma
// client, so a job can be added in the same transaction as the data it is about. Task names and
// payloads are checked against TaskPayloads (./payloads.ts); the worker that runs them is lib/worker.
import { prisma } from "../db";
import type { TaskName, TaskPayloads } from "./payloads";

export type {
  CancelRegistrantsPayload,
  ReconcileJobPayload,
  ReconcileTrigger,
  TaskHandlers,
  TaskName,
  TaskPayloads,
} from "./payloads";

/** The Prisma client, or the caller's transaction (the job then commits with its data). */
export type Executor = { $executeRawUnsafe: (query: string, ...values: unknown[]) => Promise<number> };

export interface JobOptions {
  /** when the job may run (default: now) */
  runAt?: Date;
  /** at most one pending job per key; what a second add does is `jobKeyMode` */
  jobKey?: string;
  /**
   * graphile-worker's modes for an add whose key is already pending: "replace" (the default:
   * new payload and run time), "preserve_run_at" (new payload, first run time kept),
   * "unsafe_dedupe" (the add does nothing)
   */
  jobKeyMode?: "replace" | "preserve_run_at" | "unsafe_dedupe";
  /** jobs of one named queue run one at a time */
  queueName?: string;
  /** default 25 (graphile-worker's exponential backoff between attempts) */
  maxAttempts?: number;
}

/** Queue one job of `task`. */
export async function addJob<Name extends TaskName>(
  task: Name,
  payload: TaskPayloads[Name],
  options: JobOptions = {},
  db: Executor = prisma,
): Promise<void> {
  const { jobKey, ...shared } = options;
  await addJobs(task, [{ payload, jobKey }], shared, db);
}

/** Queue several jobs of one task in one statement: the same options, each job its own key. */
export async function addJobs<Name extends TaskName>(
  task: Name,
  jobs: { payload: TaskPayloads[Name]; jobKey?: string }[],
  options: Omit<JobOptions, "jobKey"> = {},
  db: Executor = prisma,
): Promise<void> {
  if (jobs.length === 0) return;
  // A null option is graphile-worker's default (add_job coalesces each).
  await db.$executeRawUnsafe(
    `SELECT graphile_worker.add_job($1, job.payload, queue_name => $3, run_at => $4::timestamptz, max_attempts => $5::int,
       job_key => job.key, job_key_mode => $6)
     FROM json_to_recordset($2::json) AS job(payload json, key text)`,
    task,
    JSON.stringify(jobs.map((job) => ({ payload: job.payload, key: job.jobKey ?? null }))),
    options.queueName ?? null,
    options.runAt?.toISOString() ?? null,
    options.maxAttempts ?? null,
    options.jobKeyMode ?? null,
  );
}

/** Queue a recomputation of each session's attendance (coalesced: one pending job per session). */
export async function enqueueRecompute(sessionIds: string[], db: Executor = prisma): Promise<void> {
  await addJobs(
    "recompute_session",
    sessionIds.map((sessionId) => ({ payload: { sessionId }, jobKey: `recompute:${sessionId}` })),
    { jobKeyMode: "preserve_run_at", maxAttempts: 25 },
    db,
  );
}

/** Queue a job to run at `runAt`; `jobKey` makes it unique (re-adding replaces the schedule). */
export async function enqueueAt<Name extends TaskName>(
  task: Name,
  payload: TaskPayloads[Name],
  runAt: Date,
  jobKey: string,
  db: Executor = prisma,
): Promise<void> {
  await addJob(task, payload, { runAt, jobKey, jobKeyMode: "replace", maxAttempts: 10 }, db);
}
