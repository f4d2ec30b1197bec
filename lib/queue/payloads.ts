// Every background task by name, with the payload it is queued with: the one contract between the
// code that adds jobs (lib/queue/enqueue.ts, from any feature) and the worker that runs them
// (lib/worker/tasks.ts, which must have a handler for each name). Payloads are stored as JSON in
// graphile_worker.jobs, so they hold JSON values only.
import type { Task } from "graphile-worker";

/** What started a reconciliation with Zoom's report (lib/reconcile). */
export type ReconcileTrigger = "after_meeting" | "nightly" | "manual";

export interface ReconcileJobPayload {
  sessionId: string;
  trigger: ReconcileTrigger;
  /** the user who asked (manual runs) */
  actorId?: string | null;
}

export interface CancelRegistrantsPayload {
  zoomMeetingId: string;
  /** the registrant IDs and emails Zoom needs: the student rows are gone by the time the job runs */
  registrants: { id: string; email: string }[];
}

/** Tasks run from the crontab (lib/worker/crontab.ts) take no payload of ours. */
type Scheduled = Record<string, never>;

declare global {
  // graphile-worker's own hook for payload types: with it, its TaskList gives each task's
  // handler the payload type below (and any other name an untyped payload).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace GraphileWorker {
    interface Tasks {
      /** recompute one session's attendance projection (lib/attendance/projection.ts) */
      recompute_session: { sessionId: string };
      /** queue recomputes a dead worker left undone (lib/worker/sweeper.ts) */
      sweep_stale_projections: Scheduled;
      /** record and queue the late-joiner mails of a session (lib/notifications/late-check.ts) */
      late_check: { sessionId: string };
      /** send one recorded notification (lib/notifications/send.ts) */
      send_notification: { notificationId: string };
      /** the weekly at-risk digest (lib/notifications/digest.ts) */
      at_risk_digest: Scheduled;
      /** reconcile one session with Zoom's participant report (lib/reconcile/tasks.ts) */
      reconcile_session: ReconcileJobPayload;
      reconcile_recent: Scheduled;
      reconcile_nightly: Scheduled;
      /** the retention purge (lib/privacy/tasks.ts); retentionDays defaults to RETENTION_DAYS */
      purge_expired_payloads: { retentionDays?: number };
      /** register a course's roster on a Zoom meeting (lib/registration/service.ts) */
      register_roster: { courseId: string; zoomMeetingId: string };
      /** cancel removed students' registrants on Zoom (lib/registration/service.ts) */
      cancel_registrants: CancelRegistrantsPayload;
    }
  }
}

export type TaskPayloads = GraphileWorker.Tasks;
export type TaskName = keyof TaskPayloads;

/** A handler for every task: a feature's task module `satisfies Partial<TaskHandlers>`. */
export type TaskHandlers = { [Name in TaskName]: Task<Name> };
