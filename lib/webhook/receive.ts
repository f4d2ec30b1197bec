// Webhook receipt (Zoom's delivery rules: docs/zoom.md): verify, store, answer. Nothing here waits
// for attendance: the statement that stores an event also adds it to the outbox that the worker's
// dispatcher turns into recompute jobs (lib/worker/dispatcher.ts, ADR 008). lib/zoom holds
// Zoom's formats (payload, signature); this folder is the part that writes.
import { getConfig } from "../config";
import { recordDelivery, storeWebhookEvent, type DeliveryMeta } from "../events/store";
import { errorMessage, log } from "../log";
import { verifySignature, urlValidationAnswer } from "../zoom/signature";
import { admitRejectedRow, diagnosticHeaders, type RejectedOutcome } from "./rejections";
import {
  envelopeSchema,
  isStoredEventType,
  parseStoredEvent,
  storableJson,
  storableText,
  urlValidationSchema,
} from "../zoom/payload";

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

/**
 * Records a rejected delivery: a row with only its diagnostic headers while this minute's budget
 * lasts, else just a count (lib/webhook/rejections.ts). Anyone can send these, so they stay bounded.
 */
async function auditRejected(
  outcome: RejectedOutcome,
  httpStatus: number,
  reason: string,
  headers: HeaderSource,
  bodyBytes: number,
  nowMs: number,
  extra: { body?: string; eventType?: string; eventTs?: Date | null } = {},
): Promise<void> {
  if (!admitRejectedRow(outcome, nowMs)) return;
  const meta: DeliveryMeta = {
    trackingId: headers.get("x-zm-trackingid"),
    requestId: headers.get("x-zm-request-id"),
    headers: diagnosticHeaders((name) => headers.get(name)),
    bodyBytes,
  };
  await audit({ outcome, httpStatus, reason, ...extra, meta });
}

/** An unknown path or method under /api/zoom/ (only POST /api/zoom/webhook exists): 404 or 405. */
export async function rejectUnknownZoomPath(
  headers: HeaderSource,
  method: string,
  path: string,
  nowMs: number,
): Promise<WebhookAnswer> {
  const wrongMethod = path === "/api/zoom/webhook" || path.startsWith("/api/zoom/webhook?");
  const status = wrongMethod ? 405 : 404;
  const reason = `${method} ${path}`.slice(0, 300);
  await auditRejected("rejected_path", status, reason, headers, Number(headers.get("content-length") ?? 0) || 0, nowMs);
  return wrongMethod
    ? {
        ...failure(405, "method_not_allowed", "Zoom's webhook endpoint accepts POST only."),
        headers: { allow: "POST" },
      }
    : failure(404, "not_found", "There is nothing here; Zoom's webhook endpoint is POST /api/zoom/webhook.");
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
export async function receiveWebhookBody(
  headers: HeaderSource,
  rawBody: Buffer | "too_large",
  nowMs: number,
): Promise<WebhookAnswer> {
  if (rawBody === "too_large") {
    await auditRejected(
      "rejected_size",
      413,
      "body over 1 MiB",
      headers,
      Number(headers.get("content-length") ?? 0) || 0,
      nowMs,
    );
    // The unread rest of the body would otherwise be taken for the connection's next request.
    return { ...failure(413, "payload_too_large", "The body is larger than 1 MiB."), headers: { connection: "close" } };
  }
  const check = verifySignature({
    rawBody,
    signature: headers.get("x-zm-signature"),
    timestamp: headers.get("x-zm-request-timestamp"),
    secrets: getConfig().ZOOM_WEBHOOK_SECRET_TOKEN,
    nowMs,
  });
  if (!check.ok) {
    const stale = check.reason === "stale_timestamp" || check.reason === "future_timestamp";
    await auditRejected(
      stale ? "rejected_timestamp" : "rejected_signature",
      401,
      check.reason,
      headers,
      rawBody.length,
      nowMs,
    );
    return failure(
      401,
      check.reason,
      stale
        ? "x-zm-request-timestamp is more than 2 hours old or more than 5 minutes ahead of the server's clock."
        : "The x-zm-signature header is missing or does not match any configured ZOOM_WEBHOOK_SECRET_TOKEN.",
    );
  }

  // Signed by Zoom from here on: accepted deliveries keep their headers (address headers are
  // cleared after RETENTION_DAYS); rejected ones keep only the diagnostic ones.
  const meta = metaFrom(headers, rawBody.length);
  const bodyText = rawBody.toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    await auditRejected("rejected_body", 400, "malformed JSON", headers, rawBody.length, nowMs, {
      body: bodyText.slice(0, KEPT_BODY_CHARS),
    });
    return failure(400, "malformed_json", "The body is not valid JSON.");
  }
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) {
    const reason = "not a Zoom event: expected {event, event_ts, payload}";
    await auditRejected("rejected_body", 400, reason, headers, rawBody.length, nowMs, {
      body: bodyText.slice(0, KEPT_BODY_CHARS),
    });
    return failure(400, "invalid_event", `The body is ${reason}.`);
  }
  const eventType = envelope.data.event;
  const eventTs = envelope.data.event_ts !== undefined ? new Date(envelope.data.event_ts) : null;

  if (eventType === "endpoint.url_validation") {
    const validation = urlValidationSchema.safeParse(body);
    if (!validation.success) {
      await auditRejected(
        "rejected_body",
        400,
        "url_validation without payload.plainToken",
        headers,
        rawBody.length,
        nowMs,
        { eventType },
      );
      return failure(400, "invalid_event", "endpoint.url_validation needs payload.plainToken.");
    }
    await audit({ outcome: "url_validation", httpStatus: 200, eventType, eventTs, meta });
    return { status: 200, body: urlValidationAnswer(validation.data.payload.plainToken, check.secret) };
  }

  if (!isStoredEventType(eventType)) {
    await audit({
      outcome: "ignored",
      httpStatus: 200,
      reason: "event type not used by Rollcall",
      eventType,
      eventTs,
      body: bodyText.slice(0, KEPT_BODY_CHARS),
      meta,
    });
    return { status: 200, body: { status: "ignored", event: eventType } };
  }

  const storable = storableJson(body);
  if (!storable.ok) {
    await auditRejected("rejected_body", 400, storable.message, headers, rawBody.length, nowMs, {
      eventType,
      eventTs,
      body: bodyText.slice(0, KEPT_BODY_CHARS),
    });
    return failure(400, "invalid_event", `The ${eventType} event is malformed: ${storable.message}.`);
  }
  body = storable.value;
  const parsed = parseStoredEvent(body);
  if (!parsed.ok) {
    await auditRejected("rejected_body", 400, parsed.message.slice(0, 500), headers, rawBody.length, nowMs, {
      eventType,
      eventTs,
      body: bodyText.slice(0, KEPT_BODY_CHARS),
    });
    return failure(400, "invalid_event", `The ${eventType} event is malformed: ${parsed.message}`);
  }

  try {
    const result = await storeWebhookEvent(parsed.fields, body, meta);
    return { status: 200, body: { status: result.outcome } };
  } catch (error) {
    // Not stored: a 5xx makes Zoom retry (T+5, +25, +85 min). Never a 200 here.
    log.error("webhook event not stored", { eventType, trackingId: meta.trackingId, error: errorMessage(error) });
    await audit({
      outcome: "failed",
      httpStatus: 503,
      reason: errorMessage(error).slice(0, 500),
      eventType,
      eventTs,
      meta,
    });
    return {
      ...failure(503, "unavailable", "The event could not be stored; Zoom will retry."),
      headers: { "Retry-After": "60" },
    };
  }
}
