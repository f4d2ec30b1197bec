// What the live session page shows, read from the stored projection: the page's first render,
// the JSON endpoint (polling fallback, with an ETag) and the push stream's full payloads.
import { prisma } from "../db";
import { countLive, type LivePayload } from "./live-delta";
import {
  loadSessionState,
  loadStoredSession,
  loadStoredSessionChanges,
  mergeStoredChanges,
  sessionViewOf,
  BuiltRows,
  type StoredSession,
} from "./read";
import { waitingRoomView } from "./waiting-room-read";

export type { LivePayload } from "./live-delta";

/**
 * The live page's entity tag: what the page shows changes only with the session's live version
 * (recomputes that changed rows), its state (the clock or a meeting start/end), an edit of the
 * session, or a late-joiner email. Figures that follow the clock are brought up to date by the
 * page itself, so they are not part of it.
 */
export async function loadLiveTag(
  sessionId: string,
  now: Date = new Date(),
): Promise<{ version: number; etag: string } | null> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      liveVersion: true,
      updatedAt: true,
      courseId: true,
      zoomMeetingId: true,
      startsAt: true,
      durationMinutes: true,
    },
  });
  if (!session) return null;
  const [state, notified] = await Promise.all([
    loadSessionState(session, now),
    prisma.notification.count({ where: { sessionId, kind: "late_student", studentId: { not: null } } }),
  ]);
  return {
    version: session.liveVersion,
    etag: `"v${session.liveVersion}-${state}-${notified}-${session.updatedAt.getTime().toString(36)}"`,
  };
}

/** The full payload and its entity tag (read first, so the rows are at least that new). */
export async function loadLivePayloadTagged(
  sessionId: string,
  now: Date = new Date(),
): Promise<{ payload: LivePayload; etag: string } | null> {
  const tag = await loadLiveTag(sessionId, now);
  if (!tag) return null;
  const payload = await readPayload(sessionId, now, tag.version);
  return payload ? { payload, etag: tag.etag } : null;
}

/** The full payload without its tag: one statement, so its version is exactly its rows'. */
export async function loadLivePayload(sessionId: string, now: Date = new Date()): Promise<LivePayload | null> {
  return readPayload(sessionId, now, null);
}

/** A payload and the stored rows it was built from: what the push keeps between reads. */
export interface LiveRead {
  stored: StoredSession;
  payload: LivePayload;
  /** the rows built so far, by the stored rows they were built from */
  built: BuiltRows;
}

/**
 * The push stream's reads (ADR 021): given the previous read, only the projection rows written
 * since its version are read, and only the rows they touch are built again; the rest of the
 * payload's rows are the previous read's, clock figures included (the page refreshes those).
 * Without one, or if the rows do not add up, everything is read.
 */
export async function loadLiveRead(
  sessionId: string,
  previous: LiveRead | null,
  now: Date = new Date(),
): Promise<LiveRead | null> {
  if (previous) {
    const changes = await loadStoredSessionChanges(sessionId, previous.payload.version);
    if (!changes) return null;
    const stored = mergeStoredChanges(previous.stored, changes);
    if (stored) return { stored, payload: payloadOf(stored, now, null, previous.built), built: previous.built };
  }
  const stored = await loadStoredSession(sessionId, true);
  if (!stored) return null;
  const built = new BuiltRows();
  return { stored, payload: payloadOf(stored, now, null, built), built };
}

async function readPayload(sessionId: string, now: Date, taggedVersion: number | null): Promise<LivePayload | null> {
  const stored = await loadStoredSession(sessionId, true);
  return stored ? payloadOf(stored, now, taggedVersion, null) : null;
}

function payloadOf(
  stored: StoredSession,
  now: Date,
  taggedVersion: number | null,
  built: BuiltRows | null,
): LivePayload {
  const view = sessionViewOf(stored, now, built ?? undefined);
  const waiting = view.session.state === "ended" ? [] : waitingRoomView(stored.waitingRoomEvents, view.students);
  return {
    ...view,
    notifiedStudentIds: stored.notifiedStudentIds,
    waiting,
    version: taggedVersion ?? stored.session.liveVersion,
    counts: countLive(view),
  };
}
