// Display formatting shared by server pages and client components. Times are always shown in the
// course's time zone with its abbreviation; the output is identical on the server and in the
// browser (fixed locale, and ICU's narrow no-break spaces replaced) so hydration never differs.

type DateInput = Date | string | number;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`;
  let cached = formatters.get(key);
  if (!cached) {
    cached = new Intl.DateTimeFormat("en-US", { timeZone, ...options });
    formatters.set(key, cached);
  }
  return cached;
}

const toDate = (value: DateInput) => (value instanceof Date ? value : new Date(value));
/** ICU puts U+202F / U+00A0 before "AM"; plain spaces keep server and browser text identical. */
const plainSpaces = (text: string) => text.replace(/[\u202f\u00a0]/g, " ");

/** "Tue, Nov 25, 2026, 9:00 AM PST" */
export function formatDateTime(value: DateInput, timeZone: string): string {
  return plainSpaces(
    formatter(timeZone, {
      weekday: "short",
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    }).format(toDate(value)),
  );
}

/** "Tue, Nov 25, 2026" */
export function formatDate(value: DateInput, timeZone: string): string {
  return plainSpaces(
    formatter(timeZone, { weekday: "short", year: "numeric", month: "short", day: "numeric" }).format(toDate(value)),
  );
}

/** "9:00 AM" (no zone: for tables whose heading names the zone) */
export function formatTime(value: DateInput, timeZone: string, withSeconds = false): string {
  return plainSpaces(
    formatter(timeZone, { hour: "numeric", minute: "2-digit", ...(withSeconds ? { second: "2-digit" } : {}) }).format(
      toDate(value),
    ),
  );
}

/** "PST", "GMT+1": the zone's short name at that instant. */
export function zoneAbbreviation(value: DateInput, timeZone: string): string {
  const part = formatter(timeZone, { timeZoneName: "short" })
    .formatToParts(toDate(value))
    .find((candidate) => candidate.type === "timeZoneName");
  return part?.value ?? timeZone;
}

/** "2026-11-25 17:00:03 UTC": for audit logs that belong to no course. */
export function formatUtc(value: DateInput): string {
  return `${toDate(value).toISOString().replace("T", " ").slice(0, 19)} UTC`;
}

/** "45 s", "12 min", "1 h 05 min" */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** One decimal, as the spec shows attendance: "90.0%". */
export function formatPercent(percent: number): string {
  return `${(Math.round(percent * 10) / 10).toFixed(1)}%`;
}

/** Whole minutes late, at least 1 (a late student is never "0 min late"): "12 min late". */
export function formatLateBy(lateBySeconds: number): string {
  return `${Math.max(1, Math.floor(lateBySeconds / 60))} min late`;
}

/** "1 student", "2 students" */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
