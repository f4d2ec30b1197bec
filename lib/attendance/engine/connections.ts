// Connections: one participant's presence from one device in one room, built from their join and
// leave events (paired by Zoom's timestamps, never by arrival order), and the grouping of a
// person's connections (a breakout connection with the main-room connection it came from, devices
// sharing a participant_uuid). Pure.
import {
  nonBlank,
  normalizeEmail,
  normalizeName,
  phoneDigits,
  presenceEventKind,
  ROLE_CHANGED_EVENT,
  type PresenceEventKind,
} from "../rules";
import type { EngineEvent, MeetingInstanceTimes } from "../types";
import type { MsInterval } from "./figures";

type EventKind = PresenceEventKind["kind"];

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
export interface Connection {
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

export function buildConnections(
  events: EngineEvent[],
  instancesByUuid: Map<string, MeetingInstanceTimes>,
  sessionStartMs: number,
): Connection[] {
  const recordsByConnection = new Map<string, ConnectionRecord[]>();
  // Latest host/co-host/attendee role per main-room connection (role changes are rare).
  let roleChanges: Map<string, { timeMs: number; id: string; role: string }> | null = null;
  for (const event of events) {
    const eventKind = presenceEventKind(event.eventType);
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
      phoneDigits: phoneDigits(phoneNumber) ?? phoneDigits(displayName),
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
export function groupConnections(connections: Connection[]): Int32Array | null {
  // Most classes have neither: then every connection is its own group, and nothing is allocated.
  if (!connections.some((connection) => connection.participantUuid !== null || connection.parentKey !== null))
    return null;
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
