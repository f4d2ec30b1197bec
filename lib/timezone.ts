// Wall-clock times in a course's IANA time zone <-> instants. Forms ask for local times
// ("2026-03-08T02:30" in America/Los_Angeles); the database stores UTC instants. Intl is the only
// source of zone rules, so this works the same on the server and in the browser.

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsFormatters.set(timeZone, formatter);
  }
  return formatter;
}

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at `instant`. */
export function wallTimeAt(instant: Date, timeZone: string): WallTime {
  const values: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") values[part.type] = Number(part.value);
  }
  return {
    year: values.year,
    month: values.month,
    day: values.day,
    hour: values.hour === 24 ? 0 : values.hour,
    minute: values.minute,
    second: values.second,
  };
}

const wallMs = (wall: WallTime) => Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);

/** Offset of `timeZone` from UTC at `instantMs`, in milliseconds (e.g. -8 h for PST). */
export function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  return wallMs(wallTimeAt(new Date(wholeSecond), timeZone)) - wholeSecond;
}

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** Parses "YYYY-MM-DDTHH:mm[:ss]" (what <input type="datetime-local"> submits); null if malformed. */
export function parseLocalDateTime(value: string): WallTime | null {
  const match = LOCAL_INPUT.exec(value.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const wall = { year, month, day, hour, minute, second };
  // Reject 2026-02-30 and 25:00: Date.UTC would roll them over silently.
  const check = new Date(wallMs(wall));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() + 1 !== month ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute
  ) {
    return null;
  }
  return wall;
}

/**
 * The instant at which clocks in `timeZone` read `wall`. DST is resolved like Temporal's
 * "compatible" mode: a time that happens twice (clocks go back) is the first one; a time that
 * never happens (clocks go forward) moves forward by the gap (02:30 becomes 03:30).
 */
export function zonedWallTimeToInstant(wall: WallTime, timeZone: string): Date {
  const local = wallMs(wall);
  // The offsets in force a day either side cover any single transition near this wall time.
  const offsets = [...new Set([zoneOffsetMs(local - DAY_MS, timeZone), zoneOffsetMs(local + DAY_MS, timeZone), zoneOffsetMs(local, timeZone)])];
  const candidates = offsets
    .map((offset) => local - offset)
    .filter((instant) => zoneOffsetMs(instant, timeZone) === local - instant)
    .sort((a, b) => a - b);
  if (candidates.length > 0) return new Date(candidates[0]);
  // In a gap: read the wall time with the offset from before the transition.
  return new Date(local - zoneOffsetMs(local - DAY_MS, timeZone));
}

/** "YYYY-MM-DDTHH:mm" in `timeZone` -> instant; null when the text is not such a time. */
export function localDateTimeToInstant(value: string, timeZone: string): Date | null {
  const wall = parseLocalDateTime(value);
  return wall ? zonedWallTimeToInstant(wall, timeZone) : null;
}

const pad = (value: number, width = 2) => String(value).padStart(width, "0");

/** The value for <input type="datetime-local"> showing `instant` in `timeZone` ("YYYY-MM-DDTHH:mm"). */
export function instantToLocalInput(instant: Date, timeZone: string): string {
  const wall = wallTimeAt(instant, timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month)}-${pad(wall.day)}T${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** "YYYY-MM-DD" of `instant` in `timeZone`. */
export function instantToLocalDate(instant: Date, timeZone: string): string {
  return instantToLocalInput(instant, timeZone).slice(0, 10);
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
  const first = parseLocalDateTime(`${input.firstDate.trim()}T00:00`);
  if (!first) return [];
  const starts: Date[] = [];
  // Calendar days are walked in UTC arithmetic: the date itself has no zone.
  for (let dayMs = wallMs(first); starts.length < input.count; dayMs += DAY_MS) {
    const day = new Date(dayMs);
    if (!weekdays.has(day.getUTCDay())) continue;
    starts.push(
      zonedWallTimeToInstant(
        { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute, second: 0 },
        input.timeZone,
      ),
    );
  }
  return starts;
}

/** Every IANA zone the runtime knows, for the course form's picker. */
export function supportedTimeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}
