// Background tasks of reconciliation (registered in lib/worker/tasks.ts, scheduled by
// lib/worker/crontab.ts):
// - reconcile_session {sessionId, trigger}: one run; throws when Zoom was not ready or not
//   reachable so graphile-worker retries it with exponential backoff (up to 10 attempts).
// - reconcile_recent (every 10 minutes): sessions whose meeting instance ended at least
//   RECONCILE_DELAY_MINUTES ago (or, if meeting.ended never arrived, whose widened window closed)
//   within the last day and that have no reconciliation since then get one ("after_meeting").
// - reconcile_nightly (03:15 UTC): every ended session of the last 7 days ("nightly"), after an
//   account-wide pass over the last 7 days of Zoom's webhook logs.
// Without Report API credentials every task returns at once: nothing is called, nothing fails.
import { getConfig } from "../config";
import { prisma } from "../db";
import { log } from "../log";
import type { TaskHandlers } from "../queue/enqueue";
import { zoomClientFromConfig } from "../zoom/api";
import { enqueueReconcile, RECONCILE_TRIGGERS, type ReconcileJobPayload, type ReconcileTrigger } from "./queue";
import { reconcileSession } from "./run";
import { recoverWebhookLogs, webhookLogsAppId, WEBHOOK_LOGS_MAX_AGE_MS } from "./webhook-logs";

const RECENT_LOOKBACK_HOURS = 24;
const NIGHTLY_DAYS = 7;
/** Space nightly runs out so a school's hundreds of sessions stay under Zoom's rate limits. */
const NIGHTLY_SPACING_MS = 2_000;

/**
 * Sessions due for their after-meeting reconciliation at `now`: the end of their latest meeting
 * instance (meeting.ended; else the end of the widened window) is at least `delayMinutes` ago and
 * at most a day ago, and no reconciliation started since then (a run in the first minutes after
 * the end, when Zoom's report may be incomplete, does not count).
 */
export async function findSessionsDueAfterMeeting(now: Date, delayMinutes: number): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT s.id
       FROM sessions s
       CROSS JOIN LATERAL (
         SELECT max(mi."endedAt") AS ended
           FROM meeting_instances mi
          WHERE mi."zoomMeetingId" = s."zoomMeetingId"
            AND coalesce(mi."startedAt", mi."endedAt") >= s."startsAt" - interval '60 minutes'
            AND coalesce(mi."startedAt", mi."endedAt") < s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes'
       ) instance
       CROSS JOIN LATERAL (
         SELECT coalesce(instance.ended, s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes') AS ended_at
       ) due
      WHERE s."startsAt" >= $1::timestamptz - interval '2 days'
        AND s."startsAt" < $1::timestamptz
        AND due.ended_at + make_interval(secs => $2::double precision * 60) <= $1::timestamptz
        AND due.ended_at > $1::timestamptz - make_interval(hours => $3::int)
        AND NOT EXISTS (
          SELECT 1 FROM reconciliations r
           WHERE r."sessionId" = s.id AND r."startedAt" >= due.ended_at + make_interval(secs => $2::double precision * 60))
      ORDER BY s."startsAt"`,
    now.toISOString(),
    delayMinutes,
    RECENT_LOOKBACK_HOURS,
  );
  return rows.map((row) => row.id);
}

/** Ended sessions (widened window closed) that started within the last `days` days. */
export async function findSessionsForNightly(now: Date, days = NIGHTLY_DAYS): Promise<string[]> {
  const rows = await prisma.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM sessions
      WHERE "startsAt" >= $1::timestamptz - make_interval(days => $2::int)
        AND "startsAt" + make_interval(mins => "durationMinutes") + interval '60 minutes' <= $1::timestamptz
      ORDER BY "startsAt"`,
    now.toISOString(),
    days,
  );
  return rows.map((row) => row.id);
}

function parsePayload(payload: unknown): ReconcileJobPayload {
  const value = (payload ?? {}) as Partial<ReconcileJobPayload>;
  if (typeof value.sessionId !== "string" || value.sessionId === "")
    throw new Error("reconcile_session needs a sessionId");
  const trigger: ReconcileTrigger = RECONCILE_TRIGGERS.includes(value.trigger as ReconcileTrigger)
    ? (value.trigger as ReconcileTrigger)
    : "manual";
  return { sessionId: value.sessionId, trigger, actorId: typeof value.actorId === "string" ? value.actorId : null };
}

export const reconcileTasks = {
  async reconcile_session(payload) {
    const { sessionId, trigger, actorId } = parsePayload(payload);
    const summary = await reconcileSession(sessionId, trigger, { actorId });
    // Thrown, graphile-worker retries later with backoff (the report may not be complete yet).
    if (summary.status === "failed" && summary.retryable) throw new Error(summary.error ?? "reconciliation failed");
  },

  async reconcile_recent() {
    const config = getConfig();
    if (!config.reportApiConfigured) return;
    const now = new Date();
    const due = await findSessionsDueAfterMeeting(now, config.RECONCILE_DELAY_MINUTES);
    for (const sessionId of due) await enqueueReconcile(sessionId, "after_meeting", { runAt: now });
    if (due.length > 0) log.info("after-meeting reconciliations queued", { sessions: due.length });
  },

  async reconcile_nightly() {
    const client = zoomClientFromConfig();
    if (!client) return;
    const now = new Date();
    // Account-wide: events of meetings no session claims yet are kept for sessions created later.
    const appId = webhookLogsAppId();
    if (appId) {
      const result = await recoverWebhookLogs(client, {
        appId,
        from: new Date(now.getTime() - WEBHOOK_LOGS_MAX_AGE_MS),
        to: now,
        now,
      });
      if (result.status === "failed") log.warn("nightly webhook-logs recovery failed", { error: result.message });
    }
    const sessions = await findSessionsForNightly(now);
    for (const [index, sessionId] of sessions.entries()) {
      await enqueueReconcile(sessionId, "nightly", { runAt: new Date(now.getTime() + index * NIGHTLY_SPACING_MS) });
    }
    log.info("nightly reconciliations queued", { sessions: sessions.length });
  },
} satisfies Partial<TaskHandlers>;
