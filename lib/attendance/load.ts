// Reading the attendance engine's inputs from the database: the one place that knows how events,
// sessions, a course's roster, identity links and manual matches become the engine's types. Used by
// the projection (lib/attendance/projection.ts) and by student export/erasure (lib/privacy), which
// must attribute events exactly as the projection does.
import { getPool } from "../db";
import type { PrismaClient } from "../generated/prisma/client";
import type { EngineEvent, IdentityLinkInput, ManualMatchInput, RosterStudent } from "./types";

/** The session fields the engine reads (SessionInput). */
export const SESSION_INPUT_SELECT = {
  id: true,
  zoomMeetingId: true,
  startsAt: true,
  durationMinutes: true,
  lateAfterMinutes: true,
  requiredPercent: true,
} as const;

/**
 * The events of a meeting in a time range. A class can have thousands, and per-row mapping
 * dominated the recompute: they are read as arrays, with times as epoch milliseconds, through a
 * statement prepared once per connection, on a pool connection of its own. Called after the
 * caller's transaction has taken its lock, it sees every event committed before that moment.
 */
export async function readMeetingEvents(zoomMeetingId: string, from: Date, to: Date): Promise<EngineEvent[]> {
  const result = await getPool().query<unknown[]>({
    name: "rollcall_meeting_events",
    rowMode: "array",
    text: `SELECT id::text, "eventType", source::text, (extract(epoch FROM "eventTs") * 1000)::float8, "zoomMeetingId", "meetingUuid",
             (extract(epoch FROM "occurredAt") * 1000)::float8, "participantUserId", "participantAccountId", "registrantId", email,
             "emailNormalized", "displayName", (extract(epoch FROM "joinTime") * 1000)::float8, (extract(epoch FROM "leaveTime") * 1000)::float8
           FROM events WHERE "zoomMeetingId" = $1 AND "occurredAt" >= $2::timestamp AND "occurredAt" < $3::timestamp`,
    // The columns are UTC timestamps without a zone (Prisma's DateTime).
    values: [zoomMeetingId, from.toISOString().replace("Z", ""), to.toISOString().replace("Z", "")],
  });
  const time = (value: unknown) => (value === null ? null : new Date(value as number));
  return result.rows.map((row) => ({
    id: row[0] as string,
    eventType: row[1] as string,
    source: row[2] as EngineEvent["source"],
    eventTs: time(row[3]),
    zoomMeetingId: row[4] as string | null,
    meetingUuid: row[5] as string | null,
    occurredAt: new Date(row[6] as number),
    participantUserId: row[7] as string | null,
    participantAccountId: row[8] as string | null,
    registrantId: row[9] as string | null,
    email: row[10] as string | null,
    emailNormalized: row[11] as string | null,
    displayName: row[12] as string | null,
    joinTime: time(row[13]),
    leaveTime: time(row[14]),
  }));
}

type IdentityDb = Pick<PrismaClient, "student" | "identityLink" | "manualMatch">;

export interface CourseIdentity {
  roster: RosterStudent[];
  links: IdentityLinkInput[];
  manualMatches: ManualMatchInput[];
}

/** Who is who in a course (SPEC "Who is who"): its roster, learned account links and manual matches. */
export async function loadCourseIdentity(db: IdentityDb, courseId: string): Promise<CourseIdentity> {
  const [roster, links, manualMatches] = await Promise.all([
    db.student.findMany({
      where: { courseId },
      select: { id: true, name: true, email: true, emailNormalized: true, zoomRegistrantId: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    db.identityLink.findMany({ where: { courseId }, select: { zoomAccountId: true, studentId: true } }),
    db.manualMatch.findMany({
      where: { courseId },
      select: { kind: true, value: true, studentId: true, session: { select: { startsAt: true } } },
    }),
  ]);
  return {
    roster,
    links,
    manualMatches: manualMatches.map((match) => ({
      kind: match.kind,
      value: match.value,
      studentId: match.studentId,
      madeInSessionStartsAt: match.session.startsAt,
    })),
  };
}
