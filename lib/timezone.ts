// Wall-clock times in a course's IANA time zone <-> instants. Forms ask for local times
// ("2026-03-08T02:30" in America/Los_Angeles); the database stores UTC instants. The zone rules
// and the daylight-saving resolution are Temporal's (the temporal-polyfill package, ADR 019), so
// this works the same on the server and in the browser.
import { Temporal } from "temporal-polyfill";

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const zoned = (instantMs: number, timeZone: string) =>
  Temporal.Instant.fromEpochMilliseconds(instantMs).toZonedDateTimeISO(timeZone);

/** The wall-clock reading in `timeZone` at `instant`. */
export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const { year, month, day, hour, minute, second } = zoned(instant.getTime(), timeZone);
  return { year, month, day, hour, minute, second };
}

/** Offset of `timeZone` from UTC at `instantMs`, in milliseconds (e.g. -8 h for PST). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  return zoned(instantMs, timeZone).offsetNanoseconds / 1e6;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses "YYYY-MM-DDTHH:mm[:ss]" (what <input type="datetime-local"> submits); null if malformed. */
export function parseLocalDateTime(value: string): WallTime | null {
  // The pattern first: Temporal alone would also take "2026-11-25 09:00" or a zone suffix.
  const match = LOCAL_INPUT.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = { year, month, day, hour, minute, second };
  try {
    // Rejects 2026-02-30 and 25:00 instead of rolling them over.
    Temporal.PlainDateTime.from(wall, { overflow: "reject" });
  } catch {
    return null;
  }
  return wall;
}

/**
 * The instant at which clocks in `timeZone` read `wall`. DST is resolved in Temporal's
 * "compatible" mode: a time that happens twice (clocks go back) is the first one; a time that
 * never happens (clocks go forward) moves forward by the gap (02:30 becomes 03:30).
 */
export function zonedWallTimeToInstant(wall: WallTime, timeZone: string): Date {
  const local = new Temporal.PlainDateTime(wall.year, wall.month, wall.day, wall.hour, wall.minute, wall.second);
  return new Date(local.toZonedDateTime(timeZone, { disambiguation: "compatible" }).epochMilliseconds);
}

/** "YYYY-MM-DDTHH:mm" in `timeZone` -> instant; null when the text is not such a time. */
export function localDateTimeToInstant(value: string, timeZone: string): Date | null {
  const wall = parseLocalDateTime(value);
  return wall ? zonedWallTimeToInstant(wall, timeZone) : null;
}

/** The value for <input type="datetime-local"> showing `instant` in `timeZone` ("YYYY-MM-DDTHH:mm"). */
export function instantToLocalInput(instant: Date, timeZone: string): string {
  return zoned(instant.getTime(), timeZone).toPlainDateTime().toString({ smallestUnit: "minute" });
}

/** "YYYY-MM-DD" of `instant` in `timeZone`. */
export function instantToLocalDate(instant: Date, timeZone: string): string {
  return zoned(instant.getTime(), timeZone).toPlainDate().toString();
}

export interface WeeklySeriesInput {
  /** first day that may hold a session, "YYYY-MM-DD" in the course's zone */
  firstDate: string;
  /** days of the week, 0 = Sunday ... 6 = Saturday */
  weekdays: number[];
  /** "HH:mm" wall-clock time in the course's zone */
  time: string;
  count: number;
  timeZone: string;
}

/**
 * The start instants of a weekly series: the first `count` days on or after `firstDate` that fall
 * on one of `weekdays`, each at `time` on that day's own clock (so 18:00 stays 18:00 across a DST
 * change). Empty if the input cannot produce a session.
 */
export function weeklySeries(input: WeeklySeriesInput): Date[] {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.firstDate.trim());
  const timeMatch = /^(\d{2}):(\d{2})$/.exec(input.time.trim());
  const weekdays = new Set(input.weekdays.filter((day) => Number.isInteger(day) && day >= 0 && day <= 6));
  if (!dateMatch || !timeMatch || weekdays.size === 0 || !(input.count > 0)) return [];
  const [hour, minute] = [Number(timeMatch[1]), Number(timeMatch[2])];
  if (hour > 23 || minute > 59) return [];
  let first: Temporal.PlainDate;
  try {
    first = Temporal.PlainDate.from(input.firstDate.trim(), { overflow: "reject" });
  } catch {
    return [];
  }
  const plainTime = new Temporal.PlainTime(hour, minute);
  const starts: Date[] = [];
  for (let day = first; starts.length < input.count; day = day.add({ days: 1 })) {
    // Temporal counts Monday = 1 ... Sunday = 7; the form counts Sunday = 0.
    if (!weekdays.has(day.dayOfWeek % 7)) continue;
    starts.push(new Date(day.toZonedDateTime({ timeZone: input.timeZone, plainTime }).epochMilliseconds));
  }
  return starts;
}

/** Every IANA zone the runtime knows, for the course form's picker. */
export function supportedTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
