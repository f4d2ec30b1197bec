// Retention of raw webhook data (README "Data kept"): the raw bodies Zoom sent — names, emails,
// IP addresses — are kept RETENTION_DAYS days (default 180) for audit and reprocessing, then
// purged by the daily `purge_expired_payloads` job. The event rows themselves (the fields
// attendance is computed from) and the computed attendance stay.
import { prisma } from "../db";
import { FORGET_AFTER_MS } from "../sign-in-throttle";

/** Headers that carry a client's address (Zoom's, or a proxy's view of it). */
export const IP_HEADERS = [
  "x-forwarded-for",
  "x-real-ip",
  "forwarded",
  "x-forwarded",
  "forwarded-for",
  "x-client-ip",
  "x-cluster-client-ip",
  "cf-connecting-ip",
  "true-client-ip",
  "fastly-client-ip",
  "x-original-forwarded-for",
  "x-envoy-external-address",
];

const BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PurgeResult {
  cutoff: Date;
  eventPayloads: number;
  deliveryBodies: number;
  deliveryHeaders: number;
  /** rate-limit counters whose window ended more than a day ago (their keys hold emails and addresses) */
  rateLimitRows: number;
}

/**
 * Clears what is older than `retentionDays` before `now`: events' raw payloads (payloadPurgedAt
 * records when) and webhook deliveries' bodies and address headers; also drops rate-limit
 * counters that ended more than a day ago. Idempotent; works in batches
 * so that a first run over years of data never holds one huge transaction.
 */
export async function purgeExpiredPayloads(now: Date, retentionDays: number): Promise<PurgeResult> {
  if (!Number.isFinite(retentionDays) || retentionDays < 1) throw new Error(`retentionDays must be at least 1 (got ${retentionDays})`);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const result: PurgeResult = { cutoff, eventPayloads: 0, deliveryBodies: 0, deliveryHeaders: 0, rateLimitRows: 0 };

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
  for (;;) {
    const count = await prisma.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET body = NULL
       WHERE id IN (SELECT id FROM webhook_deliveries WHERE "receivedAt" < $1::timestamptz AND body IS NOT NULL LIMIT ${BATCH})`,
      cutoff.toISOString(),
    );
    result.deliveryBodies += count;
    if (count < BATCH) break;
  }
  for (;;) {
    const count = await prisma.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET headers = headers - $2::text[]
       WHERE id IN (SELECT id FROM webhook_deliveries WHERE "receivedAt" < $1::timestamptz AND headers ?| $2::text[] LIMIT ${BATCH})`,
      cutoff.toISOString(),
      IP_HEADERS,
    );
    result.deliveryHeaders += count;
    if (count < BATCH) break;
  }
  // Sign-in counters are keyed by the email and address tried; no window is longer than a day.
  result.rateLimitRows = await prisma.$executeRawUnsafe(
    `DELETE FROM rate_limits WHERE "windowStart" < $1::timestamptz - interval '1 day'`,
    now.toISOString(),
  );
  // Failed sign-ins (keyed by the email and address tried) are forgotten an hour after the last one.
  result.rateLimitRows += (await prisma.signInThrottle.deleteMany({ where: { lastFailureAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } } })).count;
  return result;
}
