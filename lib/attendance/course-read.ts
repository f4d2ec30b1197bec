// Read models for the course list, course and student pages: session states, per-session
// headline figures and one student's history, each in a constant number of queries whatever the
// course's size. (A single session's attendance is read by ./read.ts, the live page's by ./live.ts.)
import { prisma } from "../db";
import { refreshFigures, sessionState, widenedSessionWindow } from "./engine";
import { loadSessionState } from "./read";
import { finalStatusAndLate, isEnrolled, type FinalStatus } from "./final-record";
import type { AttendanceStatus, SessionState } from "./types";

interface SessionTiming {
  id: string;
  courseId: string;
  zoomMeetingId: string;
  startsAt: Date;
  durationMinutes: number;
}

/**
 * State of each session. Only a session whose widened window contains `now` can depend on a
 * running meeting instance, so only those (usually none or one) cost a query.
 */
export async function sessionStates(sessions: SessionTiming[], now: Date): Promise<Map<string, SessionState>> {
  const states = new Map<string, SessionState>();
  await Promise.all(
    sessions.map(async (session) => {
      const widened = widenedSessionWindow(session);
      const nearNow = widened.start <= now && now < widened.end;
      states.set(session.id, nearNow ? await loadSessionState(session, now) : sessionState(session, [], now));
    }),
  );
  return states;
}

export interface SessionFigures {
  present: number;
  partial: number;
  absent: number;
  excused: number;
  late: number;
  joined: number;
  inMeeting: number;
  guests: number;
}

/** Headline figures of every session of a course, from the stored projection. */
export async function sessionFigures(courseId: string): Promise<Map<string, SessionFigures>> {
  const [rows, guests] = await Promise.all([
    // Statuses are the final ones (an instructor's override, else the computed status).
    prisma.$queryRaw<(Omit<SessionFigures, "guests"> & { sessionId: string })[]>`
      SELECT ar."sessionId",
        count(*) FILTER (WHERE coalesce(ao.status::text, ar.status::text) = 'present')::int AS present,
        count(*) FILTER (WHERE coalesce(ao.status::text, ar.status::text) = 'partial')::int AS partial,
        count(*) FILTER (WHERE coalesce(ao.status::text, ar.status::text) = 'absent')::int AS absent,
        count(*) FILTER (WHERE ao.status = 'excused')::int AS excused,
        count(*) FILTER (WHERE ar.late)::int AS late,
        count(*) FILTER (WHERE ar."firstJoinAt" IS NOT NULL)::int AS joined,
        count(*) FILTER (WHERE ar."inMeeting")::int AS "inMeeting"
      FROM attendance_records ar JOIN sessions s ON s.id = ar."sessionId"
      LEFT JOIN attendance_overrides ao ON ao."sessionId" = ar."sessionId" AND ao."studentId" = ar."studentId"
      WHERE s."courseId" = ${courseId}
      GROUP BY ar."sessionId"`,
    prisma.guestAttendance.groupBy({ by: ["sessionId"], where: { session: { courseId } }, _count: { _all: true } }),
  ]);
  const figures = new Map<string, SessionFigures>();
  for (const row of rows) figures.set(row.sessionId, { ...row, guests: 0 });
  for (const guest of guests) {
    const entry = figures.get(guest.sessionId) ?? {
      present: 0,
      partial: 0,
      absent: 0,
      excused: 0,
      late: 0,
      joined: 0,
      inMeeting: 0,
      guests: 0,
    };
    entry.guests = guest._count._all;
    figures.set(guest.sessionId, entry);
  }
  return figures;
}

export interface StudentSessionRow {
  sessionId: string;
  title: string | null;
  startsAt: Date;
  durationMinutes: number;
  state: SessionState;
  /** final status (the override's, else computed); null before the session starts */
  status: FinalStatus | null;
  computedStatus: AttendanceStatus | null;
  override: { status: FinalStatus; note: string | null; by: string; at: Date } | null;
  cancelled: boolean;
  enrolled: boolean;
  attendedSeconds: number;
  attendedPercent: number;
  late: boolean;
  lateBySeconds: number;
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
  joinCount: number;
}

/** One student's attendance in every session of the course, newest first; live figures as of now. */
export async function studentHistory(studentId: string, courseId: string, now: Date): Promise<StudentSessionRow[]> {
  const [sessions, computedRows, overrides, student] = await Promise.all([
    prisma.session.findMany({ where: { courseId }, orderBy: { startsAt: "desc" } }),
    computedHistory(studentId, courseId, now),
    prisma.attendanceOverride.findMany({ where: { studentId } }),
    prisma.student.findUniqueOrThrow({ where: { id: studentId }, select: { enrolledAt: true } }),
  ]);
  const overrideBySession = new Map(overrides.map((override) => [override.sessionId, override]));
  const cancelled = new Set(sessions.filter((session) => session.cancelledAt !== null).map((session) => session.id));
  // The final record after the computed figures, as on the session page.
  return computedRows.map((row) => {
    const stored = overrideBySession.get(row.sessionId);
    const override = stored ? { status: stored.status, note: stored.note, by: stored.byName, at: stored.at } : null;
    const enrolled = isEnrolled(row, student.enrolledAt);
    if (row.computedStatus === null) return { ...row, override, cancelled: cancelled.has(row.sessionId), enrolled };
    const final = finalStatusAndLate(
      { status: row.computedStatus, late: row.late },
      stored ? { status: stored.status, late: stored.late } : null,
    );
    return {
      ...row,
      status: final.status,
      late: final.late,
      override,
      cancelled: cancelled.has(row.sessionId),
      enrolled,
    };
  });
}

type ComputedHistoryRow = Omit<StudentSessionRow, "override" | "cancelled" | "enrolled">;

async function computedHistory(studentId: string, courseId: string, now: Date): Promise<ComputedHistoryRow[]> {
  const [sessions, records] = await Promise.all([
    prisma.session.findMany({ where: { courseId }, orderBy: { startsAt: "desc" } }),
    prisma.attendanceRecord.findMany({ where: { studentId } }),
  ]);
  const states = await sessionStates(sessions, now);
  const recordBySession = new Map(records.map((record) => [record.sessionId, record]));
  return sessions.map((session) => {
    const state = states.get(session.id) ?? "scheduled";
    const record = recordBySession.get(session.id);
    const base = {
      sessionId: session.id,
      title: session.title,
      startsAt: session.startsAt,
      durationMinutes: session.durationMinutes,
      state,
    };
    if (!record) {
      const status = state === "scheduled" ? null : ("absent" as const);
      return {
        ...base,
        status,
        computedStatus: status,
        attendedSeconds: 0,
        attendedPercent: 0,
        late: false,
        lateBySeconds: 0,
        firstJoinAt: null,
        lastLeaveAt: null,
        joinCount: 0,
      };
    }
    const intervals = (record.intervals as { from: string; to: string | null }[]).map((interval) => ({
      from: new Date(interval.from),
      to: interval.to === null ? null : new Date(interval.to),
    }));
    const fresh =
      state === "live"
        ? refreshFigures({ intervals, openConnections: record.openConnections }, session, null, now)
        : null;
    const status = state === "scheduled" ? null : (fresh?.status ?? record.status);
    return {
      ...base,
      status,
      computedStatus: status,
      attendedSeconds: fresh?.attendedSeconds ?? record.attendedSeconds,
      attendedPercent: fresh?.attendedPercent ?? record.attendedPercent,
      late: record.late,
      lateBySeconds: record.lateBySeconds,
      firstJoinAt: record.firstJoinAt,
      lastLeaveAt: fresh ? fresh.lastLeaveAt : record.lastLeaveAt,
      joinCount: record.joinCount,
    };
  });
}
