// Times in exports: ISO 8601 with the course's UTC offset at that very instant (so a class after
// a daylight-saving change says -07:00 and one before it -08:00), and the local calendar days
// that `from`/`to` in export requests are counted in.

const MINUTE_MS = 60_000;
/** Offsets are cached per UTC quarter hour: every zone changes offset at most once in one. */
const BUCKET_MS = 15 * MINUTE_MS;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
/** Per zone: quarter-hour bucket → offset, shared by every export of the process. */
const offsetsByBucket = new Map<string, Map<number, number>>();

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    // Throws a RangeError for an unknown zone, which is what callers want to hear about.
    formatter = new Intl.DateTimeFormat("en-US", { timeZone, timeZoneName: "longOffset" });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The zone's UTC offset at `ms`, in whole minutes east of UTC (e.g. -480 for 2026-11-25 in Los Angeles). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  const name = offsetFormatter(timeZone)
    .formatToParts(ms)
    .find((part) => part.type === "timeZoneName")?.value;
  // "GMT" for UTC itself, else "GMT-08:00", "GMT+05:45" (or "GMT-07:52:58" for 19th-century local mean time).
  const match = name ? /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name) : null;
  if (!match) throw new Error(`Unexpected UTC offset "${name}" for time zone ${timeZone}`);
  if (!match[1]) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]) + Math.round(Number(match[4] ?? 0) / 60);
  return match[1] === "-" ? -minutes : minutes;
}

const formattedOffsets = new Map<number, string>();

/** -480 → "-08:00" (memoised: a process meets a handful of offsets). */
function formatOffset(offsetMinutes: number): string {
  const cached = formattedOffsets.get(offsetMinutes);
  if (cached !== undefined) return cached;
  const formatted = computeOffsetText(offsetMinutes);
  formattedOffsets.set(offsetMinutes, formatted);
  return formatted;
}

function computeOffsetText(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? "-" : "+";
  const absolute = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, "0")}:${String(absolute % 60).padStart(2, "0")}`;
}

export interface ZonedFormatter {
  /** "2026-11-25T09:00:00-08:00" (whole seconds), or "" for null. */
  instant(value: Date | null): string;
  /** The local calendar day, "2026-11-25". */
  localDate(value: Date): string;
  offsetMinutes(ms: number): number;
}

/**
 * A formatter for one time zone. Exports format three times per row, so offsets are memoised per
 * quarter hour; a quarter hour that contains an offset change is computed per timestamp.
 */
export function zonedFormatter(timeZone: string): ZonedFormatter {
  offsetFormatter(timeZone);
  const byBucket = offsetsByBucket.get(timeZone) ?? new Map<number, number>();
  offsetsByBucket.set(timeZone, byBucket);
  const offsetMinutes = (ms: number): number => {
    const bucket = Math.floor(ms / BUCKET_MS);
    const cached = byBucket.get(bucket);
    if (cached !== undefined) return cached;
    const atStart = utcOffsetMinutes(bucket * BUCKET_MS, timeZone);
    const atEnd = utcOffsetMinutes(bucket * BUCKET_MS + BUCKET_MS - 1, timeZone);
    if (atStart !== atEnd) return utcOffsetMinutes(ms, timeZone);
    if (byBucket.size > 50_000) byBucket.clear(); // bounded, whatever the exports' spans
    byBucket.set(bucket, atStart);
    return atStart;
  };
  const localIso = (ms: number, offset: number) => new Date(Math.floor(ms / 1000) * 1000 + offset * MINUTE_MS).toISOString();
  return {
    instant(value) {
      if (!value) return "";
      const ms = value.getTime();
      const offset = offsetMinutes(ms);
      return localIso(ms, offset).slice(0, 19) + formatOffset(offset);
    },
    localDate(value) {
      const ms = value.getTime();
      return localIso(ms, offsetMinutes(ms)).slice(0, 10);
    },
    offsetMinutes,
  };
}

/** The time as ISO 8601 with the zone's offset at that instant, e.g. "2026-11-25T09:00:00-08:00". */
export function formatInstantInZone(value: Date, timeZone: string): string {
  return zonedFormatter(timeZone).instant(value);
}

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day written YYYY-MM-DD. */
export function isLocalDate(text: string): boolean {
  const match = LOCAL_DATE.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** The next calendar day, "2026-12-31" → "2027-01-01". */
export function nextLocalDate(date: string): string {
  const match = LOCAL_DATE.exec(date);
  if (!match) throw new Error(`Not a date: ${date}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1)).toISOString().slice(0, 10);
}

/**
 * The first instant of a local calendar day (normally its 00:00; where midnight is skipped by a
 * daylight-saving change, the instant the day begins). Found by bisection over whole minutes,
 * since every offset lies within UTC-12 and UTC+14.
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const match = LOCAL_DATE.exec(date);
  if (!match) throw new Error(`Not a date: ${date}`);
  const utcMidnight = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const formatter = zonedFormatter(timeZone);
  // low is before the day in every zone, high is within or after it.
  let low = utcMidnight / MINUTE_MS - 15 * 60;
  let high = utcMidnight / MINUTE_MS + 15 * 60;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (formatter.localDate(new Date(middle * MINUTE_MS)) >= date) high = middle;
    else low = middle;
  }
  return new Date(high * MINUTE_MS);
}

/** [start of `from`, start of the day after `to`) in the zone: the instants an export covers. */
export function localDateRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(nextLocalDate(to), timeZone) };
}
