// Inputs and outputs of the attendance engine. The engine is pure: no I/O, no Prisma, no clock
// reads ("now" is a parameter), so attendance is a function of stored events, roster and matches.

export type ParticipantEventType =
  | "meeting.participant_joined"
  | "meeting.participant_left"
  | "webinar.participant_joined"
  | "webinar.participant_left";

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

export interface ComputeSessionInput {
  session: SessionInput;
  roster: RosterStudent[];
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
  /** account IDs seen on participants matched by registrant ID or email: links to persist */
  learnedLinks: IdentityLinkInput[];
}
