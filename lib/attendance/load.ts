// Reading the attendance engine's inputs from the database: the one place that knows how events,
// sessions, a course's roster, identity links and manual matches become the engine's types. Used by
// the projection (lib/attendance/projection.ts) and by student export/erasure (lib/privacy), which
// must attribute events exactly as the projection does.
import { getPool } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import { competitorStartRange, type TimeWindow } from "./rules";
import type { EngineEvent, IdentityLinkInput, InstructorInput, ManualMatchInput, RosterStudent } from "./types";

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
    where: { courseId, zoomMeetingId, startsAt: { gte: starts.start, lt: starts.end }, course: { meetings: { some: { zoomMeetingId } } } },
    select: SESSION_INPUT_SELECT,
  });
}

/** Whether the course may see the meeting's participants. */
export async function courseMaySeeMeeting(db: Pick<PrismaClient, "meetingCourse">, courseId: string, zoomMeetingId: string): Promise<boolean> {
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
export async function readMeetingEventChanges(zoomMeetingId: string, from: Date, to: Date, sinceXmin: string | null): Promise<MeetingEventChanges> {
  const result = await getPool().query<unknown[]>({
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
      select: { id: true, name: true, email: true, emailNormalized: true, zoomRegistrantId: true, phone: true, registrations: { select: { registrantId: true } } },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    db.identityLink.findMany({ where: { courseId }, select: { zoomAccountId: true, studentId: true } }),
    db.manualMatch.findMany({
      where: { courseId },
      select: { kind: true, value: true, studentId: true, session: { select: { startsAt: true } } },
    }),
    db.courseInstructor.findMany({ where: { courseId }, select: { user: { select: { id: true, name: true, email: true } } } }),
  ]);
  return {
    roster: roster.map(({ registrations, ...student }) => ({ ...student, zoomRegistrantIds: registrations.map((registration) => registration.registrantId) })),
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
