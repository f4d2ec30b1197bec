// Reads a session's stored attendance for pages, the JSON API and exports. While the session is
// live, clock-dependent figures are brought up to `now` with the engine's refreshFigures, so a
// read never shows a stale "attended so far".
import { prisma } from "../db";
import { suggestStudents, type Suggestion } from "../identity/suggestions";
import { refreshFigures, sessionState, widenedSessionWindow } from "./engine";
import { finalRecord, type FinalStatus } from "./final-record";
import { courseMaySeeMeeting } from "./load";
import type { AttendanceStatus, PresenceInterval, SessionState } from "./types";

/** An instructor's override as the API and pages show it. */
export interface OverrideView {
  status: FinalStatus;
  /** null: the computed late flag stands */
  late: boolean | null;
  note: string | null;
  /** who overrode (name) */
  by: string;
  at: string;
}

export interface IntervalView {
  from: string;
  to: string | null;
}

/** The figures every row of the live page and the API carries, whoever the participant is. */
interface ConnectionFigures {
  inMeeting: boolean;
  attendedSeconds: number;
  attendedPercent: number;
  firstJoinAt: string | null;
  lastLeaveAt: string | null;
  joinCount: number;
  /** devices connected now */
  openConnections: number;
  intervals: IntervalView[];
}

export interface StudentRow extends ConnectionFigures {
  studentId: string;
  name: string;
  email: string;
  /** the final status: the override's, else the computed one */
  status: FinalStatus;
  /** what Zoom's data gives */
  computedStatus: AttendanceStatus;
  override: OverrideView | null;
  /** false when the session ended before the student was enrolled */
  enrolled: boolean;
  /** final late flag (the override's when it sets one) */
  late: boolean;
  computedLate: boolean;
  lateBySeconds: number;
  /** the part of `intervals` spent in breakout rooms */
  breakoutIntervals: IntervalView[];
  /** in a breakout room now: its name ("" when Zoom sent none); null: not in a room */
  breakoutRoom: string | null;
}

export interface GuestRow extends ConnectionFigures {
  guestKey: string;
  name: string;
  email: string | null;
  /** up to three roster students who have not joined, most similar name first (never applied by itself) */
  suggestions: Suggestion[];
}

/** A course instructor, or a participant Zoom made host or co-host: listed apart from guests. */
export interface HostRow extends ConnectionFigures {
  hostKey: string;
  name: string;
  email: string | null;
  reason: string;
  breakoutRoom: string | null;
}

export interface SessionView {
  session: {
    id: string;
    courseId: string;
    zoomMeetingId: string;
    startsAt: string;
    durationMinutes: number;
    lateAfterMinutes: number;
    requiredPercent: number;
    state: SessionState;
    cancelled: boolean;
    cancelNote: string | null;
  };
  course: { id: string; name: string; timezone: string };
  computedAt: string | null;
  now: string;
  students: StudentRow[];
  guests: GuestRow[];
  hosts: HostRow[];
}

type StoredIntervals = { from: string; to: string | null }[];

function toPresence(intervals: unknown): PresenceInterval[] {
  return (intervals as StoredIntervals).map((interval) => ({
    from: new Date(interval.from),
    to: interval.to === null ? null : new Date(interval.to),
  }));
}

/** Open intervals grow with the clock (also after the window if meeting.ended was lost). */
const hasOpenInterval = (intervals: PresenceInterval[]) => intervals.some((interval) => interval.to === null);

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** Session state from the stored meeting instances of its meeting near its window. */
export async function loadSessionState(
  session: { courseId: string; zoomMeetingId: string; startsAt: Date; durationMinutes: number },
  now: Date,
): Promise<SessionState> {
  const widened = widenedSessionWindow(session);
  // A course that may not see the meeting does not learn when it ran either.
  const visible = await courseMaySeeMeeting(prisma, session.courseId, session.zoomMeetingId);
  const instances = !visible ? [] : await prisma.meetingInstance.findMany({
    where: { zoomMeetingId: session.zoomMeetingId, startedAt: { gte: widened.start, lt: widened.end } },
    select: { uuid: true, startedAt: true, endedAt: true },
  });
  return sessionState(session, instances, now);
}

export async function readSessionAttendance(sessionId: string, now: Date = new Date()): Promise<SessionView | null> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    include: { course: { select: { id: true, name: true, timezone: true } } },
  });
  if (!session) return null;
  const [students, records, guests, hosts, state, overrides] = await Promise.all([
    prisma.student.findMany({
      where: { courseId: session.courseId },
      select: { id: true, name: true, email: true, enrolledAt: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    prisma.attendanceRecord.findMany({ where: { sessionId } }),
    prisma.guestAttendance.findMany({ where: { sessionId }, orderBy: [{ firstJoinAt: "asc" }, { guestKey: "asc" }] }),
    prisma.hostAttendance.findMany({ where: { sessionId }, orderBy: [{ firstJoinAt: "asc" }, { hostKey: "asc" }] }),
    loadSessionState(session, now),
    prisma.attendanceOverride.findMany({ where: { sessionId } }),
  ]);
  const live = state === "live";
  const recordByStudent = new Map(records.map((record) => [record.studentId, record]));
  const overrideByStudent = new Map(overrides.map((override) => [override.studentId, override]));
  const recordSession = { startsAt: session.startsAt, durationMinutes: session.durationMinutes, cancelled: session.cancelledAt !== null };

  const computedRows = students.map((student) => {
    const record = recordByStudent.get(student.id);
    if (!record) {
      return {
        studentId: student.id,
        name: student.name,
        email: student.email,
        status: "absent" as AttendanceStatus,
        inMeeting: false,
        attendedSeconds: 0,
        attendedPercent: 0,
        firstJoinAt: null,
        lastLeaveAt: null,
        late: false,
        lateBySeconds: 0,
        joinCount: 0,
        openConnections: 0,
        intervals: [],
        breakoutIntervals: [],
        breakoutRoom: null,
      };
    }
    const presence = toPresence(record.intervals);
    const fresh = live || hasOpenInterval(presence) ? refreshFigures({ intervals: presence, openConnections: record.openConnections }, session, null, now) : null;
    return {
      studentId: student.id,
      name: student.name,
      email: student.email,
      status: fresh?.status ?? record.status,
      inMeeting: fresh?.inMeeting ?? record.inMeeting,
      attendedSeconds: fresh?.attendedSeconds ?? record.attendedSeconds,
      attendedPercent: fresh?.attendedPercent ?? record.attendedPercent,
      firstJoinAt: iso(record.firstJoinAt),
      lastLeaveAt: fresh ? iso(fresh.lastLeaveAt) : iso(record.lastLeaveAt),
      late: record.late,
      lateBySeconds: record.lateBySeconds,
      joinCount: record.joinCount,
      openConnections: fresh?.openConnections ?? record.openConnections,
      intervals: record.intervals as StoredIntervals,
      breakoutIntervals: record.breakoutIntervals as StoredIntervals,
      // The room stored with an open connection, as long as that connection still counts as in.
      breakoutRoom: (fresh?.inMeeting ?? record.inMeeting) ? record.breakoutRoom : null,
    };
  });

  const hostRows: HostRow[] = hosts.map((host) => {
    const presence = toPresence(host.intervals);
    const fresh = live || hasOpenInterval(presence) ? refreshFigures({ intervals: presence, openConnections: host.openConnections }, session, null, now) : null;
    const inMeeting = fresh?.inMeeting ?? host.inMeeting;
    return {
      hostKey: host.hostKey,
      name: host.name,
      email: host.email,
      reason: host.reason,
      inMeeting,
      attendedSeconds: fresh?.attendedSeconds ?? host.attendedSeconds,
      attendedPercent: fresh?.attendedPercent ?? host.attendedPercent,
      firstJoinAt: iso(host.firstJoinAt),
      lastLeaveAt: fresh ? iso(fresh.lastLeaveAt) : iso(host.lastLeaveAt),
      joinCount: host.joinCount,
      openConnections: fresh?.openConnections ?? host.openConnections,
      intervals: host.intervals as StoredIntervals,
      breakoutRoom: inMeeting ? host.breakoutRoom : null,
    };
  });
  const enrolledAt = new Map(students.map((student) => [student.id, student.enrolledAt]));
  // The final record (override, enrolment) is a separate pure step after the computed figures.
  const studentRows: StudentRow[] = computedRows.map((row) => {
    const stored = overrideByStudent.get(row.studentId);
    const override = stored ? { status: stored.status, late: stored.late, note: stored.note, by: stored.byName, at: stored.at } : null;
    const final = finalRecord(row, { session: recordSession, enrolledAt: enrolledAt.get(row.studentId)!, override });
    return {
      ...row,
      status: final.status,
      computedStatus: row.status,
      override: override ? { ...override, at: override.at.toISOString() } : null,
      enrolled: final.enrolled,
      late: final.late,
      computedLate: row.late,
    };
  });

  // Suggestions come only from students who have not joined this session.
  const notJoined = studentRows.filter((row) => row.joinCount === 0).map((row) => ({ studentId: row.studentId, name: row.name, email: row.email }));
  const guestRows: GuestRow[] = guests.map((guest) => {
    const presence = toPresence(guest.intervals);
    const fresh = live || hasOpenInterval(presence) ? refreshFigures({ intervals: presence, openConnections: guest.openConnections }, session, null, now) : null;
    return {
      guestKey: guest.guestKey,
      name: guest.name,
      email: guest.email,
      inMeeting: fresh?.inMeeting ?? guest.inMeeting,
      attendedSeconds: fresh?.attendedSeconds ?? guest.attendedSeconds,
      attendedPercent: fresh?.attendedPercent ?? guest.attendedPercent,
      firstJoinAt: iso(guest.firstJoinAt),
      lastLeaveAt: fresh ? iso(fresh.lastLeaveAt) : iso(guest.lastLeaveAt),
      joinCount: guest.joinCount,
      openConnections: fresh?.openConnections ?? guest.openConnections,
      intervals: guest.intervals as StoredIntervals,
      suggestions: suggestStudents({ name: guest.name, email: guest.email }, notJoined),
    };
  });

  return {
    session: {
      id: session.id,
      courseId: session.courseId,
      zoomMeetingId: session.zoomMeetingId,
      startsAt: session.startsAt.toISOString(),
      durationMinutes: session.durationMinutes,
      lateAfterMinutes: session.lateAfterMinutes,
      requiredPercent: session.requiredPercent,
      state,
      cancelled: session.cancelledAt !== null,
      cancelNote: session.cancelNote,
    },
    course: session.course,
    computedAt: iso(session.computedAt),
    now: now.toISOString(),
    students: studentRows,
    guests: guestRows,
    hosts: hostRows,
  };
}

/** The public API's shape (docs/api.md): exactly the documented fields. */
export function toPublicAttendance(view: SessionView) {
  return {
    session: view.session,
    students: view.students.map(
      ({ openConnections: _devices, intervals: _intervals, computedLate: _computedLate, breakoutIntervals: _rooms, breakoutRoom: _room, ...student }) => student,
    ),
    guests: view.guests.map(({ guestKey: _key, openConnections: _devices, intervals: _intervals, ...guest }) => guest),
    // Instructors and participants made host or co-host: never among students or guests.
    hosts: view.hosts.map(({ hostKey: _key, openConnections: _devices, intervals: _intervals, breakoutRoom: _room, ...host }) => host),
  };
}
