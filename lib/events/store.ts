// The event store: every distinct Zoom event once, committed before Zoom gets its 200.
// One SQL statement stores the event (deduplicated by its identity key) and writes the delivery's
// audit row, so both commit together; deliveries that arrive together share that statement.
// Recomputation is queued afterwards by the worker's dispatcher (lib/worker/dispatcher.ts).
import pg from "pg";
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

/**
 * Deliveries that arrive while earlier ones are being written are written together: one
 * statement, one commit and one round trip for the batch (group commit, ADR 009). A quiet server
 * writes each event alone at once; batches only form under load, where they cut the database's
 * and this process's work per event. Each caller still gets its answer only after the commit
 * that holds its event.
 */
const MAX_BATCH_EVENTS = 200;
/** A batch stops growing at this many body bytes (bodies are up to 1 MiB each). */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/**
 * Statements in flight at once; further deliveries wait and form the next batch. Measured with
 * bench:webhook: 1 and 2 did equally well, 4 worse (smaller batches, more connections busy).
 */
const MAX_BATCHES_IN_FLIGHT = 2;

// Rows travel as one JSON array (payloads and headers nested as JSON, not as escaped strings).
// Within a batch, copies of one event are stored once: ON CONFLICT DO NOTHING skips the later
// copy, and only the first copy of a key that was inserted is "stored", the rest "duplicate".
const STORE_EVENTS_SQL = `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS row("dedupeKey" text, "eventType" text,
         "eventTs" timestamptz, "zoomMeetingId" text, "meetingUuid" text, "occurredAt" timestamptz, "participantUserId" text,
         "participantAccountId" text, "participantUuid" text, "registrantId" text, email text, "emailNormalized" text,
         "displayName" text, "joinTime" timestamptz, "leaveTime" timestamptz, "leaveReason" text,
         "meetingStartedAt" timestamptz, "meetingEndedAt" timestamptz, "breakoutRoomUuid" text, "breakoutRoomName" text,
         "parentUserId" text, "phoneNumber" text, "newRole" text, payload jsonb, "trackingId" text,
         "requestId" text, headers jsonb, "bodyBytes" int, ordinal bigint)
     ), inserted AS (
       INSERT INTO events ("dedupeKey", source, "eventType", "eventTs", "zoomMeetingId", "meetingUuid", "occurredAt",
         "participantUserId", "participantAccountId", "participantUuid", "registrantId", email, "emailNormalized",
         "displayName", "joinTime", "leaveTime", "leaveReason", "meetingStartedAt", "meetingEndedAt",
         "breakoutRoomUuid", "breakoutRoomName", "parentUserId", "phoneNumber", "newRole", payload)
       SELECT "dedupeKey", 'webhook', "eventType", "eventTs", "zoomMeetingId", "meetingUuid", "occurredAt",
         "participantUserId", "participantAccountId", "participantUuid", "registrantId", email, "emailNormalized",
         "displayName", "joinTime", "leaveTime", "leaveReason", "meetingStartedAt", "meetingEndedAt",
         "breakoutRoomUuid", "breakoutRoomName", "parentUserId", "phoneNumber", "newRole", payload
       FROM input ORDER BY ordinal
       ON CONFLICT ("dedupeKey") DO NOTHING
       RETURNING "dedupeKey"
     ), outcomes AS (
       SELECT input.ordinal,
         CASE WHEN input.ordinal = min(input.ordinal) OVER (PARTITION BY input."dedupeKey")
               AND EXISTS (SELECT 1 FROM inserted WHERE inserted."dedupeKey" = input."dedupeKey")
           THEN 'stored' ELSE 'duplicate' END::"DeliveryOutcome" AS outcome
       FROM input
     ), delivery AS (
       INSERT INTO webhook_deliveries ("trackingId", "requestId", outcome, "httpStatus", "eventType", "eventTs",
         "zoomMeetingId", "meetingUuid", "dedupeKey", headers, "bodyBytes")
       SELECT input."trackingId", input."requestId", outcomes.outcome, 200, input."eventType", input."eventTs",
         input."zoomMeetingId", input."meetingUuid", input."dedupeKey", input.headers, input."bodyBytes"
       FROM input JOIN outcomes USING (ordinal) ORDER BY ordinal
     )
     SELECT outcome::text AS outcome FROM outcomes ORDER BY ordinal`;

/** One delivery as its batch carries it: the JSON keys are the recordset's columns above. */
type StoreRow = StoredEventFields & DeliveryMeta & { payload: unknown };

interface PendingStore {
  row: StoreRow;
  resolve: (result: StoreResult) => void;
  reject: (error: unknown) => void;
}

const waiting: PendingStore[] = [];
let batchesInFlight = 0;

/**
 * Stores a webhook's event (unless an event with its identity key is already stored) together
 * with the delivery's audit row, and resolves once both are committed.
 */
export function storeWebhookEvent(
  fields: StoredEventFields,
  payload: unknown,
  meta: DeliveryMeta,
): Promise<StoreResult> {
  return new Promise((resolve, reject) => {
    // Keys the statement does not name (the topic) are ignored by jsonb_to_recordset.
    waiting.push({ row: { ...fields, ...meta, payload }, resolve, reject });
    startBatches();
  });
}

function startBatches(): void {
  while (waiting.length > 0 && batchesInFlight < MAX_BATCHES_IN_FLIGHT) {
    let size = 1;
    let bytes = waiting[0].row.bodyBytes;
    while (size < waiting.length && size < MAX_BATCH_EVENTS && bytes + waiting[size].row.bodyBytes <= MAX_BATCH_BYTES) {
      bytes += waiting[size].row.bodyBytes;
      size += 1;
    }
    const batch = waiting.splice(0, size);
    batchesInFlight += 1;
    void writeBatch(batch).finally(() => {
      batchesInFlight -= 1;
      startBatches();
    });
  }
}

async function writeBatch(batch: PendingStore[]): Promise<void> {
  let outcomes: StoreResult["outcome"][];
  try {
    outcomes = await insertRows(batch.map((pending) => pending.row));
  } catch (error) {
    if (batch.length > 1 && refusedData(error)) {
      // The statement stored nothing. Write each event alone, so that one event the database
      // refuses fails only its own delivery (a 503 Zoom retries), not its neighbours'.
      await Promise.all(batch.map((pending) => writeBatch([pending])));
      return;
    }
    // Unreachable database and the like: every delivery in the batch gets its 503 now.
    for (const pending of batch) pending.reject(error);
    return;
  }
  batch.forEach((pending, index) => pending.resolve({ outcome: outcomes[index] }));
}

/** The database ran the statement and refused a value (SQLSTATE classes 22, 23, 54). */
function refusedData(error: unknown): boolean {
  const code = error instanceof pg.DatabaseError ? error.code : undefined;
  return code !== undefined && ["22", "23", "54"].includes(code.slice(0, 2));
}

async function insertRows(rows: StoreRow[]): Promise<StoreResult["outcome"][]> {
  // A named statement: each connection parses and plans it once (this runs for every delivery).
  const result = await getPool().query<{ outcome: StoreResult["outcome"] }>({
    name: "rollcall_store_webhook_events",
    text: STORE_EVENTS_SQL,
    values: [JSON.stringify(rows.map((row, ordinal) => ({ ...row, ordinal })))],
  });
  if (result.rows.length !== rows.length)
    throw new Error(`stored ${result.rows.length} delivery rows for ${rows.length} events`);
  return result.rows.map((row) => row.outcome);
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
