// Who may see a Zoom meeting (README "Who may see a meeting", ADR 010): a meeting
// ID belongs to the course that first scheduled a session on it; only admins add other courses
// (cross-listed sections). Sessions of other courses on the meeting are refused for instructors,
// and only sessions of the meeting's courses compete for its events (lib/attendance/load.ts).
import { normalizeEmail } from "../attendance/rules";
import { recordAudit } from "../audit";
import { prisma, type Tx } from "../db";
import type { Role } from "../generated/prisma/client";
import { queryMeetingConflicts, type MeetingConflict } from "../db/meeting-conflicts";
import { enqueueRecompute } from "../queue/enqueue";
import { ZoomApiError, zoomClientFromConfig, type ZoomClient } from "../zoom/api";

/** Who is asking: admins may share meetings and skip the Zoom host check. */
export interface Actor {
  id: string | null;
  role: Role;
}

type Db = Pick<Tx, "meetingCourse" | "session" | "course">;

/**
 * A session on a meeting another course uses. Instructors are never told which course (that
 * would confirm another class exists and name it); admins are.
 */
export class MeetingInUseError extends Error {
  constructor(
    readonly zoomMeetingId: string,
    /** the other courses, for admins only */
    readonly otherCourses: { id: string; name: string }[] | null,
  ) {
    super(
      otherCourses === null
        ? `Zoom meeting ${zoomMeetingId} is already used by another course, so this course cannot schedule it. ` +
            "If the classes really share one Zoom meeting (cross-listed sections), an admin can share the meeting with this course."
        : `Zoom meeting ${zoomMeetingId} is used by ${otherCourses.map((course) => `"${course.name}"`).join(", ")}. ` +
            "Share the meeting with this course (Admin → Meetings, or shareMeeting: true in the API) if the classes really share it.",
    );
    this.name = "MeetingInUseError";
  }
}

/** Why Zoom's answer (or silence) stops an instructor's session: see verifyMeetingHost. */
export class MeetingHostError extends Error {
  constructor(
    readonly kind: "host_mismatch" | "not_on_zoom" | "zoom_unreachable",
    message: string,
    /** seconds Zoom asked us to wait (429), if it said */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = "MeetingHostError";
  }
}

/** Only admins may skip the host check or share a meeting while creating a session. */
export class AdminOnlyOptionError extends Error {
  constructor(option: string) {
    super(`Only admins may use ${option}.`);
    this.name = "AdminOnlyOptionError";
  }
}

/** Serialises claims on one meeting ID, so two courses cannot both become its first course. */
async function lockMeeting(tx: Tx, zoomMeetingId: string): Promise<void> {
  await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended('meeting:' || $1, 0))", zoomMeetingId);
}

/**
 * The courses, other than `courseId`, that hold the meeting: its allowed courses, or — when no
 * course is allowed any more (an admin removed them all) — courses that still have sessions on it.
 * Empty: the meeting is free for `courseId`, or already allowed to it.
 */
async function otherHolders(
  db: Db,
  courseId: string,
  zoomMeetingId: string,
): Promise<{ id: string; name: string }[] | "allowed"> {
  const allowed = await db.meetingCourse.findMany({
    where: { zoomMeetingId },
    select: { course: { select: { id: true, name: true } } },
  });
  if (allowed.some((row) => row.course.id === courseId)) return "allowed";
  if (allowed.length > 0) return allowed.map((row) => row.course);
  return db.course.findMany({
    where: { id: { not: courseId }, sessions: { some: { zoomMeetingId } } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
}

/** Refuses early (no lock) when the meeting is another course's and the actor may not share it. */
export async function assertMeetingAvailable(
  courseId: string,
  zoomMeetingId: string,
  actor: Actor,
  share: boolean,
): Promise<void> {
  const holders = await otherHolders(prisma, courseId, zoomMeetingId);
  if (holders === "allowed" || holders.length === 0) return;
  if (actor.role === "admin" && share) return;
  throw new MeetingInUseError(zoomMeetingId, actor.role === "admin" ? holders : null);
}

/**
 * Inside the transaction that writes a session: makes sure `courseId` may see the meeting. A free
 * meeting becomes the course's; another course's meeting is refused, unless an admin asked to
 * share it. Returns true when a course was added to the meeting.
 */
export async function claimMeeting(
  tx: Tx,
  courseId: string,
  zoomMeetingId: string,
  actor: Actor,
  share: boolean,
): Promise<boolean> {
  await lockMeeting(tx, zoomMeetingId);
  const holders = await otherHolders(tx, courseId, zoomMeetingId);
  if (holders === "allowed") return false;
  if (holders.length > 0) {
    if (!(actor.role === "admin" && share))
      throw new MeetingInUseError(zoomMeetingId, actor.role === "admin" ? holders : null);
    await tx.meetingCourse.create({ data: { zoomMeetingId, courseId, sharedById: actor.id } });
    await recordAudit(tx, {
      action: "meeting.shared",
      actorId: actor.id,
      subject: { type: "meeting", id: zoomMeetingId },
      detail: { courseId },
    });
    return true;
  }
  await tx.meetingCourse.create({ data: { zoomMeetingId, courseId } });
  return true;
}

/** Sessions of the meeting: after its courses change, every one of them may win or lose events. */
async function recomputeMeetingSessions(
  db: Pick<Tx, "session" | "$executeRawUnsafe">,
  zoomMeetingId: string,
): Promise<void> {
  const sessions = await db.session.findMany({ where: { zoomMeetingId }, select: { id: true } });
  await enqueueRecompute(
    sessions.map((session) => session.id),
    db,
  );
}

export type { MeetingConflict };

export class MeetingShareError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
    this.name = "MeetingShareError";
  }
}

/** Admins: lets `courseId` see the meeting's participants (cross-listed sections). Idempotent. */
export async function shareMeeting(
  zoomMeetingId: string,
  courseId: string,
  adminId: string,
): Promise<{ added: boolean }> {
  return prisma.$transaction(async (tx) => {
    await lockMeeting(tx, zoomMeetingId);
    const course = await tx.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!course) throw new MeetingShareError(`No course with id ${courseId}.`, 404);
    const existing = await tx.meetingCourse.findUnique({
      where: { zoomMeetingId_courseId: { zoomMeetingId, courseId } },
    });
    if (existing) return { added: false };
    const first = (await tx.meetingCourse.count({ where: { zoomMeetingId } })) === 0;
    await tx.meetingCourse.create({ data: { zoomMeetingId, courseId, sharedById: first ? null : adminId } });
    await recordAudit(tx, {
      action: "meeting.shared",
      actorId: adminId,
      subject: { type: "meeting", id: zoomMeetingId },
      detail: { courseId },
    });
    await recomputeMeetingSessions(tx, zoomMeetingId);
    return { added: true };
  });
}

/**
 * Admins: the course no longer sees the meeting. Its sessions on the meeting stay (listed as
 * conflicting until they are moved or deleted, or the meeting is shared again) and lose its events.
 */
export async function unshareMeeting(
  zoomMeetingId: string,
  courseId: string,
  adminId: string,
): Promise<{ removed: boolean }> {
  return prisma.$transaction(async (tx) => {
    await lockMeeting(tx, zoomMeetingId);
    const removed = await tx.meetingCourse.deleteMany({ where: { zoomMeetingId, courseId } });
    if (removed.count === 0) return { removed: false };
    await recordAudit(tx, {
      action: "meeting.unshared",
      actorId: adminId,
      subject: { type: "meeting", id: zoomMeetingId },
      detail: { courseId },
    });
    await recomputeMeetingSessions(tx, zoomMeetingId);
    return { removed: true };
  });
}

export interface MeetingCourseUse {
  courseId: string;
  courseName: string;
  /** may see the meeting's participants */
  allowed: boolean;
  /** null: the course that first scheduled the meeting (or not allowed at all) */
  sharedById: string | null;
  since: Date | null;
  sessions: number;
}

/** Every course that may see the meeting or has sessions on it (admins' view). */
export async function meetingCourses(zoomMeetingId: string): Promise<MeetingCourseUse[]> {
  const [allowed, withSessions] = await Promise.all([
    prisma.meetingCourse.findMany({
      where: { zoomMeetingId },
      include: { course: { select: { name: true } } },
      orderBy: { createdAt: "asc" },
    }),
    prisma.session.groupBy({ by: ["courseId"], where: { zoomMeetingId }, _count: { _all: true } }),
  ]);
  const counts = new Map(withSessions.map((row) => [row.courseId, row._count._all]));
  const uses: MeetingCourseUse[] = allowed.map((row) => ({
    courseId: row.courseId,
    courseName: row.course.name,
    allowed: true,
    sharedById: row.sharedById,
    since: row.createdAt,
    sessions: counts.get(row.courseId) ?? 0,
  }));
  const allowedIds = new Set(allowed.map((row) => row.courseId));
  const others = withSessions.filter((row) => !allowedIds.has(row.courseId));
  if (others.length > 0) {
    const courses = await prisma.course.findMany({
      where: { id: { in: others.map((row) => row.courseId) } },
      select: { id: true, name: true },
    });
    for (const course of courses.sort((a, b) => a.name.localeCompare(b.name))) {
      uses.push({
        courseId: course.id,
        courseName: course.name,
        allowed: false,
        sharedById: null,
        since: null,
        sessions: counts.get(course.id) ?? 0,
      });
    }
  }
  return uses;
}

/** Meetings with sessions of courses that may not see them (admin pages, API). */
export async function listMeetingConflicts(): Promise<MeetingConflict[]> {
  return queryMeetingConflicts(async (sql) => prisma.$queryRawUnsafe(sql));
}

// ---------------------------------------------------------------------------------------------
// The Zoom host check

/** Interactive: a person waits for the answer, so retry briefly rather than for minutes. */
function interactiveZoomClient(): ZoomClient | null {
  return zoomClientFromConfig(undefined, { maxAttempts: 2, maxDelayMs: 2_000, baseDelayMs: 500, timeoutMs: 10_000 });
}

/**
 * With Zoom API credentials configured, a new session's meeting must be hosted (per Zoom's
 * GET /meetings/{id}) by one of the course's instructors, by email. Without credentials there is
 * nothing to ask and the check passes. Zoom unreachable is never taken as a yes.
 */
export async function verifyMeetingHost(
  courseId: string,
  zoomMeetingId: string,
  client: ZoomClient | null = interactiveZoomClient(),
): Promise<"verified" | "not_configured"> {
  if (!client) return "not_configured";
  let hostEmail: string | undefined;
  try {
    hostEmail = (await client.getMeeting(zoomMeetingId)).host_email;
  } catch (error) {
    if (error instanceof ZoomApiError && error.status === 404) {
      throw new MeetingHostError(
        "not_on_zoom",
        `Zoom says meeting ${zoomMeetingId} does not exist: check the meeting ID.`,
      );
    }
    const retryAfter = error instanceof ZoomApiError && error.status === 429 ? 60 : null;
    const detail =
      error instanceof ZoomApiError ? (error.status === 0 ? "no answer" : `HTTP ${error.status}`) : "unexpected error";
    throw new MeetingHostError(
      "zoom_unreachable",
      `Zoom could not be reached to check who hosts meeting ${zoomMeetingId} (${detail}), so the session was not created. ` +
        "Try again in a few minutes, or ask an admin: admins can create it without the host check.",
      retryAfter,
    );
  }
  const instructors = await prisma.courseInstructor.findMany({
    where: { courseId },
    select: { user: { select: { email: true } } },
  });
  const emails = new Set(instructors.map((instructor) => normalizeEmail(instructor.user.email)));
  if (!hostEmail || !emails.has(normalizeEmail(hostEmail))) {
    throw new MeetingHostError(
      "host_mismatch",
      `Zoom says meeting ${zoomMeetingId} is hosted by an account that is not an instructor of this course` +
        (emails.size === 0 ? " (the course has no instructors)" : "") +
        ". Schedule a meeting you host, or ask an admin: admins can override the host check.",
    );
  }
  return "verified";
}
