// The events erasure and export take for a student are exactly those the attendance engine counts
// for them: checked on generated classes (identity spread over a connection's events, shared
// accounts, manual matches, stored links, rejoins).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { computeSessionAttendance } from "../attendance/engine";
import type { EngineEvent, ManualMatchInput, RosterStudent } from "../attendance/types";
import { attributeSessionEvents, isDirectlyTheStudents } from "./attribution";

const START = new Date("2026-03-02T17:00:00Z");
const session = {
  id: "s1",
  zoomMeetingId: "97711976001",
  startsAt: START,
  durationMinutes: 60,
  lateAfterMinutes: 5,
  requiredPercent: 90,
};
const roster: RosterStudent[] = [0, 1, 2, 3].map((n) => ({
  id: `st${n}`,
  name: `Student ${n}`,
  email: `Student${n}@School.test`,
  emailNormalized: `student${n}@school.test`,
  zoomRegistrantId: n < 2 ? `reg${n}` : null,
}));

const identityValue = fc.record({
  registrantId: fc.constantFrom(null, "", "reg0", "reg1", "regX"),
  email: fc.constantFrom(
    null,
    "",
    " STUDENT0@school.test",
    "student1@school.test",
    "student2@school.test",
    "stranger@x.test",
  ),
  accountId: fc.constantFrom(null, "", "acc0", "acc1", "acc2", "accShared"),
  displayName: fc.constantFrom(null, "Student 3", "student  3", "Guest", "Phone"),
});

const connectionArb = fc.record({
  userId: fc.integer({ min: 1, max: 40 }),
  joinIdentity: identityValue,
  leaveIdentity: fc.option(identityValue, { nil: null }),
  joinMinute: fc.integer({ min: -30, max: 80 }),
  waitingRoom: fc.boolean(),
});

type IdentitySpec = typeof identityValue extends fc.Arbitrary<infer T> ? T : never;
type ConnectionSpec = typeof connectionArb extends fc.Arbitrary<infer T> ? T : never;

function buildEvents(connections: ConnectionSpec[]): EngineEvent[] {
  const events: EngineEvent[] = [];
  const used = new Set<number>();
  let id = 0;
  connections.forEach((connection, index) => {
    if (used.has(connection.userId)) return;
    used.add(connection.userId);
    const join = new Date(START.getTime() + connection.joinMinute * 60_000 + index * 1000);
    const base = {
      source: "webhook" as const,
      zoomMeetingId: session.zoomMeetingId,
      meetingUuid: "uuid-1",
      participantUserId: String(connection.userId),
    };
    const person = (identity: IdentitySpec) => ({
      registrantId: identity.registrantId,
      email: identity.email,
      emailNormalized: identity.email ? identity.email.trim().toLowerCase() : null,
      participantAccountId: identity.accountId,
      displayName: identity.displayName,
    });
    events.push({
      id: String(++id).padStart(6, "0"),
      eventType: "meeting.participant_joined",
      eventTs: join,
      occurredAt: join,
      joinTime: join,
      leaveTime: null,
      ...base,
      ...person(connection.joinIdentity),
    });
    if (connection.leaveIdentity) {
      const leave = new Date(join.getTime() + 10 * 60_000);
      events.push({
        id: String(++id).padStart(6, "0"),
        eventType: "meeting.participant_left",
        eventTs: leave,
        occurredAt: leave,
        joinTime: null,
        leaveTime: leave,
        ...base,
        ...person(connection.leaveIdentity),
      });
    }
    if (connection.waitingRoom) {
      const at = new Date(join.getTime() - 30_000);
      events.push({
        id: String(++id).padStart(6, "0"),
        eventType: "meeting.participant_joined_waiting_room",
        eventTs: at,
        occurredAt: at,
        joinTime: null,
        leaveTime: null,
        ...base,
        participantUserId: `w${connection.userId}`,
        ...person(connection.joinIdentity),
      });
    }
  });
  return events;
}

const matches: ManualMatchInput[] = [
  {
    kind: "display_name",
    value: "student 3",
    studentId: "st3",
    madeInSessionStartsAt: new Date(START.getTime() - 7 * 86_400_000),
  },
  { kind: "account_id", value: "accshared", studentId: "st2", madeInSessionStartsAt: START },
  // made in a later session: does not apply here
  {
    kind: "display_name",
    value: "guest",
    studentId: "st1",
    madeInSessionStartsAt: new Date(START.getTime() + 7 * 86_400_000),
  },
];
const links = [{ zoomAccountId: "acc2", studentId: "st2" }];

describe("attributeSessionEvents", () => {
  it("gives each student exactly the joins the engine counts for them, and no event to two students", () => {
    fc.assert(
      fc.property(fc.array(connectionArb, { minLength: 1, maxLength: 30 }), (connections) => {
        const events = buildEvents(connections);
        const computed = computeSessionAttendance({
          session,
          roster,
          links,
          manualMatches: matches,
          events,
          instances: [],
          now: new Date(START.getTime() + 86_400_000),
        });
        const owners = attributeSessionEvents(events, { session, roster, links, manualMatches: matches });
        const seen = new Set<string>();
        for (const ids of owners.values()) {
          for (const id of ids) {
            expect(seen.has(id)).toBe(false);
            seen.add(id);
          }
        }
        const byId = new Map(events.map((event) => [event.id, event]));
        for (const student of computed.students) {
          const mine = (owners.get(student.studentId) ?? []).map((id) => byId.get(id)!);
          expect(mine.filter((event) => event.eventType === "meeting.participant_joined")).toHaveLength(
            student.joinCount,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it("follows the connection: a leave without identity belongs to whoever the join was", () => {
    const join = {
      id: "1",
      eventType: "meeting.participant_joined",
      source: "webhook" as const,
      eventTs: START,
      zoomMeetingId: session.zoomMeetingId,
      meetingUuid: "u",
      occurredAt: START,
      participantUserId: "7",
      participantAccountId: null,
      registrantId: null,
      email: "student2@school.test",
      emailNormalized: "student2@school.test",
      displayName: "Chen",
      joinTime: START,
      leaveTime: null,
    };
    const leave = {
      ...join,
      id: "2",
      eventType: "meeting.participant_left",
      email: null,
      emailNormalized: null,
      displayName: null,
      joinTime: null,
      leaveTime: new Date(START.getTime() + 60_000),
      occurredAt: new Date(START.getTime() + 60_000),
    };
    const other = {
      ...join,
      id: "3",
      participantUserId: "8",
      email: "someone@else.test",
      emailNormalized: "someone@else.test",
    };
    const owners = attributeSessionEvents([join, leave, other], { session, roster, links: [], manualMatches: [] });
    expect(owners.get("st2")).toEqual(["1", "2"]);
    expect([...owners.keys()]).toEqual(["st2"]);
  });

  it("gives a dial-in caller and a breakout-room connection to the student, as the engine counts them", () => {
    const withPhone = roster.map((student) => (student.id === "st3" ? { ...student, phone: "+15551234567" } : student));
    const base = {
      source: "webhook" as const,
      eventTs: START,
      zoomMeetingId: session.zoomMeetingId,
      meetingUuid: "u",
      occurredAt: START,
      participantAccountId: null,
      registrantId: null,
      email: null,
      emailNormalized: null,
      leaveTime: null,
      joinTime: START,
    };
    const call = {
      ...base,
      id: "1",
      eventType: "meeting.participant_joined",
      participantUserId: "9",
      displayName: "+1 555 123 4567",
    };
    const main = {
      ...base,
      id: "2",
      eventType: "meeting.participant_joined",
      participantUserId: "10",
      email: "student2@school.test",
      emailNormalized: "student2@school.test",
      displayName: "Chen",
    };
    const room = {
      ...base,
      id: "3",
      eventType: "meeting.participant_joined_breakout_room",
      participantUserId: "50",
      displayName: "Chen",
      breakoutRoomUuid: "room-1",
      parentUserId: "10",
    };
    const stranger = {
      ...base,
      id: "4",
      eventType: "meeting.participant_joined",
      participantUserId: "11",
      displayName: "+1 555 999 0000",
    };
    const events = [call, main, room, stranger];
    const owners = attributeSessionEvents(events, { session, roster: withPhone, links: [], manualMatches: [] });
    expect(owners.get("st3")).toEqual(["1"]);
    expect(owners.get("st2")).toEqual(["2", "3"]);
    expect([...owners.keys()].sort()).toEqual(["st2", "st3"]);
    const computed = computeSessionAttendance({
      session,
      roster: withPhone,
      links: [],
      manualMatches: [],
      events,
      instances: [],
      now: new Date(START.getTime() + 600_000),
    });
    expect(
      computed.students
        .filter((student) => student.joinCount > 0)
        .map((student) => student.studentId)
        .sort(),
    ).toEqual(["st2", "st3"]);
  });
});

describe("isDirectlyTheStudents", () => {
  const student = { email: "Ana@School.test", emailNormalized: "ana@school.test", zoomRegistrantId: "reg-ana" };
  it("matches on registrant ID, email (case and spaces ignored) or a linked account, never on a name", () => {
    const none = { registrantId: null, email: null, emailNormalized: null, participantAccountId: null };
    expect(isDirectlyTheStudents({ ...none, registrantId: "reg-ana" }, student, new Set())).toBe(true);
    expect(isDirectlyTheStudents({ ...none, email: " ANA@school.test " }, student, new Set())).toBe(true);
    expect(isDirectlyTheStudents({ ...none, participantAccountId: "acc" }, student, new Set(["acc"]))).toBe(true);
    expect(isDirectlyTheStudents({ ...none, participantAccountId: "acc" }, student, new Set())).toBe(false);
    expect(isDirectlyTheStudents(none, student, new Set())).toBe(false);
  });
});
