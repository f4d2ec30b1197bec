// What the live session page shows, read from the stored projection: the page's first render,
// the JSON endpoint (polling fallback, with an ETag) and the push stream's full payloads.
import { prisma } from "../db";
import { countLive, type LivePayload } from "./live-delta";
import { loadSessionState, readSessionAttendance } from "./read";
import { readWaitingRoom } from "./waiting-room-read";

export type { LivePayload } from "./live-delta";

/**
 * The live page's entity tag: what the page shows changes only with the session's live version
 * (recomputes that changed rows), its state (the clock or a meeting start/end), an edit of the
 * session, or a late-joiner email. Figures that follow the clock are brought up to date by the
 * page itself, so they are not part of it.
 */
export async function loadLiveTag(sessionId: string, now: Date = new Date()): Promise<{ version: number; etag: string } | null> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: { liveVersion: true, updatedAt: true, courseId: true, zoomMeetingId: true, startsAt: true, durationMinutes: true },
  });
  if (!session) return null;
  const [state, notified] = await Promise.all([
    loadSessionState(session, now),
    prisma.notification.count({ where: { sessionId, kind: "late_student", studentId: { not: null } } }),
  ]);
  return { version: session.liveVersion, etag: `"v${session.liveVersion}-${state}-${notified}-${session.updatedAt.getTime().toString(36)}"` };
}

/** The full payload and its entity tag (read first, so the rows are at least that new). */
export async function loadLivePayloadTagged(sessionId: string, now: Date = new Date()): Promise<{ payload: LivePayload; etag: string } | null> {
  const tag = await loadLiveTag(sessionId, now);
  if (!tag) return null;
  const payload = await readPayload(sessionId, tag.version, now);
  return payload ? { payload, etag: tag.etag } : null;
}

/** The full payload without its tag (the push stream's reads: two queries fewer). */
export async function loadLivePayload(sessionId: string, now: Date = new Date()): Promise<LivePayload | null> {
  // The version is read first, so the rows are at least that new.
  const version = await prisma.session.findUnique({ where: { id: sessionId }, select: { liveVersion: true } });
  if (!version) return null;
  return readPayload(sessionId, version.liveVersion, now);
}

async function readPayload(sessionId: string, version: number, now: Date): Promise<LivePayload | null> {
  const [view, notified] = await Promise.all([
    readSessionAttendance(sessionId, now),
    prisma.notification.findMany({ where: { sessionId, kind: "late_student", studentId: { not: null } }, select: { studentId: true } }),
  ]);
  if (!view) return null;
  const waiting = view.session.state === "ended" ? [] : await readWaitingRoom(view.session, view.students);
  return { ...view, notifiedStudentIds: notified.map((notification) => notification.studentId!), waiting, version, counts: countLive(view) };
}
