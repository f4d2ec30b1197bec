// Recovering webhook deliveries that failed while Rollcall was down, from Zoom's webhook-logs API
// (GET /marketplace/apps/{appId}/webhook_logs: the last 7 days, failed deliveries by default, each
// with the request body Zoom tried to deliver). A recovered body goes through the very store a
// live webhook goes through (storeWebhookEvent: identity key, ON CONFLICT DO NOTHING, recompute
// jobs, audit row with tracking ID "webhook-logs"), so an event that did arrive, or that was
// already recovered, never counts twice.
//
// The logs belong to the Zoom app that sends the webhooks, named by ZOOM_WEBHOOK_LOGS_APP_ID.
// Unset: recovery is off (and says so in every reconciliation summary).
import { prisma } from "../db";
import { WEBHOOK_LOGS_OFF_MESSAGE } from "./constants";
import { storeWebhookEvent } from "../events/store";
import { errorMessage, log } from "../log";
import { isStoredEventType, parseStoredEvent, type StoredEventFields } from "../zoom/payload";
import { ZoomApiError, type ZoomClient, type ZoomWebhookLog } from "../zoom/api";

/** Zoom keeps webhook logs for 7 days; stay a little inside that. */
export const WEBHOOK_LOGS_MAX_AGE_MS = 7 * 24 * 3600_000 - 5 * 60_000;
export const WEBHOOK_LOGS_TRACKING_ID = "webhook-logs";

/** The Zoom app whose webhook logs are read (env ZOOM_WEBHOOK_LOGS_APP_ID), or null: recovery off. */
export function webhookLogsAppId(env: Record<string, string | undefined> = process.env): string | null {
  const value = env.ZOOM_WEBHOOK_LOGS_APP_ID?.trim();
  return value ? value : null;
}

export interface RecoveredEvent {
  eventType: string;
  zoomMeetingId: string;
  occurredAt: Date;
}

export type WebhookLogsResult =
  | { status: "off"; message: string }
  | { status: "failed"; message: string; retryable: boolean }
  | {
      status: "done";
      from: string;
      to: string;
      /** log entries returned by Zoom */
      logsSeen: number;
      /** entries whose body is a meeting/webinar event Rollcall stores */
      usable: number;
      /** stored now (the rest were already in the store) */
      recovered: RecoveredEvent[];
    };

/** The body a log entry carries: `request_body` as a JSON string (documented) or an object. */
export function logRequestBody(entry: ZoomWebhookLog): { body: unknown; text: string } | null {
  const raw = entry.request_body;
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "object") return { body: raw, text: JSON.stringify(raw) };
  if (typeof raw !== "string" || raw.trim() === "" || raw === "N/A") return null;
  try {
    return { body: JSON.parse(raw), text: raw };
  } catch {
    return null;
  }
}

function headersOf(entry: ZoomWebhookLog): Record<string, string> {
  const headers: Record<string, string> = { "x-rollcall-source": "zoom-webhook-logs" };
  if (entry.date_time) headers["x-zm-log-date-time"] = String(entry.date_time).slice(0, 64);
  if (entry.retry_num !== undefined) headers["x-zm-log-retry-num"] = String(entry.retry_num);
  if (entry.status !== undefined) headers["x-zm-log-status"] = String(entry.status);
  if (entry.trace_id) headers["x-zm-log-trace-id"] = String(entry.trace_id).slice(0, 200);
  return headers;
}

/**
 * Reads the failed deliveries between `from` and `to` (clamped to Zoom's 7 days) and stores the
 * events among them that are not stored yet. Never throws: a failure is reported in the result.
 */
export async function recoverWebhookLogs(
  client: ZoomClient,
  options: { appId: string | null; from: Date; to: Date; now?: Date; pageSize?: number },
): Promise<WebhookLogsResult> {
  if (!options.appId) {
    return { status: "off", message: WEBHOOK_LOGS_OFF_MESSAGE };
  }
  const now = options.now ?? new Date();
  const from = new Date(Math.max(options.from.getTime(), now.getTime() - WEBHOOK_LOGS_MAX_AGE_MS));
  const to = new Date(Math.min(options.to.getTime(), now.getTime()));
  if (from.getTime() >= to.getTime()) {
    return { status: "done", from: from.toISOString(), to: to.toISOString(), logsSeen: 0, usable: 0, recovered: [] };
  }
  let logs: ZoomWebhookLog[];
  try {
    logs = await client.webhookLogs(options.appId, { from, to, type: 2, pageSize: options.pageSize });
  } catch (error) {
    const retryable = error instanceof ZoomApiError ? error.retryable : true;
    log.warn("webhook logs not read", { error: errorMessage(error) });
    return { status: "failed", message: `Zoom's webhook logs could not be read: ${errorMessage(error)}`, retryable };
  }

  // The same event appears once per failed attempt (retry_num 0..3): one candidate per identity.
  const candidates = new Map<
    string,
    { fields: StoredEventFields; body: unknown; text: string; entry: ZoomWebhookLog }
  >();
  for (const entry of logs) {
    const request = logRequestBody(entry);
    if (!request) continue;
    const eventType = (request.body as { event?: unknown } | null)?.event;
    if (typeof eventType !== "string" || !isStoredEventType(eventType)) continue;
    const parsed = parseStoredEvent(request.body);
    if (!parsed.ok) continue;
    if (!candidates.has(parsed.fields.dedupeKey))
      candidates.set(parsed.fields.dedupeKey, { fields: parsed.fields, ...request, entry });
  }
  const known = new Set(
    (
      await prisma.event.findMany({ where: { dedupeKey: { in: [...candidates.keys()] } }, select: { dedupeKey: true } })
    ).map((event) => event.dedupeKey),
  );
  const recovered: RecoveredEvent[] = [];
  for (const [dedupeKey, candidate] of candidates) {
    if (known.has(dedupeKey)) continue;
    const result = await storeWebhookEvent(candidate.fields, candidate.body, {
      trackingId: WEBHOOK_LOGS_TRACKING_ID,
      requestId: candidate.entry.request_id ? String(candidate.entry.request_id).slice(0, 200) : null,
      headers: headersOf(candidate.entry),
      bodyBytes: Buffer.byteLength(candidate.text),
    });
    if (result.outcome === "stored") {
      recovered.push({
        eventType: candidate.fields.eventType,
        zoomMeetingId: candidate.fields.zoomMeetingId,
        occurredAt: candidate.fields.occurredAt,
      });
    }
  }
  if (recovered.length > 0)
    log.info("webhook deliveries recovered from Zoom's logs", {
      recovered: recovered.length,
      from: from.toISOString(),
      to: to.toISOString(),
    });
  return {
    status: "done",
    from: from.toISOString(),
    to: to.toISOString(),
    logsSeen: logs.length,
    usable: candidates.size,
    recovered,
  };
}
