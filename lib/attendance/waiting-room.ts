// Who is in the waiting room right now, from the stored waiting-room events. Pure (the caller reads
// the events): time in the waiting room is never attendance, but an instructor admitting students
// wants to see who is waiting.
import { nonBlank, normalizeEmail } from "./rules";

/** Events that end a wait besides the waiting-room ones: joining the meeting, the meeting ending. */
export const WAIT_ENDING_EVENT_TYPES = ["meeting.participant_joined", "meeting.ended"] as const;

export interface WaitingRoomEvent {
  id: string;
  eventType: string;
  meetingUuid: string | null;
  occurredAt: Date;
  participantUserId: string | null;
  participantUuid: string | null;
  email: string | null;
  displayName: string | null;
}

export interface WaitingParticipant {
  name: string;
  email: string | null;
  /** when they were put in (or entered) the waiting room */
  since: Date;
}

/** One participant across their waiting-room events: participant UUID, else user_id, else email, else name. */
function personKeys(event: WaitingRoomEvent): string[] {
  const meeting = event.meetingUuid ?? "";
  const keys: string[] = [];
  const uuid = nonBlank(event.participantUuid);
  const userId = nonBlank(event.participantUserId);
  const email = nonBlank(event.email);
  if (uuid !== null) keys.push(`${meeting}\u0000uuid:${uuid}`);
  if (userId !== null) keys.push(`${meeting}\u0000user:${userId}`);
  if (email !== null) keys.push(`${meeting}\u0000email:${normalizeEmail(email)}`);
  if (keys.length === 0) keys.push(`${meeting}\u0000name:${(nonBlank(event.displayName) ?? "").toLowerCase()}`);
  return keys;
}

/**
 * The participants whose latest waiting-room event put them in it, and who have not since been
 * admitted, left it, joined the meeting or seen the meeting end. Order: longest waiting first.
 */
export function waitingNow(events: WaitingRoomEvent[]): WaitingParticipant[] {
  const sorted = events
    .slice()
    .sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const waiting = new Map<string, WaitingParticipant & { keys: string[] }>();
  const endWait = (keys: string[]) => {
    for (const key of keys) {
      const entry = waiting.get(key);
      if (entry) for (const other of entry.keys) waiting.delete(other);
    }
  };
  for (const event of sorted) {
    if (event.eventType === "meeting.ended") {
      for (const [key, entry] of waiting)
        if (key.startsWith(`${event.meetingUuid ?? ""}\u0000`)) for (const other of entry.keys) waiting.delete(other);
      continue;
    }
    const keys = personKeys(event);
    endWait(keys);
    if (
      event.eventType === "meeting.participant_joined_waiting_room" ||
      event.eventType === "meeting.participant_put_in_waiting_room"
    ) {
      const entry = {
        name: nonBlank(event.displayName) ?? nonBlank(event.email) ?? "",
        email: nonBlank(event.email),
        since: event.occurredAt,
        keys,
      };
      for (const key of keys) waiting.set(key, entry);
    }
  }
  return [...new Set(waiting.values())]
    .map(({ name, email, since }) => ({ name, email, since }))
    .sort((a, b) => a.since.getTime() - b.since.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
