// Merging Zoom's participant report into the event store (docs/reconciliation.md, ADR 006).
// Pure: no I/O. A report row is one join segment; it becomes a join at join_time and a
// leave at leave_time. Each half is added only if no stored event already describes the same
// join or leave: same kind, same second, and the same participant.
//
// "Same participant" is decided in two passes:
//  1. Exact: the same Zoom per-join `user_id` in the same meeting instance (a connection). This is
//     how a report row and its webhooks normally line up.
//  2. Fallback, for stored events whose `user_id` appears nowhere in the report (a report that
//     numbers connections differently from the webhooks): the first key both sides have among
//     registrant ID, account ID, normalised email and display name must agree. Each stored event
//     is claimed by one report half at most, so two devices of one person that joined in the same
//     second stay two joins.
// Breakout rooms: a row with `bo_mtg_id` is a segment in a breakout room; its halves become
// breakout-room joins and leaves and match only stored breakout-room events (by user_id and second,
// not by room ID: whether the report's bo_mtg_id equals the webhook's breakout_room_uuid is
// undocumented).
// A half that is added takes the connection (`user_id`) of its row's other half when that half
// matched a stored event: a leave whose webhook was lost then closes the very connection its
// webhook join opened. When unsure, a half is added rather than dropped: the engine's union of a
// student's connections keeps an extra connection from counting time twice.
import crypto from "node:crypto";
import { BREAKOUT_JOIN_EVENT, BREAKOUT_LEAVE_EVENT, normalizeEmail, normalizeName } from "../attendance/rules";
import type { ZoomReportParticipant } from "../zoom/api";

export type HalfKind = "join" | "leave";

/** A stored participant join/leave of the meeting instance (webhook or report). */
export interface StoredParticipantEvent {
  kind: HalfKind;
  time: Date;
  participantUserId: string | null;
  participantAccountId: string | null;
  registrantId: string | null;
  emailNormalized: string | null;
  displayName: string | null;
  /** breakout-room events: the room */
  breakoutRoomUuid?: string | null;
}

/** The fields of an `events` row to insert with source "report". */
export interface ReportEventInsert {
  dedupeKey: string;
  eventType: string;
  zoomMeetingId: string;
  meetingUuid: string;
  occurredAt: Date;
  participantUserId: string | null;
  participantAccountId: string | null;
  registrantId: string | null;
  email: string | null;
  emailNormalized: string | null;
  displayName: string | null;
  joinTime: Date | null;
  leaveTime: Date | null;
  breakoutRoomUuid: string | null;
  payload: ZoomReportParticipant;
}

export interface MergePlan {
  /** rows in the report */
  rowsSeen: number;
  /** rows left out (waiting room, no usable time) */
  rowsSkipped: number;
  /** halves that matched a stored event */
  joinsMatched: number;
  leavesMatched: number;
  /** events to insert, joins and leaves */
  inserts: ReportEventInsert[];
}

export interface MergeContext {
  meetingUuid: string;
  zoomMeetingId: string;
  /** "meeting" (default) or "webinar": the event types the halves become */
  kind?: "meeting" | "webinar";
}

const blank = (value: string | null | undefined): string | null => {
  if (value === null || value === undefined) return null;
  const trimmed = String(value).trim();
  return trimmed === "" ? null : trimmed;
};

/** The attendance rules' normalisers (lib/attendance/rules.ts), with blank values missing. */
export const normalizeEmailValue = (value: string | null | undefined): string | null => {
  const email = blank(value);
  return email === null ? null : normalizeEmail(email);
};
export const normalizeNameValue = (value: string | null | undefined): string | null => {
  const name = blank(value);
  return name === null ? null : normalizeName(name);
};

const second = (time: Date) => Math.floor(time.getTime() / 1000);

function parseTime(value: string | null | undefined): Date | null {
  const text = blank(value);
  if (text === null) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms);
}

interface Identity {
  registrantId: string | null;
  accountId: string | null;
  email: string | null;
  name: string | null;
}

/**
 * Whether two participants are the same person, by the first key both of them have: registrant
 * ID, then account ID, then normalised email, then display name. No shared key: not the same.
 */
export function samePerson(a: Identity, b: Identity): boolean {
  if (a.registrantId !== null && b.registrantId !== null) return a.registrantId === b.registrantId;
  if (a.accountId !== null && b.accountId !== null) return a.accountId === b.accountId;
  if (a.email !== null && b.email !== null) return a.email === b.email;
  if (a.name !== null && b.name !== null) return a.name === b.name;
  return false;
}

function storedIdentity(event: StoredParticipantEvent): Identity {
  return {
    registrantId: blank(event.registrantId),
    accountId: blank(event.participantAccountId),
    email: normalizeEmailValue(event.emailNormalized),
    name: normalizeNameValue(event.displayName),
  };
}

interface RowHalf {
  kind: HalfKind;
  time: Date;
}

interface PreparedRow {
  row: ZoomReportParticipant;
  userId: string | null;
  /** bo_mtg_id: a segment in a breakout room */
  room: string | null;
  identity: Identity;
  halves: RowHalf[];
}

/** The identity key of a report event (ADR 006: participant and time to the second). */
export function reportDedupeKey(eventType: string, meetingUuid: string, connection: string, time: Date): string {
  const identity = [eventType, meetingUuid, connection, second(time)];
  return "rp1:" + crypto.createHash("sha256").update(JSON.stringify(identity)).digest("hex");
}

export function planReportMerge(
  rows: ZoomReportParticipant[],
  stored: StoredParticipantEvent[],
  context: MergeContext,
): MergePlan {
  const prefix = context.kind === "webinar" ? "webinar" : "meeting";
  const prepared: PreparedRow[] = [];
  let rowsSkipped = 0;
  for (const row of rows) {
    if (blank(row.status) === "in_waiting_room") {
      rowsSkipped++;
      continue;
    }
    const joinTime = parseTime(row.join_time);
    const leaveTime = parseTime(row.leave_time);
    const halves: RowHalf[] = [];
    if (joinTime) halves.push({ kind: "join", time: joinTime });
    if (leaveTime) halves.push({ kind: "leave", time: leaveTime });
    if (halves.length === 0) {
      rowsSkipped++;
      continue;
    }
    prepared.push({
      row,
      userId: blank(row.user_id),
      room: blank(row.bo_mtg_id),
      identity: {
        registrantId: blank(row.registrant_id),
        accountId: blank(row.participant_user_id) ?? blank(row.id),
        email: normalizeEmailValue(row.user_email),
        name: normalizeNameValue(row.name),
      },
      halves,
    });
  }
  // Deterministic whatever the order Zoom lists the rows in.
  prepared.sort((a, b) => {
    const aMs = a.halves[0].time.getTime();
    const bMs = b.halves[0].time.getTime();
    if (aMs !== bMs) return aMs - bMs;
    const aKey = `${a.userId ?? ""}\u0000${a.identity.name ?? ""}`;
    const bKey = `${b.userId ?? ""}\u0000${b.identity.name ?? ""}`;
    return aKey < bKey ? -1 : aKey > bKey ? 1 : 0;
  });

  // Halves are keyed by kind and place: main room ("m") or a breakout room ("b").
  const place = (room: string | null | undefined) => (blank(room) === null ? "m" : "b");
  // Pass 1 index: (kind, place, user_id, second) of stored events with a user_id; the room each is in.
  const exact = new Map<string, string | null>();
  for (const event of stored) {
    const userId = blank(event.participantUserId);
    if (userId !== null)
      exact.set(
        `${event.kind}${place(event.breakoutRoomUuid)}\u0000${userId}\u0000${second(event.time)}`,
        blank(event.breakoutRoomUuid),
      );
  }
  // Pass 2 candidates: stored events whose connection the report does not know.
  const reportUserIds = new Set(prepared.map((entry) => entry.userId).filter((id): id is string => id !== null));
  const fallback = new Map<string, { event: StoredParticipantEvent; identity: Identity; claimed: boolean }[]>();
  for (const event of stored) {
    const userId = blank(event.participantUserId);
    if (userId !== null && reportUserIds.has(userId)) continue;
    const key = `${event.kind}${place(event.breakoutRoomUuid)}\u0000${second(event.time)}`;
    let list = fallback.get(key);
    if (!list) fallback.set(key, (list = []));
    list.push({ event, identity: storedIdentity(event), claimed: false });
  }

  let joinsMatched = 0;
  let leavesMatched = 0;
  const inserts: ReportEventInsert[] = [];
  const planned = new Set<string>();
  for (const entry of prepared) {
    // Which stored connection each half matched (null: none, so the half is added).
    const matchedConnection = new Map<HalfKind, string | null>();
    // The stored room a breakout half matched: the added half joins that very room connection.
    let matchedRoom: string | null = null;
    const where = place(entry.room);
    for (const half of entry.halves) {
      let matched: string | null | undefined;
      const exactKey = `${half.kind}${where}\u0000${entry.userId}\u0000${second(half.time)}`;
      if (entry.userId !== null && exact.has(exactKey)) {
        matched = entry.userId;
        matchedRoom ??= exact.get(exactKey) ?? null;
      } else {
        const candidate = fallback
          .get(`${half.kind}${where}\u0000${second(half.time)}`)
          ?.find((option) => !option.claimed && samePerson(option.identity, entry.identity));
        if (candidate) {
          candidate.claimed = true;
          matched = blank(candidate.event.participantUserId);
          matchedRoom ??= blank(candidate.event.breakoutRoomUuid);
        }
      }
      if (matched !== undefined) {
        matchedConnection.set(half.kind, matched);
        if (half.kind === "join") joinsMatched++;
        else leavesMatched++;
      }
    }
    const aligned = [...matchedConnection.values()].find((value): value is string => value !== null) ?? entry.userId;
    for (const half of entry.halves) {
      if (matchedConnection.has(half.kind)) continue;
      const room = entry.room === null ? null : (matchedRoom ?? entry.room);
      const eventType =
        room === null
          ? `${prefix}.participant_${half.kind === "join" ? "joined" : "left"}`
          : half.kind === "join"
            ? BREAKOUT_JOIN_EVENT
            : BREAKOUT_LEAVE_EVENT;
      const connection =
        aligned ??
        entry.identity.accountId ??
        entry.identity.registrantId ??
        entry.identity.email ??
        entry.identity.name ??
        "";
      // A room's user_ids are numbered within the room: the room is part of the identity.
      const dedupeKey = reportDedupeKey(
        eventType,
        context.meetingUuid,
        room === null ? connection : `${room}\u0000${connection}`,
        half.time,
      );
      if (planned.has(dedupeKey)) continue;
      planned.add(dedupeKey);
      const email = blank(entry.row.user_email);
      inserts.push({
        dedupeKey,
        eventType,
        zoomMeetingId: context.zoomMeetingId,
        meetingUuid: context.meetingUuid,
        occurredAt: half.time,
        participantUserId: aligned,
        participantAccountId: entry.identity.accountId,
        registrantId: entry.identity.registrantId,
        email,
        emailNormalized: email === null ? null : normalizeEmail(email),
        displayName: blank(entry.row.name),
        joinTime: half.kind === "join" ? half.time : null,
        leaveTime: half.kind === "leave" ? half.time : null,
        breakoutRoomUuid: room,
        payload: entry.row,
      });
    }
  }
  return { rowsSeen: rows.length, rowsSkipped, joinsMatched, leavesMatched, inserts };
}
