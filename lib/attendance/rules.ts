// The attendance rules in one place: how emails, names, meeting IDs, account IDs and phone numbers
// are compared; which Zoom event types are joins, leaves, breakout-room moves, meeting boundaries,
// waiting-room and role events; the margins around a session's window; when a student is late;
// and which sessions compete for an event. The engine (lib/attendance/engine/) applies these
// rules, and the webhook, the roster, reconciliation, privacy and notifications import them from
// here, so every part of Rollcall compares and counts the same way.
//
// Pure: no I/O, no clock reads, no imports.

const MINUTE_MS = 60_000;

// ---------------------------------------------------------------------------------------------
// Normalisers

/** Blank values (Zoom sends "" for guests) count as missing; others are trimmed. */
export function nonBlank(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}

/** Trimmed and lower-cased: how emails are compared everywhere (roster key, matching). */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Trimmed, inner whitespace collapsed, lower-cased (and Unicode NFC, so "é" typed two ways is one). */
export function normalizeName(name: string): string {
  return name.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase();
}

/** Zoom meeting numbers arrive as strings or numbers and get typed with spaces or dashes. */
export function normalizeMeetingId(meetingId: string): string {
  return meetingId.replace(/[\s-]/g, "");
}

/** Zoom account IDs as a manual match stores and compares them. */
export function normalizeAccountForManualMatch(accountId: string): string {
  return accountId.trim().toLowerCase();
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

// ---------------------------------------------------------------------------------------------
// Event types (docs/zoom.md)

/** Joins and leaves of the meeting's main room. */
export const MAIN_JOIN_EVENT_TYPES = ["meeting.participant_joined", "webinar.participant_joined"] as const;
export const MAIN_LEAVE_EVENT_TYPES = ["meeting.participant_left", "webinar.participant_left"] as const;
/** Time in a breakout room is class time: a connection of the parent meeting instance (ADR 013). */
export const BREAKOUT_JOIN_EVENT = "meeting.participant_joined_breakout_room";
export const BREAKOUT_LEAVE_EVENT = "meeting.participant_left_breakout_room";
export const BREAKOUT_EVENT_TYPES = [BREAKOUT_JOIN_EVENT, BREAKOUT_LEAVE_EVENT] as const;
/** Every event that starts or ends presence: main-room and breakout-room joins and leaves. */
export const JOIN_EVENT_TYPES = [...MAIN_JOIN_EVENT_TYPES, BREAKOUT_JOIN_EVENT] as const;
export const LEAVE_EVENT_TYPES = [...MAIN_LEAVE_EVENT_TYPES, BREAKOUT_LEAVE_EVENT] as const;

/** Start and end of a meeting instance; they matter to attendance only through its start and end times. */
export const MEETING_STARTED_EVENT_TYPES = ["meeting.started", "webinar.started"] as const;
export const MEETING_ENDED_EVENT_TYPES = ["meeting.ended", "webinar.ended"] as const;
export const MEETING_BOUNDARY_EVENT_TYPES = [...MEETING_STARTED_EVENT_TYPES, ...MEETING_ENDED_EVENT_TYPES] as const;

/** Zoom made a participant host, co-host or attendee (hosts are listed apart from guests). */
export const ROLE_CHANGED_EVENT = "meeting.participant_role_changed";

/** Time in the waiting room is never attendance; the live page shows who is waiting. */
export const WAITING_ROOM_EVENT_TYPES = [
  "meeting.participant_joined_waiting_room",
  "meeting.participant_put_in_waiting_room",
  "meeting.participant_admitted",
  "meeting.participant_left_waiting_room",
] as const;

export interface PresenceEventKind {
  kind: "join" | "leave";
  /** a breakout-room connection (a connection of the parent meeting instance) */
  breakout: boolean;
}

const PRESENCE_EVENT_KINDS = new Map<string, PresenceEventKind>([
  ...MAIN_JOIN_EVENT_TYPES.map((type) => [type, { kind: "join", breakout: false }] as const),
  ...MAIN_LEAVE_EVENT_TYPES.map((type) => [type, { kind: "leave", breakout: false }] as const),
  [BREAKOUT_JOIN_EVENT, { kind: "join", breakout: true }],
  [BREAKOUT_LEAVE_EVENT, { kind: "leave", breakout: true }],
]);

/**
 * Whether an event type starts or ends presence, and in which room; null for every other type
 * (meeting start/end matter only through the instance times, waiting-room time is not attendance,
 * role changes are read separately).
 */
export function presenceEventKind(eventType: string): PresenceEventKind | null {
  return PRESENCE_EVENT_KINDS.get(eventType) ?? null;
}

export const isJoinEvent = (eventType: string): boolean => presenceEventKind(eventType)?.kind === "join";
export const isLeaveEvent = (eventType: string): boolean => presenceEventKind(eventType)?.kind === "leave";

// ---------------------------------------------------------------------------------------------
// Windows and margins

/** Events attach to a session whose window widened by this much on each side contains them. */
export const ATTACH_MARGIN_MINUTES = 60;
/** An open connection stops being "in the meeting" this long after the window ends. */
export const IN_MEETING_GRACE_MINUTES = 60;
/** Sessions are at most a day long. */
export const MAX_SESSION_MINUTES = 24 * 60;
/** A main-room join this soon after a breakout connection of the same person is a return from the room. */
export const BREAKOUT_RETURN_GRACE_MS = 60_000;

export interface TimeWindow {
  start: Date;
  end: Date;
}

type Scheduled = { startsAt: Date; durationMinutes: number };

/** The session's window [startsAt, startsAt + durationMinutes). */
export function sessionWindow(session: Scheduled): TimeWindow {
  const startMs = session.startsAt.getTime();
  return { start: new Date(startMs), end: new Date(startMs + session.durationMinutes * MINUTE_MS) };
}

/** The window widened by ATTACH_MARGIN_MINUTES on each side: where events attach to a session. */
export function widenedSessionWindow(session: Scheduled): TimeWindow {
  const startMs = session.startsAt.getTime();
  return {
    start: new Date(startMs - ATTACH_MARGIN_MINUTES * MINUTE_MS),
    end: new Date(startMs + session.durationMinutes * MINUTE_MS + ATTACH_MARGIN_MINUTES * MINUTE_MS),
  };
}

/**
 * When the session's figures are final: no event can attach any more and no open connection
 * counts as in the meeting, even if meeting.ended is lost (plus a minute, to be past the edge).
 */
export function finalRecomputeAt(session: Scheduled): Date {
  const graceMinutes = Math.max(ATTACH_MARGIN_MINUTES, IN_MEETING_GRACE_MINUTES) + 1;
  return new Date(sessionWindow(session).end.getTime() + graceMinutes * MINUTE_MS);
}

/** A first join after this instant is late; exactly at it is still on time. */
export function lateDeadline(session: { startsAt: Date; lateAfterMinutes: number }): Date {
  return new Date(session.startsAt.getTime() + session.lateAfterMinutes * MINUTE_MS);
}

// ---------------------------------------------------------------------------------------------
// Which sessions compete for an event

/**
 * The starts of the sessions of a meeting that are weighed against each other for the events in
 * `events` (a session's widened window, or the span of several): the session nearest an event
 * wins it (attachEventsToSessions), so every session that may be nearer must be in the running.
 */
export function competitorStartRange(events: TimeWindow): TimeWindow {
  // A session wins events in its widened window: from ATTACH_MARGIN before its start to
  // ATTACH_MARGIN after its end, and it lasts at most MAX_SESSION_MINUTES.
  return {
    start: new Date(events.start.getTime() - (MAX_SESSION_MINUTES + ATTACH_MARGIN_MINUTES) * MINUTE_MS),
    end: new Date(events.end.getTime() + ATTACH_MARGIN_MINUTES * MINUTE_MS),
  };
}

/**
 * The starts of the sessions of a meeting whose events may change hands when a session starting
 * at `startsAt` is created, moved or deleted: any session whose widened window can overlap its
 * own (both at most MAX_SESSION_MINUTES long).
 */
export function neighbourStartRange(session: { startsAt: Date }): TimeWindow {
  const reachMs = (MAX_SESSION_MINUTES + 2 * ATTACH_MARGIN_MINUTES) * MINUTE_MS;
  const startMs = session.startsAt.getTime();
  return { start: new Date(startMs - reachMs), end: new Date(startMs + reachMs) };
}
