// The worker's task list: a handler for every task lib/queue can add (TaskPayloads), taken from
// the features that own them. This composition root is the one place that knows every feature's
// background work; features add jobs through lib/queue and never import lib/worker.
import type { TaskList } from "graphile-worker";
import { recomputeSessionUnlessBusy } from "../attendance/projection";
import { notificationTasks } from "../notifications/tasks";
import { privacyTasks } from "../privacy/tasks";
import type { TaskHandlers } from "../queue/enqueue";
import { reconcileTasks } from "../reconcile/tasks";
import { registrationTasks } from "../registration/service";
import { RECOMPUTE_INTERVAL_MS, requeueRecompute } from "./dispatcher";
import { sweepStaleProjections } from "./sweeper";

/** Wakes this process's job runner after a delay (set while a worker runs): for jobs it queued for later. */
let wakeRunnerAfter: ((delayMs: number) => void) | null = null;

export function setRecomputeWake(wake: ((delayMs: number) => void) | null): void {
  wakeRunnerAfter = wake;
}

// A task name without a handler here fails to compile; so does a feature's handler for a name
// TaskPayloads does not list (each task module `satisfies Partial<TaskHandlers>`).
const handlers: TaskHandlers = {
  async recompute_session({ sessionId }) {
    // Another recompute of the session has been running for a while: rather than hold a job slot
    // waiting for its lock, hand over to a job that starts when the next recompute may (ADR 020).
    if ((await recomputeSessionUnlessBusy(sessionId)) !== "busy") return;
    await requeueRecompute(sessionId);
    wakeRunnerAfter?.(RECOMPUTE_INTERVAL_MS);
  },
  async sweep_stale_projections() {
    await sweepStaleProjections();
  },
  ...notificationTasks,
  ...reconcileTasks,
  ...privacyTasks,
  ...registrationTasks,
};

export const tasks: TaskList = handlers;

/** Extra task modules (tests' fault tasks) register here. */
export function registerTasks(extra: TaskList): void {
  Object.assign(tasks, extra);
}
