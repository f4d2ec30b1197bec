// Recurring jobs (graphile-worker crontab syntax: minute hour day month weekday task ?opts payload).
// graphile-worker makes sure each runs once per schedule across all workers.
export const crontabLines: string[] = [
  // Reconciliation with Zoom's report (lib/reconcile/tasks.ts): after meetings, and nightly for 7 days.
  "*/10 * * * * reconcile_recent ?max=1",
  "15 3 * * * reconcile_nightly ?max=3",
];

export function crontab(): string {
  return crontabLines.length ? crontabLines.join("\n") + "\n" : "# no scheduled tasks\n";
}
