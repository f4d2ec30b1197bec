// Webhook receipt (SPEC "Webhook receipt"): verify, store, answer. Nothing here waits for
// attendance: the stored event's recomputation is queued in the same statement that stores it.
import { getConfig } from "../config";
import { recordDelivery, storeWebhookEvent, type DeliveryMeta } from "../events/store";
import { errorMessage, log } from "../log";
import { verifySignature, urlValidationAnswer } from "./signature";
import { envelopeSchema, isStoredEventType, parseStoredEvent, storableJson, storableText, urlValidationSchema } from "./payload";

export const MAX_BODY_BYTES = 1024 * 1024;
const KEPT_BODY_CHARS = 64 * 1024;
const REDACTED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

export interface WebhookAnswer {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** The request headers receipt reads: a fetch Headers, or Node's IncomingMessage headers adapted. */
export interface HeaderSource {
  get(name: string): string | null;
  forEach(callback: (value: string, name: string) => void): void;
}

function metaFrom(headers: HeaderSource, bodyBytes: number): DeliveryMeta {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    kept[name] = REDACTED_HEADERS.has(name) ? "[redacted]" : value.slice(0, 1000);
  });
  return {
    trackingId: headers.get("x-zm-trackingid"),
    requestId: headers.get("x-zm-request-id"),
    headers: kept,
    bodyBytes,
  };
}

function failure(status: number, code: string, message: string): WebhookAnswer {
  return { status, body: { error: { code, message } } };
}

/** Reads at most MAX_BODY_BYTES + 1 bytes: an oversized body is refused without reading it all. */
export async function readCappedBody(request: Request): Promise<Buffer | "too_large"> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) return "too_large";
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      return "too_large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Writes the audit row of a delivery that stored nothing; its failure never changes the answer. */
async function audit(entry: Parameters<typeof recordDelivery>[0]): Promise<void> {
  try {
    await recordDelivery({
      ...entry,
      // Whatever the body held, the audit row must be writable (Postgres text refuses NUL).
      body: entry.body === undefined || entry.body === null ? entry.body : storableText(entry.body),
      eventType: entry.eventType ? storableText(entry.eventType) : entry.eventType,
      reason: entry.reason ? storableText(entry.reason) : entry.reason,
    });
  } catch (error) {
    log.error("webhook audit row not written", { outcome: entry.outcome, error: errorMessage(error) });
  }
}

/** The route handler's entry: a fetch Request. */
export async function receiveWebhook(request: Request, nowMs: number): Promise<WebhookAnswer> {
  return receiveWebhookBody(request.headers, await readCappedBody(request), nowMs);
}

/** Verify, store, answer — given the headers and the body read with the 1 MiB cap. */
export async function receiveWebhookBody(headers: HeaderSource, rawBody: Buffer | "too_large", nowMs: number): Promise<WebhookAnswer> {
  if (rawBody === "too_large") {
    const meta = metaFrom(headers, Number(headers.get("content-length") ?? 0));
    await audit({ outcome: "rejected_size", httpStatus: 413, reason: "body over 1 MiB", meta });
    // The unread rest of the body would otherwise be taken for the connection's next request.
    return { ...failure(413, "payload_too_large", "The body is larger than 1 MiB."), headers: { connection: "close" } };
  }
  const meta = metaFrom(headers, rawBody.length);
  const check = verifySignature({
    rawBody,
    signature: headers.get("x-zm-signature"),
    timestamp: headers.get("x-zm-request-timestamp"),
    secrets: getConfig().ZOOM_WEBHOOK_SECRET_TOKEN,
    nowMs,
  });
  if (!check.ok) {
    const stale = check.reason === "stale_timestamp" || check.reason === "future_timestamp";
    await audit({ outcome: stale ? "rejected_timestamp" : "rejected_signature", httpStatus: 401, reason: check.reason, meta });
    return failure(
      401,
      check.reason,
      stale
        ? "x-zm-request-timestamp is more than 2 hours old or more than 5 minutes ahead of the server's clock."
        : "The x-zm-signature header is missing or does not match any configured ZOOM_WEBHOOK_SECRET_TOKEN.",
    );
  }

  const bodyText = rawBody.toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    await audit({ outcome: "rejected_body", httpStatus: 400, reason: "malformed JSON", body: bodyText.slice(0, KEPT_BODY_CHARS), meta });
    return failure(400, "malformed_json", "The body is not valid JSON.");
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    const reason = "not a Zoom event: expected {event, event_ts, payload}";
    await audit({ outcome: "rejected_body", httpStatus: 400, reason, body: bodyText.slice(0, KEPT_BODY_CHARS), meta });
    return failure(400, "invalid_event", `The body is ${reason}.`);
  }
  const eventType = envelope.data.event;
  const eventTs = envelope.data.event_ts !== undefined ? new Date(envelope.data.event_ts) : null;

  if (eventType === "endpoint.url_validation") {
    const validation = urlValidationSchema.safeParse(body);
    if (!validation.success) {
      await audit({ outcome: "rejected_body", httpStatus: 400, reason: "url_validation without payload.plainToken", eventType, meta });
      return failure(400, "invalid_event", "endpoint.url_validation needs payload.plainToken.");
    }
    await audit({ outcome: "url_validation", httpStatus: 200, eventType, eventTs, meta });
    return { status: 200, body: urlValidationAnswer(validation.data.payload.plainToken, check.secret) };
  }

  if (!isStoredEventType(eventType)) {
    await audit({ outcome: "ignored", httpStatus: 200, reason: "event type not used by Rollcall", eventType, eventTs, body: bodyText.slice(0, KEPT_BODY_CHARS), meta });
    return { status: 200, body: { status: "ignored", event: eventType } };
  }

  const storable = storableJson(body);
  if (!storable.ok) {
    await audit({ outcome: "rejected_body", httpStatus: 400, reason: storable.message, eventType, eventTs, body: bodyText.slice(0, KEPT_BODY_CHARS), meta });
    return failure(400, "invalid_event", `The ${eventType} event is malformed: ${storable.message}.`);
  }
  body = storable.value;
  const parsed = parseStoredEvent(body);
  if (!parsed.ok) {
    await audit({ outcome: "rejected_body", httpStatus: 400, reason: parsed.message.slice(0, 500), eventType, eventTs, body: bodyText.slice(0, KEPT_BODY_CHARS), meta });
    return failure(400, "invalid_event", `The ${eventType} event is malformed: ${parsed.message}`);
  }

  try {
    const result = await storeWebhookEvent(parsed.fields, body, meta);
    return { status: 200, body: { status: result.outcome } };
  } catch (error) {
    // Not stored: a 5xx makes Zoom retry (T+5, +25, +85 min). Never a 200 here.
    log.error("webhook event not stored", { eventType, trackingId: meta.trackingId, error: errorMessage(error) });
    await audit({ outcome: "failed", httpStatus: 503, reason: errorMessage(error).slice(0, 500), eventType, eventTs, meta });
    return { ...failure(503, "unavailable", "The event could not be stored; Zoom will retry."), headers: { "Retry-After": "60" } };
  }
}
