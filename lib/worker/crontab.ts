// Recurring jobs (graphile-worker crontab syntax: minute hour day month weekday task ?opts payload).
// graphile-worker makes sure each runs once per schedule across all workers.
import type { TaskName } from "../queue/enqueue";

/** One crontab line; the task name is checked against the task map (lib/queue/payloads.ts). */
const cronLine = (schedule: string, task: TaskName, options: string) => `${schedule} ${task} ${options}`;

export const crontabLines: string[] = [
  // A recompute left locked by a worker that died mid-job (graphile-worker keeps the lock for 4 h)
  // is requeued by the sweeper (./sweeper.ts) within a minute, even while other workers run on.
  cronLine("* * * * *", "sweep_stale_projections", "?max=1"),
  // Reconciliation with Zoom's report (lib/reconcile/tasks.ts): after meetings, and nightly for 7 days.
  cronLine("*/10 * * * *", "reconcile_recent", "?max=1"),
  cronLine("15 3 * * *", "reconcile_nightly", "?max=3"),
  // Retention (lib/privacy/tasks.ts): raw webhook payloads older than RETENTION_DAYS, daily.
  cronLine("40 2 * * *", "purge_expired_payloads", "?max=3&fill=1d"),
  // Weekly at-risk digest (lib/notifications/digest.ts): Mondays 07:00 UTC; fill=6d catches up
  // after downtime within the week, and the digest's periodKey makes a catch-up send nothing twice.
  cronLine("0 7 * * 1", "at_risk_digest", "?max=3&fill=6d"),
];

export function crontab(): string {
  return crontabLines.length ? crontabLines.join("\n") + "\n" : "# no scheduled tasks\n";
}
