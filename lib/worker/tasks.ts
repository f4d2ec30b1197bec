// The worker's task list: a handler for every task lib/queue can add (TaskPayloads), taken from
// the features that own them. This composition root is the one place that knows every feature's
// background work; features add jobs through lib/queue and never import lib/worker.
import type { TaskList } from "graphile-worker";
import { recomputeSession } from "../attendance/projection";
import { notificationTasks } from "../notifications/tasks";
import { privacyTasks } from "../privacy/tasks";
import type { TaskHandlers } from "../queue/enqueue";
import { reconcileTasks } from "../reconcile/tasks";
import { registrationTasks } from "../registration/service";
import { sweepStaleProjections } from "./sweeper";

// A task name without a handler here fails to compile; so does a feature's handler for a name
// TaskPayloads does not list (each task module `satisfies Partial<TaskHandlers>`).
const handlers: TaskHandlers = {
  async recompute_session({ sessionId }) {
    await recomputeSession(sessionId);
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
