// Breakout rooms, hosts and dial-in (README "How attendance is computed", ADR 013): engine unit and
// property tests. A 60-minute seminar 10:00–11:00 UTC whose instructor opens rooms 10:20–10:40.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { computeSessionAttendance, normalizePhone, phoneDigits } from "./engine";
import type { ComputeSessionInput, EngineEvent, InstructorInput, RosterStudent, SessionInput } from "./types";

const MEETING_ID = "81234567890";
const UUID = "seminar-uuid==";
const ROOM_1 = "room-1-uuid==";
const ROOM_2 = "room-2-uuid==";
const at = (time: string) => new Date(`2026-03-02T${time}Z`);

const SESSION: SessionInput = {
  id: "seminar",
  zoomMeetingId: MEETING_ID,
  startsAt: at("10:00:00"),
  durationMinutes: 60,
  lateAfterMinutes: 5,
  requiredPercent: 90,
};

const ANA: RosterStudent = {
  id: "ana",
  name: "Ana Lima",
  email: "ana@school.edu",
  emailNormalized: "ana@school.edu",
  zoomRegistrantId: "reg-ana",
};
const BEN: RosterStudent = {
  id: "ben",
  name: "Ben Okafor",
  email: "ben@school.edu",
  emailNormalized: "ben@school.edu",
  zoomRegistrantId: null,
};
const DIAL: RosterStudent = {
  id: "dora",
  name: "Dora Phone",
  email: "dora@school.edu",
  emailNormalized: "dora@school.edu",
  zoomRegistrantId: null,
  phone: "+15551234567",
};
const ROSTER = [ANA, BEN, DIAL];
const TEACHER: InstructorInput = { id: "user-teacher", name: "Terry Teacher", email: "teacher@school.edu" };

interface Who {
  email?: string | null;
  registrantId?: string | null;
  name?: string | null;
  accountId?: string | null;
  participantUuid?: string | null;
  phone?: string | null;
}

let sequence = 0;
function event(
  type: string,
  userId: string,
  time: Date,
  who: Who = {},
  room?: { uuid: string; name?: string; parent?: string | null },
): EngineEvent {
  sequence++;
  const isJoin = type.includes("joined");
  const email = who.email ?? null;
  return {
    id: `e${String(sequence).padStart(5, "0")}`,
    eventType: type,
    source: "webhook",
    eventTs: time,
    zoomMeetingId: MEETING_ID,
    meetingUuid: UUID,
    occurredAt: time,
    participantUserId: userId,
    participantAccountId: who.accountId ?? null,
    registrantId: who.registrantId ?? null,
    email,
    emailNormalized: email?.toLowerCase() ?? null,
    displayName: who.name ?? null,
    joinTime: isJoin ? time : null,
    leaveTime: isJoin ? null : time,
    participantUuid: who.participantUuid ?? null,
    breakoutRoomUuid: room?.uuid ?? null,
    breakoutRoomName: room?.name ?? null,
    parentUserId: room?.parent ?? null,
    phoneNumber: who.phone ?? null,
  };
}
const mainJoin = (userId: string, time: string, who?: Who) =>
  event("meeting.participant_joined", userId, at(time), who);
const mainLeave = (userId: string, time: string, who?: Who) => event("meeting.participant_left", userId, at(time), who);
const roomJoin = (userId: string, time: string, parent: string | null, who?: Who, uuid = ROOM_1, name?: string) =>
  event("meeting.participant_joined_breakout_room", userId, at(time), who, { uuid, name, parent });
const roomLeave = (userId: string, time: string, parent: string | null, who?: Who, uuid = ROOM_1, name?: string) =>
  event("meeting.participant_left_breakout_room", userId, at(time), who, { uuid, name, parent });
const roleChanged = (userId: string, time: string, newRole: string, who?: Who): EngineEvent => ({
  ...event("meeting.participant_role_changed", userId, at(time), who),
  joinTime: null,
  leaveTime: null,
  newRole,
});

const ENDED = [{ uuid: UUID, startedAt: at("09:58:00"), endedAt: at("11:00:00") }];
const RUNNING = [{ uuid: UUID, startedAt: at("09:58:00"), endedAt: null }];

function compute(events: EngineEvent[], options: Partial<ComputeSessionInput> = {}) {
  return computeSessionAttendance({
    session: SESSION,
    roster: ROSTER,
    instructors: [TEACHER],
    links: [],
    manualMatches: [],
    events,
    instances: ENDED,
    now: at("12:00:00"),
    ...options,
  });
}
const studentOf = (result: ReturnType<typeof compute>, student: RosterStudent) =>
  result.students.find((row) => row.studentId === student.id)!;

const ANA_WHO: Who = { email: "ana@school.edu", registrantId: "reg-ana", name: "Ana Lima", participantUuid: "pu-ana" };

/** Ana's seminar with rooms 10:20–10:40, reported with main-room leave/join around the room. */
const withMainMoves = () => [
  mainJoin("100", "09:59:30", ANA_WHO),
  mainLeave("100", "10:20:00", ANA_WHO),
  roomJoin("200", "10:20:02", "100", ANA_WHO),
  roomLeave("200", "10:40:00", "100", ANA_WHO),
  mainJoin("101", "10:40:03", ANA_WHO),
  mainLeave("101", "11:00:00", ANA_WHO),
];
/** The same seminar reported with breakout events alone (the main connection stays open). */
const withRoomEventsOnly = () => [
  mainJoin("100", "09:59:30", ANA_WHO),
  roomJoin("200", "10:20:02", "100", ANA_WHO),
  roomLeave("200", "10:40:00", "100", ANA_WHO),
  mainLeave("100", "11:00:00", ANA_WHO),
];

describe("breakout rooms are class time", () => {
  it("a 60-minute seminar with rooms from minute 20 to 40 gives 100 % (main left + room joined + main joined on return)", () => {
    const ana = studentOf(compute(withMainMoves()), ANA);
    expect(ana.attendedPercent).toBe(100);
    expect(ana.status).toBe("present");
    expect(ana.joinCount).toBe(1);
    expect(ana.intervals).toEqual([{ from: at("09:59:30"), to: at("11:00:00") }]);
    expect(ana.breakoutIntervals).toEqual([{ from: at("10:20:02"), to: at("10:40:00") }]);
  });

  it("gives 100 % with breakout events alone, and the same figures as the other reporting style", () => {
    const roomsOnly = studentOf(compute(withRoomEventsOnly()), ANA);
    expect(roomsOnly.attendedPercent).toBe(100);
    expect(roomsOnly.joinCount).toBe(1);
    expect(roomsOnly).toEqual(studentOf(compute(withMainMoves()), ANA));
  });

  it("a student still in a breakout room at meeting.ended gets full time", () => {
    const events = [
      mainJoin("100", "09:59:30", ANA_WHO),
      mainLeave("100", "10:20:00", ANA_WHO),
      roomJoin("200", "10:20:01", "100", ANA_WHO),
    ];
    const ana = studentOf(compute(events), ANA);
    expect(ana.attendedPercent).toBe(100);
    expect(ana.lastLeaveAt).toEqual(at("11:00:00"));
    expect(ana.inMeeting).toBe(false);
  });

  it("moving between rooms is not a new join, and a room joined first still counts as one arrival", () => {
    const events = [
      mainJoin("100", "10:00:00", ANA_WHO),
      roomJoin("200", "10:20:00", "100", ANA_WHO, ROOM_1),
      roomLeave("200", "10:30:00", "100", ANA_WHO, ROOM_1),
      roomJoin("300", "10:30:02", "100", ANA_WHO, ROOM_2),
      roomLeave("300", "10:40:00", "100", ANA_WHO, ROOM_2),
      mainLeave("100", "11:00:00", ANA_WHO),
    ];
    expect(studentOf(compute(events), ANA).joinCount).toBe(1);
    // Main-room join lost: seen only in a room, Ana has still arrived once.
    const onlyRoom = studentOf(
      compute([roomJoin("200", "10:20:00", null, ANA_WHO), roomLeave("200", "10:40:00", null, ANA_WHO)]),
      ANA,
    );
    expect(onlyRoom.joinCount).toBe(1);
    expect(onlyRoom.attendedSeconds).toBe(20 * 60);
  });

  it("a real drop and rejoin outside the rooms still counts as a new join", () => {
    const events = [
      ...withMainMoves().slice(0, 5),
      mainLeave("101", "10:45:00", ANA_WHO),
      mainJoin("102", "10:50:00", ANA_WHO),
      mainLeave("102", "11:00:00", ANA_WHO),
    ];
    const ana = studentOf(compute(events), ANA);
    expect(ana.joinCount).toBe(2);
    expect(ana.attendedSeconds).toBe(55 * 60);
  });

  it("identifies a room connection by parent_user_id or participant_uuid when it carries no email", () => {
    const bare: Who = { name: "Ana" };
    const byParent = [
      mainJoin("100", "10:00:00", { email: "ana@school.edu" }),
      mainLeave("100", "10:20:00", { email: "ana@school.edu" }),
      roomJoin("7", "10:20:00", "100", bare),
      roomLeave("7", "10:40:00", "100", bare),
    ];
    const result = compute(byParent);
    expect(studentOf(result, ANA).attendedSeconds).toBe(40 * 60);
    expect(result.guests).toEqual([]);

    const byUuid = [
      mainJoin("100", "10:00:00", { email: "ana@school.edu", participantUuid: "pu-1" }),
      mainLeave("100", "10:20:00", { email: "ana@school.edu", participantUuid: "pu-1" }),
      roomJoin("7", "10:20:00", null, { name: "Ana", participantUuid: "pu-1" }),
      roomLeave("7", "10:40:00", null, { name: "Ana", participantUuid: "pu-1" }),
    ];
    expect(studentOf(compute(byUuid), ANA).attendedSeconds).toBe(40 * 60);
  });

  it("a guest's room connection stays with that guest", () => {
    const visitor: Who = { name: "Visitor", accountId: "acct-v" };
    const result = compute([
      mainJoin("100", "10:00:00", visitor),
      mainLeave("100", "10:20:00", visitor),
      roomJoin("7", "10:20:01", "100", { name: "Visitor" }),
      roomLeave("7", "10:40:00", "100", { name: "Visitor" }),
    ]);
    expect(result.guests).toHaveLength(1);
    expect(result.guests[0]).toMatchObject({
      guestKey: "account:acct-v",
      name: "Visitor",
      attendedSeconds: 40 * 60,
      joinCount: 1,
    });
  });

  it("says live which room a student is in, and a device in a room is still one device", () => {
    const events = [
      mainJoin("100", "10:00:00", ANA_WHO),
      roomJoin("200", "10:20:02", "100", ANA_WHO, ROOM_2, "Room 2: Statistics"),
    ];
    const ana = studentOf(compute(events, { instances: RUNNING, now: at("10:30:00") }), ANA);
    expect(ana).toMatchObject({
      inMeeting: true,
      breakoutRoom: "Room 2: Statistics",
      openConnections: 1,
      attendedSeconds: 30 * 60,
    });
    const back = studentOf(
      compute([...events, roomLeave("200", "10:25:00", "100", ANA_WHO, ROOM_2)], {
        instances: RUNNING,
        now: at("10:30:00"),
      }),
      ANA,
    );
    expect(back).toMatchObject({ inMeeting: true, breakoutRoom: null });
    // Unnamed room: "" (in a room, name unknown).
    const unnamed = studentOf(
      compute(
        [mainLeave("100", "10:20:00", ANA_WHO), ...events.slice(0, 1), roomJoin("201", "10:20:01", "100", ANA_WHO)],
        { instances: RUNNING, now: at("10:30:00") },
      ),
      ANA,
    );
    expect(unnamed.breakoutRoom).toBe("");
  });

  it("a second device in the main room while the first is in a room counts the time once", () => {
    const events = [...withMainMoves(), mainJoin("150", "10:10:00", ANA_WHO), mainLeave("150", "10:50:00", ANA_WHO)];
    const ana = studentOf(compute(events), ANA);
    expect(ana.attendedPercent).toBe(100);
    expect(ana.joinCount).toBe(2); // two arrivals, as for any second device
  });
});

describe("hosts are not guests", () => {
  const teacherWho: Who = { email: "Teacher@School.edu", name: "T. Teacher", accountId: "acct-teacher" };

  it("lists a course instructor apart, with their own time, by email and by their Zoom account", () => {
    const events = [
      mainJoin("1", "09:50:00", teacherWho),
      mainLeave("1", "10:30:00", teacherWho),
      mainJoin("2", "10:31:00", { name: "Teacher iPad", accountId: "acct-teacher" }),
      mainLeave("2", "11:05:00", { name: "Teacher iPad", accountId: "acct-teacher" }),
      roomJoin("9", "10:35:00", "2", { name: "Teacher iPad" }),
      roomLeave("9", "10:36:00", "2", { name: "Teacher iPad" }),
      mainJoin("3", "10:00:00", { name: "Visitor" }),
    ];
    const result = compute(events);
    expect(result.guests.map((guest) => guest.name)).toEqual(["Visitor"]);
    expect(result.hosts).toHaveLength(1);
    expect(result.hosts[0]).toMatchObject({
      hostKey: "user:user-teacher",
      name: "Terry Teacher",
      email: "teacher@school.edu",
      reason: "instructor",
      attendedSeconds: 59 * 60,
      joinCount: 2,
    });
  });

  it("a participant made host or co-host is a host; a student made co-host stays a student", () => {
    const helper: Who = { name: "TA Sam", email: "sam@elsewhere.org" };
    const events = [
      mainJoin("1", "10:00:00", helper),
      roleChanged("1", "10:01:00", "co-host", helper),
      mainJoin("2", "10:00:00", ANA_WHO),
      roleChanged("2", "10:02:00", "co-host", ANA_WHO),
      mainJoin("3", "10:00:00", { name: "Guest" }),
      roleChanged("3", "10:02:00", "attendee", { name: "Guest" }),
    ];
    const result = compute(events, { instances: RUNNING, now: at("10:10:00") });
    expect(result.hosts.map((host) => [host.name, host.reason])).toEqual([["TA Sam", "co-host"]]);
    expect(result.guests.map((guest) => guest.name)).toEqual(["Guest"]);
    expect(studentOf(result, ANA)).toMatchObject({ joinCount: 1, inMeeting: true });
  });
});

describe("dial-in students", () => {
  it("normalises phone numbers to E.164 and refuses what is not one", () => {
    expect(normalizePhone("+1 (555) 123-4567")).toBe("+15551234567");
    expect(normalizePhone("0044 20 7946 0958")).toBe("+442079460958");
    expect(normalizePhone("15551234567")).toBe("+15551234567");
    expect(normalizePhone("555-12")).toBeNull();
    expect(normalizePhone("call me")).toBeNull();
    expect(normalizePhone("+1234567890123456")).toBeNull();
    expect(phoneDigits("155****4567")).toBeNull();
  });

  it("matches a caller by phone_number, or by a user_name that is the number, and counts the call like any connection", () => {
    const byNumber = compute([
      mainJoin("1", "10:00:00", { phone: "15551234567", name: "Caller" }),
      mainLeave("1", "11:00:00", { phone: "15551234567" }),
    ]);
    expect(studentOf(byNumber, DIAL)).toMatchObject({ attendedPercent: 100, status: "present", joinCount: 1 });
    expect(byNumber.guests).toEqual([]);
    const byName = compute([mainJoin("1", "10:10:00", { name: "+1 555-123-4567" })]);
    expect(studentOf(byName, DIAL)).toMatchObject({ attendedSeconds: 50 * 60, late: true });
    const stranger = compute([mainJoin("1", "10:10:00", { name: "+1 555 000 0000" })]);
    expect(stranger.guests.map((guest) => guest.name)).toEqual(["+1 555 000 0000"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: random breakout rounds, reported either way, permuted and duplicated.

interface Visit {
  /** seconds from 10:00 */
  from: number;
  to: number;
  room: number;
}
interface Plan {
  person: number;
  join: number;
  leave: number;
  visits: Visit[];
  /** seconds between a main-room leave and the room join, and a room leave and the main join */
  moveDelay: number;
  named: boolean;
}

const planArbitrary = (person: number): fc.Arbitrary<Plan> =>
  fc
    .record({
      join: fc.integer({ min: -600, max: 1200 }),
      gaps: fc.array(
        fc.record({
          before: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 180, max: 900 })),
          length: fc.integer({ min: 60, max: 1200 }),
          room: fc.integer({ min: 0, max: 2 }),
        }),
        { maxLength: 3 },
      ),
      tail: fc.oneof(fc.constant(0), fc.integer({ min: 180, max: 1800 })),
      moveDelay: fc.integer({ min: 0, max: 5 }),
      named: fc.boolean(),
    })
    .map(({ join, gaps, tail, moveDelay, named }) => {
      let cursor = join + 30;
      const visits: Visit[] = [];
      gaps.forEach((gap, index) => {
        // The first room starts well after the join; later ones directly or minutes apart.
        const from = cursor + (index === 0 ? Math.max(gap.before, 10) : gap.before);
        visits.push({ from, to: from + gap.length, room: gap.room });
        cursor = from + gap.length;
      });
      return { person, join, leave: cursor + tail, visits, moveDelay, named };
    });

const time = (offset: number) => new Date(at("10:00:00").getTime() + offset * 1000);
const ROOMS = [ROOM_1, ROOM_2, "room-3-uuid=="];

function eventsOfPlan(plan: Plan, style: "main-moves" | "rooms-only", prefix: string): EngineEvent[] {
  const student = ROSTER[plan.person];
  const who: Who = { email: student.email, name: student.name };
  const events: EngineEvent[] = [];
  let mainId = `${prefix}m0`;
  let mainCounter = 0;
  events.push(event("meeting.participant_joined", mainId, time(plan.join), who));
  plan.visits.forEach((visit, index) => {
    const room = { uuid: ROOMS[visit.room], name: plan.named ? `Room ${visit.room + 1}` : undefined, parent: mainId };
    const roomUser = `${prefix}r${index}`;
    const previous = plan.visits[index - 1];
    const directMove = previous !== undefined && visit.from - previous.to <= 5;
    if (style === "main-moves" && !directMove)
      events.push(event("meeting.participant_left", mainId, time(visit.from - plan.moveDelay), who));
    events.push(
      event("meeting.participant_joined_breakout_room", roomUser, time(visit.from), { name: student.name }, room),
    );
    events.push(
      event("meeting.participant_left_breakout_room", roomUser, time(visit.to), { name: student.name }, room),
    );
    const next = plan.visits[index + 1];
    const movesOnDirectly = next !== undefined && next.from - visit.to <= 5;
    const stillInRoomAtEnd = index === plan.visits.length - 1 && visit.to === plan.leave;
    if (style === "main-moves" && !movesOnDirectly && !stillInRoomAtEnd) {
      mainId = `${prefix}m${++mainCounter}`;
      events.push(event("meeting.participant_joined", mainId, time(visit.to + plan.moveDelay), who));
    }
  });
  const last = plan.visits[plan.visits.length - 1];
  const endsInRoom = last !== undefined && last.to === plan.leave;
  if (style === "rooms-only" || !endsInRoom)
    events.push(event("meeting.participant_left", mainId, time(plan.leave), who));
  return events;
}

const plansArbitrary = fc.tuple(planArbitrary(0), planArbitrary(1));

describe("breakout traffic, properties", () => {
  it("both reporting styles give the same attendance", () => {
    fc.assert(
      fc.property(plansArbitrary, (plans) => {
        const a = compute(plans.flatMap((plan) => eventsOfPlan(plan, "main-moves", `p${plan.person}`)));
        const b = compute(plans.flatMap((plan) => eventsOfPlan(plan, "rooms-only", `p${plan.person}`)));
        expect(a.students).toEqual(b.students);
        expect(a.guests).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it("permutations and duplications of breakout traffic give the same attendance", () => {
    fc.assert(
      fc.property(
        plansArbitrary,
        fc.constantFrom<"main-moves" | "rooms-only">("main-moves", "rooms-only"),
        fc.integer(),
        (plans, style, seed) => {
          const events = plans.flatMap((plan) => eventsOfPlan(plan, style, `p${plan.person}`));
          const reference = compute(events);
          const shuffled = fc.sample(
            fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
            { seed, numRuns: 1 },
          )[0];
          const copies = events
            .filter((_, index) => (index + seed) % 3 === 0)
            .map((copy) => ({ ...copy, id: `${copy.id}-again` }));
          expect(compute([...copies, ...shuffled])).toEqual(reference);
          expect(compute(events, { instances: RUNNING, now: at("10:45:00") })).toEqual(
            compute(shuffled, { instances: RUNNING, now: at("10:45:00") }),
          );
        },
      ),
      { numRuns: 200 },
    );
  });
});
