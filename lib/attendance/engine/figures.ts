// Figures from presence intervals: attended time, percentage, status, "in the meeting" and
// open connections. The one code path shared by computeSessionAttendance and refreshFigures, so a
// refresh of stored intervals at time T equals a recompute at time T. Pure.
import { IN_MEETING_GRACE_MINUTES } from "../rules";
import type { AttendanceStatus, PresenceInterval, SessionInput } from "../types";

const MINUTE_MS = 60_000;

/** [fromMs, toMs) in epoch milliseconds; toMs === Infinity while the connection is open. */
export interface MsInterval {
  fromMs: number;
  toMs: number;
}

/** What the projection stores per participant, enough to recompute time-dependent figures. */
export interface StoredPresence {
  /** union of the participant's connections; `to: null` = open when the projection was computed */
  intervals: PresenceInterval[];
  /** open connections (devices) when computed; defaults to the number of open intervals */
  openConnections?: number;
}

/** The figures that change with the clock while a session runs. */
export interface LiveFigures {
  attendedSeconds: number;
  attendedPercent: number;
  status: AttendanceStatus;
  inMeeting: boolean;
  openConnections: number;
  firstJoinAt: Date | null;
  /** null while any connection is open */
  lastLeaveAt: Date | null;
}

export type FigureSession = Pick<SessionInput, "startsAt" | "durationMinutes" | "requiredPercent">;

/**
 * Recompute the clock-dependent figures of one participant from stored presence intervals, for
 * "so far" reads of a live session: the stored projection is only as fresh as its last recompute,
 * so a page reads it and calls this with the current time.
 *
 * - `presence`: the stored `intervals` (open ones have `to: null`) and `openConnections`.
 * - `meetingEndedAt`: end of the meeting instance if it ended after the projection was computed
 *   (closes open intervals there, as a recompute would); null while it is still running.
 * - `now`: open intervals count until now; clipped to the session window.
 *
 * computeSessionAttendance derives its figures through the very same function
 * (`figuresFromIntervals`), so a refresh at time T equals a recompute at time T.
 */
export function refreshFigures(
  presence: StoredPresence,
  session: FigureSession,
  meetingEndedAt: Date | null,
  now: Date,
): LiveFigures {
  const intervals: MsInterval[] = presence.intervals.map((interval) => ({
    fromMs: interval.from.getTime(),
    toMs: interval.to === null ? Infinity : interval.to.getTime(),
  }));
  const figures = figuresFromIntervals(
    intervals,
    presence.openConnections,
    session,
    meetingEndedAt === null ? null : meetingEndedAt.getTime(),
    now.getTime(),
  );
  return {
    attendedSeconds: figures.attendedSeconds,
    attendedPercent: figures.attendedPercent,
    status: figures.status,
    inMeeting: figures.inMeeting,
    openConnections: figures.openConnections,
    firstJoinAt: figures.firstJoinAt,
    lastLeaveAt: figures.lastLeaveAt,
  };
}

export interface InternalFigures extends LiveFigures {
  union: MsInterval[];
}

export function figuresFromIntervals(
  rawIntervals: MsInterval[],
  openConnectionsHint: number | undefined,
  session: FigureSession,
  meetingEndedMs: number | null,
  nowMs: number,
): InternalFigures {
  const closed =
    meetingEndedMs === null
      ? rawIntervals
      : rawIntervals.map((interval) =>
          interval.toMs === Infinity
            ? { fromMs: interval.fromMs, toMs: Math.max(interval.fromMs, meetingEndedMs) }
            : interval,
        );
  const union = unionIntervals(closed);

  const windowStartMs = session.startsAt.getTime();
  const windowSeconds = session.durationMinutes * 60;
  const windowEndMs = windowStartMs + windowSeconds * 1000;

  let attendedMs = 0;
  let openIntervals = 0;
  let latestEndMs = -Infinity;
  for (const interval of union) {
    const isOpen = interval.toMs === Infinity;
    if (isOpen) openIntervals++;
    else latestEndMs = Math.max(latestEndMs, interval.toMs);
    // Early arrival is not extra credit and overruns do not count: clip to the window. Figures are
    // "as of now": an open connection runs until now, and nothing after now counts (which only
    // matters for clock skew; it makes the open-ended union exact, so refresh == recompute).
    const fromMs = Math.max(interval.fromMs, windowStartMs);
    const toMs = Math.min(interval.toMs, windowEndMs, nowMs);
    if (toMs > fromMs) attendedMs += toMs - fromMs;
  }
  const attendedSeconds = Math.floor(attendedMs / 1000);

  // Integer arithmetic where possible so 162 of 180 minutes is exactly 90.0% and present.
  const attendedPercent = windowSeconds > 0 ? Math.round((attendedSeconds * 1000) / windowSeconds) / 10 : 0;
  const status: AttendanceStatus =
    attendedSeconds > 0 && attendedSeconds * 100 >= session.requiredPercent * windowSeconds
      ? "present"
      : attendedSeconds > 0
        ? "partial"
        : "absent";

  // An open connection whose meeting never sent meeting.ended stops counting as "in the meeting"
  // an hour after the window, so a lost event cannot leave someone in class forever.
  const inMeeting = openIntervals > 0 && nowMs < windowEndMs + IN_MEETING_GRACE_MINUTES * MINUTE_MS;
  const openConnections = inMeeting ? Math.max(openConnectionsHint ?? openIntervals, 1) : 0;

  return {
    union,
    attendedSeconds,
    attendedPercent,
    status,
    inMeeting,
    openConnections,
    firstJoinAt: union.length > 0 ? new Date(union[0].fromMs) : null,
    lastLeaveAt: openIntervals === 0 && union.length > 0 ? new Date(latestEndMs) : null,
  };
}

/** Sorted union; touching intervals merge; zero-length ones are kept (they record a join). */
export function unionIntervals(intervals: MsInterval[]): MsInterval[] {
  const sorted = intervals
    .slice()
    .sort((a, b) => (a.fromMs !== b.fromMs ? a.fromMs - b.fromMs : a.toMs < b.toMs ? -1 : a.toMs > b.toMs ? 1 : 0));
  const merged: MsInterval[] = [];
  for (const interval of sorted) {
    const last = merged.length > 0 ? merged[merged.length - 1] : null;
    if (last !== null && interval.fromMs <= last.toMs) {
      if (interval.toMs > last.toMs) last.toMs = interval.toMs;
    } else {
      merged.push({ fromMs: interval.fromMs, toMs: interval.toMs });
    }
  }
  return merged;
}

export function toPresenceIntervals(intervals: MsInterval[]): PresenceInterval[] {
  return intervals.map((interval) => ({
    from: new Date(interval.fromMs),
    to: interval.toMs === Infinity ? null : new Date(interval.toMs),
  }));
}
