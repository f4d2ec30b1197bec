// Recomputes a session's stored attendance from its stored events (the I/O around the pure engine).
// Safe to run twice at once: a per-session advisory lock serialises recomputes, and each one reads
// the events only after taking the lock, so a later recompute never loses to an earlier one.
//
// The process keeps what it last read and wrote for a session (ADR 009): a recompute reads only the
// events written since its previous read, and rewrites only the rows whose figures changed. The
// result is the same as reading and writing everything — the engine still sees every event — and
// whenever the cache cannot prove it is current, everything is read or written again.
import { prisma, type Tx } from "../db";
import { announceSessionChange } from "../live/channel";
import { enqueueRecompute } from "../queue/enqueue";
import { attachEventsToSessions, computeSessionAttendance } from "./engine";
import { competingSessions, loadCourseIdentity, readMeetingEventChanges } from "./load";
import { MEETING_BOUNDARY_EVENT_TYPES, widenedSessionWindow } from "./rules";
import type { EngineEvent, GuestAttendance, HostAttendance, MeetingInstanceTimes, ParticipantFigures, SessionInput, StudentAttendance } from "./types";

const RECOMPUTE_TIMEOUT_MS = 60_000;
/** The cache holds at most this many events over all sessions (about 1 KiB each). */
const MAX_CACHED_EVENTS = 200_000;

/** What this process last read and wrote for one session. */
interface SessionCache {
  /** meeting and time range the events were read for */
  rangeKey: string;
  events: Map<string, EngineEvent>;
  snapshotXmin: string | null;
  written: WrittenRows | null;
}

/** The rows this process wrote, as row content without computedAt. */
interface WrittenRows {
  /** xmin of the session row after that write: any other write to the session row changes it */
  sessionXmin: string;
  students: Map<string, string>;
  guests: Map<string, string>;
  hosts: Map<string, string>;
}

/** Per-session caches, least recently used first. */
const caches = new Map<string, SessionCache>();

function cacheFor(sessionId: string, rangeKey: string): SessionCache {
  let cache = caches.get(sessionId);
  caches.delete(sessionId);
  if (!cache || cache.rangeKey !== rangeKey) cache = { rangeKey, events: new Map(), snapshotXmin: null, written: null };
  caches.set(sessionId, cache);
  let cached = 0;
  for (const entry of caches.values()) cached += entry.events.size;
  for (const [id, entry] of caches) {
    if (cached <= MAX_CACHED_EVENTS || id === sessionId) break;
    cached -= entry.events.size;
    caches.delete(id);
  }
  return cache;
}

/** Forgets what this process read and wrote (tests compare cached and uncached recomputes). */
export function clearProjectionCache(): void {
  caches.clear();
}

/**
 * The session's events in `cache`, brought up to date: only rows written since the previous read
 * travel. If the range now holds fewer events than the cache (some were deleted), all are re-read.
 */
async function refreshEvents(cache: SessionCache, zoomMeetingId: string, from: Date, to: Date): Promise<EngineEvent[]> {
  const changes = await readMeetingEventChanges(zoomMeetingId, from, to, cache.snapshotXmin);
  for (const event of changes.events) cache.events.set(event.id, event);
  if (cache.events.size === changes.total) {
    cache.snapshotXmin = changes.snapshotXmin;
  } else {
    const all = await readMeetingEventChanges(zoomMeetingId, from, to, null);
    cache.events = new Map(all.events.map((event) => [event.id, event]));
    cache.snapshotXmin = all.snapshotXmin;
  }
  return [...cache.events.values()];
}

/** The stored figures student and guest rows share. */
function figures(participant: ParticipantFigures) {
  return {
    attendedSeconds: participant.attendedSeconds,
    attendedPercent: participant.attendedPercent,
    firstJoinAt: participant.firstJoinAt,
    lastLeaveAt: participant.lastLeaveAt,
    joinCount: participant.joinCount,
    inMeeting: participant.inMeeting,
    openConnections: participant.openConnections,
    intervals: participant.intervals,
  };
}

/** Where breakout-room time is, and the room an open connection is in now. */
const breakout = (participant: ParticipantFigures) => ({ breakoutIntervals: participant.breakoutIntervals, breakoutRoom: participant.breakoutRoom });

const studentRow = (student: StudentAttendance) => ({
  studentId: student.studentId,
  status: student.status,
  late: student.late,
  lateBySeconds: student.lateBySeconds,
  ...figures(student),
  ...breakout(student),
});

const hostRow = (host: HostAttendance) => ({ hostKey: host.hostKey, name: host.name, email: host.email, reason: host.reason, ...figures(host), ...breakout(host) });

const guestRow = (guest: GuestAttendance) => ({ guestKey: guest.guestKey, name: guest.name, email: guest.email, ...figures(guest) });

/** Row contents keyed by their key, as JSON: equal strings mean equal rows. */
function rowContents<Row>(rows: Row[], keyOf: (row: Row) => string): Map<string, string> {
  return new Map(rows.map((row) => [keyOf(row), JSON.stringify(row)]));
}

/** Rows to write: all of them, or (given what is stored) the changed ones and the keys that went away. */
function rowChanges(next: Map<string, string>, stored: Map<string, string> | null) {
  if (!stored) return { all: true, changed: [...next.values()], removed: [] as string[] };
  const changed: string[] = [];
  for (const [key, content] of next) if (stored.get(key) !== content) changed.push(content);
  const removed = [...stored.keys()].filter((key) => !next.has(key));
  return { all: false, changed, removed };
}

export interface RecomputeResult {
  sessionId: string;
  events: number;
  students: number;
  guests: number;
  newLinks: number;
}

/**
 * `now` defaults to the moment the session's lock is granted, just before the events are read:
 * the projection's `computedAt` is then the time of the snapshot it was computed from (a
 * recompute that waited for another one's lock does not claim an earlier snapshot).
 */
export async function recomputeSession(sessionId: string, fixedNow?: Date): Promise<RecomputeResult | null> {
  let pendingWrite: WrittenRows | null = null;
  const result = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended('recompute:' || $1, 0))", sessionId);
      const now = fixedNow ?? new Date();
      const session = await tx.session.findUnique({ where: { id: sessionId } });
      if (!session) return null;
      const widened = widenedSessionWindow(session);
      const cache = cacheFor(sessionId, `${session.zoomMeetingId} ${widened.start.toISOString()} ${widened.end.toISOString()}`);

      // Events of this meeting near the session, and the sibling sessions that may claim them: the
      // course's own sessions, if the course may see the meeting; otherwise none, and no event.
      const [events, siblings, identity, stored] = await Promise.all([
        refreshEvents(cache, session.zoomMeetingId, widened.start, widened.end),
        competingSessions(tx, session.courseId, session.zoomMeetingId, widened),
        loadCourseIdentity(tx, session.courseId),
        storedProjection(tx, sessionId),
      ]);

      const attached = attachEventsToSessions(events, siblings as SessionInput[]).get(session.id) ?? [];
      const instances = await loadInstances(tx, attached);

      const computed = computeSessionAttendance({
        session,
        ...identity,
        events: attached,
        instances,
        now,
      });

      // The stored rows are the ones this process last wrote only if nobody has written the
      // session row since (another worker's recompute, an edit) and no row has been deleted since
      // (erasure); otherwise every row is written again.
      const written = cache.written;
      cache.written = null;
      const trusted =
        written !== null &&
        written.sessionXmin === stored.sessionXmin &&
        written.students.size === stored.students &&
        written.guests.size === stored.guests &&
        written.hosts.size === stored.hosts
          ? written
          : null;
      const studentContents = rowContents(computed.students.map(studentRow), (row) => row.studentId);
      const guestContents = rowContents(computed.guests.map(guestRow), (row) => row.guestKey);
      const hostContents = rowContents(computed.hosts.map(hostRow), (row) => row.hostKey);
      const studentChanges = rowChanges(studentContents, trusted?.students ?? null);
      const guestChanges = rowChanges(guestContents, trusted?.guests ?? null);
      const hostChanges = rowChanges(hostContents, trusted?.hosts ?? null);
      await writeRows(tx, "attendance_records", "studentId", sessionId, now, studentChanges);
      await writeRows(tx, "guest_attendance", "guestKey", sessionId, now, guestChanges);
      await writeRows(tx, "host_attendance", "hostKey", sessionId, now, hostChanges);
      // Open live pages hear about a recompute only if it changed something they show (ADR 016).
      const changedLive =
        [studentChanges, guestChanges, hostChanges].some((changes) => changes.changed.length + changes.removed.length > 0) ||
        attached.length !== session.computedEvents;
      const newLinks = await tx.identityLink.createMany({
        data: computed.learnedLinks.map((link) => ({ courseId: session.courseId, zoomAccountId: link.zoomAccountId, studentId: link.studentId })),
        skipDuplicates: true,
      });
      const [{ xmin: sessionXmin, liveVersion }] = await tx.$queryRawUnsafe<{ xmin: string; liveVersion: number }[]>(
        `UPDATE sessions SET "computedAt" = $2::timestamptz, "computedEvents" = $3, "liveVersion" = "liveVersion" + $4
         WHERE id = $1 RETURNING xmin::text AS xmin, "liveVersion"`,
        sessionId,
        now.toISOString(),
        attached.length,
        changedLive ? 1 : 0,
      );
      if (changedLive) await announceSessionChange(tx, sessionId, liveVersion);
      for (const instance of instances) {
        await tx.meetingInstance.upsert({
          where: { uuid: instance.uuid },
          create: { uuid: instance.uuid, zoomMeetingId: session.zoomMeetingId, startedAt: instance.startedAt, endedAt: instance.endedAt },
          update: { startedAt: instance.startedAt, endedAt: instance.endedAt },
        });
      }
      // Trusted from the next recompute on, once this transaction has committed.
      pendingWrite = { sessionXmin, students: studentContents, guests: guestContents, hosts: hostContents };
      if (newLinks.count > 0) {
        // A newly learned account ID can identify a "guest" in the course's other sessions.
        const others = await tx.session.findMany({ where: { courseId: session.courseId, id: { not: sessionId } }, select: { id: true } });
        await enqueueRecompute(others.map((other) => other.id), tx);
      }
      return {
        sessionId,
        events: attached.length,
        students: computed.students.length,
        guests: computed.guests.length,
        newLinks: newLinks.count,
      };
    },
    { timeout: RECOMPUTE_TIMEOUT_MS, maxWait: RECOMPUTE_TIMEOUT_MS },
  );
  const cache = caches.get(sessionId);
  if (cache && pendingWrite) cache.written = pendingWrite;
  return result;
}

/** The session row's xmin and how many projection rows the session has. */
async function storedProjection(tx: Tx, sessionId: string): Promise<{ sessionXmin: string; students: number; guests: number; hosts: number }> {
  const [row] = await tx.$queryRawUnsafe<{ sessionXmin: string; students: number; guests: number; hosts: number }[]>(
    `SELECT xmin::text AS "sessionXmin",
       (SELECT count(*)::int FROM attendance_records WHERE "sessionId" = $1) AS students,
       (SELECT count(*)::int FROM guest_attendance WHERE "sessionId" = $1) AS guests,
       (SELECT count(*)::int FROM host_attendance WHERE "sessionId" = $1) AS hosts
     FROM sessions WHERE id = $1`,
    sessionId,
  );
  return row;
}

/**
 * Writes projection rows given as JSON row contents: either all rows of the session (the old ones
 * deleted), or only the changed rows (upserted) and the removed keys (deleted). One statement per
 * step: rows travel as one JSON document (createMany was ~10x slower).
 */
async function writeRows(
  tx: Tx,
  table: "attendance_records" | "guest_attendance" | "host_attendance",
  keyColumn: "studentId" | "guestKey" | "hostKey",
  sessionId: string,
  now: Date,
  changes: { all: boolean; changed: string[]; removed: string[] },
): Promise<void> {
  if (changes.all) await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE "sessionId" = $1`, sessionId);
  else if (changes.removed.length > 0) {
    await tx.$executeRawUnsafe(`DELETE FROM ${table} WHERE "sessionId" = $1 AND "${keyColumn}" = ANY($2::text[])`, sessionId, changes.removed);
  }
  if (changes.changed.length === 0) return;
  // Each content is a JSON object: the session and the time of this computation go in front.
  const prefix = `{"sessionId":${JSON.stringify(sessionId)},"computedAt":"${now.toISOString()}",`;
  const rows = `[${changes.changed.map((content) => prefix + content.slice(1)).join(",")}]`;
  const columns = table === "attendance_records" ? STUDENT_COLUMNS : table === "guest_attendance" ? GUEST_COLUMNS : HOST_COLUMNS;
  // Existing rows are updated in place (their keys do not change, so no foreign-key checks).
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1::jsonb)
     ON CONFLICT ("sessionId", "${keyColumn}") DO UPDATE SET ${columns.map((column) => `"${column}" = excluded."${column}"`).join(", ")}`,
    rows,
  );
}

const FIGURE_COLUMNS = ["attendedSeconds", "attendedPercent", "firstJoinAt", "lastLeaveAt", "joinCount", "inMeeting", "openConnections", "intervals", "computedAt"];
const BREAKOUT_COLUMNS = ["breakoutIntervals", "breakoutRoom"];
const STUDENT_COLUMNS = ["status", "late", "lateBySeconds", ...FIGURE_COLUMNS, ...BREAKOUT_COLUMNS];
const GUEST_COLUMNS = ["name", "email", ...FIGURE_COLUMNS];
const HOST_COLUMNS = ["name", "email", "reason", ...FIGURE_COLUMNS, ...BREAKOUT_COLUMNS];

/** Start/end of every meeting instance the session's events belong to, from their start/end events. */
async function loadInstances(tx: Tx, events: EngineEvent[]): Promise<MeetingInstanceTimes[]> {
  const uuids = [...new Set(events.map((event) => event.meetingUuid).filter((uuid): uuid is string => uuid !== null))];
  if (uuids.length === 0) return [];
  const boundaries = await tx.event.findMany({
    where: { meetingUuid: { in: uuids }, eventType: { in: [...MEETING_BOUNDARY_EVENT_TYPES] } },
    select: { meetingUuid: true, meetingStartedAt: true, meetingEndedAt: true },
  });
  return uuids.map((uuid) => {
    let startedAt: Date | null = null;
    let endedAt: Date | null = null;
    for (const boundary of boundaries) {
      if (boundary.meetingUuid !== uuid) continue;
      if (boundary.meetingStartedAt && (!startedAt || boundary.meetingStartedAt < startedAt)) startedAt = boundary.meetingStartedAt;
      if (boundary.meetingEndedAt && (!endedAt || boundary.meetingEndedAt > endedAt)) endedAt = boundary.meetingEndedAt;
    }
    return { uuid, startedAt, endedAt };
  });
}
