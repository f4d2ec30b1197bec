// graphile-worker task for the retention purge (registered in lib/worker/tasks.ts, scheduled
// daily in lib/worker/crontab.ts).
import { getConfig } from "../config";
import { log } from "../log";
import type { TaskHandlers } from "../queue/enqueue";
import { purgeExpiredPayloads } from "./retention";

export const privacyTasks = {
  async purge_expired_payloads(payload) {
    const retentionDays = Number(
      (payload as { retentionDays?: number } | null)?.retentionDays ?? getConfig().RETENTION_DAYS,
    );
    const result = await purgeExpiredPayloads(new Date(), retentionDays);
    log.info("expired webhook payloads purged", {
      retentionDays,
      cutoff: result.cutoff.toISOString(),
      eventPayloads: result.eventPayloads,
      eventsPseudonymised: result.eventsPseudonymised,
      deliveryRows: result.deliveryRows,
      rejectionCounts: result.rejectionCounts,
      rateLimitRows: result.rateLimitRows,
    });
  },
} satisfies Partial<TaskHandlers>;
