// The attendance engine: pure functions from stored events, roster, identity links and manual
// matches to per-student and per-guest figures. No I/O and no clock reads: "now" is always a
// parameter, so the same inputs always give the same answer whatever order events arrived in.
//
// Times are handled as epoch milliseconds inside the engine (cheap to compare and sort); open
// intervals use +Infinity as their end until they are evaluated against `now`.

import { isPseudonym, pseudonymOf } from "./pseudonym";
import type {
  AttendanceStatus,
  ComputeSessionInput,
  EngineEvent,
  GuestAttendance,
  IdentityLinkInput,
  ManualMatchInput,
  MatchKind,
  MeetingInstanceTimes,
  PresenceInterval,
  RosterStudent,
  SessionAttendance,
  SessionInput,
  SessionState,
  StudentAttendance,
} from "./types";

const MINUTE_MS = 60_000;
/** Events attach to a session whose window widened by this much on each side contains them. */
export const ATTACH_MARGIN_MINUTES = 60;
/** An open connection stops being "in the meeting" this long after the window ends. */
export const IN_MEETING_GRACE_MINUTES = 60;

// ---------------------------------------------------------------------------------------------
// Normalisation helpers

/** Trimmed and lower-cased: how emails are compared everywhere (roster key, matching). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** How a guest whose name was pseudonymised after RETENTION_DAYS is listed. */
export const PSEUDONYMISED_GUEST_NAME = "(name removed after the retention period)";

/** Trimmed, inner whitespace collapsed, lower-cased (and Unicode NFC, so "é" typed two ways is one). */
export function normalizeName(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Zoom meeting numbers arrive as strings or numbers and get typed with spaces or dashes. */
export function normalizeMeetingId(meetingId: string): string {
  return meetingId.replace(/[\s-]/g, "");
}

/** Blank values (Zoom sends "" for guests) count as missing. */
function nonBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

// ---------------------------------------------------------------------------------------------
// Windows and session state

export interface TimeWindow {
  start: Date;
  end: Date;
}

/** The session's window [startsAt, startsAt + durationMinutes). */
export function sessionWindow(session: Pick<SessionInput, "startsAt" | "durationMinutes">): TimeWindow {
  const startMs = session.startsAt.getTime();
  return { start: new Date(startMs), end: new Date(startMs + session.durationMinutes * MINUTE_MS) };
}

/** The window widened by ATTACH_MARGIN_MINUTES on each side: where events attach to a session. */
export function widenedSessionWindow(session: Pick<SessionInput, "startsAt" | "durationMinutes">): TimeWindow {
  const startMs = session.startsAt.getTime();
  return {
    start: new Date(startMs - ATTACH_MARGIN_MINUTES * MINUTE_MS),
    end: new Date(startMs + session.durationMinutes * MINUTE_MS + ATTACH_MARGIN_MINUTES * MINUTE_MS),
  };
}

/**
 * live: inside the window, or a meeting instance has started and not ended and `now` is inside the
 * widened window (a class that starts early or runs over); ended: past the window and not live;
 * otherwise scheduled.
 */
export function sessionState(
  session: Pick<SessionInput, "startsAt" | "durationMinutes">,
  instances: MeetingInstanceTimes[],
  now: Date,
): SessionState {
  const nowMs = now.getTime();
  const startMs = session.startsAt.getTime();
  const endMs = startMs + session.durationMinutes * MINUTE_MS;
  if (startMs <= nowMs && nowMs < endMs) return "live";
  const marginMs = ATTACH_MARGIN_MINUTES * MINUTE_MS;
  const instanceRunning = instances.some((instance) => instance.startedAt !== null && instance.endedAt === null);
  if (instanceRunning && startMs - marginMs <= nowMs && nowMs < endMs + marginMs) return "live";
  return nowMs >= endMs ? "ended" : "scheduled";
}

// ---------------------------------------------------------------------------------------------
// Attaching events to sessions

interface AttachCandidate {
  id: string;
  startMs: number;
  endMs: number;
}

/**
 * SPEC "Attaching events to sessions": an event of meeting M at `occurredAt` belongs to the session
 * of M whose window widened by 60 minutes each side contains it; if several do, the one whose
 * startsAt is nearest (tie: the earlier startsAt, then the smaller id, so the answer never depends
 * on input order). Every session gets an entry (possibly empty); events of other meetings or
 * outside every widened window are left out. Each list keeps the input order of its events.
 */
export function attachEventsToSessions(events: EngineEvent[], sessions: SessionInput[]): Map<string, EngineEvent[]> {
  const attached = new Map<string, EngineEvent[]>();
  const sessionsByMeeting = new Map<string, AttachCandidate[]>();
  const longestByMeeting = new Map<string, number>();
  for (const session of sessions) {
    attached.set(session.id, []);
    const meetingId = normalizeMeetingId(session.zoomMeetingId);
    const startMs = session.startsAt.getTime();
    const durationMs = session.durationMinutes * MINUTE_MS;
    let candidates = sessionsByMeeting.get(meetingId);
    if (!candidates) sessionsByMeeting.set(meetingId, (candidates = []));
    candidates.push({ id: session.id, startMs, endMs: startMs + durationMs });
    longestByMeeting.set(meetingId, Math.max(longestByMeeting.get(meetingId) ?? 0, durationMs));
  }
  for (const candidates of sessionsByMeeting.values()) {
    candidates.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  const marginMs = ATTACH_MARGIN_MINUTES * MINUTE_MS;
  for (const event of events) {
    if (event.zoomMeetingId === null) continue;
    const meetingId = normalizeMeetingId(String(event.zoomMeetingId));
    const candidates = sessionsByMeeting.get(meetingId);
    if (!candidates) continue;
    const timeMs = event.occurredAt.getTime();
    if (!Number.isFinite(timeMs)) continue;
    // Only sessions starting at or before t + margin can contain t; walk back from the last such
    // one until starts are too early for even the longest session of this meeting to reach t.
    let high = upperBoundByStart(candidates, timeMs + marginMs) - 1;
    const earliestUsefulStart = timeMs - marginMs - (longestByMeeting.get(meetingId) ?? 0);
    let best: AttachCandidate | null = null;
    let bestDistance = Infinity;
    for (; high >= 0 && candidates[high].startMs >= earliestUsefulStart; high--) {
      const candidate = candidates[high];
      if (!(candidate.startMs - marginMs <= timeMs && timeMs < candidate.endMs + marginMs)) continue;
      const distance = Math.abs(timeMs - candidate.startMs);
      // Walking backwards, so "<=" prefers the earlier start (and then the smaller id) on ties.
      if (distance <= bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best) attached.get(best.id)!.push(event);
  }
  return attached;
}

/** Index of the first candidate whose start is after `limitMs` (candidates sorted by start). */
function upperBoundByStart(candidates: AttachCandidate[], limitMs: number): number {
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (candidates[middle].startMs <= limitMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Start and end of each meeting instance from its meeting.started / meeting.ended events
 * (`occurredAt` is the meeting's start_time / end_time). Redeliveries collapse: the earliest start
 * and the latest end win. Convenience for callers that build `instances` from stored events.
 */
export function deriveInstances(events: EngineEvent[]): MeetingInstanceTimes[] {
  const byUuid = new Map<string, MeetingInstanceTimes>();
  for (const event of events) {
    const isStart = event.eventType === "meeting.started" || event.eventType === "webinar.started";
    const isEnd = event.eventType === "meeting.ended" || event.eventType === "webinar.ended";
    if ((!isStart && !isEnd) || event.meetingUuid === null) continue;
    let instance = byUuid.get(event.meetingUuid);
    if (!instance) byUuid.set(event.meetingUuid, (instance = { uuid: event.meetingUuid, startedAt: null, endedAt: null }));
    if (isStart && (instance.startedAt === null || event.occurredAt < instance.startedAt)) instance.startedAt = event.occurredAt;
    if (isEnd && (instance.endedAt === null || event.occurredAt > instance.endedAt)) instance.endedAt = event.occurredAt;
  }
  return [...byUuid.values()].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Intervals and figures: the one code path shared by computeSessionAttendance and refreshFigures

/** [fromMs, toMs) in epoch milliseconds; toMs === Infinity while the connection is open. */
interface MsInterval {
  fromMs: number;
  toMs: number;
}

/** What the projection stores per participant, enough to recompute time-dependent figures. */
export interface StoredPresence {
  /** union of the participant's connections; `to: null` = open when the projection was computed */
  intervals: PresenceInterval[];
  /** open connections (devices) when computed; defaults to the number of open intervals */
  openConnections?: number;
}

/** The figures that change with the clock while a session runs. */
export interface LiveFigures {
  attendedSeconds: number;
  attendedPercent: number;
  status: AttendanceStatus;
  inMeeting: boolean;
  openConnections: number;
  firstJoinAt: Date | null;
  /** null while any connection is open */
  lastLeaveAt: Date | null;
}

type FigureSession = Pick<SessionInput, "startsAt" | "durationMinutes" | "requiredPercent">;

/**
 * Recompute the clock-dependent figures of one participant from stored presence intervals, for
 * "so far" reads of a live session: the stored projection is only as fresh as its last recompute,
 * so a page reads it and calls this with the current time.
 *
 * - `presence`: the stored `intervals` (open ones have `to: null`) and `openConnections`.
 * - `meetingEndedAt`: end of the meeting instance if it ended after the projection was computed
 *   (closes open intervals there, as a recompute would); null while it is still running.
 * - `now`: open intervals count until now; clipped to the session window.
 *
 * computeSessionAttendance derives its figures through the very same function
 * (`figuresFromIntervals`), so a refresh at time T equals a recompute at time T.
 */
export function refreshFigures(
  presence: StoredPresence,
  session: FigureSession,
  meetingEndedAt: Date | null,
  now: Date,
): LiveFigures {
  const intervals: MsInterval[] = presence.intervals.map((interval) => ({
    fromMs: interval.from.getTime(),
    toMs: interval.to === null ? Infinity : interval.to.getTime(),
  }));
  const figures = figuresFromIntervals(
    intervals,
    presence.openConnections,
    session,
    meetingEndedAt === null ? null : meetingEndedAt.getTime(),
    now.getTime(),
  );
  return {
    attendedSeconds: figures.attendedSeconds,
    attendedPercent: figures.attendedPercent,
    status: figures.status,
    inMeeting: figures.inMeeting,
    openConnections: figures.openConnections,
    firstJoinAt: figures.firstJoinAt,
    lastLeaveAt: figures.lastLeaveAt,
  };
}

interface InternalFigures extends LiveFigures {
  union: MsInterval[];
}

function figuresFromIntervals(
  rawIntervals: MsInterval[],
  openConnectionsHint: number | undefined,
  session: FigureSession,
  meetingEndedMs: number | null,
  nowMs: number,
): InternalFigures {
  const closed =
    meetingEndedMs === null
      ? rawIntervals
      : rawIntervals.map((interval) =>
          interval.toMs === Infinity ? { fromMs: interval.fromMs, toMs: Math.max(interval.fromMs, meetingEndedMs) } : interval,
        );
  const union = unionIntervals(closed);

  const windowStartMs = session.startsAt.getTime();
  const windowSeconds = session.durationMinutes * 60;
  const windowEndMs = windowStartMs + windowSeconds * 1000;

  let attendedMs = 0;
  let openIntervals = 0;
  let latestEndMs = -Infinity;
  for (const interval of union) {
    const isOpen = interval.toMs === Infinity;
    if (isOpen) openIntervals++;
    else latestEndMs = Math.max(latestEndMs, interval.toMs);
    // Early arrival is not extra credit and overruns do not count: clip to the window. Figures are
    // "as of now": an open connection runs until now, and nothing after now counts (which only
    // matters for clock skew; it makes the open-ended union exact, so refresh == recompute).
    const fromMs = Math.max(interval.fromMs, windowStartMs);
    const toMs = Math.min(interval.toMs, windowEndMs, nowMs);
    if (toMs > fromMs) attendedMs += toMs - fromMs;
  }
  const attendedSeconds = Math.floor(attendedMs / 1000);

  // Integer arithmetic where possible so 162 of 180 minutes is exactly 90.0% and present.
  const attendedPercent = windowSeconds > 0 ? Math.round((attendedSeconds * 1000) / windowSeconds) / 10 : 0;
  const status: AttendanceStatus =
    attendedSeconds > 0 && attendedSeconds * 100 >= session.requiredPercent * windowSeconds
      ? "present"
      : attendedSeconds > 0
        ? "partial"
        : "absent";

  // An open connection whose meeting never sent meeting.ended stops counting as "in the meeting"
  // an hour after the window, so a lost event cannot leave someone in class forever.
  const inMeeting = openIntervals > 0 && nowMs < windowEndMs + IN_MEETING_GRACE_MINUTES * MINUTE_MS;
  const openConnections = inMeeting ? Math.max(openConnectionsHint ?? openIntervals, 1) : 0;

  return {
    union,
    attendedSeconds,
    attendedPercent,
    status,
    inMeeting,
    openConnections,
    firstJoinAt: union.length > 0 ? new Date(union[0].fromMs) : null,
    lastLeaveAt: openIntervals === 0 && union.length > 0 ? new Date(latestEndMs) : null,
  };
}

/** Sorted union; touching intervals merge; zero-length ones are kept (they record a join). */
function unionIntervals(intervals: MsInterval[]): MsInterval[] {
  const sorted = intervals.slice().sort((a, b) => (a.fromMs !== b.fromMs ? a.fromMs - b.fromMs : a.toMs < b.toMs ? -1 : a.toMs > b.toMs ? 1 : 0));
  const merged: MsInterval[] = [];
  for (const interval of sorted) {
    const last = merged.length > 0 ? merged[merged.length - 1] : null;
    if (last !== null && interval.fromMs <= last.toMs) {
      if (interval.toMs > last.toMs) last.toMs = interval.toMs;
    } else {
      merged.push({ fromMs: interval.fromMs, toMs: interval.toMs });
    }
  }
  return merged;
}

function toPresenceIntervals(intervals: MsInterval[]): PresenceInterval[] {
  return intervals.map((interval) => ({
    from: new Date(interval.fromMs),
    to: interval.toMs === Infinity ? null : new Date(interval.toMs),
  }));
}

// ---------------------------------------------------------------------------------------------
// Connections

type EventKind = "join" | "leave";

function participantEventKind(eventType: string): EventKind | null {
  switch (eventType) {
    case "meeting.participant_joined":
    case "webinar.participant_joined":
      return "join";
    case "meeting.participant_left":
    case "webinar.participant_left":
      return "leave";
    default:
      // meeting.started/ended matter only through `instances`; waiting-room time is not attendance.
      return null;
  }
}

export interface ConnectionRecord {
  kind: EventKind;
  timeMs: number;
  event: EngineEvent;
}

/** One participant's presence from one device: (meeting UUID, Zoom user_id). */
interface Connection {
  key: string;
  meetingUuid: string;
  intervals: MsInterval[];
  /** distinct join events */
  joinCount: number;
  /** connections with an interval still open (its meeting instance has not ended) */
  isOpen: boolean;
  /** earliest time on the connection: orders connections deterministically */
  firstTimeMs: number;
  // Identity fields merged over the connection's events: the first non-blank value in time order.
  registrantId: string | null;
  accountId: string | null;
  email: string | null;
  emailNormalized: string | null;
  displayName: string | null;
}

/** The order events are processed in on a connection: time, join first, webhook first, id. */
export function compareRecords(a: ConnectionRecord, b: ConnectionRecord): number {
  if (a.timeMs !== b.timeMs) return a.timeMs - b.timeMs;
  // At the same instant a join is processed first, so a leave can pair with a join "at or before" it.
  if (a.kind !== b.kind) return a.kind === "join" ? -1 : 1;
  // Webhook before report, then by id: field merging must not depend on input order.
  if (a.event.source !== b.event.source) return a.event.source === "webhook" ? -1 : 1;
  return a.event.id < b.event.id ? -1 : a.event.id > b.event.id ? 1 : 0;
}

/** A connection: (meeting UUID, Zoom's per-join user_id), with a fallback to the person. */
export function connectionKeyOf(event: EngineEvent): string {
  const meeting = event.meetingUuid ?? `meeting:${event.zoomMeetingId ?? ""}`;
  const userId = nonBlank(event.participantUserId);
  if (userId !== null) return `${meeting}\u0000${userId}`;
  // No user_id (should not happen): fall back to the person's identity; pairing by time and the
  // union of intervals still give sensible presence.
  const fallback =
    nonBlank(event.participantAccountId) ??
    nonBlank(event.emailNormalized)?.toLowerCase() ??
    nonBlank(event.email)?.toLowerCase() ??
    normalizeName(event.displayName ?? "");
  return `${meeting}\u0000?${fallback}`;
}

function buildConnections(
  events: EngineEvent[],
  instancesByUuid: Map<string, MeetingInstanceTimes>,
  sessionStartMs: number,
): Connection[] {
  const recordsByConnection = new Map<string, ConnectionRecord[]>();
  for (const event of events) {
    const kind = participantEventKind(event.eventType);
    if (kind === null) continue;
    const time = (kind === "join" ? event.joinTime : event.leaveTime) ?? event.occurredAt;
    const timeMs = time.getTime();
    if (!Number.isFinite(timeMs)) continue;
    const key = connectionKeyOf(event);
    let records = recordsByConnection.get(key);
    if (!records) recordsByConnection.set(key, (records = []));
    records.push({ kind, timeMs, event });
  }

  const connections: Connection[] = [];
  for (const [key, records] of recordsByConnection) {
    records.sort(compareRecords);
    const meetingUuid = records[0].event.meetingUuid ?? "";
    const instance = instancesByUuid.get(meetingUuid);
    const instanceStartMs = instance?.startedAt ? instance.startedAt.getTime() : null;
    const instanceEndMs = instance?.endedAt ? instance.endedAt.getTime() : null;

    let registrantId: string | null = null;
    let accountId: string | null = null;
    let email: string | null = null;
    let emailNormalized: string | null = null;
    let displayName: string | null = null;
    for (const { event } of records) {
      registrantId ??= nonBlank(event.registrantId);
      accountId ??= nonBlank(event.participantAccountId);
      const eventEmail = nonBlank(event.email);
      email ??= eventEmail;
      const storedNormalized = nonBlank(event.emailNormalized) ?? eventEmail;
      emailNormalized ??= storedNormalized === null ? null : normalizeEmail(storedNormalized);
      displayName ??= nonBlank(event.displayName);
    }

    // Pair by timestamps: each leave closes the latest unpaired join at or before it. Identical
    // (kind, connection, second) records are one event (redeliveries, webhook + report).
    const seen = new Set<string>();
    const unpairedJoins: number[] = [];
    const intervals: MsInterval[] = [];
    let joinCount = 0;
    let lastLeaveMs: number | null = null;
    for (const record of records) {
      const dedupeKey = `${record.kind}:${Math.floor(record.timeMs / 1000)}`;
      if (seen.has(dedupeKey)) continue;
      seen.add(dedupeKey);
      if (record.kind === "join") {
        unpairedJoins.push(record.timeMs);
        joinCount++;
        continue;
      }
      const joinMs = unpairedJoins.pop();
      if (joinMs !== undefined) {
        intervals.push({ fromMs: joinMs, toMs: record.timeMs });
      } else {
        // The join was never received: count from the instance's start (else the session's
        // startsAt), but not from before an earlier leave of this same connection.
        let assumedJoinMs = instanceStartMs ?? sessionStartMs;
        if (lastLeaveMs !== null) assumedJoinMs = Math.max(assumedJoinMs, lastLeaveMs);
        intervals.push({ fromMs: Math.min(assumedJoinMs, record.timeMs), toMs: record.timeMs });
      }
      lastLeaveMs = lastLeaveMs === null ? record.timeMs : Math.max(lastLeaveMs, record.timeMs);
    }
    // Joins never left: closed by meeting.ended if the instance ended, else open until now.
    let isOpen = false;
    for (const joinMs of unpairedJoins) {
      if (instanceEndMs !== null) {
        intervals.push({ fromMs: joinMs, toMs: Math.max(joinMs, instanceEndMs) });
      } else {
        intervals.push({ fromMs: joinMs, toMs: Infinity });
        isOpen = true;
      }
    }

    let firstTimeMs = records[0].timeMs;
    for (const interval of intervals) firstTimeMs = Math.min(firstTimeMs, interval.fromMs);
    connections.push({
      key,
      meetingUuid,
      intervals,
      joinCount,
      isOpen,
      firstTimeMs,
      registrantId,
      accountId,
      email,
      emailNormalized,
      displayName,
    });
  }
  // Deterministic order whatever the input order: by first time, then by key.
  connections.sort((a, b) => a.firstTimeMs - b.firstTimeMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return connections;
}

// ---------------------------------------------------------------------------------------------
// Identity

const AMBIGUOUS = Symbol("ambiguous");

export function normalizeAccountForManualMatch(accountId: string): string {
  return accountId.trim().toLowerCase();
}

export interface IdentityIndex {
  byRegistrant: Map<string, string>;
  byEmail: Map<string, string>;
  byStoredLink: Map<string, string>;
  manualByKind: Record<MatchKind, Map<string, string>>;
}

/** Lookup tables for SPEC "Who is who" (also used by lib/privacy/attribution.ts, so the two agree). */
export function buildIdentityIndex(
  roster: RosterStudent[],
  links: IdentityLinkInput[],
  manualMatches: ManualMatchInput[],
  sessionStartMs: number,
): IdentityIndex {
  const rosterIds = new Set(roster.map((student) => student.id));
  const byRegistrant = new Map<string, string>();
  const byEmail = new Map<string, string>();
  for (const student of roster) {
    for (const candidate of [student.zoomRegistrantId, ...(student.zoomRegistrantIds ?? [])]) {
      const registrant = nonBlank(candidate);
      if (registrant !== null && !byRegistrant.has(registrant)) byRegistrant.set(registrant, student.id);
    }
    const email = normalizeEmail(student.emailNormalized || student.email);
    if (email !== "" && !byEmail.has(email)) {
      byEmail.set(email, student.id);
      // Events past RETENTION_DAYS carry the email's pseudonym instead (lib/attendance/pseudonym.ts).
      byEmail.set(pseudonymOf(email), student.id);
    }
  }
  const byStoredLink = new Map<string, string>();
  for (const link of links) {
    const accountId = nonBlank(link.zoomAccountId);
    if (accountId !== null && rosterIds.has(link.studentId) && !byStoredLink.has(accountId)) {
      byStoredLink.set(accountId, link.studentId);
    }
  }
  // A manual match applies in its own session and later ones. If several apply to the same value,
  // the most recent wins (an instructor correcting an earlier match).
  const applicable = manualMatches
    .filter((match) => rosterIds.has(match.studentId) && match.madeInSessionStartsAt.getTime() <= sessionStartMs)
    .sort(
      (a, b) =>
        b.madeInSessionStartsAt.getTime() - a.madeInSessionStartsAt.getTime() ||
        (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0),
    );
  const manualByKind: Record<MatchKind, Map<string, string>> = {
    account_id: new Map(),
    email: new Map(),
    display_name: new Map(),
  };
  for (const match of applicable) {
    const value =
      match.kind === "account_id"
        ? normalizeAccountForManualMatch(match.value)
        : match.kind === "email"
          ? normalizeEmail(match.value)
          : normalizeName(match.value);
    if (value === "") continue;
    const byValue = manualByKind[match.kind];
    if (byValue && !byValue.has(value)) {
      byValue.set(value, match.studentId);
      if (match.kind !== "account_id" && !byValue.has(pseudonymOf(value))) byValue.set(pseudonymOf(value), match.studentId);
    }
  }
  return { byRegistrant, byEmail, byStoredLink, manualByKind };
}

interface IdentityResult {
  /** connection index → student id (absent = guest) */
  studentOf: (string | undefined)[];
  learnedLinks: IdentityLinkInput[];
}

/** SPEC "Who is who": registrant ID, email, learned account link, manual match; first match wins. */
function identifyConnections(connections: Connection[], index: IdentityIndex): IdentityResult {
  const studentOf: (string | undefined)[] = new Array(connections.length);
  // Account IDs seen on connections matched by registrant or email, in this session. An account
  // seen with two different students (a shared family account) is not learned.
  const sessionLinks = new Map<string, string | typeof AMBIGUOUS>();
  connections.forEach((connection, position) => {
    let studentId: string | undefined;
    if (connection.registrantId !== null) studentId = index.byRegistrant.get(connection.registrantId);
    if (studentId === undefined && connection.emailNormalized !== null) studentId = index.byEmail.get(connection.emailNormalized);
    if (studentId === undefined) return;
    studentOf[position] = studentId;
    if (connection.accountId !== null) {
      const known = sessionLinks.get(connection.accountId);
      if (known === undefined) sessionLinks.set(connection.accountId, studentId);
      else if (known !== studentId) sessionLinks.set(connection.accountId, AMBIGUOUS);
    }
  });

  const manual = index.manualByKind;
  connections.forEach((connection, position) => {
    if (studentOf[position] !== undefined) return;
    let studentId: string | undefined;
    if (connection.accountId !== null) {
      const learned = sessionLinks.get(connection.accountId);
      // Evidence from this very session beats an older stored link for the same account.
      if (learned !== undefined && learned !== AMBIGUOUS) studentId = learned;
      studentId ??= index.byStoredLink.get(connection.accountId);
      studentId ??= manual.account_id.get(normalizeAccountForManualMatch(connection.accountId));
    }
    if (studentId === undefined && connection.emailNormalized !== null) studentId = manual.email.get(connection.emailNormalized);
    if (studentId === undefined && connection.displayName !== null) studentId = manual.display_name.get(normalizeName(connection.displayName));
    studentOf[position] = studentId;
  });

  const learnedLinks: IdentityLinkInput[] = [];
  for (const [zoomAccountId, studentId] of sessionLinks) {
    if (studentId !== AMBIGUOUS) learnedLinks.push({ zoomAccountId, studentId });
  }
  learnedLinks.sort((a, b) => (a.zoomAccountId < b.zoomAccountId ? -1 : a.zoomAccountId > b.zoomAccountId ? 1 : 0));
  return { studentOf, learnedLinks };
}

interface GuestIdentity {
  guestKey: string;
  matchKind: MatchKind;
  matchValue: string;
}

/** Guests are grouped by account ID, else email, else display name. */
function guestIdentity(connection: Connection): GuestIdentity {
  if (connection.accountId !== null) {
    return {
      guestKey: `account:${connection.accountId}`,
      matchKind: "account_id",
      matchValue: normalizeAccountForManualMatch(connection.accountId),
    };
  }
  if (connection.emailNormalized !== null) {
    return { guestKey: `email:${connection.emailNormalized}`, matchKind: "email", matchValue: connection.emailNormalized };
  }
  const name = normalizeName(connection.displayName ?? "");
  return { guestKey: `name:${name}`, matchKind: "display_name", matchValue: name };
}

// ---------------------------------------------------------------------------------------------
// Session attendance

interface ParticipantAccumulator {
  intervals: MsInterval[];
  joinCount: number;
  openConnections: number;
}

function accumulate(target: ParticipantAccumulator, connection: Connection): void {
  for (const interval of connection.intervals) target.intervals.push(interval);
  target.joinCount += connection.joinCount;
  if (connection.isOpen) target.openConnections++;
}

/**
 * Attendance of every roster student (in roster order) and every guest (by first join) in one
 * session, from the events attached to it. Pure: same input, same output, whatever the order of
 * `events` and however many times an event appears.
 */
export function computeSessionAttendance(input: ComputeSessionInput): SessionAttendance {
  const { session, roster, now } = input;
  const nowMs = now.getTime();
  const sessionStartMs = session.startsAt.getTime();

  const instancesByUuid = new Map<string, MeetingInstanceTimes>();
  for (const instance of input.instances) instancesByUuid.set(instance.uuid, instance);

  const connections = buildConnections(input.events, instancesByUuid, sessionStartMs);
  const index = buildIdentityIndex(roster, input.links, input.manualMatches, sessionStartMs);
  const { studentOf, learnedLinks } = identifyConnections(connections, index);

  const byStudent = new Map<string, ParticipantAccumulator>();
  const byGuest = new Map<string, ParticipantAccumulator & { identity: GuestIdentity; connections: Connection[] }>();
  connections.forEach((connection, position) => {
    const studentId = studentOf[position];
    if (studentId !== undefined) {
      let accumulator = byStudent.get(studentId);
      if (!accumulator) byStudent.set(studentId, (accumulator = { intervals: [], joinCount: 0, openConnections: 0 }));
      accumulate(accumulator, connection);
      return;
    }
    const identity = guestIdentity(connection);
    let guest = byGuest.get(identity.guestKey);
    if (!guest) {
      byGuest.set(identity.guestKey, (guest = { intervals: [], joinCount: 0, openConnections: 0, identity, connections: [] }));
    }
    guest.connections.push(connection);
    accumulate(guest, connection);
  });

  const lateAfterMs = session.lateAfterMinutes * MINUTE_MS;
  const students: StudentAttendance[] = [];
  const listed = new Set<string>();
  for (const student of roster) {
    if (listed.has(student.id)) continue;
    listed.add(student.id);
    const accumulator = byStudent.get(student.id);
    const figures = figuresFromIntervals(
      accumulator?.intervals ?? [],
      accumulator?.openConnections ?? 0,
      session,
      null,
      nowMs,
    );
    const firstJoinMs = figures.firstJoinAt === null ? null : figures.firstJoinAt.getTime();
    // Exactly at startsAt + lateAfterMinutes is still on time.
    const late = firstJoinMs !== null && firstJoinMs > sessionStartMs + lateAfterMs;
    students.push({
      studentId: student.id,
      status: figures.status,
      late,
      lateBySeconds: late && firstJoinMs !== null ? Math.floor((firstJoinMs - sessionStartMs) / 1000) : 0,
      intervals: toPresenceIntervals(figures.union),
      attendedSeconds: figures.attendedSeconds,
      attendedPercent: figures.attendedPercent,
      firstJoinAt: figures.firstJoinAt,
      lastLeaveAt: figures.lastLeaveAt,
      joinCount: accumulator?.joinCount ?? 0,
      inMeeting: figures.inMeeting,
      openConnections: figures.openConnections,
    });
  }

  const guests: GuestAttendance[] = [];
  for (const guest of byGuest.values()) {
    const figures = figuresFromIntervals(guest.intervals, guest.openConnections, session, null, nowMs);
    // Connections are already in time order: the first one with a name/email names the guest.
    let name: string | null = null;
    let email: string | null = null;
    let pseudonymised = false;
    for (const connection of guest.connections) {
      if (isPseudonym(connection.displayName)) pseudonymised = true;
      else name ??= connection.displayName;
      email ??= connection.email;
    }
    guests.push({
      guestKey: guest.identity.guestKey,
      name: name ?? email ?? (pseudonymised ? PSEUDONYMISED_GUEST_NAME : ""),
      email,
      matchKind: guest.identity.matchKind,
      matchValue: guest.identity.matchValue,
      intervals: toPresenceIntervals(figures.union),
      attendedSeconds: figures.attendedSeconds,
      attendedPercent: figures.attendedPercent,
      firstJoinAt: figures.firstJoinAt,
      lastLeaveAt: figures.lastLeaveAt,
      joinCount: guest.joinCount,
      inMeeting: figures.inMeeting,
      openConnections: figures.openConnections,
    });
  }
  guests.sort((a, b) => {
    const aMs = a.firstJoinAt === null ? Infinity : a.firstJoinAt.getTime();
    const bMs = b.firstJoinAt === null ? Infinity : b.firstJoinAt.getTime();
    if (aMs !== bMs) return aMs < bMs ? -1 : 1;
    return a.guestKey < b.guestKey ? -1 : a.guestKey > b.guestKey ? 1 : 0;
  });

  return {
    state: sessionState(session, input.instances, now),
    students,
    guests,
    learnedLinks,
  };
}
