// Recomputes a session's stored attendance from its stored events (the I/O around the pure engine).
// Safe to run twice at once: a per-session advisory lock serialises recomputes, and each one reads
// the events only after taking the lock, so a later recompute never loses to an earlier one.
//
// The process keeps what it last read and wrote for a session (ADR 009): a recompute reads only the
// events written since its previous read, and rewrites only the rows whose figures changed. The
// result is the same as reading and writing everything — the engine still sees every event — and
// whenever the cache cannot prove it is current, everything is read or written again.
import type pg from "pg";
import { getPool } from "../db";
import { announceSessionChangeSql } from "../live/channel";
import { enqueueRecompute } from "../queue/enqueue";
import { attachEventsToSessions, computeSessionAttendance } from "./engine";
import { FIGURE_COLUMNS } from "./figure-columns";
import { CLOCK_FIGURE_COLUMNS } from "./live-delta";
import { loadProjectionInputs, readMeetingEventChanges, SIBLING_CANDIDATE_MARGIN_MS } from "./load";
import { competitorStartRange, MEETING_BOUNDARY_EVENT_TYPES, widenedSessionWindow } from "./rules";
import type {
  EngineEvent,
  GuestAttendance,
  HostAttendance,
  MeetingInstanceTimes,
  ParticipantFigures,
  StudentAttendance,
} from "./types";

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
async function refreshEvents(
  client: pg.PoolClient,
  cache: SessionCache,
  zoomMeetingId: string,
  from: Date,
  to: Date,
): Promise<EngineEvent[]> {
  const changes = await readMeetingEventChanges(zoomMeetingId, from, to, cache.snapshotXmin, client);
  for (const event of changes.events) cache.events.set(event.id, event);
  if (cache.events.size === changes.total) {
    cache.snapshotXmin = changes.snapshotXmin;
  } else {
    const all = await readMeetingEventChanges(zoomMeetingId, from, to, null, client);
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
const breakout = (participant: ParticipantFigures) => ({
  breakoutIntervals: participant.breakoutIntervals,
  breakoutRoom: participant.breakoutRoom,
});

const studentRow = (student: StudentAttendance) => ({
  studentId: student.studentId,
  status: student.status,
  late: student.late,
  lateBySeconds: student.lateBySeconds,
  ...figures(student),
  ...breakout(student),
});

const hostRow = (host: HostAttendance) => ({
  hostKey: host.hostKey,
  name: host.name,
  email: host.email,
  reason: host.reason,
  ...figures(host),
  ...breakout(host),
});

const guestRow = (guest: GuestAttendance) => ({
  guestKey: guest.guestKey,
  name: guest.name,
  email: guest.email,
  ...figures(guest),
});

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
 *
 * In a class-start burst this runs thousands of times a minute, so it is a short transaction of
 * prepared statements on one pool connection, five round trips (ADR 020): the lock; the session
 * with the course's identity; the new events; the meeting instances' start and end; every write
 * and the announcement in one statement. Through Prisma it was nineteen, and most of its CPU.
 */
export async function recomputeSession(sessionId: string, fixedNow?: Date): Promise<RecomputeResult | null> {
  return (await recompute(sessionId, fixedNow, null)) as RecomputeResult | null;
}

/**
 * The worker's recompute: if another recompute of the session holds its lock (in this worker or
 * another) for more than BUSY_WAIT_MS, returns "busy" instead of waiting on — under load, waiting
 * jobs would fill every job slot while the one recompute they wait for runs (ADR 020). The caller
 * queues another.
 */
export async function recomputeSessionUnlessBusy(sessionId: string): Promise<RecomputeResult | null | "busy"> {
  return recompute(sessionId, undefined, BUSY_WAIT_MS);
}

/**
 * How long the worker's recompute waits for another recompute of its session. Most take a few ms;
 * handing over at once delayed a busy class by a whole RECOMPUTE_INTERVAL_MS per collision.
 */
const BUSY_WAIT_MS = 100;

async function recompute(
  sessionId: string,
  fixedNow: Date | undefined,
  lockWaitMs: number | null,
): Promise<RecomputeResult | null | "busy"> {
  const client = await getPool().connect();
  let broken: Error | undefined;
  // A connection lost between two statements (Postgres restarting) is reported as an 'error' event
  // on the checked-out client, which the pool does not listen to then: unheard, it ends the
  // process. The next statement fails with it anyway, and the client is discarded on release.
  const lost = (error: Error) => (broken = error);
  client.on("error", lost);
  try {
    // One round trip: the transaction, a bound on each statement (a stuck recompute must not hold
    // a worker slot forever), and the session's lock (waited for at most lockWaitMs, if given).
    const lock = `SELECT pg_advisory_xact_lock(hashtextextended('recompute:' || ${client.escapeLiteral(sessionId)}, 0))`;
    await client.query(
      lockWaitMs === null
        ? `BEGIN; SET LOCAL statement_timeout = ${RECOMPUTE_TIMEOUT_MS}; ${lock}`
        : `BEGIN; SET LOCAL statement_timeout = ${RECOMPUTE_TIMEOUT_MS}; SET LOCAL lock_timeout = ${lockWaitMs}; ${lock}; SET LOCAL lock_timeout = 0`,
    );
    const outcome = await recomputeLocked(client, sessionId, fixedNow ?? new Date());
    await client.query("COMMIT");
    // Trusted from the next recompute on, now that the transaction has committed.
    const cache = caches.get(sessionId);
    if (cache && outcome?.written) cache.written = outcome.written;
    return outcome?.result ?? null;
  } catch (error) {
    await client.query("ROLLBACK").catch((rollbackError: Error) => (broken = rollbackError));
    // 55P03 lock_not_available: the wait for the session's lock ran out.
    if (lockWaitMs !== null && (error as { code?: string }).code === "55P03") return "busy";
    throw error;
  } finally {
    client.off("error", lost);
    client.release(broken);
  }
}

async function recomputeLocked(
  client: pg.PoolClient,
  sessionId: string,
  now: Date,
): Promise<{ result: RecomputeResult; written: WrittenRows } | null> {
  const inputs = await loadProjectionInputs(client, sessionId);
  if (!inputs) return null;
  const { session, stored, identity } = inputs;
  const widened = widenedSessionWindow(session);
  const cache = cacheFor(
    sessionId,
    `${session.zoomMeetingId} ${widened.start.toISOString()} ${widened.end.toISOString()}`,
  );

  // Events of this meeting near the session, and the sibling sessions that may claim them: the
  // course's own sessions, if the course may see the meeting; otherwise none, and no event.
  const events = await refreshEvents(client, cache, session.zoomMeetingId, widened.start, widened.end);
  // The same competitors as competingSessions (load.ts): the candidates read with the session are a
  // superset, narrowed here by the one rule in rules.ts.
  const competitors = competitorStartRange(widened);
  const sessionEndMs = session.startsAt.getTime() + session.durationMinutes * 60_000;
  if (
    competitors.start.getTime() < session.startsAt.getTime() - SIBLING_CANDIDATE_MARGIN_MS ||
    competitors.end.getTime() > sessionEndMs + SIBLING_CANDIDATE_MARGIN_MS
  ) {
    throw new Error("sibling candidates do not cover the competing sessions' start range");
  }
  const siblings = inputs.siblingCandidates.filter(
    (sibling) => sibling.startsAt >= competitors.start && sibling.startsAt < competitors.end,
  );

  const attached = attachEventsToSessions(events, siblings).get(session.id) ?? [];
  const instances = await loadInstances(client, attached);

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
  // Open live pages hear about a recompute only if it changed something they show (ADR 016).
  const changedLive =
    [studentChanges, guestChanges, hostChanges].some(
      (changes) => changes.changed.length + changes.removed.length > 0,
    ) || attached.length !== session.computedEvents;
  // Rows written carry the live version this recompute gives the session, so that the live push
  // reads only them (ADR 021). Only recomputes change it, under the session's lock.
  const liveVersion = stored.liveVersion + (changedLive ? 1 : 0);
  const prefix = `{"sessionId":${JSON.stringify(sessionId)},"computedAt":"${now.toISOString()}","liveVersion":${liveVersion},`;
  const { sessionXmin, newLinks } = await writeProjection(client, {
    sessionId,
    now,
    events: attached.length,
    changedLive,
    liveVersion,
    students: writeParameters(studentChanges, studentContents, prefix),
    guests: writeParameters(guestChanges, guestContents, prefix),
    hosts: writeParameters(hostChanges, hostContents, prefix),
    zoomMeetingId: session.zoomMeetingId,
    instances,
    courseId: session.courseId,
    learnedLinks: computed.learnedLinks,
  });
  if (newLinks > 0) {
    // A newly learned account ID can identify a "guest" in the course's other sessions.
    const others = await client.query<{ id: string }>(`SELECT id FROM sessions WHERE "courseId" = $1 AND id <> $2`, [
      session.courseId,
      sessionId,
    ]);
    await enqueueRecompute(
      others.rows.map((other) => other.id),
      { $executeRawUnsafe: async (query, ...values) => (await client.query(query, values)).rowCount ?? 0 },
    );
  }
  return {
    result: {
      sessionId,
      events: attached.length,
      students: computed.students.length,
      guests: computed.guests.length,
      newLinks,
    },
    written: { sessionXmin, students: studentContents, guests: guestContents, hosts: hostContents },
  };
}

/** One table's part of the write: rows to upsert (JSON), keys to delete, and for a full write the keys to keep. */
interface TableWrite {
  rows: string;
  removed: string[];
  /** a full write: every other row of the session is deleted */
  keep: string[] | null;
}

/**
 * Rows as the write statement takes them: each content is a JSON object, and the session and the
 * time of this computation go in front. A full write upserts every row and deletes the rest.
 */
function writeParameters(
  changes: { all: boolean; changed: string[]; removed: string[] },
  contents: Map<string, string>,
  prefix: string,
): TableWrite {
  return {
    rows: `[${changes.changed.map((content) => prefix + content.slice(1)).join(",")}]`,
    removed: changes.removed,
    keep: changes.all ? [...contents.keys()] : null,
  };
}

// Each row also records when it was computed (and its live version: see tableWriteSql).
const WRITTEN_FIGURE_COLUMNS = [...FIGURE_COLUMNS, "computedAt"];
const BREAKOUT_COLUMNS = ["breakoutIntervals", "breakoutRoom"];
const STUDENT_COLUMNS = ["status", "late", "lateBySeconds", ...WRITTEN_FIGURE_COLUMNS, ...BREAKOUT_COLUMNS];
const GUEST_COLUMNS = ["name", "email", ...WRITTEN_FIGURE_COLUMNS];
const HOST_COLUMNS = ["name", "email", "reason", ...WRITTEN_FIGURE_COLUMNS, ...BREAKOUT_COLUMNS];

/**
 * The CTEs that write one projection table: delete the removed keys (or, for a full write, every
 * key not kept), then upsert the rows, given as one JSON document (createMany was ~10x slower).
 * Existing rows are updated in place (their keys do not change, so no foreign-key checks). A row
 * takes this write's live version if it is new or a column other than the clock's changed; one
 * rewritten only because a connected student's "attended so far" grew keeps its version, so the
 * live push does not read it again (ADR 021).
 */
function tableWriteSql(
  table: string,
  keyColumn: string,
  columns: string[],
  rows: number,
  removed: number,
  keep: number,
): string {
  return `${table}_gone AS (
       DELETE FROM ${table} WHERE "sessionId" = $1
         AND ("${keyColumn}" = ANY($${removed}::text[]) OR ($${keep}::text[] IS NOT NULL AND NOT ("${keyColumn}" = ANY($${keep}::text[]))))
     ), ${table}_written AS (
       INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $${rows}::jsonb)
       ON CONFLICT ("sessionId", "${keyColumn}") DO UPDATE SET ${columns.map((column) => `"${column}" = excluded."${column}"`).join(", ")},
         "liveVersion" = CASE WHEN (${liveColumnList(columns, table)}) IS DISTINCT FROM (${liveColumnList(columns, "excluded")})
           THEN excluded."liveVersion" ELSE ${table}."liveVersion" END
     )`;
}

/** The columns the live page shows as they are stored (not the clock's, not computedAt), of `source`. */
function liveColumnList(columns: string[], source: string): string {
  const clock = new Set<string>([...CLOCK_FIGURE_COLUMNS, "computedAt"]);
  return columns
    .filter((column) => !clock.has(column))
    .map((column) => `${source}."${column}"`)
    .join(", ");
}

/**
 * Every write of a recompute in one statement: the projection rows, the meeting instances' times,
 * learned identity links, the session's bookkeeping and, if the live page's data changed, its new
 * version announced (ADR 016). The CTEs touch different rows, so their order does not matter.
 */
const WRITE_PROJECTION_SQL = `WITH ${tableWriteSql("attendance_records", "studentId", STUDENT_COLUMNS, 5, 6, 7)},
     ${tableWriteSql("guest_attendance", "guestKey", GUEST_COLUMNS, 8, 9, 10)},
     ${tableWriteSql("host_attendance", "hostKey", HOST_COLUMNS, 11, 12, 13)},
     instances AS (
       INSERT INTO meeting_instances (uuid, "zoomMeetingId", "startedAt", "endedAt")
       SELECT i.uuid, $14, i."startedAt", i."endedAt" FROM jsonb_to_recordset($15::jsonb) AS i(uuid text, "startedAt" timestamp(3), "endedAt" timestamp(3))
       ON CONFLICT (uuid) DO UPDATE SET "startedAt" = excluded."startedAt", "endedAt" = excluded."endedAt"
       WHERE (meeting_instances."startedAt", meeting_instances."endedAt") IS DISTINCT FROM (excluded."startedAt", excluded."endedAt")
     ), links AS (
       INSERT INTO identity_links (id, "courseId", "zoomAccountId", "studentId")
       SELECT gen_random_uuid()::text, $16, l."zoomAccountId", l."studentId" FROM jsonb_to_recordset($17::jsonb) AS l("zoomAccountId" text, "studentId" text)
       ON CONFLICT DO NOTHING
       RETURNING 1
     ), updated AS (
       UPDATE sessions SET "computedAt" = $2::timestamp, "computedEvents" = $3, "liveVersion" = "liveVersion" + $4::int
       WHERE id = $1 RETURNING xmin::text AS xmin, "liveVersion"
     )
     SELECT updated.xmin, updated."liveVersion", (SELECT count(*)::int FROM links) AS "newLinks",
       CASE WHEN $4::int > 0 THEN ${announceSessionChangeSql("$1", 'updated."liveVersion"')} END AS announced
     FROM updated`;

async function writeProjection(
  client: pg.PoolClient,
  write: {
    sessionId: string;
    now: Date;
    events: number;
    changedLive: boolean;
    /** the session's live version after this write (its rows carry it) */
    liveVersion: number;
    students: TableWrite;
    guests: TableWrite;
    hosts: TableWrite;
    zoomMeetingId: string;
    instances: MeetingInstanceTimes[];
    courseId: string;
    learnedLinks: { zoomAccountId: string; studentId: string }[];
  },
): Promise<{ sessionXmin: string; newLinks: number }> {
  const tables = [write.students, write.guests, write.hosts].flatMap((table) => [
    table.rows,
    table.removed,
    table.keep,
  ]);
  const result = await client.query<{ xmin: string; newLinks: number; liveVersion: number }>({
    name: "rollcall_write_projection",
    text: WRITE_PROJECTION_SQL,
    values: [
      write.sessionId,
      utcTimestamp(write.now),
      write.events,
      write.changedLive ? 1 : 0,
      ...tables,
      write.zoomMeetingId,
      JSON.stringify(write.instances),
      write.courseId,
      JSON.stringify(
        write.learnedLinks.map((link) => ({ zoomAccountId: link.zoomAccountId, studentId: link.studentId })),
      ),
    ],
  });
  const row = result.rows[0];
  // The session was deleted while it was being recomputed: nothing to keep.
  if (!row) throw new Error(`session ${write.sessionId} disappeared during its recompute`);
  // The rows' version must be the session's, or the live push would miss them: roll back if not.
  if (row.liveVersion !== write.liveVersion)
    throw new Error(`session ${write.sessionId}'s live version moved during its recompute`);
  return { sessionXmin: row.xmin, newLinks: row.newLinks };
}

/** Prisma's DateTime columns are UTC timestamps without a zone. */
const utcTimestamp = (date: Date) => date.toISOString().replace("Z", "");

/** Start/end of every meeting instance the session's events belong to, from their start/end events. */
async function loadInstances(client: pg.PoolClient, events: EngineEvent[]): Promise<MeetingInstanceTimes[]> {
  const uuids = [...new Set(events.map((event) => event.meetingUuid).filter((uuid): uuid is string => uuid !== null))];
  if (uuids.length === 0) return [];
  const boundaries = await client.query<unknown[]>({
    name: "rollcall_instance_boundaries",
    rowMode: "array",
    text: `SELECT "meetingUuid", (extract(epoch FROM "meetingStartedAt") * 1000)::float8, (extract(epoch FROM "meetingEndedAt") * 1000)::float8
           FROM events WHERE "meetingUuid" = ANY($1::text[]) AND "eventType" = ANY($2::text[])`,
    values: [uuids, [...MEETING_BOUNDARY_EVENT_TYPES]],
  });
  return uuids.map((uuid) => {
    let startedAt: number | null = null;
    let endedAt: number | null = null;
    for (const [boundaryUuid, boundaryStartedAt, boundaryEndedAt] of boundaries.rows as [
      string,
      number | null,
      number | null,
    ][]) {
      if (boundaryUuid !== uuid) continue;
      if (boundaryStartedAt !== null && (startedAt === null || boundaryStartedAt < startedAt))
        startedAt = boundaryStartedAt;
      if (boundaryEndedAt !== null && (endedAt === null || boundaryEndedAt > endedAt)) endedAt = boundaryEndedAt;
    }
    return {
      uuid,
      startedAt: startedAt === null ? null : new Date(startedAt),
      endedAt: endedAt === null ? null : new Date(endedAt),
    };
  });
}
