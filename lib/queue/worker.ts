// The background worker: graphile-worker jobs stored in Postgres, so several workers in several
// processes share one queue and a crash loses nothing (a job is retried until it succeeds).
import { Logger, run, type Runner, type TaskList } from "graphile-worker";
import { recomputeSession } from "../attendance/projection";
import { log } from "../log";
import { crontab } from "./crontab";

export const tasks: TaskList = {
  async recompute_session(payload) {
    const { sessionId } = payload as { sessionId: string };
    await recomputeSession(sessionId);
  },
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

export async function startWorker(options: { connectionString: string; concurrency?: number; crontab?: string }): Promise<Runner> {
  return run({
    connectionString: options.connectionString,
    concurrency: options.concurrency ?? Number(process.env.WORKER_CONCURRENCY ?? 4),
    noHandleSignals: true,
    pollInterval: 1000,
    logger: queueLogger,
    taskList: tasks,
    crontab: options.crontab ?? crontab(),
  });
}
