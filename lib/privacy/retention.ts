// Retention of raw webhook data (README "Data kept"): the raw bodies Zoom sent — names, emails,
// IP addresses — are kept RETENTION_DAYS days (default 180) for audit and reprocessing, then
// purged by the daily `purge_expired_payloads` job, and the webhook log's rows (and its counts of
// rejected deliveries) older than that are deleted. The event rows themselves (the fields
// attendance is computed from) and the computed attendance stay.
import { prisma } from "../db";

const BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PurgeResult {
  cutoff: Date;
  eventPayloads: number;
  /** webhook-log rows (any outcome) received before the cutoff, deleted */
  deliveryRows: number;
  /** per-minute counts of rejected deliveries before the cutoff, deleted */
  rejectionCounts: number;
  /** rate-limit counters whose window ended more than a day ago (their keys hold emails and addresses) */
  rateLimitRows: number;
}

/**
 * Clears what is older than `retentionDays` before `now`: events' raw payloads (payloadPurgedAt
 * records when); deletes webhook-log rows and rejection counts; also drops rate-limit
 * counters that ended more than a day ago. Idempotent; works in batches
 * so that a first run over years of data never holds one huge transaction.
 */
export async function purgeExpiredPayloads(now: Date, retentionDays: number): Promise<PurgeResult> {
  if (!Number.isFinite(retentionDays) || retentionDays < 1) throw new Error(`retentionDays must be at least 1 (got ${retentionDays})`);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const result: PurgeResult = { cutoff, eventPayloads: 0, deliveryRows: 0, rejectionCounts: 0, rateLimitRows: 0 };

  for (;;) {
    const count = await prisma.$executeRawUnsafe(
      `UPDATE events SET payload = NULL, "payloadPurgedAt" = $2::timestamptz
       WHERE id IN (SELECT id FROM events WHERE "receivedAt" < $1::timestamptz AND payload IS NOT NULL LIMIT ${BATCH})`,
      cutoff.toISOString(),
      now.toISOString(),
    );
    result.eventPayloads += count;
    if (count < BATCH) break;
  }
  // The log's rows are an audit of receipt, not attendance: events keep what attendance needs.
  for (;;) {
    const count = await prisma.$executeRawUnsafe(
      `DELETE FROM webhook_deliveries
       WHERE id IN (SELECT id FROM webhook_deliveries WHERE "receivedAt" < $1::timestamptz ORDER BY id LIMIT ${BATCH})`,
      cutoff.toISOString(),
    );
    result.deliveryRows += count;
    if (count < BATCH) break;
  }
  result.rejectionCounts = await prisma.$executeRawUnsafe(
    `DELETE FROM webhook_rejection_counts WHERE minute < $1::timestamptz`,
    cutoff.toISOString(),
  );
  // Sign-in counters are keyed by the email and address tried; no window is longer than a day.
  result.rateLimitRows = await prisma.$executeRawUnsafe(
    `DELETE FROM rate_limits WHERE "windowStart" < $1::timestamptz - interval '1 day'`,
    now.toISOString(),
  );
  return result;
}
