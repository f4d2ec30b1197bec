// graphile-worker task for the retention purge (registered in lib/queue/worker.ts, scheduled
// daily in lib/worker/crontab.ts).
import type { TaskList } from "graphile-worker";
import { getConfig } from "../config";
import { log } from "../log";
import { purgeExpiredPayloads } from "./retention";

export const privacyTasks: TaskList = {
  async purge_expired_payloads(payload) {
    const retentionDays = Number((payload as { retentionDays?: number } | null)?.retentionDays ?? getConfig().RETENTION_DAYS);
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
};
