// One reconciliation of one session (docs/reconciliation.md, ADR 006):
//  1. recover the session's failed webhook deliveries from Zoom's webhook logs (if an app ID is set),
//  2. find the session's meeting instances (UUIDs of its stored events, else Zoom's list of past
//     instances whose start falls in the session's widened window),
//  3. fetch each instance's participant report and merge it into the event store (merge.ts),
//  4. recompute the session, and record what changed in a `reconciliations` row (and the audit log).
// Without Report API credentials nothing happens and nothing fails: the summary says "off".
import { recordAudit } from "../audit";
import { prisma } from "../db";
import { attachEventsToSessions } from "../attendance/engine";
import { competingSessions, courseMaySeeMeeting, readMeetingEvents } from "../attendance/load";
import { recomputeSession } from "../attendance/projection";
import {
  isJoinEvent,
  isLeaveEvent,
  normalizeMeetingId,
  sessionWindow,
  widenedSessionWindow,
} from "../attendance/rules";
import type { SessionInput } from "../attendance/types";
import { errorMessage, log } from "../log";
import { ZoomApiError, zoomClientFromConfig, type ZoomClient } from "../zoom/api";
import { MEETING_NOT_VISIBLE_MESSAGE, NOT_CONFIGURED_MESSAGE } from "./constants";
import { planReportMerge } from "./merge";
import type { ReconcileTrigger } from "./queue";
import { insertReportEvents, storedParticipantEvents } from "./store";
import { recoverWebhookLogs, webhookLogsAppId, type WebhookLogsResult } from "./webhook-logs";

const MINUTE_MS = 60_000;
/** Zoom retries a failed delivery for about 85 minutes after the first attempt. */
const DELIVERY_RETRY_SPAN_MS = 90 * MINUTE_MS;
/** A report Zoom does not have this soon after the class is "not ready yet": retried. */
const REPORT_GRACE_MS = 6 * 60 * MINUTE_MS;
/** A run still "running" after this long was interrupted (process killed). */
const STALE_RUN_MS = 30 * MINUTE_MS;

export { MEETING_NOT_VISIBLE_MESSAGE, NOT_CONFIGURED_MESSAGE };

export interface WebhookLogsSummary {
  status: "off" | "done" | "failed";
  message: string | null;
  logsSeen: number;
  /** recovered events of this session's meeting and window */
  joinsRecovered: number;
  leavesRecovered: number;
  otherRecovered: number;
  /** recovered events of other meetings or times (stored too; they attach wherever they belong) */
  elsewhereRecovered: number;
}

export interface ReconcileSummary {
  status: "off" | "not_found" | "succeeded" | "failed";
  sessionId: string;
  trigger: ReconcileTrigger;
  reconciliationId: string | null;
  meetingUuids: string[];
  /** where the meeting instances came from */
  instancesFrom: "events" | "zoom" | "none";
  rowsSeen: number;
  /** everything added for this session: report halves plus recovered webhook joins/leaves */
  joinsAdded: number;
  leavesAdded: number;
  report: { joinsAdded: number; leavesAdded: number; joinsMatched: number; leavesMatched: number; rowsSkipped: number };
  webhookLogs: WebhookLogsSummary;
  notes: string[];
  error: string | null;
  /** a failed run worth retrying later (Zoom not ready, rate-limited, unreachable) */
  retryable: boolean;
}

export interface ReconcileOptions {
  /** defaults to a client for the configured credentials; null = not configured */
  client?: ZoomClient | null;
  /** defaults to ZOOM_WEBHOOK_LOGS_APP_ID */
  webhookLogsAppId?: string | null;
  actorId?: string | null;
  /** page size of the participant report (default 300, Zoom's maximum) */
  pageSize?: number;
  now?: Date;
}

function emptyWebhookLogs(status: WebhookLogsSummary["status"], message: string | null): WebhookLogsSummary {
  return {
    status,
    message,
    logsSeen: 0,
    joinsRecovered: 0,
    leavesRecovered: 0,
    otherRecovered: 0,
    elsewhereRecovered: 0,
  };
}

type SessionRow = SessionInput & { courseId: string };

/** UUIDs of the meeting instances whose events attach to this session, read and attached as the projection does. */
async function knownInstanceUuids(session: SessionRow): Promise<string[]> {
  const widened = widenedSessionWindow(session);
  const [events, siblings] = await Promise.all([
    readMeetingEvents(session.zoomMeetingId, widened.start, widened.end),
    competingSessions(prisma, session.courseId, session.zoomMeetingId, widened),
  ]);
  const attached = attachEventsToSessions(events, siblings).get(session.id) ?? [];
  return [
    ...new Set(attached.map((event) => event.meetingUuid).filter((uuid): uuid is string => uuid !== null)),
  ].sort();
}

/** Zoom's past instances of the meeting ID that started inside the session's widened window. */
async function instancesFromZoom(client: ZoomClient, session: SessionRow): Promise<string[]> {
  const widened = widenedSessionWindow(session);
  try {
    const instances = await client.pastInstances(session.zoomMeetingId);
    return instances
      .filter((instance) => {
        const startMs = Date.parse(instance.start_time);
        return !Number.isNaN(startMs) && startMs >= widened.start.getTime() && startMs < widened.end.getTime();
      })
      .map((instance) => instance.uuid)
      .sort();
  } catch (error) {
    // 404: Zoom knows no past instance of this meeting ID (never held, or not listed yet).
    if (error instanceof ZoomApiError && error.status === 404) return [];
    throw error;
  }
}

function summarizeWebhookLogs(result: WebhookLogsResult, session: SessionRow): WebhookLogsSummary {
  if (result.status !== "done") return emptyWebhookLogs(result.status, result.message);
  const widened = widenedSessionWindow(session);
  const summary = emptyWebhookLogs("done", null);
  summary.logsSeen = result.logsSeen;
  const meetingId = normalizeMeetingId(session.zoomMeetingId);
  for (const event of result.recovered) {
    const inSession =
      normalizeMeetingId(event.zoomMeetingId) === meetingId &&
      event.occurredAt >= widened.start &&
      event.occurredAt < widened.end;
    if (!inSession) summary.elsewhereRecovered++;
    else if (isJoinEvent(event.eventType)) summary.joinsRecovered++;
    else if (isLeaveEvent(event.eventType)) summary.leavesRecovered++;
    else summary.otherRecovered++;
  }
  return summary;
}

export async function reconcileSession(
  sessionId: string,
  trigger: ReconcileTrigger,
  options: ReconcileOptions = {},
): Promise<ReconcileSummary> {
  const now = options.now ?? new Date();
  const summary: ReconcileSummary = {
    status: "succeeded",
    sessionId,
    trigger,
    reconciliationId: null,
    meetingUuids: [],
    instancesFrom: "none",
    rowsSeen: 0,
    joinsAdded: 0,
    leavesAdded: 0,
    report: { joinsAdded: 0, leavesAdded: 0, joinsMatched: 0, leavesMatched: 0, rowsSkipped: 0 },
    webhookLogs: emptyWebhookLogs("off", null),
    notes: [],
    error: null,
    retryable: false,
  };
  const client = options.client === undefined ? zoomClientFromConfig() : options.client;
  if (!client) {
    return {
      ...summary,
      status: "off",
      error: NOT_CONFIGURED_MESSAGE,
      webhookLogs: emptyWebhookLogs("off", NOT_CONFIGURED_MESSAGE),
    };
  }
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      courseId: true,
      zoomMeetingId: true,
      startsAt: true,
      durationMinutes: true,
      lateAfterMinutes: true,
      requiredPercent: true,
    },
  });
  if (!session) return { ...summary, status: "not_found", error: `No session with id ${sessionId}.` };
  // A course that may not see the meeting (another course's, not shared with it) learns nothing
  // of it: no Zoom report, no webhook logs, no run recorded.
  if (!(await courseMaySeeMeeting(prisma, session.courseId, session.zoomMeetingId))) {
    return {
      ...summary,
      status: "failed",
      error: `${MEETING_NOT_VISIBLE_MESSAGE} (meeting ${session.zoomMeetingId})`,
      retryable: false,
    };
  }

  await prisma.reconciliation.updateMany({
    where: { sessionId, status: "running", startedAt: { lt: new Date(now.getTime() - STALE_RUN_MS) } },
    data: { status: "failed", finishedAt: now, error: "interrupted (the worker stopped during the run)" },
  });
  const run = await prisma.reconciliation.create({ data: { sessionId, trigger, status: "running", startedAt: now } });
  summary.reconciliationId = run.id;

  try {
    const widened = widenedSessionWindow(session);
    const sessionEndMs = sessionWindow(session).end.getTime();

    // 1. Deliveries that failed while the server was down: stored like live webhooks, first, so
    //    that the report merge below sees them and adds nothing twice.
    const appId = options.webhookLogsAppId === undefined ? webhookLogsAppId() : options.webhookLogsAppId;
    const logs = await recoverWebhookLogs(client, {
      appId,
      from: widened.start,
      to: new Date(widened.end.getTime() + DELIVERY_RETRY_SPAN_MS),
      now,
    });
    summary.webhookLogs = summarizeWebhookLogs(logs, session);
    if (logs.status === "failed") summary.notes.push(logs.message);

    // 2. Which meeting instances.
    let uuids = await knownInstanceUuids(session);
    summary.instancesFrom = uuids.length > 0 ? "events" : "none";
    if (uuids.length === 0) {
      uuids = await instancesFromZoom(client, session);
      if (uuids.length > 0) summary.instancesFrom = "zoom";
    }
    summary.meetingUuids = uuids;
    if (uuids.length === 0) summary.notes.push("Zoom lists no instance of this meeting in the session's time window.");

    // 3. Each instance's participant report, merged (a webinar's from the webinar report).
    const webinars = new Set(
      (
        await prisma.event.findMany({
          where: { meetingUuid: { in: uuids }, eventType: { startsWith: "webinar." } },
          select: { meetingUuid: true },
          distinct: ["meetingUuid"],
        })
      ).map((event) => event.meetingUuid),
    );
    for (const uuid of uuids) {
      const kind = webinars.has(uuid) ? ("webinar" as const) : ("meeting" as const);
      let rows;
      try {
        rows = await client.reportParticipants(uuid, { pageSize: options.pageSize, kind });
      } catch (error) {
        if (error instanceof ZoomApiError && error.status === 404) {
          if (now.getTime() - sessionEndMs < REPORT_GRACE_MS) {
            throw new ZoomApiError(
              `Zoom has no participant report for meeting instance ${uuid} yet`,
              404,
              error.zoomCode,
              true,
            );
          }
          summary.notes.push(`Zoom has no participant report for meeting instance ${uuid}.`);
          continue;
        }
        throw error;
      }
      const stored = await storedParticipantEvents(uuid);
      const plan = planReportMerge(rows, stored, {
        meetingUuid: uuid,
        zoomMeetingId: normalizeMeetingId(session.zoomMeetingId),
        kind,
      });
      const inserted = await insertReportEvents(plan.inserts);
      summary.rowsSeen += plan.rowsSeen;
      summary.report.rowsSkipped += plan.rowsSkipped;
      summary.report.joinsMatched += plan.joinsMatched;
      summary.report.leavesMatched += plan.leavesMatched;
      for (const event of inserted) {
        if (isJoinEvent(event.eventType)) summary.report.joinsAdded++;
        else summary.report.leavesAdded++;
      }
    }
    summary.joinsAdded = summary.report.joinsAdded + summary.webhookLogs.joinsRecovered;
    summary.leavesAdded = summary.report.leavesAdded + summary.webhookLogs.leavesRecovered;

    // 4. Attendance from the completed event store.
    await recomputeSession(sessionId);
    const finishedAt = new Date();
    await prisma.$transaction([
      prisma.reconciliation.update({
        where: { id: run.id },
        data: {
          status: "succeeded",
          finishedAt,
          meetingUuid: uuids.length > 0 ? uuids.join(" ") : null,
          rowsSeen: summary.rowsSeen,
          joinsAdded: summary.joinsAdded,
          leavesAdded: summary.leavesAdded,
          error: summary.notes.length > 0 ? summary.notes.join(" ").slice(0, 2000) : null,
        },
      }),
      prisma.session.update({ where: { id: sessionId }, data: { lastReconciledAt: finishedAt } }),
      recordAudit(prisma, {
        action: "session.reconciled",
        actorId: options.actorId ?? null,
        subject: { type: "session", id: sessionId },
        detail: auditDetails(summary),
      }),
    ]);
    log.info("session reconciled", {
      sessionId,
      trigger,
      rowsSeen: summary.rowsSeen,
      joinsAdded: summary.joinsAdded,
      leavesAdded: summary.leavesAdded,
      webhookLogs: summary.webhookLogs.status,
    });
    return summary;
  } catch (error) {
    const message = errorMessage(error).slice(0, 2000);
    summary.status = "failed";
    summary.error = message;
    summary.retryable = error instanceof ZoomApiError ? error.retryable : true;
    await prisma.reconciliation
      .update({
        where: { id: run.id },
        data: {
          status: "failed",
          finishedAt: new Date(),
          meetingUuid: summary.meetingUuids.length > 0 ? summary.meetingUuids.join(" ") : null,
          rowsSeen: summary.rowsSeen,
          joinsAdded: summary.report.joinsAdded + summary.webhookLogs.joinsRecovered,
          leavesAdded: summary.report.leavesAdded + summary.webhookLogs.leavesRecovered,
          error: message,
        },
      })
      .catch((updateError: unknown) =>
        log.error("reconciliation row not updated", { sessionId, error: errorMessage(updateError) }),
      );
    log.warn("session reconciliation failed", { sessionId, trigger, retryable: summary.retryable, error: message });
    return summary;
  }
}

function auditDetails(summary: ReconcileSummary) {
  return {
    reconciliationId: summary.reconciliationId,
    trigger: summary.trigger,
    meetingUuids: summary.meetingUuids,
    instancesFrom: summary.instancesFrom,
    rowsSeen: summary.rowsSeen,
    joinsAdded: summary.joinsAdded,
    leavesAdded: summary.leavesAdded,
    report: summary.report,
    webhookLogs: { ...summary.webhookLogs },
    notes: summary.notes,
  };
}
