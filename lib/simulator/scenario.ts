// Realistic Zoom traffic for one class, as Zoom sends it: the shapes of docs/zoom.md,
// including what broke the naive design (a second device, a drop-and-rejoin, and a
// participant_left redelivered with a new tracking ID after the student rejoined).
import crypto from "node:crypto";

export interface SimulatedParticipant {
  name: string;
  email: string | null;
  registrantId?: string | null;
  /** a dial-in caller: Zoom sends `phone_number` and names the caller by the number */
  phone?: string | null;
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
  /**
   * Breakout rooms from a third to two thirds of the class: participants 0–1 go to "Room 1", 2–3
   * to "Room 2" (0 and 2 reported as main-room leave + room join and a main-room join on return,
   * 1 and 3 with room events alone; 3 is still in the room when the meeting ends), and the host
   * visits Room 1 for five minutes.
   */
  breakoutRound?: boolean;
  /** the instructor, joining as host (listed apart from guests) */
  host?: SimulatedParticipant;
  /** a student who dials in by phone (matched by the roster's phone number) */
  dialIn?: SimulatedParticipant;
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
    user_name: person.phone ? person.phone : person.name,
    id: person.registrantId ?? "",
    participant_uuid: crypto.createHash("md5").update(person.name).digest("hex").slice(0, 22),
    registrant_id: person.registrantId ?? undefined,
    email: email ?? "",
    ...(person.phone ? { phone_number: person.phone.replace(/[^\d+]/g, "") } : {}),
  });
  const join = (person: SimulatedParticipant | undefined, atMs: number, note: string, email?: string | null) => {
    if (!person) return null;
    const userId = String(nextUserId++);
    const usedEmail = email === undefined ? person.email : email;
    deliveries.push({
      sendAt: new Date(atMs + 1000),
      note: `${person.name} joins (${note})`,
      body: envelope(
        "meeting.participant_joined",
        atMs,
        meetingObject({
          participant: { ...participantFields(person, userId, usedEmail), join_time: new Date(atMs).toISOString() },
        }),
      ),
    });
    open.set(userId, { person, joinedAt: atMs, email: usedEmail });
    return userId;
  };
  const leave = (userId: string | null, atMs: number, note: string, redeliverAfterMs?: number) => {
    if (!userId) return;
    const connection = open.get(userId);
    if (!connection) return;
    open.delete(userId);
    const body = envelope(
      "meeting.participant_left",
      atMs,
      meetingObject({
        participant: {
          ...participantFields(connection.person, userId, connection.email),
          leave_time: new Date(atMs).toISOString(),
          leave_reason: "left the meeting. Reason : left the meeting",
        },
      }),
    );
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
  const mainUserIdOf = new Map<SimulatedParticipant, string>();
  const joinMain = (person: SimulatedParticipant | undefined, atMs: number, note: string, email?: string | null) => {
    const userId = join(person, atMs, note, email);
    if (person && userId) mainUserIdOf.set(person, userId);
    return userId;
  };

  joinMain(ana, start - 60_000, "laptop, on time");
  const anaPhone = join(ana, start + 12 * MINUTE, "second device: phone");
  leave(anaPhone, start + 12 * MINUTE + 8_000, "phone only: still in class on the laptop");

  const benFirst = join(ben, start + 30_000, "on time");
  leave(benFirst, start + 6 * MINUTE, "connection dropped", 2 * MINUTE + 30_000);
  joinMain(ben, start + 7 * MINUTE, "rejoined");

  joinMain(chen, start + 60_000, "email in upper case", chen?.email?.toUpperCase() ?? null);
  joinMain(dana, start + 8 * MINUTE, "late");
  join(emil, start + 15 * MINUTE, "late");
  const fatimaJoin = join(fatima, start + 2 * MINUTE, "on time");
  leave(fatimaJoin, start + Math.round(durationMinutes * 0.6) * MINUTE, "left early");
  join(
    hana ? { name: `${hana.name.split(" ")[0]} (iPad)`, email: null } : undefined,
    start + 3 * MINUTE,
    "no email: shows as a guest to match",
    null,
  );
  join({ name: "Visiting parent", email: null }, start + 4 * MINUTE, "not on the roster: a guest", null);
  if (options.host)
    joinMain(options.host, start - 3 * MINUTE, "the instructor, as host: listed under Hosts, not Guests");
  if (options.dialIn)
    join(options.dialIn, start + 90_000, "dials in by phone: matched by the roster's phone number", null);

  // Breakout rooms: a connection in a room is a connection of the meeting (breakout time is class time).
  const rooms = [
    { uuid: crypto.createHash("md5").update(`${uuid} room 1`).digest("base64"), name: "Room 1" },
    { uuid: crypto.createHash("md5").update(`${uuid} room 2`).digest("base64"), name: "Room 2" },
  ];
  const openRooms = new Map<
    string,
    { person: SimulatedParticipant; room: (typeof rooms)[number]; parentUserId: string }
  >();
  const roomEvent = (
    kind: "joined" | "left",
    person: SimulatedParticipant,
    userId: string,
    room: (typeof rooms)[number],
    parentUserId: string,
    atMs: number,
  ) => {
    const timeField =
      kind === "joined"
        ? { join_time: new Date(atMs).toISOString() }
        : {
            leave_time: new Date(atMs).toISOString(),
            leave_reason: "left the meeting. Reason : left the breakout room",
          };
    deliveries.push({
      sendAt: new Date(atMs + 1200),
      note: `${person.name} ${kind === "joined" ? "joins" : "leaves"} breakout room "${room.name}"`,
      body: envelope(
        `meeting.participant_${kind}_breakout_room`,
        atMs,
        meetingObject({
          breakout_room_uuid: room.uuid,
          breakout_room_name: room.name,
          participant: {
            ...participantFields(person, userId, person.email),
            parent_user_id: parentUserId,
            ...timeField,
          },
        }),
      ),
    });
  };
  /** Into a room; `withMainMoves`: Zoom also reports the main-room leave (and a main-room join on return). */
  const toRoom = (
    person: SimulatedParticipant | undefined,
    room: (typeof rooms)[number],
    atMs: number,
    withMainMoves: boolean,
  ) => {
    const parentUserId = person ? mainUserIdOf.get(person) : undefined;
    if (!person || !parentUserId || !open.has(parentUserId)) return null;
    if (withMainMoves) leave(parentUserId, atMs, "moved to a breakout room");
    const userId = String(nextUserId++);
    roomEvent("joined", person, userId, room, parentUserId, atMs + (withMainMoves ? 2_000 : 0));
    openRooms.set(userId, { person, room, parentUserId });
    return { userId, withMainMoves };
  };
  const backFromRoom = (visit: { userId: string; withMainMoves: boolean } | null, atMs: number) => {
    const entry = visit ? openRooms.get(visit.userId) : undefined;
    if (!visit || !entry) return;
    openRooms.delete(visit.userId);
    roomEvent("left", entry.person, visit.userId, entry.room, entry.parentUserId, atMs);
    if (visit.withMainMoves)
      joinMain(entry.person, atMs + 3_000, "back from the breakout room (a return, not a new join)");
  };
  if (options.breakoutRound) {
    const roundStart = start + Math.round(durationMinutes / 3) * MINUTE;
    const roundEnd = start + Math.round((2 * durationMinutes) / 3) * MINUTE;
    const anaVisit = toRoom(ana, rooms[0], roundStart, true);
    const benVisit = toRoom(ben, rooms[0], roundStart, false);
    const chenVisit = toRoom(chen, rooms[1], roundStart, true);
    toRoom(dana, rooms[1], roundStart, false); // Dana stays in her room until the meeting ends
    const hostVisit = toRoom(options.host, rooms[0], roundStart + 5 * MINUTE, false);
    backFromRoom(hostVisit, roundStart + 10 * MINUTE);
    for (const visit of [anaVisit, benVisit, chenVisit]) backFromRoom(visit, roundEnd);
  }

  // The host ends the meeting a minute after the scheduled end; Zoom sends meeting.ended and a
  // participant_left for everyone still there (the ended event sometimes first).
  const endedAt = end + MINUTE;
  deliveries.push({
    sendAt: new Date(endedAt + 500),
    note: "meeting ended",
    body: envelope("meeting.ended", endedAt, meetingObject({ end_time: new Date(endedAt).toISOString() })),
  });
  for (const [userId, entry] of [...openRooms])
    roomEvent("left", entry.person, userId, entry.room, entry.parentUserId, endedAt);
  for (const userId of [...open.keys()]) leave(userId, endedAt, "host ended the meeting");

  return deliveries.sort((a, b) => a.sendAt.getTime() - b.sendAt.getTime());
}
