// Read models for the course and student pages: session states, per-session headline figures
// and per-student rates, each in a constant number of queries whatever the course's size.
import { prisma } from "@/lib/db";
import { refreshFigures, sessionState, widenedSessionWindow } from "@/lib/attendance/engine";
import { loadSessionState } from "@/lib/attendance/read";
import type { AttendanceStatus, SessionState } from "@/lib/attendance/types";

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
  late: number;
  joined: number;
  inMeeting: number;
  guests: number;
}

/** Headline figures of every session of a course, from the stored projection. */
export async function sessionFigures(courseId: string): Promise<Map<string, SessionFigures>> {
  const [rows, guests] = await Promise.all([
    prisma.$queryRaw<{ sessionId: string; present: number; partial: number; absent: number; late: number; joined: number; inMeeting: number }[]>`
      SELECT ar."sessionId",
        count(*) FILTER (WHERE ar.status = 'present')::int AS present,
        count(*) FILTER (WHERE ar.status = 'partial')::int AS partial,
        count(*) FILTER (WHERE ar.status = 'absent')::int AS absent,
        count(*) FILTER (WHERE ar.late)::int AS late,
        count(*) FILTER (WHERE ar."firstJoinAt" IS NOT NULL)::int AS joined,
        count(*) FILTER (WHERE ar."inMeeting")::int AS "inMeeting"
      FROM attendance_records ar JOIN sessions s ON s.id = ar."sessionId"
      WHERE s."courseId" = ${courseId}
      GROUP BY ar."sessionId"`,
    prisma.guestAttendance.groupBy({ by: ["sessionId"], where: { session: { courseId } }, _count: { _all: true } }),
  ]);
  const figures = new Map<string, SessionFigures>();
  for (const row of rows) figures.set(row.sessionId, { ...row, guests: 0 });
  for (const guest of guests) {
    const entry = figures.get(guest.sessionId) ?? { present: 0, partial: 0, absent: 0, late: 0, joined: 0, inMeeting: 0, guests: 0 };
    entry.guests = guest._count._all;
    figures.set(guest.sessionId, entry);
  }
  return figures;
}

export interface StudentRate {
  /** attended share of all ended sessions' class time, one decimal */
  percent: number;
  presentSessions: number;
  lateSessions: number;
  endedSessions: number;
}

/**
 * Each student's overall rate over the course's ended sessions: attended seconds over the sum of
 * those sessions' windows (a session with no record for a student counts as absent).
 */
export async function studentRates(endedSessions: Pick<SessionTiming, "id" | "durationMinutes">[]): Promise<Map<string, StudentRate>> {
  const rates = new Map<string, StudentRate>();
  if (endedSessions.length === 0) return rates;
  const windowSeconds = endedSessions.reduce((sum, session) => sum + session.durationMinutes * 60, 0);
  const rows = await prisma.$queryRaw<{ studentId: string; seconds: number; present: number; late: number }[]>`
    SELECT ar."studentId",
      sum(ar."attendedSeconds")::float8 AS seconds,
      count(*) FILTER (WHERE ar.status = 'present')::int AS present,
      count(*) FILTER (WHERE ar.late)::int AS late
    FROM attendance_records ar
    WHERE ar."sessionId" = ANY(${endedSessions.map((session) => session.id)}::text[])
    GROUP BY ar."studentId"`;
  for (const row of rows) {
    rates.set(row.studentId, {
      percent: Math.round((row.seconds * 1000) / windowSeconds) / 10,
      presentSessions: row.present,
      lateSessions: row.late,
      endedSessions: endedSessions.length,
    });
  }
  return rates;
}

export const emptyRate = (endedSessions: number): StudentRate => ({ percent: 0, presentSessions: 0, lateSessions: 0, endedSessions });

export interface StudentSessionRow {
  sessionId: string;
  title: string | null;
  startsAt: Date;
  durationMinutes: number;
  state: SessionState;
  status: AttendanceStatus | null;
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
      return { ...base, status: state === "scheduled" ? null : "absent", attendedSeconds: 0, attendedPercent: 0, late: false, lateBySeconds: 0, firstJoinAt: null, lastLeaveAt: null, joinCount: 0 };
    }
    const intervals = (record.intervals as { from: string; to: string | null }[]).map((interval) => ({
      from: new Date(interval.from),
      to: interval.to === null ? null : new Date(interval.to),
    }));
    const fresh = state === "live" ? refreshFigures({ intervals, openConnections: record.openConnections }, session, null, now) : null;
    return {
      ...base,
      status: state === "scheduled" ? null : (fresh?.status ?? record.status),
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
