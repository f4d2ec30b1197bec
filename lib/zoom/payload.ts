// The shapes of Zoom webhook bodies Rollcall reads, and how one becomes a stored event row.
import crypto from "node:crypto";
import { z } from "zod";

const zoomId = z.union([z.string(), z.number()]).transform((value) => String(value).trim());
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) => (value === null || value === undefined || String(value).trim() === "" ? null : String(value).trim()));
const optionalTime = z
  .string()
  .nullish()
  .transform((value, context) => {
    if (!value) return null;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) {
      context.addIssue({ code: "custom", message: "must be an ISO 8601 time" });
      return z.NEVER;
    }
    return new Date(parsed);
  });

export const envelopeSchema = z.object({
  event: z.string().min(1).max(200),
  event_ts: z.number().int().nonnegative().optional(),
  payload: z.record(z.string(), z.unknown()).optional(),
});

export const urlValidationSchema = z.object({
  event: z.literal("endpoint.url_validation"),
  payload: z.object({ plainToken: z.string().min(1).max(1024) }),
});

const participantSchema = z.object({
  user_id: optionalText,
  user_name: optionalText,
  id: optionalText,
  participant_uuid: optionalText,
  participant_user_id: optionalText,
  registrant_id: optionalText,
  email: optionalText,
  customer_key: optionalText,
  join_time: optionalTime,
  leave_time: optionalTime,
  date_time: optionalTime,
  leave_reason: optionalText,
});

const meetingObjectSchema = z.object({
  uuid: z.string().min(1).max(200),
  id: zoomId.refine((value) => value.length > 0 && value.length <= 40, { message: "must be a meeting ID" }),
  topic: optionalText,
  start_time: optionalTime,
  end_time: optionalTime,
  participant: participantSchema.optional(),
});

const meetingEventSchema = z.object({
  event: z.string(),
  event_ts: z.number({ error: "event_ts must be a number (Unix milliseconds)" }).int().nonnegative(),
  payload: z.object({ account_id: optionalText, object: meetingObjectSchema }),
});

export const PARTICIPANT_EVENTS = new Set([
  "meeting.participant_joined",
  "meeting.participant_left",
  "webinar.participant_joined",
  "webinar.participant_left",
]);
const MEETING_EVENTS = new Set(["meeting.started", "meeting.ended", "webinar.started", "webinar.ended"]);
const WAITING_ROOM_EVENTS = new Set([
  "meeting.participant_joined_waiting_room",
  "meeting.participant_admitted",
  "meeting.participant_put_in_waiting_room",
  "meeting.participant_left_waiting_room",
]);

/** Event types Rollcall stores as events (the rest is kept in the delivery log only). */
export function isStoredEventType(eventType: string): boolean {
  return PARTICIPANT_EVENTS.has(eventType) || MEETING_EVENTS.has(eventType) || WAITING_ROOM_EVENTS.has(eventType);
}

export interface StoredEventFields {
  dedupeKey: string;
  eventType: string;
  eventTs: Date;
  zoomMeetingId: string;
  meetingUuid: string;
  occurredAt: Date;
  participantUserId: string | null;
  participantAccountId: string | null;
  participantUuid: string | null;
  registrantId: string | null;
  email: string | null;
  emailNormalized: string | null;
  displayName: string | null;
  joinTime: Date | null;
  leaveTime: Date | null;
  leaveReason: string | null;
  meetingStartedAt: Date | null;
  meetingEndedAt: Date | null;
  topic: string | null;
}

export type ParsedEvent = { ok: true; fields: StoredEventFields } | { ok: false; message: string };

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`)
    .join("; ");
}

/** "left the meeting. Reason : Host ended the meeting." -> "Host ended the meeting." */
function parseLeaveReason(reason: string | null): string | null {
  if (!reason) return null;
  const match = /Reason\s*:\s*(.*)$/i.exec(reason);
  return (match ? match[1] : reason).trim().slice(0, 500) || null;
}

/**
 * The identity of an event (SPEC "Webhook receipt" 4): event type, event_ts, meeting UUID, the
 * participant's connection and its join/leave time. Headers and body bytes play no part, so a
 * redelivery with a new tracking ID, or a re-serialised body, maps to the same key.
 */
export function eventIdentityKey(
  fields: Pick<StoredEventFields, "eventType" | "eventTs" | "meetingUuid" | "participantUserId" | "participantUuid" | "participantAccountId" | "emailNormalized" | "displayName" | "joinTime" | "leaveTime">,
): string {
  const connection =
    fields.participantUserId ?? fields.participantUuid ?? fields.participantAccountId ?? fields.emailNormalized ?? fields.displayName;
  const identity = [
    fields.eventType,
    fields.eventTs.getTime(),
    fields.meetingUuid,
    connection,
    fields.joinTime?.getTime() ?? null,
    fields.leaveTime?.getTime() ?? null,
  ];
  return "wh1:" + crypto.createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

/** Turns a signed meeting/webinar event body into the fields of an `events` row. */
export function parseStoredEvent(body: unknown): ParsedEvent {
  const parsed = meetingEventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const { event: eventType, event_ts, payload } = parsed.data;
  const object = payload.object;
  const participant = object.participant;
  const isParticipantEvent = PARTICIPANT_EVENTS.has(eventType) || WAITING_ROOM_EVENTS.has(eventType);
  if (isParticipantEvent && !participant) {
    return { ok: false, message: "payload.object.participant: required for participant events" };
  }
  const joinTime = participant?.join_time ?? null;
  const leaveTime = participant?.leave_time ?? null;
  if (eventType.endsWith("participant_joined") && !joinTime) {
    return { ok: false, message: "payload.object.participant.join_time: required" };
  }
  if (eventType.endsWith("participant_left") && !leaveTime) {
    return { ok: false, message: "payload.object.participant.leave_time: required" };
  }
  const eventTs = new Date(event_ts);
  const email = participant?.email ?? null;
  const occurredAt =
    joinTime ??
    leaveTime ??
    participant?.date_time ??
    (eventType.endsWith(".ended") ? object.end_time : null) ??
    (eventType.endsWith(".started") ? object.start_time : null) ??
    eventTs;
  const fields = {
    eventType,
    eventTs,
    zoomMeetingId: object.id.replace(/\s+/g, ""),
    meetingUuid: object.uuid,
    occurredAt,
    participantUserId: participant?.user_id ?? null,
    // participant.id is the Zoom user ID of a signed-in user (deprecated, still sent).
    participantAccountId: participant?.participant_user_id ?? participant?.id ?? null,
    participantUuid: participant?.participant_uuid ?? null,
    registrantId: participant?.registrant_id ?? null,
    email,
    emailNormalized: email ? email.trim().toLowerCase() : null,
    displayName: participant?.user_name ?? null,
    joinTime,
    leaveTime,
    leaveReason: parseLeaveReason(participant?.leave_reason ?? null),
    meetingStartedAt: MEETING_EVENTS.has(eventType) ? object.start_time : null,
    meetingEndedAt: eventType.endsWith(".ended") ? object.end_time : null,
  };
  return { ok: true, fields: { ...fields, dedupeKey: eventIdentityKey(fields), topic: object.topic } };
}
