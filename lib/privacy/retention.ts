// Retention of raw webhook data (README "Data kept"): the raw bodies Zoom sent — names, emails,
// IP addresses — are kept RETENTION_DAYS days (default 180) for audit and reprocessing, then
// purged by the daily `purge_expired_payloads` job, and the webhook log's rows (and its counts of
// rejected deliveries) older than that are deleted. The event rows themselves (the fields
// attendance is computed from) and the computed attendance stay.
import { prisma } from "../db";
import { FORGET_AFTER_MS } from "../sign-in-throttle";
import { normalizeEmail, normalizeName } from "../attendance/rules";
import { isPseudonym, pseudonymOf } from "../attendance/pseudonym";
import { enqueueRecompute } from "../queue/enqueue";

const BATCH = 5000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PurgeResult {
  cutoff: Date;
  eventPayloads: number;
  /** events whose participant name and email were replaced by pseudonyms */
  eventsPseudonymised: number;
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
  if (!Number.isFinite(retentionDays) || retentionDays < 1)
    throw new Error(`retentionDays must be at least 1 (got ${retentionDays})`);
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  const result: PurgeResult = {
    cutoff,
    eventPayloads: 0,
    eventsPseudonymised: 0,
    deliveryRows: 0,
    rejectionCounts: 0,
    rateLimitRows: 0,
  };

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
  result.eventsPseudonymised = await pseudonymiseExpiredEvents(cutoff, now);
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
  // Failed sign-ins (keyed by the email and address tried) are forgotten an hour after the last one.
  result.rateLimitRows += (
    await prisma.signInThrottle.deleteMany({
      where: { lastFailureAt: { lt: new Date(now.getTime() - FORGET_AFTER_MS) } },
    })
  ).count;
  return result;
}

const PSEUDONYM_BATCH = 1000;

/**
 * Replaces the participant name and email of events received before `cutoff` with pseudonyms
 * (lib/attendance/pseudonym.ts) — only once no session that could count them is still running or
 * within its 60-minute margin. Identity resolution compares pseudonyms too, so the attendance of
 * every session stays exactly what it was; the sessions are recomputed so that their stored guest
 * rows lose the names as well. Zoom's IDs (registrant, account) stay: attendance needs them.
 */
async function pseudonymiseExpiredEvents(cutoff: Date, now: Date): Promise<number> {
  let total = 0;
  const meetings = new Set<string>();
  for (;;) {
    const rows = await prisma.$queryRawUnsafe<
      {
        id: string;
        email: string | null;
        emailNormalized: string | null;
        displayName: string | null;
        zoomMeetingId: string | null;
      }[]
    >(
      `SELECT e.id::text AS id, e.email, e."emailNormalized", e."displayName", e."zoomMeetingId" FROM events e
       WHERE e."receivedAt" < $1::timestamptz
         AND (e.email IS NOT NULL
              OR (e."emailNormalized" IS NOT NULL AND e."emailNormalized" NOT LIKE 'pseudonym:%')
              OR (e."displayName" IS NOT NULL AND e."displayName" NOT LIKE 'pseudonym:%'))
         AND NOT EXISTS (
           SELECT 1 FROM sessions s WHERE s."zoomMeetingId" = e."zoomMeetingId"
             AND e."occurredAt" >= s."startsAt" - interval '60 minutes'
             AND s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes' > $2::timestamptz)
       ORDER BY e.id LIMIT ${PSEUDONYM_BATCH}`,
      cutoff.toISOString(),
      now.toISOString(),
    );
    if (rows.length === 0) break;
    const ids: string[] = [];
    const emails: (string | null)[] = [];
    const names: (string | null)[] = [];
    for (const row of rows) {
      const email = row.emailNormalized ?? row.email;
      const normalizedEmail = email === null ? "" : isPseudonym(email) ? email : normalizeEmail(email);
      const normalizedName =
        row.displayName === null ? "" : isPseudonym(row.displayName) ? row.displayName : normalizeName(row.displayName);
      ids.push(row.id);
      emails.push(
        normalizedEmail === "" ? null : isPseudonym(normalizedEmail) ? normalizedEmail : pseudonymOf(normalizedEmail),
      );
      names.push(
        normalizedName === "" ? null : isPseudonym(normalizedName) ? normalizedName : pseudonymOf(normalizedName),
      );
      if (row.zoomMeetingId) meetings.add(row.zoomMeetingId);
    }
    await prisma.$executeRawUnsafe(
      `UPDATE events SET email = NULL, "emailNormalized" = p.email, "displayName" = p.name
       FROM unnest($1::bigint[], $2::text[], $3::text[]) AS p(id, email, name) WHERE events.id = p.id`,
      ids,
      emails,
      names,
    );
    total += rows.length;
    if (rows.length < PSEUDONYM_BATCH) break;
  }
  if (meetings.size > 0) {
    const sessions = await prisma.session.findMany({
      where: { zoomMeetingId: { in: [...meetings] } },
      select: { id: true },
    });
    await enqueueRecompute(sessions.map((session) => session.id));
  }
  return total;
}
