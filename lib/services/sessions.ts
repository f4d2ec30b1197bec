// Creating, moving and deleting sessions. Every change recomputes attendance from the stored
// events (events that arrived before the session existed attach now) and reschedules the
// late-joiner check. A session's meeting must be one its course may see (lib/services/meetings.ts).
import { finalRecomputeAt, lateDeadline, neighbourStartRange } from "../attendance/rules";
import { isUniqueViolation, prisma, type Tx } from "../db";
import { enqueueAt, enqueueRecompute } from "../queue/enqueue";
import type { SessionInputData } from "../validations/session";
import { AdminOnlyOptionError, assertMeetingAvailable, claimMeeting, verifyMeetingHost, type Actor } from "./meetings";

export interface SessionWriteOptions {
  /** who asks; default: Rollcall itself (demo seed, tests): no host check, no sharing */
  actor?: Actor;
  /** admins: add this course to a meeting another course uses (cross-listed sections) */
  shareMeeting?: boolean;
  /** admins: do not ask Zoom who hosts the meeting */
  skipHostCheck?: boolean;
}

/**
 * Before a session is written on a meeting it did not have: refuses another course's meeting
 * (MeetingInUseError) and, for people, asks Zoom whether one of the course's instructors hosts it
 * (MeetingHostError). Runs before the transaction: Zoom is slow, and nothing is written yet.
 */
async function checkNewMeeting(courseId: string, meetingIds: string[], options: SessionWriteOptions): Promise<void> {
  const actor = options.actor;
  if (!actor) return;
  if (actor.role !== "admin" && options.shareMeeting)
    throw new AdminOnlyOptionError("shareMeeting (sharing a meeting between courses)");
  if (actor.role !== "admin" && options.skipHostCheck)
    throw new AdminOnlyOptionError("skipHostCheck (skipping the Zoom host check)");
  for (const meetingId of meetingIds)
    await assertMeetingAvailable(courseId, meetingId, actor, options.shareMeeting === true);
  if (options.skipHostCheck) return;
  for (const meetingId of meetingIds) await verifyMeetingHost(courseId, meetingId);
}

type ClaimTx = Parameters<typeof claimMeeting>[0];

/** In the writing transaction: the course may see each meeting (claims a free one, shares for admins). */
async function claimMeetings(
  tx: ClaimTx,
  courseId: string,
  meetingIds: string[],
  options: SessionWriteOptions,
): Promise<void> {
  const actor = options.actor ?? { id: null, role: "instructor" as const };
  for (const meetingId of meetingIds) await claimMeeting(tx, courseId, meetingId, actor, options.shareMeeting === true);
}

/** A course cannot have two sessions of one Zoom meeting starting at the same instant. */
export class DuplicateSessionError extends Error {
  constructor(readonly startsAt: Date) {
    super(`This course already has a session of that Zoom meeting starting at ${startsAt.toISOString()}.`);
    this.name = "DuplicateSessionError";
  }
}

/**
 * Runs `write`; a unique-index violation on (course, meeting, start) becomes a
 * DuplicateSessionError naming the start that clashes, so the form can say which one. One
 * session can only clash at its own start; for a series, the clash is looked up.
 */
async function refusingDuplicates<T>(
  inputs: SessionInputData[],
  write: () => Promise<T>,
  courseId?: string,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    if (inputs.length === 1 || courseId === undefined) throw new DuplicateSessionError(inputs[0]!.startsAt);
    const existing = await prisma.session.findFirst({
      where: {
        courseId,
        OR: inputs.map((input) => ({ zoomMeetingId: input.zoomMeetingId, startsAt: input.startsAt })),
      },
      orderBy: { startsAt: "asc" },
      select: { startsAt: true },
    });
    throw new DuplicateSessionError(existing?.startsAt ?? firstRepeatedStart(inputs) ?? inputs[0]!.startsAt);
  }
}

/** A start that occurs twice in a batch (a series can repeat itself), if any. */
function firstRepeatedStart(inputs: SessionInputData[]): Date | null {
  const seen = new Set<number>();
  for (const input of inputs) {
    if (seen.has(input.startsAt.getTime())) return input.startsAt;
    seen.add(input.startsAt.getTime());
  }
  return null;
}

/** A session's columns as the form and the API give them (create and update write the same ones). */
function sessionColumns(input: SessionInputData) {
  return {
    title: input.title ?? null,
    zoomMeetingId: input.zoomMeetingId,
    joinUrl: input.joinUrl ?? null,
    startsAt: input.startsAt,
    durationMinutes: input.durationMinutes,
    lateAfterMinutes: input.lateAfterMinutes,
    requiredPercent: input.requiredPercent,
  };
}

export async function createSession(courseId: string, input: SessionInputData, options: SessionWriteOptions = {}) {
  await checkNewMeeting(courseId, [input.zoomMeetingId], options);
  return refusingDuplicates([input], () =>
    prisma.$transaction(async (tx) => {
      await claimMeetings(tx, courseId, [input.zoomMeetingId], options);
      const session = await tx.session.create({
        data: { courseId, ...sessionColumns(input) },
      });
      await afterSessionChange(tx, [session]);
      return session;
    }),
  );
}

export async function createSessions(courseId: string, inputs: SessionInputData[], options: SessionWriteOptions = {}) {
  const meetingIds = [...new Set(inputs.map((input) => input.zoomMeetingId))];
  await checkNewMeeting(courseId, meetingIds, options);
  return refusingDuplicates(
    inputs,
    () =>
      prisma.$transaction(async (tx) => {
        await claimMeetings(tx, courseId, meetingIds, options);
        const sessions = [];
        for (const input of inputs) {
          sessions.push(
            await tx.session.create({
              data: { courseId, ...sessionColumns(input) },
            }),
          );
        }
        await afterSessionChange(tx, sessions);
        return sessions;
      }),
    courseId,
  );
}

export async function updateSession(sessionId: string, input: SessionInputData, options: SessionWriteOptions = {}) {
  const current = await prisma.session.findUniqueOrThrow({
    where: { id: sessionId },
    select: { courseId: true, zoomMeetingId: true },
  });
  // Moving the session to another meeting is scheduling that meeting: the same checks as creating.
  const movesMeeting = current.zoomMeetingId !== input.zoomMeetingId;
  if (movesMeeting) await checkNewMeeting(current.courseId, [input.zoomMeetingId], options);
  return refusingDuplicates([input], () =>
    prisma.$transaction(async (tx) => {
      const before = await tx.session.findUniqueOrThrow({ where: { id: sessionId } });
      if (before.zoomMeetingId !== input.zoomMeetingId)
        await claimMeetings(tx, before.courseId, [input.zoomMeetingId], options);
      const session = await tx.session.update({
        where: { id: sessionId },
        data: sessionColumns(input),
      });
      // Sessions of the old meeting near the old time may now win events this one gave up.
      await enqueueRecompute(await neighbourIds(tx, before, sessionId), tx);
      await afterSessionChange(tx, [session]);
      return session;
    }),
  );
}

export async function deleteSession(sessionId: string) {
  const session = await prisma.session.delete({ where: { id: sessionId } });
  await enqueueRecompute(await neighbourIds(prisma, session));
  return session;
}

/** Sessions of the meeting (any course) whose events may change hands when `session` moves or goes. */
async function neighbourIds(
  db: Pick<Tx, "session">,
  session: { zoomMeetingId: string; startsAt: Date },
  exceptId?: string,
): Promise<string[]> {
  const starts = neighbourStartRange(session);
  const neighbours = await db.session.findMany({
    where: {
      zoomMeetingId: session.zoomMeetingId,
      ...(exceptId === undefined ? {} : { id: { not: exceptId } }),
      startsAt: { gte: starts.start, lt: starts.end },
    },
    select: { id: true },
  });
  return neighbours.map((neighbour) => neighbour.id);
}

async function afterSessionChange(
  tx: Tx,
  sessions: { id: string; startsAt: Date; durationMinutes: number; lateAfterMinutes: number }[],
) {
  await enqueueRecompute(
    sessions.map((session) => session.id),
    tx,
  );
  for (const session of sessions) {
    await enqueueAt("late_check", { sessionId: session.id }, lateDeadline(session), `late:${session.id}`, tx);
    // Close the books when the window (and its 60-minute grace) is over, even if meeting.ended is lost.
    await enqueueAt(
      "recompute_session",
      { sessionId: session.id },
      finalRecomputeAt(session),
      `final:${session.id}`,
      tx,
    );
  }
}

/**
 * Cancels (snow day) or un-cancels a session. A cancelled session stays listed, counts in no rate
 * and sends no late-joiner email (runLateCheck and sendNotification look at cancelledAt).
 */
export async function setSessionCancelled(
  sessionId: string,
  cancelled: boolean,
  note: string | null,
  actorId: string | null,
) {
  return prisma.session.update({
    where: { id: sessionId },
    data: cancelled
      ? { cancelledAt: new Date(), cancelNote: note, cancelledById: actorId }
      : { cancelledAt: null, cancelNote: null, cancelledById: null },
  });
}
