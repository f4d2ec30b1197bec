// "This guest is Ana Lima": an instructor's manual match of a guest to a roster student. It is
// stored per course and identity (account ID, email or display name), so it applies to the
// session where it was made and to the same identity in every later session of the course.
import { normalizeAccountForManualMatch, normalizeEmail, normalizeName } from "../attendance/rules";
import { recordAudit } from "../audit";
import { prisma } from "../db";
import type { MatchKind } from "../generated/prisma/enums";
import { enqueueRecompute } from "../queue/enqueue";

export interface GuestIdentity {
  kind: MatchKind;
  value: string;
}

/** GuestAttendance.guestKey ("account:<id>" | "email:<addr>" | "name:<name>") -> what a match keys on. */
export function guestKeyToIdentity(guestKey: string): GuestIdentity | null {
  const separator = guestKey.indexOf(":");
  if (separator < 0) return null;
  const prefix = guestKey.slice(0, separator);
  const rest = guestKey.slice(separator + 1);
  // The same normalisation the engine applies when it looks a match up.
  const identity: GuestIdentity | null =
    prefix === "account"
      ? { kind: "account_id", value: normalizeAccountForManualMatch(rest) }
      : prefix === "email"
        ? { kind: "email", value: normalizeEmail(rest) }
        : prefix === "name"
          ? { kind: "display_name", value: normalizeName(rest) }
          : null;
  return identity && identity.value !== "" ? identity : null;
}

export class MatchError extends Error {}

export interface MatchResult {
  matchId: string;
  studentName: string;
  recomputedSessions: number;
}

/**
 * Matches a guest of `sessionId` to `studentId` (who must be on the same course's roster) and
 * queues a recompute of this session and every later one of the course. One match per identity
 * and course: matching the same guest again replaces the student; it then applies from the
 * earlier of the two sessions, so a correction fixes every session the first match touched.
 */
export async function matchGuest(
  sessionId: string,
  guestKey: string,
  studentId: string,
  userId: string | null,
): Promise<MatchResult> {
  const identity = guestKeyToIdentity(guestKey);
  if (!identity) throw new MatchError("This guest cannot be matched: it has no name, email or account.");
  return prisma.$transaction(async (tx) => {
    const session = await tx.session.findUnique({
      where: { id: sessionId },
      select: { id: true, courseId: true, startsAt: true },
    });
    if (!session) throw new MatchError("The session no longer exists.");
    const student = await tx.student.findFirst({
      where: { id: studentId, courseId: session.courseId },
      select: { id: true, name: true },
    });
    if (!student) throw new MatchError("That student is not on this course's roster.");
    // Only a guest the session actually has (the form could be replayed with any key).
    const guest = await tx.guestAttendance.findUnique({
      where: { sessionId_guestKey: { sessionId, guestKey } },
      select: { guestKey: true },
    });
    if (!guest)
      throw new MatchError("This guest is no longer listed in this session: it may have been matched already.");

    const key = { courseId_kind_value: { courseId: session.courseId, kind: identity.kind, value: identity.value } };
    const existing = await tx.manualMatch.findUnique({
      where: key,
      include: { session: { select: { id: true, startsAt: true } } },
    });
    const madeIn = existing && existing.session.startsAt < session.startsAt ? existing.session : session;
    const match = await tx.manualMatch.upsert({
      where: key,
      create: {
        courseId: session.courseId,
        sessionId: session.id,
        studentId: student.id,
        kind: identity.kind,
        value: identity.value,
        createdById: userId,
      },
      update: { sessionId: madeIn.id, studentId: student.id, createdById: userId },
    });
    await recordAudit(tx, {
      action: "guest.matched",
      actorId: userId,
      subject: { type: "session", id: session.id },
      detail: { guestKey, kind: identity.kind, studentId: student.id },
    });
    const affected = await tx.session.findMany({
      where: { courseId: session.courseId, startsAt: { gte: madeIn.startsAt } },
      select: { id: true },
    });
    await enqueueRecompute(
      affected.map((affectedSession) => affectedSession.id),
      tx,
    );
    return { matchId: match.id, studentName: student.name, recomputedSessions: affected.length };
  });
}
