// Reading the attendance engine's inputs from the database: the one place that knows how events,
// sessions, a course's roster, identity links and manual matches become the engine's types. Used by
// the projection (lib/attendance/projection.ts) and by student export/erasure (lib/privacy), which
// must attribute events exactly as the projection does.
import type pg from "pg";
import { getPool } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import { competitorStartRange, type TimeWindow } from "./rules";
import type {
  EngineEvent,
  IdentityLinkInput,
  InstructorInput,
  ManualMatchInput,
  RosterStudent,
  SessionInput,
} from "./types";

/** The pool, or one of its connections (the projection reads inside its own transaction). */
export type SqlClient = pg.Pool | pg.PoolClient;

/** The session fields the engine reads (SessionInput). */
export const SESSION_INPUT_SELECT = {
  id: true,
  zoomMeetingId: true,
  startsAt: true,
  durationMinutes: true,
  lateAfterMinutes: true,
  requiredPercent: true,
} as const;

type SessionDb = Pick<PrismaClient, "session">;

/**
 * The sessions that compete for a meeting's events in `events` (a session's widened window, or the
 * span of several): those starting in competitorStartRange(events), of one course, and only if that
 * course is allowed to see the meeting (meeting_courses; README "Who may see a meeting", ADR 010).
 * A session of any other course receives none of the meeting's events, whatever its start and
 * length. Competition is per course: when an admin shares a meeting between courses (cross-listed
 * sections), each course's nearest session gets the class, not only the course whose session
 * happens to start nearest. The projection, reconciliation and student export/erasure all ask here.
 */
export async function competingSessions(db: SessionDb, courseId: string, zoomMeetingId: string, events: TimeWindow) {
  const starts = competitorStartRange(events);
  return db.session.findMany({
    where: {
      courseId,
      zoomMeetingId,
      startsAt: { gte: starts.start, lt: starts.end },
      course: { meetings: { some: { zoomMeetingId } } },
    },
    select: SESSION_INPUT_SELECT,
  });
}

/** Whether the course may see the meeting's participants. */
export async function courseMaySeeMeeting(
  db: Pick<PrismaClient, "meetingCourse">,
  courseId: string,
  zoomMeetingId: string,
): Promise<boolean> {
  return (await db.meetingCourse.count({ where: { zoomMeetingId, courseId } })) > 0;
}

const EVENT_COLUMNS = `id::text, "eventType", source::text, (extract(epoch FROM "eventTs") * 1000)::float8, "zoomMeetingId", "meetingUuid",
  (extract(epoch FROM "occurredAt") * 1000)::float8, "participantUserId", "participantAccountId", "registrantId", email,
  "emailNormalized", "displayName", (extract(epoch FROM "joinTime") * 1000)::float8, (extract(epoch FROM "leaveTime") * 1000)::float8,
  "participantUuid", "breakoutRoomUuid", "breakoutRoomName", "parentUserId", "phoneNumber", "newRole"`;

// The columns are UTC timestamps without a zone (Prisma's DateTime).
const utcTimestamp = (date: Date) => date.toISOString().replace("Z", "");
const time = (value: unknown) => (value === null ? null : new Date(value as number));

/** An events row read as an array of EVENT_COLUMNS, starting at `offset`. */
function toEngineEvent(row: unknown[], offset: number): EngineEvent {
  return {
    id: row[offset] as string,
    eventType: row[offset + 1] as string,
    source: row[offset + 2] as EngineEvent["source"],
    eventTs: time(row[offset + 3]),
    zoomMeetingId: row[offset + 4] as string | null,
    meetingUuid: row[offset + 5] as string | null,
    occurredAt: new Date(row[offset + 6] as number),
    participantUserId: row[offset + 7] as string | null,
    participantAccountId: row[offset + 8] as string | null,
    registrantId: row[offset + 9] as string | null,
    email: row[offset + 10] as string | null,
    emailNormalized: row[offset + 11] as string | null,
    displayName: row[offset + 12] as string | null,
    joinTime: time(row[offset + 13]),
    leaveTime: time(row[offset + 14]),
    participantUuid: row[offset + 15] as string | null,
    breakoutRoomUuid: row[offset + 16] as string | null,
    breakoutRoomName: row[offset + 17] as string | null,
    parentUserId: row[offset + 18] as string | null,
    phoneNumber: row[offset + 19] as string | null,
    newRole: row[offset + 20] as string | null,
  };
}

/**
 * The events of a meeting in a time range. A class can have thousands, and per-row mapping
 * dominated the recompute: they are read as arrays, with times as epoch milliseconds, through a
 * statement prepared once per connection, on a pool connection of its own. Called after the
 * caller's transaction has taken its lock, it sees every event committed before that moment.
 */
export async function readMeetingEvents(zoomMeetingId: string, from: Date, to: Date): Promise<EngineEvent[]> {
  return (await readMeetingEventChanges(zoomMeetingId, from, to, null)).events;
}

export interface MeetingEventChanges {
  /** rows written (inserted or updated) since `sinceXmin`, or all rows when it is null */
  events: EngineEvent[];
  /** how many events the range holds now: fewer than the caller knows of means some were deleted */
  total: number;
  /** pass back as `sinceXmin` to get only what changed after this read */
  snapshotXmin: string;
}

/**
 * The events of a meeting in a time range that were written since an earlier read, for the
 * worker's cache (lib/attendance/projection.ts, ADR 009). `snapshotXmin` is the oldest
 * transaction still running when this read's snapshot was taken: every row written by an older
 * transaction was visible to this read, so the next read needs only rows whose `xmin` is not
 * older — including rows committed late by a transaction that was running now. A row rewritten
 * in place (erasure, retention purge) gets a new `xmin` and comes back too. Count and rows come
 * from one statement, hence one snapshot.
 */
export async function readMeetingEventChanges(
  zoomMeetingId: string,
  from: Date,
  to: Date,
  sinceXmin: string | null,
  db: SqlClient = getPool(),
): Promise<MeetingEventChanges> {
  const result = await db.query<unknown[]>({
    name: "rollcall_meeting_event_changes",
    rowMode: "array",
    text: `SELECT range.total, range.snapshot_xmin, changed.* FROM (
             SELECT count(*)::int AS total, (txid_snapshot_xmin(txid_current_snapshot()) % 4294967296)::text AS snapshot_xmin
             FROM events WHERE "zoomMeetingId" = $1 AND "occurredAt" >= $2::timestamp AND "occurredAt" < $3::timestamp
           ) range LEFT JOIN LATERAL (
             SELECT ${EVENT_COLUMNS} FROM events
             WHERE "zoomMeetingId" = $1 AND "occurredAt" >= $2::timestamp AND "occurredAt" < $3::timestamp
               AND ($4::xid IS NULL OR age(xmin) <= age($4::xid))
           ) changed ON true`,
    values: [zoomMeetingId, utcTimestamp(from), utcTimestamp(to), sinceXmin],
  });
  const first = result.rows[0];
  return {
    total: first[0] as number,
    snapshotXmin: first[1] as string,
    // No changed rows: the one row of the range carries NULL event columns.
    events: first[2] === null ? [] : result.rows.map((row) => toEngineEvent(row, 2)),
  };
}

type IdentityDb = Pick<PrismaClient, "student" | "identityLink" | "manualMatch" | "courseInstructor">;

export interface CourseIdentity {
  roster: RosterStudent[];
  links: IdentityLinkInput[];
  manualMatches: ManualMatchInput[];
  /** the course's instructors: in the meeting they are hosts, not guests */
  instructors: InstructorInput[];
}

/** Who is who in a course (README "How attendance is computed"): its roster, learned account links and manual matches. */
export async function loadCourseIdentity(db: IdentityDb, courseId: string): Promise<CourseIdentity> {
  const [roster, links, manualMatches, instructors] = await Promise.all([
    db.student.findMany({
      where: { courseId },
      select: {
        id: true,
        name: true,
        email: true,
        emailNormalized: true,
        zoomRegistrantId: true,
        phone: true,
        registrations: { select: { registrantId: true } },
      },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    db.identityLink.findMany({ where: { courseId }, select: { zoomAccountId: true, studentId: true } }),
    db.manualMatch.findMany({
      where: { courseId },
      select: { kind: true, value: true, studentId: true, session: { select: { startsAt: true } } },
    }),
    db.courseInstructor.findMany({
      where: { courseId },
      select: { user: { select: { id: true, name: true, email: true } } },
    }),
  ]);
  return {
    roster: roster.map(({ registrations, ...student }) => ({
      ...student,
      zoomRegistrantIds: registrations.map((registration) => registration.registrantId),
    })),
    links,
    manualMatches: manualMatches.map((match) => ({
      kind: match.kind,
      value: match.value,
      studentId: match.studentId,
      madeInSessionStartsAt: match.session.startsAt,
    })),
    instructors: instructors.map(({ user }) => user),
  };
}

/** What a recompute reads under its session's lock besides the events (lib/attendance/projection.ts). */
export interface ProjectionInputs {
  session: SessionInput & { courseId: string; computedEvents: number };
  /** the session row's xmin and how many projection rows it has: the worker's cache check (ADR 009) */
  stored: { sessionXmin: string; students: number; guests: number; hosts: number; liveVersion: number };
  identity: CourseIdentity;
  /**
   * The course's sessions on the same meeting that start within two days (plus the session's
   * length) of this one, if the course may see the meeting: a superset of every competitor start
   * range, which the caller narrows exactly as competingSessions does.
   */
  siblingCandidates: SessionInput[];
}

/** How far before this session's start a sibling candidate may start (see ProjectionInputs). */
export const SIBLING_CANDIDATE_MARGIN_MS = 2 * 24 * 60 * 60 * 1000;

const epochMs = (column: string) => `(extract(epoch FROM ${column}) * 1000)::float8`;

/**
 * One statement, one round trip: the session, the cache check, the course's identity (what
 * loadCourseIdentity reads) and the sibling candidates (what competingSessions reads). A recompute
 * is a short transaction run thousands of times in a class-start burst, and through Prisma these
 * were 13 queries; test/attendance/projection-inputs.test.ts checks they read the same as the
 * Prisma loaders the rest of the app uses. Null: no such session.
 */
export async function loadProjectionInputs(db: SqlClient, sessionId: string): Promise<ProjectionInputs | null> {
  const result = await db.query<unknown[]>({
    name: "rollcall_projection_inputs",
    rowMode: "array",
    text: `SELECT s."courseId", s."zoomMeetingId", ${epochMs('s."startsAt"')}, s."durationMinutes", s."lateAfterMinutes", s."requiredPercent",
             s."computedEvents", s.xmin::text,
             (SELECT count(*)::int FROM attendance_records WHERE "sessionId" = s.id),
             (SELECT count(*)::int FROM guest_attendance WHERE "sessionId" = s.id),
             (SELECT count(*)::int FROM host_attendance WHERE "sessionId" = s.id),
             (SELECT coalesce(json_agg(json_build_array(st.id, st.name, st.email, st."emailNormalized", st."zoomRegistrantId", st.phone,
                       ARRAY(SELECT r."registrantId" FROM zoom_registrants r WHERE r."studentId" = st.id)) ORDER BY st.name, st.id), '[]')
                FROM students st WHERE st."courseId" = s."courseId"),
             (SELECT coalesce(json_agg(json_build_array(l."zoomAccountId", l."studentId")), '[]')
                FROM identity_links l WHERE l."courseId" = s."courseId"),
             (SELECT coalesce(json_agg(json_build_array(m.kind::text, m.value, m."studentId", ${epochMs('ms."startsAt"')})), '[]')
                FROM manual_matches m JOIN sessions ms ON ms.id = m."sessionId" WHERE m."courseId" = s."courseId"),
             (SELECT coalesce(json_agg(json_build_array(u.id, u.name, u.email)), '[]')
                FROM course_instructors ci JOIN users u ON u.id = ci."userId" WHERE ci."courseId" = s."courseId"),
             (SELECT coalesce(json_agg(json_build_array(c.id, c."zoomMeetingId", ${epochMs('c."startsAt"')}, c."durationMinutes", c."lateAfterMinutes", c."requiredPercent")
                       ORDER BY c."startsAt", c.id), '[]')
                FROM sessions c
                WHERE c."courseId" = s."courseId" AND c."zoomMeetingId" = s."zoomMeetingId"
                  AND c."startsAt" >= s."startsAt" - $2::float8 * interval '1 millisecond'
                  AND c."startsAt" < s."startsAt" + make_interval(mins => s."durationMinutes") + $2::float8 * interval '1 millisecond'
                  AND EXISTS (SELECT 1 FROM meeting_courses mc WHERE mc."courseId" = s."courseId" AND mc."zoomMeetingId" = s."zoomMeetingId")),
             s."liveVersion"
           FROM sessions s WHERE s.id = $1`,
    values: [sessionId, SIBLING_CANDIDATE_MARGIN_MS],
  });
  const row = result.rows[0];
  if (!row) return null;
  const [
    courseId,
    zoomMeetingId,
    startsAt,
    durationMinutes,
    lateAfterMinutes,
    requiredPercent,
    computedEvents,
    sessionXmin,
    students,
    guests,
    hosts,
  ] = row as [string, string, number, number, number, number, number, string, number, number, number];
  const [roster, links, manualMatches, instructors, siblings] = row.slice(11, 16) as unknown[][][];
  const liveVersion = row[16] as number;
  return {
    session: {
      id: sessionId,
      courseId,
      zoomMeetingId,
      startsAt: new Date(startsAt),
      durationMinutes,
      lateAfterMinutes,
      requiredPercent,
      computedEvents,
    },
    stored: { sessionXmin, students, guests, hosts, liveVersion },
    identity: {
      roster: roster.map(([id, name, email, emailNormalized, zoomRegistrantId, phone, zoomRegistrantIds]) => ({
        id: id as string,
        name: name as string,
        email: email as string,
        emailNormalized: emailNormalized as string,
        zoomRegistrantId: zoomRegistrantId as string | null,
        phone: phone as string | null,
        zoomRegistrantIds: zoomRegistrantIds as string[],
      })),
      links: links.map(([zoomAccountId, studentId]) => ({
        zoomAccountId: zoomAccountId as string,
        studentId: studentId as string,
      })),
      manualMatches: manualMatches.map(([kind, value, studentId, madeAt]) => ({
        kind: kind as ManualMatchInput["kind"],
        value: value as string,
        studentId: studentId as string,
        madeInSessionStartsAt: new Date(madeAt as number),
      })),
      instructors: instructors.map(([id, name, email]) => ({
        id: id as string,
        name: name as string,
        email: email as string,
      })),
    },
    siblingCandidates: siblings.map(([id, meetingId, starts, duration, lateAfter, required]) => ({
      id: id as string,
      zoomMeetingId: meetingId as string,
      startsAt: new Date(starts as number),
      durationMinutes: duration as number,
      lateAfterMinutes: lateAfter as number,
      requiredPercent: required as number,
    })),
  };
}
