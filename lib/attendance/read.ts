// Reads a session's stored attendance for pages, the JSON API and exports. While the session is
// live, clock-dependent figures are brought up to `now` with the engine's refreshFigures, so a
// read never shows a stale "attended so far".
import { getPool, prisma } from "../db";
import { suggestStudents, type Suggestion } from "../identity/suggestions";
import { refreshFigures, sessionState } from "./engine";
import { FIGURE_COLUMNS } from "./figure-columns";
import { finalRecord, type FinalStatus } from "./final-record";
import { courseMaySeeMeeting } from "./load";
import type { AttendanceStatus, MeetingInstanceTimes, PresenceInterval, SessionState } from "./types";
import { ATTACH_MARGIN_MINUTES, WAITING_ROOM_EVENT_TYPES, widenedSessionWindow } from "./rules";
import { WAIT_ENDING_EVENT_TYPES, type WaitingRoomEvent } from "./waiting-room";

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
  const instances = !visible
    ? []
    : await prisma.meetingInstance.findMany({
        where: { zoomMeetingId: session.zoomMeetingId, startedAt: { gte: widened.start, lt: widened.end } },
        select: { uuid: true, startedAt: true, endedAt: true },
      });
  return sessionState(session, instances, now);
}

/** A session's stored rows, as one statement reads them (loadStoredSession). */
export interface StoredSession {
  session: {
    id: string;
    courseId: string;
    zoomMeetingId: string;
    startsAt: Date;
    durationMinutes: number;
    lateAfterMinutes: number;
    requiredPercent: number;
    cancelledAt: Date | null;
    cancelNote: string | null;
    computedAt: Date | null;
    liveVersion: number;
    course: { id: string; name: string; timezone: string };
  };
  /** the meeting's instances that started in the session's widened window (none if the course may not see the meeting) */
  instances: MeetingInstanceTimes[];
  students: { id: string; name: string; email: string; enrolledAt: Date }[];
  records: StoredFigures<{
    studentId: string;
    status: AttendanceStatus;
    late: boolean;
    lateBySeconds: number;
    breakoutIntervals: unknown;
    breakoutRoom: string | null;
  }>[];
  guests: StoredFigures<{ guestKey: string; name: string; email: string | null }>[];
  hosts: StoredFigures<{
    hostKey: string;
    name: string;
    email: string | null;
    reason: string;
    breakoutIntervals: unknown;
    breakoutRoom: string | null;
  }>[];
  overrides: {
    studentId: string;
    status: FinalStatus;
    late: boolean | null;
    note: string | null;
    byName: string;
    at: Date;
  }[];
  /** live page only: students already sent a late-joiner email */
  notifiedStudentIds: string[];
  /** live page only: the waiting-room events of the session's meeting in its widened window */
  waitingRoomEvents: WaitingRoomEvent[];
}

type StoredFigures<Row> = Row & {
  attendedSeconds: number;
  attendedPercent: number;
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
  joinCount: number;
  inMeeting: boolean;
  openConnections: number;
  intervals: unknown;
};

const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;
const figureColumns = (table: string) =>
  FIGURE_COLUMNS.map((column) =>
    column.endsWith("At") ? epochMs(`${table}."${column}"`) : `${table}."${column}"`,
  ).join(", ");

/**
 * Everything a session view shows, in one statement (one round trip, one snapshot): the live page's
 * push reads this for every change of every open class (ADR 020), and as thirteen Prisma queries
 * it was most of the web process's CPU in a class-start burst. `$3` (live) adds what only the live
 * page shows. `$5` >= 0 reads only the projection rows written after that live version, and every
 * row's key (in the full read's order): the push's reads after its first (ADR 021). The window is
 * widenedSessionWindow's, computed here from its margin and checked against it by the caller.
 */
const STORED_SESSION_SQL = `WITH s AS (
    SELECT s.*, s."startsAt" - $2::float8 * interval '1 millisecond' AS "windowStart",
      s."startsAt" + make_interval(mins => s."durationMinutes") + $2::float8 * interval '1 millisecond' AS "windowEnd",
      EXISTS (SELECT 1 FROM meeting_courses mc WHERE mc."courseId" = s."courseId" AND mc."zoomMeetingId" = s."zoomMeetingId") AS visible
    FROM sessions s WHERE s.id = $1
  )
  SELECT s."courseId", s."zoomMeetingId", ${epochMs('s."startsAt"')}, s."durationMinutes", s."lateAfterMinutes", s."requiredPercent",
    ${epochMs('s."cancelledAt"')}, s."cancelNote", ${epochMs('s."computedAt"')}, s."liveVersion", c.name, c.timezone,
    ${epochMs('s."windowStart"')}, ${epochMs('s."windowEnd"')},
    (SELECT coalesce(json_agg(json_build_array(i.uuid, ${epochMs('i."startedAt"')}, ${epochMs('i."endedAt"')})), '[]') FROM meeting_instances i
      WHERE s.visible AND i."zoomMeetingId" = s."zoomMeetingId" AND i."startedAt" >= s."windowStart" AND i."startedAt" < s."windowEnd"),
    (SELECT coalesce(json_agg(json_build_array(st.id, st.name, st.email, ${epochMs('st."enrolledAt"')}) ORDER BY st.name, st.id), '[]')
      FROM students st WHERE st."courseId" = s."courseId"),
    (SELECT coalesce(json_agg(json_build_array(r."studentId", r.status::text, r.late, r."lateBySeconds", r."breakoutIntervals", r."breakoutRoom", ${figureColumns("r")})), '[]')
      FROM attendance_records r WHERE r."sessionId" = s.id AND r."liveVersion" > $5),
    (SELECT coalesce(json_agg(json_build_array(g."guestKey", g.name, g.email, ${figureColumns("g")}) ORDER BY g."firstJoinAt", g."guestKey"), '[]')
      FROM guest_attendance g WHERE g."sessionId" = s.id AND g."liveVersion" > $5),
    (SELECT coalesce(json_agg(json_build_array(h."hostKey", h.name, h.email, h.reason, h."breakoutIntervals", h."breakoutRoom", ${figureColumns("h")}) ORDER BY h."firstJoinAt", h."hostKey"), '[]')
      FROM host_attendance h WHERE h."sessionId" = s.id AND h."liveVersion" > $5),
    (SELECT coalesce(json_agg(json_build_array(o."studentId", o.status::text, o.late, o.note, o."byName", ${epochMs("o.at")})), '[]')
      FROM attendance_overrides o WHERE o."sessionId" = s.id),
    CASE WHEN $3 THEN (SELECT coalesce(json_agg(n."studentId"), '[]') FROM notifications n
      WHERE n."sessionId" = s.id AND n.kind = 'late_student' AND n."studentId" IS NOT NULL) END,
    CASE WHEN $3 THEN (SELECT coalesce(json_agg(json_build_array(e.id::text, e."eventType", e."meetingUuid", ${epochMs('e."occurredAt"')}, e."participantUserId",
        e."participantUuid", e.email, e."displayName")), '[]') FROM events e
      WHERE e."zoomMeetingId" = s."zoomMeetingId" AND e."occurredAt" >= s."windowStart" AND e."occurredAt" < s."windowEnd" AND e."eventType" = ANY($4::text[])) END,
    CASE WHEN $5 >= 0 THEN json_build_array(
      (SELECT coalesce(json_agg(r."studentId"), '[]') FROM attendance_records r WHERE r."sessionId" = s.id),
      (SELECT coalesce(json_agg(g."guestKey" ORDER BY g."firstJoinAt", g."guestKey"), '[]') FROM guest_attendance g WHERE g."sessionId" = s.id),
      (SELECT coalesce(json_agg(h."hostKey" ORDER BY h."firstJoinAt", h."hostKey"), '[]') FROM host_attendance h WHERE h."sessionId" = s.id)) END
  FROM s JOIN courses c ON c.id = s."courseId"`;

const WAITING_ROOM_QUERY_EVENT_TYPES = [...WAITING_ROOM_EVENT_TYPES, ...WAIT_ENDING_EVENT_TYPES];

const dateOrNull = (value: unknown) => (value === null ? null : new Date(value as number));

/** Stored figures from the array figureColumns selects, starting at `offset`. */
function storedFigures(row: unknown[], offset: number) {
  return {
    attendedSeconds: row[offset] as number,
    attendedPercent: row[offset + 1] as number,
    firstJoinAt: dateOrNull(row[offset + 2]),
    lastLeaveAt: dateOrNull(row[offset + 3]),
    joinCount: row[offset + 4] as number,
    inMeeting: row[offset + 5] as boolean,
    openConnections: row[offset + 6] as number,
    intervals: row[offset + 7],
  };
}

/** A session's stored rows; `live` adds the late-joiner emails and waiting-room events. Null: no such session. */
export async function loadStoredSession(sessionId: string, live: boolean): Promise<StoredSession | null> {
  return (await queryStoredSession(sessionId, live, null))?.stored ?? null;
}

/** The keys of every projection row of a session, guests and hosts in the full read's order. */
export interface StoredRowKeys {
  records: string[];
  guests: string[];
  hosts: string[];
}

/**
 * A session's stored rows as the live page shows them, except that `records`, `guests` and
 * `hosts` hold only the rows written after live version `since`; `keys` lists every row (ADR 021).
 * mergeStoredChanges makes them whole again. Null: no such session.
 */
export async function loadStoredSessionChanges(
  sessionId: string,
  since: number,
): Promise<{ stored: StoredSession; keys: StoredRowKeys } | null> {
  return (await queryStoredSession(sessionId, true, since)) as { stored: StoredSession; keys: StoredRowKeys } | null;
}

async function queryStoredSession(
  sessionId: string,
  live: boolean,
  since: number | null,
): Promise<{ stored: StoredSession; keys: StoredRowKeys | null } | null> {
  const result = await getPool().query<unknown[]>({
    name: "rollcall_stored_session",
    rowMode: "array",
    text: STORED_SESSION_SQL,
    values: [sessionId, ATTACH_MARGIN_MINUTES * 60_000, live, WAITING_ROOM_QUERY_EVENT_TYPES, since ?? -1],
  });
  const row = result.rows[0];
  if (!row) return null;
  const session: StoredSession["session"] = {
    id: sessionId,
    courseId: row[0] as string,
    zoomMeetingId: row[1] as string,
    startsAt: new Date(row[2] as number),
    durationMinutes: row[3] as number,
    lateAfterMinutes: row[4] as number,
    requiredPercent: row[5] as number,
    cancelledAt: dateOrNull(row[6]),
    cancelNote: row[7] as string | null,
    computedAt: dateOrNull(row[8]),
    liveVersion: row[9] as number,
    course: { id: row[0] as string, name: row[10] as string, timezone: row[11] as string },
  };
  const widened = widenedSessionWindow(session);
  if (widened.start.getTime() !== row[12] || widened.end.getTime() !== row[13])
    throw new Error("the stored-session read's window is not widenedSessionWindow's");
  const [instances, students, records, guests, hosts, overrides] = row.slice(14, 20) as unknown[][][];
  const keys = row[22] as [string[], string[], string[]] | null;
  const stored: StoredSession = {
    session,
    instances: instances.map(([uuid, startedAt, endedAt]) => ({
      uuid: uuid as string,
      startedAt: dateOrNull(startedAt),
      endedAt: dateOrNull(endedAt),
    })),
    students: students.map(([id, name, email, enrolledAt]) => ({
      id: id as string,
      name: name as string,
      email: email as string,
      enrolledAt: new Date(enrolledAt as number),
    })),
    records: records.map((record) => ({
      studentId: record[0] as string,
      status: record[1] as AttendanceStatus,
      late: record[2] as boolean,
      lateBySeconds: record[3] as number,
      breakoutIntervals: record[4],
      breakoutRoom: record[5] as string | null,
      ...storedFigures(record, 6),
    })),
    guests: guests.map((guest) => ({
      guestKey: guest[0] as string,
      name: guest[1] as string,
      email: guest[2] as string | null,
      ...storedFigures(guest, 3),
    })),
    hosts: hosts.map((host) => ({
      hostKey: host[0] as string,
      name: host[1] as string,
      email: host[2] as string | null,
      reason: host[3] as string,
      breakoutIntervals: host[4],
      breakoutRoom: host[5] as string | null,
      ...storedFigures(host, 6),
    })),
    overrides: overrides.map(([studentId, status, late, note, byName, at]) => ({
      studentId: studentId as string,
      status: status as FinalStatus,
      late: late as boolean | null,
      note: note as string | null,
      byName: byName as string,
      at: new Date(at as number),
    })),
    notifiedStudentIds: (row[20] as string[] | null) ?? [],
    waitingRoomEvents: ((row[21] as unknown[][] | null) ?? []).map(
      ([id, eventType, meetingUuid, occurredAt, participantUserId, participantUuid, email, displayName]) => ({
        id: id as string,
        eventType: eventType as string,
        meetingUuid: meetingUuid as string | null,
        occurredAt: new Date(occurredAt as number),
        participantUserId: participantUserId as string | null,
        participantUuid: participantUuid as string | null,
        email: email as string | null,
        displayName: displayName as string | null,
      }),
    ),
  };
  return { stored, keys: keys ? { records: keys[0], guests: keys[1], hosts: keys[2] } : null };
}

/**
 * `previous` brought up to date with `changes` (pure): the changed rows replace or join the
 * previous ones and rows whose key is gone are dropped. Unchanged rows, roster entries and
 * overrides stay the same objects, so that sessionViewOf can reuse what it built from them. Null
 * if a key is in neither: the caller reads everything instead.
 */
export function mergeStoredChanges(
  previous: StoredSession,
  changes: { stored: StoredSession; keys: StoredRowKeys },
): StoredSession | null {
  const records = mergeRows(previous.records, changes.stored.records, changes.keys.records, (row) => row.studentId);
  const guests = mergeRows(previous.guests, changes.stored.guests, changes.keys.guests, (row) => row.guestKey);
  const hosts = mergeRows(previous.hosts, changes.stored.hosts, changes.keys.hosts, (row) => row.hostKey);
  if (!records || !guests || !hosts) return null;
  const students = keepEqual(
    previous.students,
    changes.stored.students,
    (before, now) =>
      before.id === now.id &&
      before.name === now.name &&
      before.email === now.email &&
      before.enrolledAt.getTime() === now.enrolledAt.getTime(),
  );
  const overrides = keepEqual(
    previous.overrides,
    changes.stored.overrides,
    (before, now) =>
      before.studentId === now.studentId &&
      before.status === now.status &&
      before.late === now.late &&
      before.note === now.note &&
      before.byName === now.byName &&
      before.at.getTime() === now.at.getTime(),
  );
  return { ...changes.stored, records, guests, hosts, students, overrides };
}

/**
 * The rows of `keys`, in that order: a changed row, else the previous one. Rows usually come in
 * the same order as before, so each is looked for at its own index first (no map of the class).
 */
function mergeRows<Row>(previous: Row[], changed: Row[], keys: string[], keyOf: (row: Row) => string): Row[] | null {
  const changedByKey = new Map(changed.map((row) => [keyOf(row), row]));
  let previousByKey: Map<string, Row> | null = null;
  const merged: Row[] = new Array(keys.length);
  for (let index = 0; index < keys.length; index += 1) {
    const key = keys[index];
    let row = changedByKey.get(key);
    if (row === undefined && index < previous.length && keyOf(previous[index]) === key) row = previous[index];
    if (row === undefined) {
      previousByKey ??= new Map(previous.map((earlier) => [keyOf(earlier), earlier]));
      row = previousByKey.get(key);
    }
    if (row === undefined) return null;
    merged[index] = row;
  }
  return merged;
}

/** `next`, with each entry equal to the previous one at its index replaced by that (same object). */
function keepEqual<Entry>(previous: Entry[], next: Entry[], equal: (before: Entry, now: Entry) => boolean): Entry[] {
  return next.map((entry, index) =>
    index < previous.length && equal(previous[index], entry) ? previous[index] : entry,
  );
}

export async function readSessionAttendance(sessionId: string, now: Date = new Date()): Promise<SessionView | null> {
  const stored = await loadStoredSession(sessionId, false);
  return stored ? sessionViewOf(stored, now) : null;
}

type StoredStudent = StoredSession["students"][number];
type StoredRecord = StoredSession["records"][number];

/**
 * Rows sessionViewOf built, each kept with the stored row it was built from (the live push's
 * reads, ADR 021): a later view of stored rows that are the same objects, as mergeStoredChanges
 * keeps them, with the same other inputs, takes the row as it was. Entries go with their stored rows.
 */
export class BuiltRows {
  private rows = new WeakMap<object, { row: unknown; context: string; inputs: [unknown, unknown] }>();

  /** The row built from `source` for this context and these other inputs (compared by identity), if any. */
  take<Row>(source: object, context: string, first: unknown, second: unknown): Row | undefined {
    const built = this.rows.get(source);
    return built && built.context === context && built.inputs[0] === first && built.inputs[1] === second
      ? (built.row as Row)
      : undefined;
  }

  keep<Row>(source: object, context: string, first: unknown, second: unknown, row: Row): Row {
    this.rows.set(source, { row, context, inputs: [first, second] });
    return row;
  }
}

/**
 * What the pages and the API show of a session, from its stored rows, brought up to `now` (pure).
 *
 * Given `built`, a row whose inputs are unchanged (the same stored row objects, and the same
 * session settings and state) is taken as it was built before, so a change costs the rows it
 * touched, not the class. Such a row's clock figures are those of the read that built it: the
 * push sends only rows that changed, and the page brings every row up to its own clock
 * (withClockFigures).
 */
export function sessionViewOf(stored: StoredSession, now: Date, built?: BuiltRows): SessionView {
  const { session, students, records, guests, hosts, overrides } = stored;
  const state = sessionState(session, stored.instances, now);
  const live = state === "live";
  // What every row is built from besides its own inputs.
  const context = built
    ? `${state} ${session.startsAt.getTime()} ${session.durationMinutes} ${session.lateAfterMinutes} ${session.requiredPercent} ${session.cancelledAt?.getTime()}`
    : "";
  const recordByStudent = new Map(records.map((record) => [record.studentId, record]));
  const overrideByStudent = new Map(overrides.map((override) => [override.studentId, override]));
  const recordSession = {
    startsAt: session.startsAt,
    durationMinutes: session.durationMinutes,
    cancelled: session.cancelledAt !== null,
  };
  /** Fresh clock figures for a stored row, while they follow the clock (null: the stored ones stand). */
  const freshFigures = (row: { intervals: unknown; openConnections: number }) => {
    const presence = toPresence(row.intervals);
    return live || hasOpenInterval(presence)
      ? refreshFigures({ intervals: presence, openConnections: row.openConnections }, session, null, now)
      : null;
  };

  const studentRowOf = (student: StoredStudent): StudentRow => {
    const record = recordByStudent.get(student.id);
    const storedOverride = overrideByStudent.get(student.id);
    // An absent student's row is built from the roster entry alone.
    const source = record ?? student;
    const reused = built?.take<StudentRow>(source, context, student, storedOverride);
    if (reused) return reused;
    const row = record ? computedStudentRow(student, record, freshFigures(record)) : absentStudentRow(student);
    // The final record (override, enrolment) is a separate pure step after the computed figures.
    const override = storedOverride
      ? {
          status: storedOverride.status,
          late: storedOverride.late,
          note: storedOverride.note,
          by: storedOverride.byName,
          at: storedOverride.at,
        }
      : null;
    const final = finalRecord(row, { session: recordSession, enrolledAt: student.enrolledAt, override });
    const studentRow: StudentRow = {
      ...row,
      status: final.status,
      computedStatus: row.status,
      override: override ? { ...override, at: override.at.toISOString() } : null,
      enrolled: final.enrolled,
      late: final.late,
      computedLate: row.late,
    };
    return built ? built.keep(source, context, student, storedOverride, studentRow) : studentRow;
  };
  const studentRows = students.map(studentRowOf);

  const hostRows: HostRow[] = hosts.map((host) => {
    const reused = built?.take<HostRow>(host, context, null, null);
    if (reused) return reused;
    const fresh = freshFigures(host);
    const inMeeting = fresh?.inMeeting ?? host.inMeeting;
    const hostRow: HostRow = {
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
    return built ? built.keep(host, context, null, null, hostRow) : hostRow;
  });

  // Suggestions come only from students who have not joined this session.
  const notJoined =
    guests.length > 0
      ? studentRows
          .filter((row) => row.joinCount === 0)
          .map((row) => ({ studentId: row.studentId, name: row.name, email: row.email }))
      : [];
  // A guest's row is built from its stored row and the students it may be suggested.
  const candidates = built && guests.length > 0 ? JSON.stringify(notJoined) : null;
  const guestRows: GuestRow[] = guests.map((guest) => {
    const reused = built?.take<GuestRow>(guest, context, candidates, null);
    if (reused) return reused;
    const fresh = freshFigures(guest);
    const guestRow: GuestRow = {
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
    return built ? built.keep(guest, context, candidates, null, guestRow) : guestRow;
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

type ComputedStudentRow = Omit<StudentRow, "computedStatus" | "override" | "enrolled" | "computedLate"> & {
  status: AttendanceStatus;
};

function absentStudentRow(student: StoredStudent): ComputedStudentRow {
  return {
    studentId: student.id,
    name: student.name,
    email: student.email,
    status: "absent",
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

function computedStudentRow(
  student: StoredStudent,
  record: StoredRecord,
  fresh: ReturnType<typeof refreshFigures> | null,
): ComputedStudentRow {
  const inMeeting = fresh?.inMeeting ?? record.inMeeting;
  return {
    studentId: student.id,
    name: student.name,
    email: student.email,
    status: fresh?.status ?? record.status,
    inMeeting,
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
    breakoutRoom: inMeeting ? record.breakoutRoom : null,
  };
}

/** The public API's shape (docs/api.md): exactly the documented fields. */
export function toPublicAttendance(view: SessionView) {
  return {
    session: view.session,
    students: view.students.map(
      ({
        openConnections: _devices,
        intervals: _intervals,
        computedLate: _computedLate,
        breakoutIntervals: _rooms,
        breakoutRoom: _room,
        ...student
      }) => student,
    ),
    guests: view.guests.map(({ guestKey: _key, openConnections: _devices, intervals: _intervals, ...guest }) => guest),
    // Instructors and participants made host or co-host: never among students or guests.
    hosts: view.hosts.map(
      ({ hostKey: _key, openConnections: _devices, intervals: _intervals, breakoutRoom: _room, ...host }) => host,
    ),
  };
}
