"use server";

// "Reconcile now" on the session page: queues a manual reconciliation of a session the user may see.
import { revalidatePath } from "next/cache";
import { requireUser, requireVisibleSession } from "@/lib/access";
import { getConfig } from "@/lib/config";
import { enqueueReconcile } from "@/lib/reconcile/queue";
import { claimManualReconcile } from "@/lib/reconcile/cooldown";

export async function reconcileNowAction(sessionId: string): Promise<void> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  // Off without credentials: the panel says so and shows no button; a stale form changes nothing.
  if (!getConfig().reportApiConfigured) return;
  // Within the 5-minute cooldown the page already says when the button works again.
  if (!(await claimManualReconcile(session.id)).allowed) return;
  await enqueueReconcile(session.id, "manual", { actorId: user.id });
  revalidatePath(`/sessions/${session.id}`);
}
