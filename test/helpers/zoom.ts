// Zoom-shaped webhook bodies for tests (shapes from docs/zoom.md).
export interface ParticipantSpec {
  uuid: string;
  meetingId: string;
  userId: string;
  name: string;
  email?: string;
  registrantId?: string;
  accountId?: string;
  eventTs?: number;
  /** dial-in callers */
  phone?: string;
  participantUuid?: string;
}

function meetingObject(uuid: string, meetingId: string, extra: Record<string, unknown> = {}) {
  return {
    uuid,
    id: meetingId,
    host_id: "z8yCxjabSbyIdtgp0Tgmsw",
    topic: "Test class",
    type: 2,
    duration: 60,
    timezone: "UTC",
    ...extra,
  };
}

function participant(spec: ParticipantSpec) {
  return {
    user_id: spec.userId,
    user_name: spec.name,
    id: spec.accountId ?? spec.registrantId ?? "",
    registrant_id: spec.registrantId,
    participant_user_id: spec.accountId,
    email: spec.email ?? "",
    ...(spec.phone ? { phone_number: spec.phone } : {}),
    ...(spec.participantUuid ? { participant_uuid: spec.participantUuid } : {}),
  };
}

export function participantJoined(spec: ParticipantSpec & { joinTime: Date }) {
  return {
    event: "meeting.participant_joined",
    event_ts: spec.eventTs ?? spec.joinTime.getTime() + 420,
    payload: {
      account_id: "ACCOUNT",
      object: meetingObject(spec.uuid, spec.meetingId, {
        participant: { ...participant(spec), join_time: spec.joinTime.toISOString().replace(/\.\d{3}Z$/, "Z") },
      }),
    },
  };
}

export function participantLeft(spec: ParticipantSpec & { leaveTime: Date }) {
  return {
    event: "meeting.participant_left",
    event_ts: spec.eventTs ?? spec.leaveTime.getTime() + 420,
    payload: {
      account_id: "ACCOUNT",
      object: meetingObject(spec.uuid, spec.meetingId, {
        participant: {
          ...participant(spec),
          leave_time: spec.leaveTime.toISOString().replace(/\.\d{3}Z$/, "Z"),
          leave_reason: "left the meeting. Reason : left the meeting",
        },
      }),
    },
  };
}

const zoomTime = (time: Date) => time.toISOString().replace(/\.\d{3}Z$/, "Z");

/** A move into (`joined`) or out of (`left`) a breakout room: a new user_id, the main-room parent_user_id. */
export function breakoutRoomEvent(
  kind: "joined" | "left",
  spec: ParticipantSpec & { at: Date; roomUuid: string; roomName?: string; parentUserId: string },
) {
  const time =
    kind === "joined"
      ? { join_time: zoomTime(spec.at) }
      : { leave_time: zoomTime(spec.at), leave_reason: "left the meeting. Reason : left the breakout room" };
  return {
    event: `meeting.participant_${kind}_breakout_room`,
    event_ts: spec.eventTs ?? spec.at.getTime() + 420,
    payload: {
      account_id: "ACCOUNT",
      object: meetingObject(spec.uuid, spec.meetingId, {
        breakout_room_uuid: spec.roomUuid,
        ...(spec.roomName ? { breakout_room_name: spec.roomName } : {}),
        participant: { ...participant(spec), parent_user_id: spec.parentUserId, ...time },
      }),
    },
  };
}

/** Waiting-room events carry `date_time`. */
export function waitingRoomEvent(
  event:
    | "meeting.participant_joined_waiting_room"
    | "meeting.participant_admitted"
    | "meeting.participant_left_waiting_room"
    | "meeting.participant_put_in_waiting_room",
  spec: ParticipantSpec & { at: Date },
) {
  return {
    event,
    event_ts: spec.eventTs ?? spec.at.getTime() + 420,
    payload: {
      account_id: "ACCOUNT",
      object: meetingObject(spec.uuid, spec.meetingId, {
        participant: { ...participant(spec), date_time: zoomTime(spec.at) },
      }),
    },
  };
}

export function meetingStarted(uuid: string, meetingId: string, startTime: Date) {
  return {
    event: "meeting.started",
    event_ts: startTime.getTime() + 300,
    payload: { account_id: "ACCOUNT", object: meetingObject(uuid, meetingId, { start_time: startTime.toISOString() }) },
  };
}

export function meetingEnded(uuid: string, meetingId: string, startTime: Date, endTime: Date) {
  return {
    event: "meeting.ended",
    event_ts: endTime.getTime() + 300,
    payload: {
      account_id: "ACCOUNT",
      object: meetingObject(uuid, meetingId, { start_time: startTime.toISOString(), end_time: endTime.toISOString() }),
    },
  };
}

let meetingCounter = 0;
/** A fresh 11-digit meeting ID per call, so tests sharing a database never collide. */
export function uniqueMeetingId(): string {
  meetingCounter += 1;
  return String(80_000_000_000 + ((Date.now() * 1000 + process.pid * 10 + meetingCounter) % 9_999_999_999));
}

export function uniqueUuid(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
