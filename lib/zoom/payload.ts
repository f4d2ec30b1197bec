// The shapes of Zoom webhook bodies Rollcall reads, and how one becomes a stored event row.
import crypto from "node:crypto";
import { z } from "zod";
import {
  BREAKOUT_EVENT_TYPES,
  BREAKOUT_JOIN_EVENT,
  BREAKOUT_LEAVE_EVENT,
  MAIN_JOIN_EVENT_TYPES,
  MAIN_LEAVE_EVENT_TYPES,
  MEETING_BOUNDARY_EVENT_TYPES,
  normalizeEmail,
  ROLE_CHANGED_EVENT,
  WAITING_ROOM_EVENT_TYPES,
} from "../attendance/rules";

// Bounds on what a real Zoom event can hold. Anything outside is not Zoom's and gets a clear 400
// instead of reaching Postgres (which would refuse it, and a 503 would make Zoom retry forever).
/** Times must fall in 2000–2199: Zoom's are "now", and Postgres and JavaScript disagree on far dates. */
export const EARLIEST_EVENT_TIME_MS = Date.UTC(2000, 0, 1);
export const LATEST_EVENT_TIME_MS = Date.UTC(2200, 0, 1);
/** Identifiers, names and emails are indexed; Zoom's are well under 300 characters. */
export const MAX_TEXT_FIELD_CHARS = 1000;
/** A webhook body nested deeper than this is not Zoom's (theirs are about 5 levels deep). */
export const MAX_BODY_DEPTH = 64;

const zoomId = z.union([z.string(), z.number()]).transform((value) => String(value).trim());
const optionalText = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((value) =>
    value === null || value === undefined || String(value).trim() === "" ? null : String(value).trim(),
  )
  .refine((value) => value === null || value.length <= MAX_TEXT_FIELD_CHARS, {
    message: `must be at most ${MAX_TEXT_FIELD_CHARS} characters`,
  });
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
    if (parsed < EARLIEST_EVENT_TIME_MS || parsed >= LATEST_EVENT_TIME_MS) {
      context.addIssue({ code: "custom", message: "must be a time between the years 2000 and 2199" });
      return z.NEVER;
    }
    return new Date(parsed);
  });
const eventTimestamp = z
  .number({ error: "event_ts must be a number (Unix milliseconds)" })
  .int()
  .min(EARLIEST_EVENT_TIME_MS, { message: "event_ts must be Unix milliseconds between the years 2000 and 2199" })
  .max(LATEST_EVENT_TIME_MS - 1, { message: "event_ts must be Unix milliseconds between the years 2000 and 2199" });

export const envelopeSchema = z.object({
  event: z.string().min(1).max(200),
  event_ts: eventTimestamp.optional(),
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
  // dial-in, breakout rooms and role changes
  phone_number: optionalText,
  parent_user_id: optionalText,
  breakout_room_uuid: optionalText,
  breakout_room_name: optionalText,
  old_role: optionalText,
  new_role: optionalText,
});

const meetingObjectSchema = z.object({
  uuid: z.string().min(1).max(200),
  id: zoomId.refine((value) => value.length > 0 && value.length <= 40, { message: "must be a meeting ID" }),
  topic: optionalText,
  start_time: optionalTime,
  end_time: optionalTime,
  // breakout-room events: the room (Zoom puts its UUID on the object; a name when it has one)
  breakout_room_uuid: optionalText,
  breakout_room_name: optionalText,
  participant: participantSchema.optional(),
});

const meetingEventSchema = z.object({
  event: z.string(),
  event_ts: eventTimestamp,
  payload: z.object({ account_id: optionalText, object: meetingObjectSchema }),
});

// The event types are the attendance rules' (lib/attendance/rules.ts).
const PARTICIPANT_EVENTS: ReadonlySet<string> = new Set([...MAIN_JOIN_EVENT_TYPES, ...MAIN_LEAVE_EVENT_TYPES]);
const MEETING_EVENTS: ReadonlySet<string> = new Set(MEETING_BOUNDARY_EVENT_TYPES);
/** Time in a breakout room is class time: a connection of the parent meeting instance. */
const BREAKOUT_EVENTS: ReadonlySet<string> = new Set(BREAKOUT_EVENT_TYPES);
const WAITING_ROOM_EVENTS: ReadonlySet<string> = new Set(WAITING_ROOM_EVENT_TYPES);

const NUL = /\u0000/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text as Postgres can store it: NUL and unpaired surrogates (never in Zoom's data) become U+FFFD. */
export function storableText(text: string): string {
  return text.replace(NUL, "\ufffd").replace(LONE_SURROGATE, "\ufffd");
}

export type StorableJson = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * A copy of a parsed body that Postgres's jsonb accepts: every string (keys too) through
 * storableText, and nesting refused past MAX_BODY_DEPTH. Done before parsing, so the stored
 * columns and the stored raw payload say the same thing.
 */
export function storableJson(value: unknown, depth = 0): StorableJson {
  if (typeof value === "string") return { ok: true, value: storableText(value) };
  if (value === null || typeof value !== "object") return { ok: true, value };
  if (depth >= MAX_BODY_DEPTH)
    return { ok: false, message: `the body is nested more than ${MAX_BODY_DEPTH} levels deep` };
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const copy = storableJson(item, depth + 1);
      if (!copy.ok) return copy;
      items.push(copy.value);
    }
    return { ok: true, value: items };
  }
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const storable = storableJson(item, depth + 1);
    if (!storable.ok) return storable;
    copy[storableText(key)] = storable.value;
  }
  return { ok: true, value: copy };
}

/** Event types Rollcall stores as events (the rest is kept in the delivery log only). */
export function isStoredEventType(eventType: string): boolean {
  return (
    PARTICIPANT_EVENTS.has(eventType) ||
    MEETING_EVENTS.has(eventType) ||
    WAITING_ROOM_EVENTS.has(eventType) ||
    BREAKOUT_EVENTS.has(eventType) ||
    eventType === ROLE_CHANGED_EVENT
  );
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
  breakoutRoomUuid: string | null;
  breakoutRoomName: string | null;
  parentUserId: string | null;
  phoneNumber: string | null;
  newRole: string | null;
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
 * The identity of an event (ADR 002): event type, event_ts, meeting UUID, the
 * participant's connection and its join/leave time. Headers and body bytes play no part, so a
 * redelivery with a new tracking ID, or a re-serialised body, maps to the same key.
 */
export function eventIdentityKey(
  fields: Pick<
    StoredEventFields,
    | "eventType"
    | "eventTs"
    | "meetingUuid"
    | "participantUserId"
    | "participantUuid"
    | "participantAccountId"
    | "emailNormalized"
    | "displayName"
    | "joinTime"
    | "leaveTime"
  > &
    Partial<Pick<StoredEventFields, "breakoutRoomUuid" | "newRole">>,
): string {
  const connection =
    fields.participantUserId ??
    fields.participantUuid ??
    fields.participantAccountId ??
    fields.emailNormalized ??
    fields.displayName;
  const identity = [
    fields.eventType,
    fields.eventTs.getTime(),
    fields.meetingUuid,
    connection,
    fields.joinTime?.getTime() ?? null,
    fields.leaveTime?.getTime() ?? null,
  ];
  // A room's user_id is numbered within the room, and two role changes are two events. Appended
  // only when present, so the keys of every other event stay what they were (ADR 002).
  if (fields.breakoutRoomUuid) identity.push(`room:${fields.breakoutRoomUuid}`);
  if (fields.newRole) identity.push(`role:${fields.newRole}`);
  return "wh1:" + crypto.createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

/** Turns a signed meeting/webinar event body into the fields of an `events` row. */
export function parseStoredEvent(body: unknown): ParsedEvent {
  const parsed = meetingEventSchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const { event: eventType, event_ts, payload } = parsed.data;
  const object = payload.object;
  const participant = object.participant;
  const isBreakout = BREAKOUT_EVENTS.has(eventType);
  const isParticipantEvent =
    PARTICIPANT_EVENTS.has(eventType) ||
    WAITING_ROOM_EVENTS.has(eventType) ||
    isBreakout ||
    eventType === ROLE_CHANGED_EVENT;
  if (isParticipantEvent && !participant) {
    return { ok: false, message: "payload.object.participant: required for participant events" };
  }
  const joinTime = participant?.join_time ?? null;
  const leaveTime = participant?.leave_time ?? null;
  if ((eventType.endsWith("participant_joined") || eventType === BREAKOUT_JOIN_EVENT) && !joinTime) {
    return { ok: false, message: "payload.object.participant.join_time: required" };
  }
  if ((eventType.endsWith("participant_left") || eventType === BREAKOUT_LEAVE_EVENT) && !leaveTime) {
    return { ok: false, message: "payload.object.participant.leave_time: required" };
  }
  const breakoutRoomUuid = isBreakout ? (object.breakout_room_uuid ?? participant?.breakout_room_uuid ?? null) : null;
  if (isBreakout && !breakoutRoomUuid) {
    return { ok: false, message: "payload.object.breakout_room_uuid: required for breakout-room events" };
  }
  if (isBreakout && !participant?.user_id) {
    return { ok: false, message: "payload.object.participant.user_id: required for breakout-room events" };
  }
  const newRole = eventType === ROLE_CHANGED_EVENT ? (participant?.new_role ?? null) : null;
  if (eventType === ROLE_CHANGED_EVENT && !newRole) {
    return { ok: false, message: "payload.object.participant.new_role: required for role changes" };
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
    emailNormalized: email ? normalizeEmail(email) : null,
    displayName: participant?.user_name ?? null,
    joinTime,
    leaveTime,
    leaveReason: parseLeaveReason(participant?.leave_reason ?? null),
    meetingStartedAt: MEETING_EVENTS.has(eventType) ? object.start_time : null,
    meetingEndedAt: eventType.endsWith(".ended") ? object.end_time : null,
    breakoutRoomUuid,
    breakoutRoomName: isBreakout ? (object.breakout_room_name ?? participant?.breakout_room_name ?? null) : null,
    parentUserId: isBreakout ? (participant?.parent_user_id ?? null) : null,
    phoneNumber: participant?.phone_number ?? null,
    newRole,
  };
  return { ok: true, fields: { ...fields, dedupeKey: eventIdentityKey(fields), topic: object.topic } };
}
