// The attendance engine: pure functions from stored events, roster, identity links and manual
// matches to per-student, per-host and per-guest figures. No I/O and no clock reads: "now" is
// always a parameter, so the same inputs always give the same answer whatever order events arrived
// in. The rules it applies (normalisers, event types, margins, late deadline) are in
// lib/attendance/rules.ts.
//
// Times are handled as epoch milliseconds inside the engine (cheap to compare and sort); open
// intervals use +Infinity as their end until they are evaluated against `now`.
//
// Read in this order:
//   windows.ts      session state, attaching events to sessions, meeting instances
//   connections.ts  events → connections (one device in one room), grouped per person
//   identity.ts     who is who: roster student, instructor, guest key
//   people.ts       one person's presence, arrivals and breakout room over their connections
//   figures.ts      presence → attended time, status, in the meeting (shared with refreshFigures)
//   session.ts      computeSessionAttendance: the steps above put together

export { sessionState, attachEventsToSessions, deriveInstances } from "./windows";
export { refreshFigures, type StoredPresence, type LiveFigures } from "./figures";
export { compareRecords, connectionKeyOf, type ConnectionRecord } from "./connections";
export { buildIdentityIndex, type IdentityIndex } from "./identity";
export { computeSessionAttendance, PSEUDONYMISED_GUEST_NAME } from "./session";

// The rules the engine applies, for callers that already import the engine.
export {
  ATTACH_MARGIN_MINUTES,
  BREAKOUT_RETURN_GRACE_MS,
  IN_MEETING_GRACE_MINUTES,
  normalizeAccountForManualMatch,
  normalizeEmail,
  normalizeMeetingId,
  normalizeName,
  normalizePhone,
  phoneDigits,
  ROLE_CHANGED_EVENT,
  sessionWindow,
  widenedSessionWindow,
  type TimeWindow,
} from "../rules";
