// Inputs and outputs of the attendance engine. The engine is pure: no I/O, no Prisma, no clock
// reads ("now" is a parameter), so attendance is a function of stored events, roster and matches.
import type { MAIN_JOIN_EVENT_TYPES, MAIN_LEAVE_EVENT_TYPES } from "./rules";

export type ParticipantEventType = (typeof MAIN_JOIN_EVENT_TYPES)[number] | (typeof MAIN_LEAVE_EVENT_TYPES)[number];

/** One stored, deduplicated Zoom event (a row of the `events` table). */
export interface EngineEvent {
  id: string;
  eventType: string;
  source: "webhook" | "report";
  eventTs: Date | null;
  zoomMeetingId: string | null;
  meetingUuid: string | null;
  /** join/leave time, meeting start/end time, else event_ts: attaches the event to a session. */
  occurredAt: Date;
  /** Zoom's per-join `user_id`: identifies a connection together with meetingUuid. */
  participantUserId: string | null;
  /** participant_user_id, or participant.id for a signed-in user. */
  participantAccountId: string | null;
  registrantId: string | null;
  email: string | null;
  /** email trimmed and lower-cased */
  emailNormalized: string | null;
  displayName: string | null;
  joinTime: Date | null;
  leaveTime: Date | null;
  // Optional so callers that predate breakout rooms keep compiling; null/absent = not sent.
  /** participant_uuid: the same participant across the meeting and its breakout rooms */
  participantUuid?: string | null;
  /** breakout-room events: the room's UUID (its connections are the parent meeting's) */
  breakoutRoomUuid?: string | null;
  breakoutRoomName?: string | null;
  /** breakout-room events: the participant's main-room user_id */
  parentUserId?: string | null;
  /** dial-in participants */
  phoneNumber?: string | null;
  /** meeting.participant_role_changed: host, co-host, attendee */
  newRole?: string | null;
}

export interface SessionInput {
  id: string;
  zoomMeetingId: string;
  startsAt: Date;
  durationMinutes: number;
  lateAfterMinutes: number;
  requiredPercent: number;
}

export interface RosterStudent {
  id: string;
  name: string;
  email: string;
  /** trimmed, lower-cased */
  emailNormalized: string;
  zoomRegistrantId: string | null;
  /** registrant IDs Rollcall got by registering the student on Zoom meetings (one per meeting) */
  zoomRegistrantIds?: string[];
  /** dial-in number, E.164 ("+15551234567"); compared as digits */
  phone?: string | null;
}

/** An instructor of the course: a participant with this email is a host, not a guest. */
export interface InstructorInput {
  id: string;
  name: string;
  /** trimmed, lower-cased */
  email: string;
}

/** A Zoom account ID known to belong to a student of the course. */
export interface IdentityLinkInput {
  zoomAccountId: string;
  studentId: string;
}

export type MatchKind = "account_id" | "email" | "display_name";

/** An instructor's "this guest is Ana Lima". */
export interface ManualMatchInput {
  kind: MatchKind;
  /** normalised: trimmed, lower-cased */
  value: string;
  studentId: string;
  /** startsAt of the session where the match was made: it applies there and later. */
  madeInSessionStartsAt: Date;
}

/** Start and end of a meeting instance, from its meeting.started / meeting.ended events. */
export interface MeetingInstanceTimes {
  uuid: string;
  startedAt: Date | null;
  endedAt: Date | null;
}

export type SessionState = "scheduled" | "live" | "ended";
export type AttendanceStatus = "present" | "partial" | "absent";

/** A presence interval; `to === null` means still open (running until now / meeting end). */
export interface PresenceInterval {
  from: Date;
  to: Date | null;
}

export interface ParticipantFigures {
  /** union of the participant's connections, sorted, not clipped to the window */
  intervals: PresenceInterval[];
  attendedSeconds: number;
  /** one decimal */
  attendedPercent: number;
  firstJoinAt: Date | null;
  lastLeaveAt: Date | null;
  joinCount: number;
  inMeeting: boolean;
  /** connections open right now (devices) */
  openConnections: number;
  /** the part of `intervals` spent in breakout rooms (union, not clipped) */
  breakoutIntervals: PresenceInterval[];
  /** the breakout room an open connection is in: its name, "" when Zoom sent none; null: not in one */
  breakoutRoom: string | null;
}

export interface StudentAttendance extends ParticipantFigures {
  studentId: string;
  status: AttendanceStatus;
  late: boolean;
  lateBySeconds: number;
}

export interface GuestAttendance extends ParticipantFigures {
  /** account:<id> | email:<address> | name:<display name lower-cased> */
  guestKey: string;
  name: string;
  email: string | null;
  /** what an instructor's manual match would key on for this guest */
  matchKind: MatchKind;
  matchValue: string;
}

export type HostReason = "instructor" | "host" | "co-host";

/** A course instructor, or a non-student Zoom made host or co-host: listed apart, never a guest. */
export interface HostAttendance extends ParticipantFigures {
  /** user:<instructor id> | account:<id> | email:<address> | name:<display name lower-cased> */
  hostKey: string;
  name: string;
  email: string | null;
  reason: HostReason;
}

export interface ComputeSessionInput {
  session: SessionInput;
  roster: RosterStudent[];
  /** the course's instructors (hosts, not guests); absent = none known */
  instructors?: InstructorInput[];
  links: IdentityLinkInput[];
  manualMatches: ManualMatchInput[];
  /** events already attached to this session (see attachEventsToSessions) */
  events: EngineEvent[];
  /** times of every meeting instance that appears in `events` */
  instances: MeetingInstanceTimes[];
  now: Date;
}

export interface SessionAttendance {
  state: SessionState;
  students: StudentAttendance[];
  guests: GuestAttendance[];
  hosts: HostAttendance[];
  /** account IDs seen on participants matched by registrant ID or email: links to persist */
  learnedLinks: IdentityLinkInput[];
}
