// Property-based tests: random connections for a few participants within and around the window.
import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { computeSessionAttendance, refreshFigures } from "./engine";
import type {
  ComputeSessionInput,
  EngineEvent,
  MeetingInstanceTimes,
  RosterStudent,
  SessionAttendance,
  SessionInput,
} from "./types";

const UUID = "instance-uuid==";
const MEETING_ID = "81234567890";
const STARTS_AT_MS = Date.UTC(2024, 2, 1, 18, 0, 0);
const MINUTE = 60;

const ROSTER: RosterStudent[] = [0, 1, 2].map((index) => ({
  id: `student-${index}`,
  name: `Student ${index}`,
  email: `student${index}@school.edu`,
  emailNormalized: `student${index}@school.edu`,
  zoomRegistrantId: `reg-${index}`,
}));

/** People 0–2 are roster students, 3 a signed-in guest, 4 a dial-in guest known only by name. */
const PEOPLE = 5;

interface GeneratedConnection {
  person: number;
  /** seconds from startsAt */
  joinOffset: number;
  lengthSeconds: number;
  hasJoin: boolean;
  hasLeave: boolean;
  /** for students: which event carries the email/registrant (the other may carry only a name) */
  identityOnJoin: boolean;
  useRegistrant: boolean;
  withAccount: boolean;
  /** rarely, Zoom reuses a user_id for a rejoin: reuse this person's previous connection's id */
  reuseUserId: boolean;
}

interface Scenario {
  durationMinutes: number;
  connections: GeneratedConnection[];
  instanceStartOffset: number | null;
  /** seconds after the last participant event; null = meeting still running */
  instanceEndAfterLast: number | null;
  nowOffset: number;
  laterBy: number;
}

const connectionArbitrary = (durationMinutes: number): fc.Arbitrary<GeneratedConnection> =>
  fc
    .record({
      person: fc.integer({ min: 0, max: PEOPLE - 1 }),
      joinOffset: fc.integer({ min: -90 * MINUTE, max: (durationMinutes + 90) * MINUTE }),
      lengthSeconds: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 4 * 60 * MINUTE })),
      presence: fc.constantFrom("both", "both", "both", "both", "joinOnly", "leaveOnly"),
      identityOnJoin: fc.boolean(),
      useRegistrant: fc.boolean(),
      withAccount: fc.boolean(),
      reuseUserId: fc.constantFrom(false, false, false, true),
    })
    .map(({ presence, ...rest }) => ({
      ...rest,
      hasJoin: presence !== "leaveOnly",
      hasLeave: presence !== "joinOnly",
    }));

const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.constantFrom(30, 60, 180).chain((durationMinutes) =>
  fc.record({
    durationMinutes: fc.constant(durationMinutes),
    connections: fc.array(connectionArbitrary(durationMinutes), { minLength: 0, maxLength: 12 }),
    instanceStartOffset: fc.option(fc.integer({ min: -60 * MINUTE, max: 30 * MINUTE }), { nil: null }),
    instanceEndAfterLast: fc.option(fc.integer({ min: 0, max: 60 * MINUTE }), { nil: null }),
    nowOffset: fc.integer({ min: -120 * MINUTE, max: (durationMinutes + 240) * MINUTE }),
    laterBy: fc.integer({ min: 0, max: 240 * MINUTE }),
  }),
);

const dateAt = (offsetSeconds: number) => new Date(STARTS_AT_MS + offsetSeconds * 1000);

function sessionOf(scenario: Scenario): SessionInput {
  return {
    id: "session",
    zoomMeetingId: MEETING_ID,
    startsAt: new Date(STARTS_AT_MS),
    durationMinutes: scenario.durationMinutes,
    lateAfterMinutes: 5,
    requiredPercent: 90,
  };
}

function eventsOf(connections: GeneratedConnection[], idPrefix = "c"): EngineEvent[] {
  const events: EngineEvent[] = [];
  const lastUserIdOf = new Map<number, string>();
  connections.forEach((connection, index) => {
    const userId = (connection.reuseUserId && lastUserIdOf.get(connection.person)) || `${idPrefix}${index}`;
    lastUserIdOf.set(connection.person, userId);
    const isStudent = connection.person < 3;
    const make = (kind: "join" | "leave", offset: number): EngineEvent => {
      const time = dateAt(offset);
      const carriesIdentity = kind === "join" ? connection.identityOnJoin : !connection.identityOnJoin;
      // A connection with only one event must carry the identity on it.
      const identityHere = carriesIdentity || !(connection.hasJoin && connection.hasLeave);
      let registrantId: string | null = null;
      let email: string | null = null;
      let accountId: string | null = null;
      let displayName: string | null = `Person ${connection.person}`;
      if (isStudent && identityHere) {
        if (connection.useRegistrant) registrantId = `reg-${connection.person}`;
        else email = ` Student${connection.person}@School.edu `;
      }
      if (isStudent && connection.withAccount && identityHere) accountId = `acct-${connection.person}`;
      if (connection.person === 3) accountId = "acct-guest";
      if (connection.person === 4) displayName = "Dial-in User";
      return {
        id: `${idPrefix}${index}-${kind}`,
        eventType: kind === "join" ? "meeting.participant_joined" : "meeting.participant_left",
        source: "webhook",
        eventTs: time,
        zoomMeetingId: MEETING_ID,
        meetingUuid: UUID,
        occurredAt: time,
        participantUserId: userId,
        participantAccountId: accountId,
        registrantId,
        email,
        emailNormalized: email === null ? null : email.trim().toLowerCase(),
        displayName,
        joinTime: kind === "join" ? time : null,
        leaveTime: kind === "leave" ? time : null,
      };
    };
    if (connection.hasJoin) events.push(make("join", connection.joinOffset));
    if (connection.hasLeave) events.push(make("leave", connection.joinOffset + connection.lengthSeconds));
  });
  return events;
}

function lastEventOffset(connections: GeneratedConnection[]): number {
  let last = -Infinity;
  for (const connection of connections) last = Math.max(last, connection.joinOffset + connection.lengthSeconds);
  return Number.isFinite(last) ? last : 0;
}

function instancesOf(scenario: Scenario, ended: boolean): MeetingInstanceTimes[] {
  return [
    {
      uuid: UUID,
      startedAt: scenario.instanceStartOffset === null ? null : dateAt(scenario.instanceStartOffset),
      endedAt:
        ended && scenario.instanceEndAfterLast !== null
          ? dateAt(lastEventOffset(scenario.connections) + scenario.instanceEndAfterLast)
          : null,
    },
  ];
}

function inputOf(
  scenario: Scenario,
  events: EngineEvent[],
  overrides: Partial<ComputeSessionInput> = {},
): ComputeSessionInput {
  return {
    session: sessionOf(scenario),
    roster: ROSTER,
    links: [],
    manualMatches: [],
    events,
    instances: instancesOf(scenario, true),
    now: dateAt(scenario.nowOffset),
    ...overrides,
  };
}

function allParticipants(result: SessionAttendance) {
  return [...result.students, ...result.guests];
}

describe("engine properties", () => {
  it("any permutation of the events gives the same result", () => {
    fc.assert(
      fc.property(
        scenarioArbitrary.chain((scenario) => {
          const events = eventsOf(scenario.connections);
          return fc.tuple(
            fc.constant(scenario),
            fc.constant(events),
            fc.shuffledSubarray(events, { minLength: events.length }),
          );
        }),
        ([scenario, events, shuffled]) => {
          expect(computeSessionAttendance(inputOf(scenario, shuffled))).toEqual(
            computeSessionAttendance(inputOf(scenario, events)),
          );
        },
      ),
    );
  });

  it("duplicating any events changes nothing", () => {
    fc.assert(
      fc.property(
        scenarioArbitrary.chain((scenario) => {
          const events = eventsOf(scenario.connections);
          return fc.tuple(fc.constant(scenario), fc.constant(events), fc.subarray(events), fc.boolean());
        }),
        ([scenario, events, duplicated, newIds]) => {
          const copies = duplicated.map((event) =>
            newIds ? { ...event, id: `${event.id}-redelivery` } : { ...event },
          );
          expect(computeSessionAttendance(inputOf(scenario, [...copies, ...events, ...copies]))).toEqual(
            computeSessionAttendance(inputOf(scenario, events)),
          );
        },
      ),
    );
  });

  it("attendedSeconds never exceeds the window nor falls below the longest connection inside it", () => {
    fc.assert(
      fc.property(scenarioArbitrary, (scenario) => {
        const result = computeSessionAttendance(inputOf(scenario, eventsOf(scenario.connections)));
        const windowSeconds = scenario.durationMinutes * 60;
        for (const participant of allParticipants(result)) {
          expect(participant.attendedSeconds).toBeLessThanOrEqual(windowSeconds);
          expect(participant.attendedSeconds).toBeGreaterThanOrEqual(0);
          expect(participant.attendedPercent).toBeLessThanOrEqual(100);
        }
        // Students are always identified (registrant or email on one of their events).
        scenario.connections.forEach((connection) => {
          if (connection.person >= 3 || !connection.hasJoin || !connection.hasLeave) return;
          // ∩ window ∩ (−∞, now): figures are "as of now"
          const clipped =
            Math.min(connection.joinOffset + connection.lengthSeconds, windowSeconds, scenario.nowOffset) -
            Math.max(connection.joinOffset, 0);
          const row = result.students[connection.person];
          expect(row.attendedSeconds).toBeGreaterThanOrEqual(Math.max(0, clipped));
        });
      }),
    );
  });

  it("adding a connection never lowers anyone's attendance", () => {
    fc.assert(
      fc.property(
        scenarioArbitrary.chain((scenario) =>
          fc.tuple(
            fc.constant(scenario),
            connectionArbitrary(scenario.durationMinutes).map((extra) => ({ ...extra, withAccount: false })),
          ),
        ),
        ([scenario, extra]) => {
          const before = computeSessionAttendance(inputOf(scenario, eventsOf(scenario.connections)));
          const after = computeSessionAttendance(
            inputOf(scenario, [...eventsOf(scenario.connections), ...eventsOf([extra], "extra")]),
          );
          before.students.forEach((row, index) => {
            expect(after.students[index].attendedSeconds).toBeGreaterThanOrEqual(row.attendedSeconds);
          });
          for (const guest of before.guests) {
            const later = after.guests.find((candidate) => candidate.guestKey === guest.guestKey);
            expect(later?.attendedSeconds ?? -1).toBeGreaterThanOrEqual(guest.attendedSeconds);
          }
        },
      ),
    );
  });

  it("refreshFigures at `now` equals computeSessionAttendance at `now`", () => {
    fc.assert(
      fc.property(scenarioArbitrary, fc.boolean(), (scenario, endsInBetween) => {
        const events = eventsOf(scenario.connections);
        const storedAt = dateAt(scenario.nowOffset);
        const readAt = dateAt(scenario.nowOffset + scenario.laterBy);
        // The projection is stored while the meeting runs; by the read the meeting may have ended.
        const stored = computeSessionAttendance(
          inputOf(scenario, events, { now: storedAt, instances: instancesOf(scenario, false) }),
        );
        const endedInstances = instancesOf(scenario, endsInBetween);
        const fresh = computeSessionAttendance(inputOf(scenario, events, { now: readAt, instances: endedInstances }));
        const meetingEndedAt = endedInstances[0].endedAt;
        const storedRows = allParticipants(stored);
        const freshRows = allParticipants(fresh);
        expect(storedRows.length).toBe(freshRows.length);
        storedRows.forEach((storedRow, index) => {
          const freshRow = freshRows[index];
          const refreshed = refreshFigures(
            // Round-trip through JSON, as the projection is stored.
            {
              intervals: (JSON.parse(JSON.stringify(storedRow.intervals)) as { from: string; to: string | null }[]).map(
                (interval) => ({
                  from: new Date(interval.from),
                  to: interval.to === null ? null : new Date(interval.to),
                }),
              ),
              openConnections: storedRow.openConnections,
            },
            sessionOf(scenario),
            meetingEndedAt,
            readAt,
          );
          expect(refreshed).toEqual({
            attendedSeconds: freshRow.attendedSeconds,
            attendedPercent: freshRow.attendedPercent,
            status: "status" in freshRow ? freshRow.status : refreshed.status,
            inMeeting: freshRow.inMeeting,
            openConnections: freshRow.openConnections,
            firstJoinAt: freshRow.firstJoinAt,
            lastLeaveAt: freshRow.lastLeaveAt,
          });
        });
      }),
    );
  });
});
