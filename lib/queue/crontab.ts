// Recurring jobs (graphile-worker crontab syntax: minute hour day month weekday task ?opts payload).
// graphile-worker makes sure each runs once per schedule across all workers.
export const crontabLines: string[] = [];

export function crontab(): string {
  return crontabLines.length ? crontabLines.join("\n") + "\n" : "# no scheduled tasks\n";
}
