// graphile-worker tasks for late-joiner notifications (registered in lib/worker/tasks.ts).
import type { TaskHandlers } from "../queue/enqueue";
import { runAtRiskDigests } from "./digest";
import { runLateCheck } from "./late-check";
import { sendNotification } from "./send";

export const notificationTasks = {
  async late_check({ sessionId }) {
    await runLateCheck(sessionId);
  },
  async at_risk_digest() {
    await runAtRiskDigests();
  },
  async send_notification({ notificationId }) {
    await sendNotification(notificationId);
  },
} satisfies Partial<TaskHandlers>;
