// The background worker: graphile-worker jobs stored in Postgres, so several workers in several
// processes share one queue and a crash loses nothing (a job is retried until it succeeds).
import { EventEmitter } from "node:events";
import pg from "pg";
import { Logger, run, type WorkerEvents } from "graphile-worker";
import { setting } from "../config";
import { errorMessage, log } from "../log";
import { crontab } from "./crontab";
import { startDispatcher } from "./dispatcher";
import { sweepStaleProjections } from "./sweeper";
import { setRecomputeWake, tasks } from "./tasks";

const queueLogger = new Logger((scope) => (level, message, meta) => {
  if (level === "debug") return;
  const fields = {
    scope: scope.label ?? "worker",
    task: scope.taskIdentifier,
    job: scope.jobId,
    ...((meta as object) ?? {}),
  };
  if (level === "error") log.error(message, fields);
  else if (level === "warning") log.warn(message, fields);
  else if (!/^Worker connected|^Completed task/.test(message)) log.info(message, fields);
});

export interface Worker {
  stop: () => Promise<void>;
  /** settles when the worker is stopped (for `npm run worker`) */
  promise: Promise<void>;
}

const RESTART_MIN_DELAY_MS = 1000;
const RESTART_MAX_DELAY_MS = 10_000;
/** A runner that began shutting down by itself and has not finished after this is abandoned. */
const STALLED_SHUTDOWN_MS = 15_000;

/**
 * The job runner plus the event dispatcher that feeds it (both share the work across processes).
 *
 * A worker must outlive a database outage: graphile-worker gives up on its pool when it cannot
 * record a job's completion ("queue is in an inconsistent state"), so the runner is supervised and
 * started again with growing delays until Postgres answers; a runner whose own shutdown hangs (a
 * job that never ends holds it) is abandoned after STALLED_SHUTDOWN_MS. Jobs it could not mark
 * complete are unlocked and redone (recomputes and the retention purge are idempotent; notifications are claimed in the
 * database first, see ADR 005), and the sweeper requeues any projection left stale.
 */
export async function startWorker(options: {
  connectionString: string;
  concurrency?: number;
  crontab?: string;
}): Promise<Worker> {
  const concurrency = options.concurrency ?? setting("WORKER_CONCURRENCY");
  const runnerOptions = {
    concurrency,
    noHandleSignals: true,
    // Jobs due now are picked up at once (graphile-worker LISTENs for new jobs); jobs due in the
    // future are found by polling, except the recomputes this process's dispatcher queued for
    // later, which it wakes the runner for when due (ADR 020). The poll bounds how late the others
    // start: late-joiner checks, another worker process's gathered recomputes (ADR 017).
    pollInterval: 200,
    logger: queueLogger,
    taskList: tasks,
    crontab: options.crontab ?? crontab(),
    // Batched completion retries with backoff and reports failure to the pool; the unbatched
    // default leaves a rejected promise nobody awaits, which kills the process mid-outage.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
  };
  let stopping = false;
  // The ids of this process's job pools and workers: a failed runner's jobs stay locked by them
  // (for four hours, graphile-worker's default) until we unlock them before restarting.
  const ownWorkerIds = new Set<string>();
  // The running runner's job pool, woken by the dispatcher when a job it queued for later falls due.
  let currentPool: { nudge: (jobs: number) => void } | null = null;
  // `stalled` settles if the runner starts shutting down on its own and is not done in time:
  // graphile-worker's graceful shutdown can hang when the database vanished while jobs were being
  // recorded (seen in the outage drill), and a runner that never finishes would never be replaced.
  const startRunner = async () => {
    // Each runner gets a pool of ours rather than one graphile-worker makes: graphile-worker takes
    // its error listeners off its pool when a runner is released, and the idle connections of an
    // abandoned runner's pool, cut when Postgres restarts, would then throw an unhandled error and
    // take the process down. Ours keep a listener for the pool's whole life.
    const pgPool = new pg.Pool({ connectionString: options.connectionString, max: concurrency + 4 });
    const connectionLost = (error: Error) =>
      log.warn("job runner's database connection lost", { error: errorMessage(error) });
    pgPool.on("error", connectionLost);
    pgPool.on("connect", (client) => client.on("error", connectionLost));
    const events: WorkerEvents = new EventEmitter();
    // graphile-worker 0.16+ locks jobs with the pool's id; older paths use the worker's.
    events.on("pool:create", ({ workerPool }) => {
      ownWorkerIds.add(workerPool.id);
      currentPool = workerPool;
    });
    events.on("worker:create", ({ worker }) => ownWorkerIds.add(worker.workerId));
    let onStall: () => void = () => {};
    const stalled = new Promise<void>((resolve) => (onStall = resolve));
    const watchShutdown = ({ message }: { message?: string }) => {
      if (stopping) return;
      log.warn("job runner is shutting down", { reason: message ?? null });
      setTimeout(onStall, STALLED_SHUTDOWN_MS).unref();
    };
    events.on("pool:gracefulShutdown", watchShutdown);
    events.on("pool:forcefulShutdown", watchShutdown);
    try {
      const runner = await run({ ...runnerOptions, pgPool, events });
      // Closed once the runner is done; an abandoned runner may never be, and its pool stays open.
      runner.promise.finally(() => pgPool.end().catch(() => {})).catch(() => {});
      return { runner, stalled };
    } catch (error) {
      await pgPool.end().catch(() => {});
      throw error;
    }
  };
  const unlockOwnJobs = async () => {
    if (ownWorkerIds.size === 0) return;
    const client = new pg.Client({ connectionString: options.connectionString });
    // A lost connection also fails the statement below; unheard, its 'error' event would end the process.
    client.on("error", () => {});
    try {
      await client.connect();
      await client.query("SELECT graphile_worker.force_unlock_workers($1::text[])", [[...ownWorkerIds]]);
      ownWorkerIds.clear();
    } finally {
      await client.end().catch(() => {});
    }
  };
  let { runner, stalled } = await startRunner();
  let wakeUp: (() => void) | null = null;
  let onStopRequested: () => void = () => {};
  const stopRequested = new Promise<"stop">((resolve) => (onStopRequested = () => resolve("stop")));

  const supervised = (async () => {
    let failures = 0;
    for (;;) {
      const startedAt = Date.now();
      let failure: unknown = null;
      try {
        const outcome = await Promise.race([
          runner.promise.then(() => "stopped" as const),
          stalled.then(() => "stalled" as const),
          stopRequested,
        ]);
        if (outcome === "stop") {
          runner.promise.catch(() => {});
          return;
        }
        if (outcome === "stalled") {
          failure = new Error(`it did not finish shutting down within ${STALLED_SHUTDOWN_MS / 1000} s`);
          // Abandoned: its jobs are unlocked below; whatever it still settles with is ignored.
          runner.promise.catch(() => {});
        }
      } catch (error) {
        failure = error;
      }
      if (stopping) return;
      log.error("job runner stopped unexpectedly; restarting it", {
        error: failure === null ? null : errorMessage(failure),
      });
      failures = Date.now() - startedAt > 60_000 ? 1 : failures + 1;
      let delay = Math.min(RESTART_MAX_DELAY_MS, RESTART_MIN_DELAY_MS * 2 ** (failures - 1));
      for (; ; delay = Math.min(RESTART_MAX_DELAY_MS, delay * 2)) {
        await new Promise<void>((resolve) => {
          wakeUp = resolve;
          setTimeout(resolve, delay);
        });
        wakeUp = null;
        if (stopping) return;
        try {
          await unlockOwnJobs();
          ({ runner, stalled } = await startRunner());
          log.info("job runner restarted", { afterFailures: failures });
          break;
        } catch (error) {
          log.warn("job runner could not restart yet", {
            error: errorMessage(error),
            retryInMs: Math.min(RESTART_MAX_DELAY_MS, delay * 2),
          });
        }
      }
    }
  })();

  // Recomputes queued for later (by the dispatcher, or by a recompute job that found its session
  // busy) are due at a known time: wake this process's runner then instead of at its next poll.
  const wakeTimers = new Set<ReturnType<typeof setTimeout>>();
  const wakeRunner = (delayMs: number, jobs: number) => {
    const timer = setTimeout(() => {
      wakeTimers.delete(timer);
      try {
        currentPool?.nudge(jobs);
      } catch {
        // a pool that is shutting down: its successor polls
      }
    }, delayMs);
    wakeTimers.add(timer);
  };
  setRecomputeWake((delayMs) => wakeRunner(delayMs, 1));
  const dispatcher = startDispatcher({ wakeWorkersAfter: wakeRunner });
  // A worker that died mid-recompute left its job locked: catch up at once rather than in a minute.
  await sweepStaleProjections().catch((error: unknown) => log.warn("start-up sweep failed", { error: String(error) }));
  return {
    promise: supervised,
    stop: async () => {
      stopping = true;
      wakeUp?.();
      await dispatcher.stop();
      setRecomputeWake(null);
      for (const timer of wakeTimers) clearTimeout(timer);
      // A job that never ends would hold a graceful shutdown forever: give it a bounded time.
      await Promise.race([
        runner.stop().catch(() => {}),
        new Promise((resolve) => setTimeout(resolve, STALLED_SHUTDOWN_MS).unref()),
      ]);
      onStopRequested();
      await supervised;
    },
  };
}
