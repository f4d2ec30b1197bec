// Presence across the class window, one row per person: bars for the intervals in which they were
// connected (two devices are already one union), a marker where lateness starts and, while the
// class runs, a "now" line. The bars are decoration; each row also says its intervals in text.
import { formatTime } from "@/lib/format";
import { zoneOffsetMs } from "@/lib/timezone";

export interface TimelineRow {
  id: string;
  name: string;
  intervals: { from: string; to: string | null }[];
  /** the part of `intervals` spent in breakout rooms: drawn in its own shade over the bar */
  breakoutIntervals?: { from: string; to: string | null }[];
  inMeeting: boolean;
}

interface TimelineProps {
  rows: TimelineRow[];
  startsAt: string;
  durationMinutes: number;
  lateAfterMinutes: number;
  timeZone: string;
  /** server time of the data; open intervals run until here */
  now: string;
  live: boolean;
  caption: string;
}

const TICK_STEPS_MINUTES = [5, 10, 15, 20, 30, 60, 120, 180, 240];

export function AttendanceTimeline({
  rows,
  startsAt,
  durationMinutes,
  lateAfterMinutes,
  timeZone,
  now,
  live,
  caption,
}: TimelineProps) {
  const startMs = Date.parse(startsAt);
  const endMs = startMs + durationMinutes * 60_000;
  const nowMs = Date.parse(now);
  const span = endMs - startMs;
  const percentAt = (ms: number) => ((Math.min(Math.max(ms, startMs), endMs) - startMs) / span) * 100;

  // Ticks on round clock times of the course's zone (3:00, 3:15 …), not offsets from the start.
  const step = TICK_STEPS_MINUTES.find((minutes) => durationMinutes / minutes <= 6) ?? 360;
  const stepMs = step * 60_000;
  const offsetMs = zoneOffsetMs(startMs, timeZone);
  const ticks: number[] = [];
  for (let local = Math.ceil((startMs + offsetMs) / stepMs) * stepMs; local - offsetMs <= endMs; local += stepMs)
    ticks.push(local - offsetMs);
  const lateAt = startMs + lateAfterMinutes * 60_000;
  const showNow = live && nowMs > startMs && nowMs < endMs;

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm sm:p-4">
      <figcaption className="text-sm text-slate-700">{caption}</figcaption>
      <div className="mt-3 grid grid-cols-[minmax(5rem,9rem)_1fr] items-center gap-x-3 gap-y-1.5 text-xs sm:grid-cols-[minmax(7rem,12rem)_1fr]">
        <div aria-hidden="true" />
        <div aria-hidden="true" className="relative h-5 text-slate-600">
          {ticks.map((tick, index) => {
            const at = percentAt(tick);
            // Labels near an edge are anchored to it so they never spill out of the track.
            const anchor = at < 6 ? "translateX(0)" : at > 94 ? "translateX(-100%)" : "translateX(-50%)";
            // On narrow screens every other label is left out so they do not overlap.
            return (
              <span
                key={tick}
                className={`absolute top-0 whitespace-nowrap ${index % 2 === 1 ? "hidden md:inline" : ""}`}
                style={{ left: `${at}%`, transform: anchor }}
              >
                {formatTime(tick, timeZone)}
              </span>
            );
          })}
        </div>
        {rows.map((row) => {
          const bars = row.intervals
            .map((interval) => {
              const fromMs = Date.parse(interval.from);
              const toMs = interval.to === null ? Math.max(fromMs, nowMs) : Date.parse(interval.to);
              return { fromMs, toMs, open: interval.to === null };
            })
            .filter((bar) => bar.toMs > startMs && bar.fromMs < endMs);
          const rooms = (row.breakoutIntervals ?? [])
            .map((interval) => {
              const fromMs = Date.parse(interval.from);
              return { fromMs, toMs: interval.to === null ? Math.max(fromMs, nowMs) : Date.parse(interval.to) };
            })
            .filter((room) => room.toMs > startMs && room.fromMs < endMs);
          return (
            <div key={row.id} className="contents">
              <div aria-hidden="true" className="truncate text-slate-800" title={row.name}>
                {row.name}
              </div>
              <div className="relative h-5 rounded bg-slate-100">
                {ticks.map((tick) => (
                  <span
                    key={tick}
                    aria-hidden="true"
                    className="absolute inset-y-0 w-px bg-slate-300"
                    style={{ left: `${percentAt(tick)}%` }}
                  />
                ))}
                <span
                  aria-hidden="true"
                  className="absolute inset-y-0 border-l-2 border-dashed border-orange-600"
                  style={{ left: `${percentAt(lateAt)}%` }}
                />
                {bars.map((bar) => (
                  <span
                    key={`${bar.fromMs}-${bar.toMs}`}
                    aria-hidden="true"
                    className={`absolute inset-y-0.5 min-w-[3px] rounded-sm ${bar.open && row.inMeeting ? "bg-green-600" : "bg-blue-700"}`}
                    style={{
                      left: `${percentAt(bar.fromMs)}%`,
                      width: `${percentAt(bar.toMs) - percentAt(bar.fromMs)}%`,
                    }}
                  />
                ))}
                {rooms.map((room) => (
                  <span
                    key={`room-${room.fromMs}-${room.toMs}`}
                    aria-hidden="true"
                    data-breakout-bar=""
                    className="absolute inset-y-0.5 min-w-[3px] rounded-sm bg-violet-500"
                    style={{
                      left: `${percentAt(room.fromMs)}%`,
                      width: `${percentAt(room.toMs) - percentAt(room.fromMs)}%`,
                    }}
                  />
                ))}
                {showNow ? (
                  <span
                    aria-hidden="true"
                    className="absolute -inset-y-0.5 w-0.5 bg-red-700"
                    style={{ left: `${percentAt(nowMs)}%` }}
                  />
                ) : null}
                <span className="sr-only">{describeIntervals(row, bars, timeZone, rooms)}</span>
              </div>
            </div>
          );
        })}
      </div>
      <div aria-hidden="true" className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700">
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-5 rounded-sm bg-blue-700" /> connected
        </span>
        {live ? (
          <span className="flex items-center gap-1.5">
            <span className="inline-block h-3 w-5 rounded-sm bg-green-600" /> still connected
          </span>
        ) : null}
        {rows.some((row) => (row.breakoutIntervals ?? []).length > 0) ? (
          <span className="flex items-center gap-1.5">
            <span className="inline-block h-3 w-5 rounded-sm bg-violet-500" /> in a breakout room
          </span>
        ) : null}
        <span className="flex items-center gap-1.5">
          <span className="inline-block h-3 w-0 border-l-2 border-dashed border-orange-600" /> late after{" "}
          {lateAfterMinutes} min
        </span>
        {showNow ? (
          <span className="flex items-center gap-1.5">
            <span className="inline-block h-3 w-0.5 bg-red-700" /> now
          </span>
        ) : null}
      </div>
    </figure>
  );
}

function describeIntervals(
  row: TimelineRow,
  bars: { fromMs: number; toMs: number; open: boolean }[],
  timeZone: string,
  rooms: { fromMs: number; toMs: number }[] = [],
): string {
  if (bars.length === 0) return `${row.name}: not in the class`;
  const parts = bars.map(
    (bar) =>
      `${formatTime(bar.fromMs, timeZone)} to ${bar.open && row.inMeeting ? "now" : formatTime(bar.toMs, timeZone)}`,
  );
  const roomParts = rooms.map((room) => `${formatTime(room.fromMs, timeZone)} to ${formatTime(room.toMs, timeZone)}`);
  return `${row.name}: ${parts.join(", ")}${roomParts.length > 0 ? `; in a breakout room ${roomParts.join(", ")}` : ""}`;
}
