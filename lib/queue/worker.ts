// The background worker: graphile-worker jobs stored in Postgres, so several workers in several
// processes share one queue and a crash loses nothing (a job is retried until it succeeds).
import { Logger, run, type Runner, type TaskList } from "graphile-worker";
import { recomputeSession } from "../attendance/projection";
import { log } from "../log";
import { notificationTasks } from "../notifications/tasks";
import { privacyTasks } from "../privacy/tasks";
import { reconcileTasks } from "../reconcile/tasks";
import { crontab } from "./crontab";
import { startDispatcher } from "./dispatcher";
import { sweepStaleProjections } from "./sweeper";

export const tasks: TaskList = {
  async recompute_session(payload) {
    const { sessionId } = payload as { sessionId: string };
    await recomputeSession(sessionId);
  },
  async sweep_stale_projections() {
    await sweepStaleProjections();
  },
  ...notificationTasks,
  ...reconcileTasks,
  ...privacyTasks,
};

/** Extra task modules (notifications, reconciliation, retention) register here. */
export function registerTasks(extra: TaskList): void {
  Object.assign(tasks, extra);
}

const queueLogger = new Logger((scope) => (level, message, meta) => {
  if (level === "debug") return;
  const fields = { scope: scope.label ?? "worker", task: scope.taskIdentifier, job: scope.jobId, ...((meta as object) ?? {}) };
  if (level === "error") log.error(message, fields);
  else if (level === "warning") log.warn(message, fields);
  else if (!/^Worker connected|^Completed task/.test(message)) log.info(message, fields);
});

export interface Worker {
  runner: Runner;
  stop: () => Promise<void>;
  /** settles when the job runner stops (for `npm run worker`) */
  promise: Promise<void>;
}

/** The job runner plus the event dispatcher that feeds it (both share the work across processes). */
export async function startWorker(options: { connectionString: string; concurrency?: number; crontab?: string }): Promise<Worker> {
  const runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? Number(process.env.WORKER_CONCURRENCY ?? 4),
    noHandleSignals: true,
    pollInterval: 1000,
    logger: queueLogger,
    taskList: tasks,
    crontab: options.crontab ?? crontab(),
  });
  const dispatcher = startDispatcher();
  // A worker that died mid-recompute left its job locked: catch up at once rather than in a minute.
  await sweepStaleProjections().catch((error: unknown) => log.warn("start-up sweep failed", { error: String(error) }));
  return {
    runner,
    promise: runner.promise,
    stop: async () => {
      await dispatcher.stop();
      await runner.stop();
    },
  };
}
