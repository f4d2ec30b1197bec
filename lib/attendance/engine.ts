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
  HostAttendance,
  IdentityLinkInput,
  InstructorInput,
  ManualMatchInput,
  MatchKind,
  MeetingInstanceTimes,
  ParticipantFigures,
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

interface ParticipantEventKind {
  kind: EventKind;
  /** a breakout-room connection (a connection of the parent meeting instance) */
  breakout: boolean;
}

const JOIN: ParticipantEventKind = { kind: "join", breakout: false };
const LEAVE: ParticipantEventKind = { kind: "leave", breakout: false };
const BREAKOUT_JOIN: ParticipantEventKind = { kind: "join", breakout: true };
const BREAKOUT_LEAVE: ParticipantEventKind = { kind: "leave", breakout: true };

function participantEventKind(eventType: string): ParticipantEventKind | null {
  switch (eventType) {
    case "meeting.participant_joined":
    case "webinar.participant_joined":
      return JOIN;
    case "meeting.participant_left":
    case "webinar.participant_left":
      return LEAVE;
    case "meeting.participant_joined_breakout_room":
      return BREAKOUT_JOIN;
    case "meeting.participant_left_breakout_room":
      return BREAKOUT_LEAVE;
    default:
      // meeting.started/ended matter only through `instances`; waiting-room time is not attendance;
      // role changes are read separately (hosts).
      return null;
  }
}

export const ROLE_CHANGED_EVENT = "meeting.participant_role_changed";

/** Roles that make a participant who is not a student a host. */
function isHostRole(role: string | null | undefined): role is "host" | "co-host" {
  const normalized = role?.trim().toLowerCase().replace(/[\s_]/g, "-");
  return normalized === "host" || normalized === "co-host" || normalized === "cohost";
}

export interface ConnectionRecord {
  kind: EventKind;
  timeMs: number;
  event: EngineEvent;
}

/** One participant's presence from one device in one room: (meeting UUID, room, Zoom user_id). */
interface Connection {
  key: string;
  meetingUuid: string;
  intervals: MsInterval[];
  /** distinct joins */
  joinCount: number;
  /** their times */
  joinTimesMs: number[];
  /** connections with an interval still open (its meeting instance has not ended) */
  isOpen: boolean;
  /** earliest time on the connection: orders connections deterministically */
  firstTimeMs: number;
  /** in a breakout room: the room's UUID, and its name when Zoom sent one */
  breakoutRoomUuid: string | null;
  breakoutRoomName: string | null;
  /** breakout connection: key of the main-room connection it came from */
  parentKey: string | null;
  /** Zoom made this connection host or co-host (the latest such role) */
  hostRole: "host" | "co-host" | null;
  // Identity fields merged over the connection's events: the first non-blank value in time order.
  registrantId: string | null;
  accountId: string | null;
  email: string | null;
  emailNormalized: string | null;
  displayName: string | null;
  participantUuid: string | null;
  /** digits of the dial-in number (phone_number, else a user_name that is a number) */
  phoneDigits: string | null;
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

/**
 * A connection: (meeting UUID, Zoom's per-join user_id), with a fallback to the person. In a
 * breakout room Zoom numbers connections afresh, so the room's UUID is part of the key.
 */
export function connectionKeyOf(event: EngineEvent): string {
  const meeting = event.meetingUuid ?? `meeting:${event.zoomMeetingId ?? ""}`;
  const room = event.breakoutRoomUuid ? `${meeting}\u0000room:${event.breakoutRoomUuid}` : meeting;
  const userId = nonBlank(event.participantUserId);
  if (userId !== null) return `${room}\u0000${userId}`;
  // No user_id (should not happen): fall back to the person's identity; pairing by time and the
  // union of intervals still give sensible presence.
  const fallback =
    nonBlank(event.participantAccountId) ??
    nonBlank(event.emailNormalized)?.toLowerCase() ??
    nonBlank(event.email)?.toLowerCase() ??
    normalizeName(event.displayName ?? "");
  return `${room}\u0000?${fallback}`;
}

/** E.164 allows at most 15 digits; fewer than 8 is no phone number anywhere. */
const MIN_PHONE_DIGITS = 8;
const MAX_PHONE_DIGITS = 15;
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/**
 * A phone number as typed ("+1 (555) 123-4567", "0044 20 7946 0958") in E.164 form
 * ("+15551234567"), or null when it is not one. The country code must be part of it: "00" is
 * read as the international prefix, and bare digits are taken to start with the country code.
 */
export function normalizePhone(value: string): string | null {
  const trimmed = value.trim();
  if (!PHONE_LIKE.test(trimmed)) return null;
  let digits = trimmed.replace(/\D/g, "");
  if (!trimmed.startsWith("+") && digits.startsWith("00")) digits = digits.slice(2);
  if (digits.length < MIN_PHONE_DIGITS || digits.length > MAX_PHONE_DIGITS || digits.startsWith("0")) return null;
  return `+${digits}`;
}

/** The digits Rollcall compares phone numbers by, or null when `value` is not a phone number. */
export function phoneDigits(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const normalized = normalizePhone(value);
  return normalized === null ? null : normalized.slice(1);
}

function buildConnections(
  events: EngineEvent[],
  instancesByUuid: Map<string, MeetingInstanceTimes>,
  sessionStartMs: number,
): Connection[] {
  const recordsByConnection = new Map<string, ConnectionRecord[]>();
  // Latest host/co-host/attendee role per main-room connection (role changes are rare).
  let roleChanges: Map<string, { timeMs: number; id: string; role: string }> | null = null;
  for (const event of events) {
    const eventKind = participantEventKind(event.eventType);
    if (eventKind === null) {
      if (event.eventType === ROLE_CHANGED_EVENT && nonBlank(event.newRole) !== null) {
        roleChanges ??= new Map();
        const key = connectionKeyOf(event);
        const timeMs = event.occurredAt.getTime();
        const known = roleChanges.get(key);
        if (!known || known.timeMs < timeMs || (known.timeMs === timeMs && known.id < event.id)) {
          roleChanges.set(key, { timeMs, id: event.id, role: event.newRole! });
        }
      }
      continue;
    }
    const kind = eventKind.kind;
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
    const first = records[0].event;
    const meetingUuid = first.meetingUuid ?? "";
    const instance = instancesByUuid.get(meetingUuid);
    const instanceStartMs = instance?.startedAt ? instance.startedAt.getTime() : null;
    const instanceEndMs = instance?.endedAt ? instance.endedAt.getTime() : null;

    let registrantId: string | null = null;
    let accountId: string | null = null;
    let email: string | null = null;
    let emailNormalized: string | null = null;
    let displayName: string | null = null;
    let participantUuid: string | null = null;
    let phoneNumber: string | null = null;
    let breakoutRoomName: string | null = null;
    let parentUserId: string | null = null;
    for (const { event } of records) {
      registrantId ??= nonBlank(event.registrantId);
      accountId ??= nonBlank(event.participantAccountId);
      const eventEmail = nonBlank(event.email);
      email ??= eventEmail;
      const storedNormalized = nonBlank(event.emailNormalized) ?? eventEmail;
      emailNormalized ??= storedNormalized === null ? null : normalizeEmail(storedNormalized);
      displayName ??= nonBlank(event.displayName);
      participantUuid ??= nonBlank(event.participantUuid);
      phoneNumber ??= nonBlank(event.phoneNumber);
      breakoutRoomName ??= nonBlank(event.breakoutRoomName);
      parentUserId ??= nonBlank(event.parentUserId);
    }
    const breakoutRoomUuid = nonBlank(first.breakoutRoomUuid);

    // Pair by timestamps: each leave closes the latest unpaired join at or before it. Identical
    // (kind, connection, second) records are one event (redeliveries, webhook + report).
    const seen = new Set<string>();
    const unpairedJoins: number[] = [];
    const intervals: MsInterval[] = [];
    const joinTimesMs: number[] = [];
    let lastLeaveMs: number | null = null;
    for (const record of records) {
      const dedupeKey = `${record.kind}:${Math.floor(record.timeMs / 1000)}`;
      if (seen.has(dedupeKey)) continue;
      seen.add(dedupeKey);
      if (record.kind === "join") {
        unpairedJoins.push(record.timeMs);
        joinTimesMs.push(record.timeMs);
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
    // A breakout room belongs to its parent meeting instance, so meeting.ended closes it too.
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
    const meetingKey = first.meetingUuid ?? `meeting:${first.zoomMeetingId ?? ""}`;
    const role = roleChanges?.get(key)?.role;
    connections.push({
      key,
      meetingUuid,
      intervals,
      joinTimesMs,
      joinCount: joinTimesMs.length,
      isOpen,
      firstTimeMs,
      breakoutRoomUuid,
      breakoutRoomName: breakoutRoomUuid === null ? null : breakoutRoomName,
      parentKey: breakoutRoomUuid !== null && parentUserId !== null ? `${meetingKey}\u0000${parentUserId}` : null,
      hostRole: isHostRole(role) ? (role.toLowerCase().startsWith("co") ? "co-host" : "host") : null,
      registrantId,
      accountId,
      email,
      emailNormalized,
      displayName,
      participantUuid: participantUuid === null ? null : `${meetingKey}\u0000${participantUuid}`,
      // Zoom names a caller by their number: a user_name that is a phone number is one.
      phoneDigits: phoneDigits(phoneNumber) ?? (displayName !== null && PHONE_LIKE.test(displayName) ? phoneDigits(displayName) : null),
    });
  }
  // Deterministic order whatever the input order: by first time, then by key.
  connections.sort((a, b) => a.firstTimeMs - b.firstTimeMs || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return connections;
}

/**
 * Connections of one person, by index: a breakout connection belongs with the main-room
 * connection it came from (`parent_user_id`), and connections sharing a `participant_uuid` in a
 * meeting instance are one participant. Union-find; the representative is the earliest member.
 */
function groupConnections(connections: Connection[]): Int32Array | null {
  // Most classes have neither: then every connection is its own group, and nothing is allocated.
  if (!connections.some((connection) => connection.participantUuid !== null || connection.parentKey !== null)) return null;
  const parent = new Int32Array(connections.length);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const union = (a: number, b: number) => {
    const rootA = find(a);
    const rootB = find(b);
    // Connections are sorted by time, so the smaller index is the earlier one.
    if (rootA < rootB) parent[rootB] = rootA;
    else if (rootB < rootA) parent[rootA] = rootB;
  };
  const byKey = new Map<string, number>();
  const byParticipant = new Map<string, number>();
  let linked = false;
  connections.forEach((connection, index) => {
    if (connection.breakoutRoomUuid === null) byKey.set(connection.key, index);
    if (connection.participantUuid !== null) {
      const known = byParticipant.get(connection.participantUuid);
      if (known === undefined) byParticipant.set(connection.participantUuid, index);
      else {
        union(known, index);
        linked = true;
      }
    }
  });
  connections.forEach((connection, index) => {
    if (connection.parentKey === null) return;
    const main = byKey.get(connection.parentKey);
    if (main !== undefined) {
      union(main, index);
      linked = true;
    }
  });
  if (!linked) return null;
  for (let i = 0; i < parent.length; i++) parent[i] = find(i);
  return parent;
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
  /** roster phone numbers as digits */
  byPhone: Map<string, string>;
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
  const byPhone = new Map<string, string>();
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
    const phone = phoneDigits(student.phone);
    if (phone !== null && !byPhone.has(phone)) byPhone.set(phone, student.id);
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
  return { byRegistrant, byEmail, byStoredLink, byPhone, manualByKind };
}

interface IdentityResult {
  /** connection index → student id (absent = guest) */
  studentOf: (string | undefined)[];
  learnedLinks: IdentityLinkInput[];
}

/** SPEC "Who is who": registrant ID, email, phone, learned account link, manual match; first match wins. */
function identifyConnections(connections: Connection[], index: IdentityIndex): IdentityResult {
  const studentOf: (string | undefined)[] = new Array(connections.length);
  // Account IDs seen on connections matched by registrant or email, in this session. An account
  // seen with two different students (a shared family account) is not learned.
  const sessionLinks = new Map<string, string | typeof AMBIGUOUS>();
  connections.forEach((connection, position) => {
    let studentId: string | undefined;
    if (connection.registrantId !== null) studentId = index.byRegistrant.get(connection.registrantId);
    if (studentId === undefined && connection.emailNormalized !== null) studentId = index.byEmail.get(connection.emailNormalized);
    if (studentId === undefined && connection.phoneDigits !== null) studentId = index.byPhone.get(connection.phoneDigits);
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

/** A main-room join this soon after a breakout connection of the same person is a return from the room. */
export const BREAKOUT_RETURN_GRACE_MS = 60_000;

interface ParticipantAccumulator {
  intervals: MsInterval[];
  /** distinct joins of main-room connections, summed over connections */
  mainJoins: number;
  /** main-room connections (their join times decide what is a return from a room) */
  mainConnections: Connection[];
  /** intervals of breakout-room connections */
  breakoutIntervals: MsInterval[];
  breakoutJoins: number;
  openConnections: number;
  /** the open breakout connection that joined last: where the person is now */
  currentRoom: { joinedMs: number; name: string } | null;
}

const newAccumulator = (): ParticipantAccumulator => ({
  intervals: [],
  mainJoins: 0,
  mainConnections: [],
  breakoutIntervals: [],
  breakoutJoins: 0,
  openConnections: 0,
  currentRoom: null,
});

function accumulate(target: ParticipantAccumulator, connection: Connection, openMainKeys: Set<string> | null): void {
  for (const interval of connection.intervals) target.intervals.push(interval);
  if (connection.breakoutRoomUuid === null) {
    target.mainJoins += connection.joinCount;
    target.mainConnections.push(connection);
    if (connection.isOpen) target.openConnections++;
    return;
  }
  for (const interval of connection.intervals) target.breakoutIntervals.push(interval);
  target.breakoutJoins += connection.joinTimesMs.length;
  if (!connection.isOpen) return;
  // A device in a room whose main-room connection Zoom keeps open is still one device.
  if (connection.parentKey === null || !openMainKeys?.has(connection.parentKey)) target.openConnections++;
  const joinedMs = connection.joinTimesMs.length > 0 ? connection.joinTimesMs[connection.joinTimesMs.length - 1] : connection.firstTimeMs;
  const name = connection.breakoutRoomName ?? "";
  const current = target.currentRoom;
  if (current === null || joinedMs > current.joinedMs || (joinedMs === current.joinedMs && name < current.name)) {
    target.currentRoom = { joinedMs, name };
  }
}

/**
 * Arrivals in the meeting: main-room joins, less those that are a return from a breakout room (a
 * join within a minute of the end of a breakout connection of the same person) — so a move
 * reported as main left + room joined + room left + main joined counts like room events alone.
 * Someone seen only in breakout rooms (their main-room join lost) has arrived once.
 */
function arrivals(accumulator: ParticipantAccumulator): number {
  if (accumulator.breakoutIntervals.length === 0) return accumulator.mainJoins;
  let count = 0;
  for (const connection of accumulator.mainConnections) {
    for (const joinMs of connection.joinTimesMs) {
      // Within a minute of the end of a room visit that began before it (Zoom's room leave and
      // main-room join can come in either order); a join while a room connection is open is a device.
      const isReturn = accumulator.breakoutIntervals.some(
        (room) => room.fromMs < joinMs && room.toMs !== Infinity && Math.abs(joinMs - room.toMs) <= BREAKOUT_RETURN_GRACE_MS,
      );
      if (!isReturn) count++;
    }
  }
  return count === 0 && accumulator.mainJoins === 0 && accumulator.breakoutJoins > 0 ? 1 : count;
}

/**
 * The presence intervals with the short gaps of a move between rooms closed: a gap of up to a
 * minute that ends where a breakout connection starts, or starts where one ends, is the move
 * itself (Zoom's main-room leave and room join are a second or two apart), not time away.
 */
function bridgeRoomMoves(intervals: MsInterval[], breakoutIntervals: MsInterval[]): MsInterval[] {
  const union = unionIntervals(intervals);
  if (breakoutIntervals.length === 0 || union.length < 2) return union;
  const roomStarts = new Set(breakoutIntervals.map((room) => room.fromMs));
  const roomEnds = new Set(breakoutIntervals.map((room) => room.toMs));
  const bridged: MsInterval[] = [union[0]];
  for (let i = 1; i < union.length; i++) {
    const last = bridged[bridged.length - 1];
    const next = union[i];
    const gap = next.fromMs - last.toMs;
    if (gap <= BREAKOUT_RETURN_GRACE_MS && (roomStarts.has(next.fromMs) || roomEnds.has(last.toMs))) {
      last.toMs = Math.max(last.toMs, next.toMs);
    } else {
      bridged.push(next);
    }
  }
  return bridged;
}

interface PersonFigures {
  figures: InternalFigures;
  joinCount: number;
  breakoutIntervals: PresenceInterval[];
  breakoutRoom: string | null;
}

function personFigures(accumulator: ParticipantAccumulator | undefined, session: SessionInput, nowMs: number): PersonFigures {
  if (accumulator === undefined) {
    return { figures: figuresFromIntervals([], 0, session, null, nowMs), joinCount: 0, breakoutIntervals: [], breakoutRoom: null };
  }
  // Without breakout time there is nothing to bridge (figuresFromIntervals takes the union).
  const intervals = accumulator.breakoutIntervals.length === 0 ? accumulator.intervals : bridgeRoomMoves(accumulator.intervals, accumulator.breakoutIntervals);
  const figures = figuresFromIntervals(intervals, accumulator.openConnections, session, null, nowMs);
  return {
    figures,
    joinCount: arrivals(accumulator),
    breakoutIntervals: accumulator.breakoutIntervals.length === 0 ? [] : toPresenceIntervals(unionIntervals(accumulator.breakoutIntervals)),
    breakoutRoom: figures.inMeeting && accumulator.currentRoom !== null ? accumulator.currentRoom.name : null,
  };
}

function participantFields(person: PersonFigures) {
  const { figures } = person;
  return {
    intervals: toPresenceIntervals(figures.union),
    attendedSeconds: figures.attendedSeconds,
    attendedPercent: figures.attendedPercent,
    firstJoinAt: figures.firstJoinAt,
    lastLeaveAt: figures.lastLeaveAt,
    joinCount: person.joinCount,
    inMeeting: figures.inMeeting,
    openConnections: figures.openConnections,
    breakoutIntervals: person.breakoutIntervals,
    breakoutRoom: person.breakoutRoom,
  };
}

interface NonStudentBucket extends ParticipantAccumulator {
  key: string;
  identity: GuestIdentity;
  connections: Connection[];
  instructor: InstructorInput | null;
  role: "host" | "co-host" | null;
}

/**
 * Attendance of every roster student (in roster order), every host and every guest (by first
 * join) in one session, from the events attached to it. Pure: same input, same output, whatever
 * the order of `events` and however many times an event appears.
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
  const groups = groupConnections(connections);
  const groupOf = (position: number) => (groups === null ? position : groups[position]);

  // A person is a student when any of their connections is: a breakout connection is matched
  // through its main-room connection (parent_user_id) or participant_uuid. The earliest matched
  // connection of a group decides for the unmatched rest.
  const groupStudent: (string | undefined)[] = groups === null ? studentOf : new Array(connections.length);
  if (groups !== null) {
    connections.forEach((_, position) => {
      const studentId = studentOf[position];
      const group = groups[position];
      if (studentId !== undefined && groupStudent[group] === undefined) groupStudent[group] = studentId;
    });
  }

  // Instructors by email, and Zoom accounts seen on an instructor's connections in this session.
  const instructorsByEmail = new Map<string, InstructorInput>();
  for (const instructor of input.instructors ?? []) {
    const email = normalizeEmail(instructor.email);
    if (email !== "" && !instructorsByEmail.has(email)) instructorsByEmail.set(email, instructor);
  }
  const instructorAccounts = new Map<string, InstructorInput>();
  if (instructorsByEmail.size > 0) {
    connections.forEach((connection, position) => {
      if (studentOf[position] !== undefined || connection.emailNormalized === null || connection.accountId === null) return;
      const instructor = instructorsByEmail.get(connection.emailNormalized);
      if (instructor && !instructorAccounts.has(connection.accountId)) instructorAccounts.set(connection.accountId, instructor);
    });
  }
  const instructorOf = (connection: Connection): InstructorInput | undefined =>
    (connection.emailNormalized !== null ? instructorsByEmail.get(connection.emailNormalized) : undefined) ??
    (connection.accountId !== null ? instructorAccounts.get(connection.accountId) : undefined);

  // Main-room connections still open, for devices in a room whose main connection Zoom keeps open.
  let openMainKeys: Set<string> | null = null;
  if (connections.some((connection) => connection.parentKey !== null && connection.isOpen)) {
    openMainKeys = new Set();
    for (const connection of connections) if (connection.isOpen && connection.breakoutRoomUuid === null) openMainKeys.add(connection.key);
  }

  // Non-students per group first (a group is named by its earliest main-room connection), then
  // buckets by guest identity: two devices with the same email are one guest, or one host.
  const groupInfo = new Map<number, { root: Connection; instructor: InstructorInput | null; role: "host" | "co-host" | null }>();
  const byStudent = new Map<string, ParticipantAccumulator>();
  connections.forEach((connection, position) => {
    const group = groupOf(position);
    const studentId = studentOf[position] ?? groupStudent[group];
    if (studentId !== undefined) {
      let accumulator = byStudent.get(studentId);
      if (!accumulator) byStudent.set(studentId, (accumulator = newAccumulator()));
      accumulate(accumulator, connection, openMainKeys);
      return;
    }
    let info = groupInfo.get(group);
    if (!info) groupInfo.set(group, (info = { root: connection, instructor: null, role: null }));
    else if (info.root.breakoutRoomUuid !== null && connection.breakoutRoomUuid === null) info.root = connection;
    info.instructor ??= instructorOf(connection) ?? null;
    if (connection.hostRole === "host" || (connection.hostRole === "co-host" && info.role === null)) info.role = connection.hostRole;
  });

  const buckets = new Map<string, NonStudentBucket>();
  connections.forEach((connection, position) => {
    const group = groupOf(position);
    if (studentOf[position] !== undefined || groupStudent[group] !== undefined) return;
    const info = groupInfo.get(group)!;
    const identity = guestIdentity(info.root);
    const key = info.instructor !== null ? `user:${info.instructor.id}` : identity.guestKey;
    let bucket = buckets.get(key);
    if (!bucket) {
      buckets.set(key, (bucket = { ...newAccumulator(), key, identity, connections: [], instructor: info.instructor, role: null }));
    }
    if (info.role === "host" || (info.role === "co-host" && bucket.role === null)) bucket.role = info.role;
    bucket.connections.push(connection);
    accumulate(bucket, connection, openMainKeys);
  });

  const lateAfterMs = session.lateAfterMinutes * MINUTE_MS;
  const students: StudentAttendance[] = [];
  const listed = new Set<string>();
  for (const student of roster) {
    if (listed.has(student.id)) continue;
    listed.add(student.id);
    const person = personFigures(byStudent.get(student.id), session, nowMs);
    const { figures } = person;
    const firstJoinMs = figures.firstJoinAt === null ? null : figures.firstJoinAt.getTime();
    // Exactly at startsAt + lateAfterMinutes is still on time.
    const late = firstJoinMs !== null && firstJoinMs > sessionStartMs + lateAfterMs;
    students.push({
      studentId: student.id,
      status: figures.status,
      late,
      lateBySeconds: late && firstJoinMs !== null ? Math.floor((firstJoinMs - sessionStartMs) / 1000) : 0,
      ...participantFields(person),
    });
  }

  const guests: GuestAttendance[] = [];
  const hosts: HostAttendance[] = [];
  for (const bucket of buckets.values()) {
    const person = personFigures(bucket, session, nowMs);
    // Connections are already in time order: the first one with a name/email names the person.
    let name: string | null = null;
    let email: string | null = null;
    let pseudonymised = false;
    for (const connection of bucket.connections) {
      if (connection.breakoutRoomUuid !== null && bucket.connections.length > 1) continue;
      if (isPseudonym(connection.displayName)) pseudonymised = true;
      else name ??= connection.displayName;
      email ??= connection.email;
    }
    // Someone seen only in breakout rooms is named by their room connections.
    for (const connection of bucket.connections) {
      if (!isPseudonym(connection.displayName)) name ??= connection.displayName;
      email ??= connection.email;
    }
    if (bucket.instructor !== null || bucket.role !== null) {
      hosts.push({
        hostKey: bucket.key,
        name: bucket.instructor?.name ?? name ?? email ?? "",
        email: bucket.instructor?.email ?? email,
        reason: bucket.instructor !== null ? "instructor" : bucket.role!,
        ...participantFields(person),
      });
      continue;
    }
    guests.push({
      guestKey: bucket.key,
      name: name ?? email ?? (pseudonymised ? PSEUDONYMISED_GUEST_NAME : ""),
      email,
      matchKind: bucket.identity.matchKind,
      matchValue: bucket.identity.matchValue,
      ...participantFields(person),
    });
  }
  const byFirstJoin = (a: ParticipantFigures & { key: string }, b: ParticipantFigures & { key: string }) => {
    const aMs = a.firstJoinAt === null ? Infinity : a.firstJoinAt.getTime();
    const bMs = b.firstJoinAt === null ? Infinity : b.firstJoinAt.getTime();
    if (aMs !== bMs) return aMs < bMs ? -1 : 1;
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  };
  guests.sort((a, b) => byFirstJoin({ ...a, key: a.guestKey }, { ...b, key: b.guestKey }));
  hosts.sort((a, b) => byFirstJoin({ ...a, key: a.hostKey }, { ...b, key: b.hostKey }));

  return {
    state: sessionState(session, input.instances, now),
    students,
    guests,
    hosts,
    learnedLinks,
  };
}
