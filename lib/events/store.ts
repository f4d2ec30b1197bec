// The event store: every distinct Zoom event once, committed before Zoom gets its 200.
// One SQL statement stores the event (deduplicated by its identity key) and writes the delivery's
// audit row, so both commit together and the webhook costs one round trip. Recomputation is
// queued afterwards by the worker's dispatcher (lib/queue/dispatcher.ts) from the stored rows.
import { getPool, prisma } from "../db";
import type { StoredEventFields } from "../zoom/payload";
import type { DeliveryOutcome } from "../generated/prisma/enums";

export interface DeliveryMeta {
  trackingId: string | null;
  requestId: string | null;
  headers: Record<string, string>;
  bodyBytes: number;
}

export interface StoreResult {
  outcome: "stored" | "duplicate";
}

const STORE_EVENT_SQL = `WITH inserted AS (
       INSERT INTO events ("dedupeKey", source, "eventType", "eventTs", "zoomMeetingId", "meetingUuid", "occurredAt",
         "participantUserId", "participantAccountId", "participantUuid", "registrantId", email, "emailNormalized",
         "displayName", "joinTime", "leaveTime", "leaveReason", "meetingStartedAt", "meetingEndedAt", payload)
       VALUES ($1, 'webhook', $2, $3::timestamptz, $4, $5, $6::timestamptz, $7, $8, $9, $10, $11, $12, $13,
         $14::timestamptz, $15::timestamptz, $16, $17::timestamptz, $18::timestamptz, $19::jsonb)
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING id
     ), delivery AS (
       INSERT INTO webhook_deliveries ("trackingId", "requestId", outcome, "httpStatus", "eventType", "eventTs",
         "zoomMeetingId", "meetingUuid", "dedupeKey", headers, "bodyBytes")
       SELECT $20, $21, CASE WHEN EXISTS (SELECT 1 FROM inserted) THEN 'stored' ELSE 'duplicate' END::"DeliveryOutcome",
         200, $2, $3::timestamptz, $4, $5, $1, $22::jsonb, $23
       RETURNING outcome
     )
     SELECT outcome::text AS outcome FROM delivery`;

export async function storeWebhookEvent(
  fields: StoredEventFields,
  payload: unknown,
  meta: DeliveryMeta,
): Promise<StoreResult> {
  // A named statement: each connection parses and plans it once (this runs for every delivery).
  const result = await getPool().query<{ outcome: "stored" | "duplicate" }>({
    name: "rollcall_store_webhook_event",
    text: STORE_EVENT_SQL,
    values: [
      fields.dedupeKey,
      fields.eventType,
      fields.eventTs.toISOString(),
      fields.zoomMeetingId,
      fields.meetingUuid,
      fields.occurredAt.toISOString(),
      fields.participantUserId,
      fields.participantAccountId,
      fields.participantUuid,
      fields.registrantId,
      fields.email,
      fields.emailNormalized,
      fields.displayName,
      fields.joinTime?.toISOString() ?? null,
      fields.leaveTime?.toISOString() ?? null,
      fields.leaveReason,
      fields.meetingStartedAt?.toISOString() ?? null,
      fields.meetingEndedAt?.toISOString() ?? null,
      JSON.stringify(payload),
      meta.trackingId,
      meta.requestId,
      JSON.stringify(meta.headers),
      meta.bodyBytes,
    ],
  });
  return { outcome: result.rows[0].outcome };
}

/** Audit row for a delivery that stored no event (rejects, validation, ignored types). */
export async function recordDelivery(entry: {
  outcome: DeliveryOutcome;
  httpStatus: number;
  reason?: string | null;
  eventType?: string | null;
  eventTs?: Date | null;
  zoomMeetingId?: string | null;
  meetingUuid?: string | null;
  body?: string | null;
  meta: DeliveryMeta;
}): Promise<void> {
  await prisma.webhookDelivery.create({
    data: {
      outcome: entry.outcome,
      httpStatus: entry.httpStatus,
      reason: entry.reason ?? null,
      eventType: entry.eventType ?? null,
      eventTs: entry.eventTs ?? null,
      zoomMeetingId: entry.zoomMeetingId ?? null,
      meetingUuid: entry.meetingUuid ?? null,
      body: entry.body ?? null,
      trackingId: entry.meta.trackingId,
      requestId: entry.meta.requestId,
      headers: entry.meta.headers,
      bodyBytes: entry.meta.bodyBytes,
    },
  });
}
