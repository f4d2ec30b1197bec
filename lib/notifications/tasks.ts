// graphile-worker tasks for late-joiner notifications (registered in lib/queue/worker.ts).
import type { TaskList } from "graphile-worker";
import { runAtRiskDigests } from "./digest";
import { runLateCheck } from "./late-check";
import { sendNotification } from "./send";

export const notificationTasks: TaskList = {
  async late_check(payload) {
    const { sessionId } = payload as { sessionId: string };
    await runLateCheck(sessionId);
  },
  async at_risk_digest() {
    await runAtRiskDigests();
  },
  async send_notification(payload) {
    const { notificationId } = payload as { notificationId: string };
    await sendNotification(notificationId);
  },
};
