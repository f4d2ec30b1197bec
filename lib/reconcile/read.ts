// What the session page shows about reconciliation: whether it is on, when the session was last
// reconciled and what that changed, recent runs (failures with their error), and a queued or
// retrying job.
import { getConfig } from "../config";
import { prisma } from "../db";
import { NOT_CONFIGURED_MESSAGE } from "./constants";
import { reconcileJobKey } from "./queue";
import { webhookLogsAppId } from "./webhook-logs";

export interface ReconciliationRunView {
  id: string;
  trigger: string;
  status: "running" | "succeeded" | "failed" | string;
  startedAt: string;
  finishedAt: string | null;
  meetingUuids: string[];
  rowsSeen: number;
  joinsAdded: number;
  leavesAdded: number;
  /** failure message, or notes of a successful run */
  error: string | null;
  /** "added 3 leaves, 1 join" / "no changes" */
  changes: string;
}

export interface ReconciliationStatus {
  /** Report API credentials are set */
  configured: boolean;
  /** shown when not configured */
  offMessage: string | null;
  /** recovery of failed deliveries from Zoom's webhook logs (ZOOM_WEBHOOK_LOGS_APP_ID) */
  webhookLogsEnabled: boolean;
  lastReconciledAt: string | null;
  /** the course's IANA time zone, for showing times */
  timeZone: string;
  /** the last successful run */
  lastSucceeded: ReconciliationRunView | null;
  /** the most recent runs, newest first (at most 5) */
  recent: ReconciliationRunView[];
  /** a reconcile_session job waiting or retrying */
  pending: { runAt: string; attempts: number; lastError: string | null; running: boolean } | null;
}

/** "added 3 leaves, 1 join", "added 1 join", "no changes". */
export function describeChanges(joinsAdded: number, leavesAdded: number): string {
  const parts: string[] = [];
  if (leavesAdded > 0) parts.push(`${leavesAdded} ${leavesAdded === 1 ? "leave" : "leaves"}`);
  if (joinsAdded > 0) parts.push(`${joinsAdded} ${joinsAdded === 1 ? "join" : "joins"}`);
  return parts.length > 0 ? `added ${parts.join(", ")}` : "no changes";
}

type RunRow = Awaited<ReturnType<typeof prisma.reconciliation.findMany>>[number];

function toView(run: RunRow): ReconciliationRunView {
  return {
    id: run.id,
    trigger: run.trigger,
    status: run.status,
    startedAt: run.startedAt.toISOString(),
    finishedAt: run.finishedAt?.toISOString() ?? null,
    meetingUuids: run.meetingUuid ? run.meetingUuid.split(" ") : [],
    rowsSeen: run.rowsSeen,
    joinsAdded: run.joinsAdded,
    leavesAdded: run.leavesAdded,
    error: run.error,
    changes: describeChanges(run.joinsAdded, run.leavesAdded),
  };
}

function isConfigured(): boolean {
  try {
    return getConfig().reportApiConfigured;
  } catch {
    return false;
  }
}

export async function getReconciliationStatus(
  sessionId: string,
  options: { configured?: boolean } = {},
): Promise<ReconciliationStatus> {
  const configured = options.configured ?? isConfigured();
  const [session, runs, jobs] = await Promise.all([
    prisma.session.findUnique({
      where: { id: sessionId },
      select: { lastReconciledAt: true, course: { select: { timezone: true } } },
    }),
    prisma.reconciliation.findMany({ where: { sessionId }, orderBy: [{ startedAt: "desc" }, { id: "desc" }], take: 5 }),
    prisma.$queryRawUnsafe<{ run_at: Date; attempts: number; last_error: string | null; locked_at: Date | null }[]>(
      `SELECT run_at, attempts, last_error, locked_at FROM graphile_worker.jobs
        WHERE key = $1 AND task_identifier = 'reconcile_session' AND attempts < max_attempts LIMIT 1`,
      reconcileJobKey(sessionId),
    ),
  ]);
  const recent = runs.map(toView);
  let lastSucceeded = recent.find((run) => run.status === "succeeded") ?? null;
  if (!lastSucceeded && recent.length > 0) {
    const found = await prisma.reconciliation.findFirst({
      where: { sessionId, status: "succeeded" },
      orderBy: { startedAt: "desc" },
    });
    lastSucceeded = found ? toView(found) : null;
  }
  const job = jobs[0];
  return {
    configured,
    offMessage: configured ? null : NOT_CONFIGURED_MESSAGE,
    webhookLogsEnabled: configured && webhookLogsAppId() !== null,
    lastReconciledAt: session?.lastReconciledAt?.toISOString() ?? null,
    timeZone: session?.course.timezone ?? "UTC",
    lastSucceeded,
    recent,
    pending: job
      ? {
          runAt: new Date(job.run_at).toISOString(),
          attempts: Number(job.attempts),
          lastError: job.last_error,
          running: job.locked_at !== null,
        }
      : null,
  };
}
