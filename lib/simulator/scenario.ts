// Realistic Zoom traffic for one class, as Zoom sends it: the shapes of shared/zoom/README.md,
// including what broke the naive design (a second device, a drop-and-rejoin, and a
// participant_left redelivered with a new tracking ID after the student rejoined).
import crypto from "node:crypto";

export interface SimulatedParticipant {
  name: string;
  email: string | null;
  registrantId?: string | null;
}

export interface ScheduledDelivery {
  /** when to send it (wall clock) */
  sendAt: Date;
  body: Record<string, unknown>;
  /** what a reader of the simulator's output should know about it */
  note: string;
}

export interface ClassScenarioOptions {
  meetingId: string;
  startsAt: Date;
  durationMinutes: number;
  participants: SimulatedParticipant[];
  topic?: string;
  uuid?: string;
}

const MINUTE = 60_000;

export function randomMeetingUuid(): string {
  return crypto.randomBytes(16).toString("base64");
}

/**
 * The "class" scenario. Participants, by position in the list: 0 laptop + phone, 1 drops and
 * rejoins (and Zoom redelivers the first leave after the rejoin), 2 joins with an upper-case
 * email, 3 and 4 late, 5 leaves early, 6 never joins, 7 joins without email (a guest to match);
 * plus a visitor who is not on the roster. Everyone still in the meeting leaves when it ends.
 */
export function classScenario(options: ClassScenarioOptions): ScheduledDelivery[] {
  const { meetingId, startsAt, durationMinutes, participants } = options;
  const uuid = options.uuid ?? randomMeetingUuid();
  const topic = options.topic ?? "Live class";
  const start = startsAt.getTime();
  const end = start + durationMinutes * MINUTE;
  const deliveries: ScheduledDelivery[] = [];
  let nextUserId = 16778240;
  const open = new Map<string, { person: SimulatedParticipant; joinedAt: number; email: string | null }>();

  const meetingObject = (extra: Record<string, unknown> = {}) => ({
    uuid,
    id: meetingId,
    host_id: "z8yCxjabSbyIdtgp0Tgmsw",
    topic,
    type: 2,
    start_time: new Date(start - 2 * MINUTE).toISOString(),
    timezone: "America/Los_Angeles",
    duration: durationMinutes,
    ...extra,
  });
  const envelope = (event: string, atMs: number, object: Record<string, unknown>) => ({
    event,
    event_ts: atMs + 350,
    payload: { account_id: "AAAAAAAAAAAAAAAAAAAAAA", object },
  });
  const participantFields = (person: SimulatedParticipant, userId: string, email: string | null) => ({
    user_id: userId,
    user_name: person.name,
    id: person.registrantId ?? "",
    participant_uuid: crypto.createHash("md5").update(person.name).digest("hex").slice(0, 22),
    registrant_id: person.registrantId ?? undefined,
    email: email ?? "",
  });
  const join = (person: SimulatedParticipant | undefined, atMs: number, note: string, email?: string | null) => {
    if (!person) return null;
    const userId = String(nextUserId++);
    const usedEmail = email === undefined ? person.email : email;
    deliveries.push({
      sendAt: new Date(atMs + 1000),
      note: `${person.name} joins (${note})`,
      body: envelope("meeting.participant_joined", atMs, meetingObject({
        participant: { ...participantFields(person, userId, usedEmail), join_time: new Date(atMs).toISOString() },
      })),
    });
    open.set(userId, { person, joinedAt: atMs, email: usedEmail });
    return userId;
  };
  const leave = (userId: string | null, atMs: number, note: string, redeliverAfterMs?: number) => {
    if (!userId) return;
    const connection = open.get(userId);
    if (!connection) return;
    open.delete(userId);
    const body = envelope("meeting.participant_left", atMs, meetingObject({
      participant: {
        ...participantFields(connection.person, userId, connection.email),
        leave_time: new Date(atMs).toISOString(),
        leave_reason: "left the meeting. Reason : left the meeting",
      },
    }));
    deliveries.push({ sendAt: new Date(atMs + 1500), note: `${connection.person.name} leaves (${note})`, body });
    if (redeliverAfterMs !== undefined) {
      deliveries.push({
        sendAt: new Date(atMs + redeliverAfterMs),
        note: `${connection.person.name}'s earlier leave, redelivered by Zoom with a new tracking ID`,
        body,
      });
    }
  };

  deliveries.push({
    sendAt: new Date(start - 2 * MINUTE + 800),
    note: "meeting started",
    body: envelope("meeting.started", start - 2 * MINUTE, meetingObject()),
  });
  const [ana, ben, chen, dana, emil, fatima, _gabriel, hana] = participants;

  join(ana, start - 60_000, "laptop, on time");
  const anaPhone = join(ana, start + 12 * MINUTE, "second device: phone");
  leave(anaPhone, start + 12 * MINUTE + 8_000, "phone only: still in class on the laptop");

  const benFirst = join(ben, start + 30_000, "on time");
  leave(benFirst, start + 6 * MINUTE, "connection dropped", 2 * MINUTE + 30_000);
  join(ben, start + 7 * MINUTE, "rejoined");

  join(chen, start + 60_000, "email in upper case", chen?.email?.toUpperCase() ?? null);
  join(dana, start + 8 * MINUTE, "late");
  join(emil, start + 15 * MINUTE, "late");
  const fatimaJoin = join(fatima, start + 2 * MINUTE, "on time");
  leave(fatimaJoin, start + Math.round(durationMinutes * 0.6) * MINUTE, "left early");
  join(hana ? { name: `${hana.name.split(" ")[0]} (iPad)`, email: null } : undefined, start + 3 * MINUTE, "no email: shows as a guest to match", null);
  join({ name: "Visiting parent", email: null }, start + 4 * MINUTE, "not on the roster: a guest", null);

  // The host ends the meeting a minute after the scheduled end; Zoom sends meeting.ended and a
  // participant_left for everyone still there (the ended event sometimes first).
  const endedAt = end + MINUTE;
  deliveries.push({
    sendAt: new Date(endedAt + 500),
    note: "meeting ended",
    body: envelope("meeting.ended", endedAt, meetingObject({ end_time: new Date(endedAt).toISOString() })),
  });
  for (const userId of [...open.keys()]) leave(userId, endedAt, "host ended the meeting");

  return deliveries.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime());
}
