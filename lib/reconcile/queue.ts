// Queuing reconciliations: one pending `reconcile_session` job per session (job key
// `reconcile:<sessionId>`), retried with graphile-worker's exponential backoff when Zoom is not
// ready or not reachable.
import { enqueueAt, type Executor, type ReconcileJobPayload, type ReconcileTrigger } from "../queue/enqueue";
import { prisma } from "../db";

export type { ReconcileJobPayload, ReconcileTrigger } from "../queue/enqueue";
export const RECONCILE_TRIGGERS: readonly ReconcileTrigger[] = ["after_meeting", "nightly", "manual"];

export const reconcileJobKey = (sessionId: string) => `reconcile:${sessionId}`;

export async function enqueueReconcile(
  sessionId: string,
  trigger: ReconcileTrigger,
  options: { actorId?: string | null; runAt?: Date; db?: Executor } = {},
): Promise<void> {
  const payload: ReconcileJobPayload = { sessionId, trigger, ...(options.actorId ? { actorId: options.actorId } : {}) };
  await enqueueAt(
    "reconcile_session",
    payload,
    options.runAt ?? new Date(),
    reconcileJobKey(sessionId),
    options.db ?? prisma,
  );
}
