// Times in exports: ISO 8601 with the course's UTC offset at that very instant (so a class after
// a daylight-saving change says -07:00 and one before it -08:00), and the local calendar days
// that `from`/`to` in export requests are counted in. Zone rules come from the Temporal polyfill;
// the per-row formatting stays hand-written because it is the export's hot path (ADR 019).
import { Temporal } from "temporal-polyfill";

const MINUTE_MS = 60_000;
const NS_PER_MINUTE = 60e9;

const zoned = (ms: number, timeZone: string) => Temporal.Instant.fromEpochMilliseconds(ms).toZonedDateTimeISO(timeZone);

/** The zone's UTC offset at `ms`, in whole minutes east of UTC (e.g. -480 for 2026-11-25 in Los Angeles). */
export function utcOffsetMinutes(ms: number, timeZone: string): number {
  // Throws a RangeError for an unknown zone, which is what callers want to hear about.
  return offsetInMinutes(zoned(ms, timeZone).offsetNanoseconds);
}

/** Whole minutes; local mean time of the past has seconds (-07:52:58), rounded half away from zero. */
function offsetInMinutes(offsetNanoseconds: number): number {
  const minutes = Math.round(Math.abs(offsetNanoseconds) / NS_PER_MINUTE);
  return offsetNanoseconds < 0 ? -minutes : minutes;
}

/** A stretch of time, [start, end), over which a zone's offset does not change. */
interface OffsetSpan {
  start: number;
  end: number;
  offsetMinutes: number;
}

/** The span around `ms`: from the zone's last transition at or before it to its next one. */
function offsetSpanAt(ms: number, timeZone: string): OffsetSpan {
  const here = zoned(ms, timeZone);
  // "previous" is strictly before: ask from 1 ms later so that a transition at `ms` itself counts.
  const previous = zoned(ms + 1, timeZone).getTimeZoneTransition("previous");
  const next = here.getTimeZoneTransition("next");
  return {
    start: previous ? previous.epochMilliseconds : -Infinity,
    end: next ? next.epochMilliseconds : Infinity,
    offsetMinutes: offsetInMinutes(here.offsetNanoseconds),
  };
}

/** Per zone, the spans met so far, shared by every export of the process (a zone changes offset about twice a year). */
const spansByZone = new Map<string, OffsetSpan[]>();

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
 * A formatter for one time zone. Exports format three times per row, so offsets are looked up in
 * the spans between the zone's transitions: the last one used answers almost every row.
 */
export function zonedFormatter(timeZone: string): ZonedFormatter {
  zoned(0, timeZone); // an unknown zone throws here, before the first row
  const spans = spansByZone.get(timeZone) ?? [];
  spansByZone.set(timeZone, spans);
  let last: OffsetSpan | undefined;
  const offsetMinutes = (ms: number): number => {
    if (last && ms >= last.start && ms < last.end) return last.offsetMinutes;
    last = spans.find((span) => ms >= span.start && ms < span.end);
    if (!last) {
      if (spans.length >= 1_000) spans.length = 0; // bounded, whatever the exports' spans
      last = offsetSpanAt(ms, timeZone);
      spans.push(last);
    }
    return last.offsetMinutes;
  };
  const localIso = (ms: number, offset: number) =>
    new Date(Math.floor(ms / 1000) * 1000 + offset * MINUTE_MS).toISOString();
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

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The calendar day written YYYY-MM-DD, or null (Temporal alone would also take "20260203" or a date and time). */
function plainDate(text: string): Temporal.PlainDate | null {
  if (!LOCAL_DATE.test(text)) return null;
  try {
    return Temporal.PlainDate.from(text, { overflow: "reject" });
  } catch {
    return null;
  }
}

function requirePlainDate(text: string): Temporal.PlainDate {
  const date = plainDate(text);
  if (!date) throw new Error(`Not a date: ${text}`);
  return date;
}

/** True for a real calendar day written YYYY-MM-DD. */
export function isLocalDate(text: string): boolean {
  return plainDate(text) !== null;
}

/** The next calendar day, "2026-12-31" → "2027-01-01". */
export function nextLocalDate(date: string): string {
  return requirePlainDate(date).add({ days: 1 }).toString();
}

/**
 * The first instant of a local calendar day (normally its 00:00; where midnight is skipped by a
 * daylight-saving change, the instant the day begins: Temporal's startOfDay).
 */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return new Date(requirePlainDate(date).toZonedDateTime(timeZone).epochMilliseconds);
}

/** [start of `from`, start of the day after `to`) in the zone: the instants an export covers. */
export function localDateRange(from: string, to: string, timeZone: string): { start: Date; end: Date } {
  return { start: startOfLocalDay(from, timeZone), end: startOfLocalDay(nextLocalDate(to), timeZone) };
}
