import { describe, it, expect } from "vitest";
import {
  attachEventsToSessions,
  computeSessionAttendance,
  deriveInstances,
  normalizeEmail,
  normalizeMeetingId,
  normalizeName,
  refreshFigures,
  sessionState,
  sessionWindow,
  widenedSessionWindow,
} from "./engine";
import type {
  ComputeSessionInput,
  EngineEvent,
  IdentityLinkInput,
  ManualMatchInput,
  MeetingInstanceTimes,
  RosterStudent,
  SessionInput,
} from "./types";

// A 180-minute class 22:00–01:00 UTC, like the school's "6pm to 9pm" Pacific class.
const MEETING_ID = "97711976001";
const UUID = "UFl5dhENRIaQEw6yvhNihw==";
const at = (time: string, day = 14): Date => new Date(`2021-07-${String(day).padStart(2, "0")}T${time}Z`);
const nextDay = (time: string): Date => at(time, 15);

const SESSION: SessionInput = {
  id: "session-1",
  zoomMeetingId: MEETING_ID,
  startsAt: at("22:00:00"),
  durationMinutes: 180,
  lateAfterMinutes: 5,
  requiredPercent: 90,
};

const ANA: RosterStudent = {
  id: "student-ana",
  name: "Ana Lima",
  email: "Ana.Lima@School.edu",
  emailNormalized: "ana.lima@school.edu",
  zoomRegistrantId: "reg-ana",
};
const BEN: RosterStudent = {
  id: "student-ben",
  name: "Ben Okafor",
  email: "ben@school.edu",
  emailNormalized: "ben@school.edu",
  zoomRegistrantId: "reg-ben",
};
const CAROL: RosterStudent = {
  id: "student-carol",
  name: "Carol Diaz",
  email: "carol@school.edu",
  emailNormalized: "carol@school.edu",
  zoomRegistrantId: null,
};
const ROSTER = [ANA, BEN, CAROL];

interface Who {
  registrantId?: string | null;
  email?: string | null;
  accountId?: string | null;
  name?: string | null;
  uuid?: string;
  source?: "webhook" | "report";
  eventTs?: Date | null;
  webinar?: boolean;
}

let eventSequence = 0;
function participantEvent(kind: "join" | "leave", userId: string, time: Date, who: Who = {}): EngineEvent {
  eventSequence++;
  const email = who.email ?? null;
  return {
    id: `event-${eventSequence}`,
    eventType: `${who.webinar ? "webinar" : "meeting"}.participant_${kind === "join" ? "joined" : "left"}`,
    source: who.source ?? "webhook",
    eventTs: who.eventTs === undefined ? time : who.eventTs,
    zoomMeetingId: MEETING_ID,
    meetingUuid: who.uuid ?? UUID,
    occurredAt: time,
    participantUserId: userId,
    participantAccountId: who.accountId ?? null,
    registrantId: who.registrantId ?? null,
    email,
    emailNormalized: email === null ? null : email.trim().toLowerCase(),
    displayName: who.name ?? null,
    joinTime: kind === "join" ? time : null,
    leaveTime: kind === "leave" ? time : null,
  };
}
const joined = (userId: string, time: Date, who?: Who) => participantEvent("join", userId, time, who);
const left = (userId: string, time: Date, who?: Who) => participantEvent("leave", userId, time, who);
/** The same notification stored again (a redelivery that slipped past the store). */
const redelivered = (event: EngineEvent): EngineEvent => ({ ...event, id: `${event.id}-again` });

function meetingEvent(type: "meeting.started" | "meeting.ended", time: Date, uuid = UUID): EngineEvent {
  eventSequence++;
  return {
    id: `event-${eventSequence}`,
    eventType: type,
    source: "webhook",
    eventTs: time,
    zoomMeetingId: MEETING_ID,
    meetingUuid: uuid,
    occurredAt: time,
    participantUserId: null,
    participantAccountId: null,
    registrantId: null,
    email: null,
    emailNormalized: null,
    displayName: null,
    joinTime: null,
    leaveTime: null,
  };
}

const ANA_WHO: Who = { registrantId: "reg-ana", email: "ana.lima@school.edu", name: "Ana Lima" };
const BEN_WHO: Who = { registrantId: "reg-ben", email: "ben@school.edu", name: "Ben" };

function compute(
  events: EngineEvent[],
  options: {
    now?: Date;
    instances?: MeetingInstanceTimes[];
    links?: IdentityLinkInput[];
    manualMatches?: ManualMatchInput[];
    session?: SessionInput;
    roster?: RosterStudent[];
  } = {},
) {
  const input: ComputeSessionInput = {
    session: options.session ?? SESSION,
    roster: options.roster ?? ROSTER,
    links: options.links ?? [],
    manualMatches: options.manualMatches ?? [],
    events,
    instances: options.instances ?? [{ uuid: UUID, startedAt: at("21:55:00"), endedAt: null }],
    now: options.now ?? at("23:00:00"),
  };
  return computeSessionAttendance(input);
}

function studentOf(result: ReturnType<typeof compute>, student: RosterStudent) {
  const found = result.students.find((row) => row.studentId === student.id);
  if (!found) throw new Error(`no row for ${student.id}`);
  return found;
}

const seconds = (hours: number, minutes: number, secs = 0) => hours * 3600 + minutes * 60 + secs;

describe("normalisation helpers", () => {
  it("normalizes emails by trimming and lower-casing", () => {
    expect(normalizeEmail("  Ana.Lima@School.EDU ")).toBe("ana.lima@school.edu");
  });
  it("normalizes names by trimming, collapsing whitespace and lower-casing", () => {
    expect(normalizeName("  Ana \t  LIMA\n")).toBe("ana lima");
    // é as one code point and as e + combining accent are the same name
    expect(normalizeName("Jos\u00e9")).toBe(normalizeName("Jose\u0301"));
  });
  it("normalizes meeting IDs typed with spaces or dashes", () => {
    expect(normalizeMeetingId("977 1197 6001")).toBe("97711976001");
    expect(normalizeMeetingId("977-1197-6001")).toBe("97711976001");
  });
});

describe("session windows", () => {
  it("is [startsAt, startsAt + duration) and widens by an hour on each side", () => {
    expect(sessionWindow(SESSION)).toEqual({ start: at("22:00:00"), end: nextDay("01:00:00") });
    expect(widenedSessionWindow(SESSION)).toEqual({ start: at("21:00:00"), end: nextDay("02:00:00") });
  });
});

describe("worked examples from real traffic", () => {
  it("(a) a redelivered leave counts once and a rejoin puts A back in the meeting", () => {
    const firstJoin = joined("16778240", at("22:00:10"), ANA_WHO);
    const leave = left("16778240", at("22:21:22"), ANA_WHO);
    const rejoin = joined("33555456", at("22:25:00"), ANA_WHO);
    // Arrival order: join, leave, rejoin, then the leave again (22:26, new tracking ID).
    const result = compute([firstJoin, leave, rejoin, redelivered(leave)], { now: at("22:30:00") });
    const ana = studentOf(result, ANA);
    expect(ana.inMeeting).toBe(true);
    expect(ana.openConnections).toBe(1);
    expect(ana.joinCount).toBe(2);
    expect(ana.intervals).toEqual([
      { from: at("22:00:10"), to: at("22:21:22") },
      { from: at("22:25:00"), to: null },
    ]);
    expect(ana.attendedSeconds).toBe(seconds(0, 21, 12) + seconds(0, 5));
    expect(ana.lastLeaveAt).toBeNull();
  });

  it("(b) a second device leaving does not take A out, and the overlap is not counted twice", () => {
    const events = [
      joined("16778240", at("22:00:23"), ANA_WHO), // laptop
      joined("16779264", at("22:54:48"), ANA_WHO), // phone
      left("16779264", at("22:54:56"), ANA_WHO),
    ];
    const ana = studentOf(compute(events, { now: at("23:00:00") }), ANA);
    expect(ana.inMeeting).toBe(true);
    expect(ana.openConnections).toBe(1);
    expect(ana.joinCount).toBe(2);
    expect(ana.intervals).toEqual([{ from: at("22:00:23"), to: null }]);
    expect(ana.attendedSeconds).toBe(seconds(0, 59, 37));
  });
});

describe("connections and presence", () => {
  it("gives the same answer whatever order events arrive in", () => {
    const events = [
      joined("1", at("22:00:00"), ANA_WHO),
      left("1", at("22:40:00"), ANA_WHO),
      joined("2", at("22:45:00"), ANA_WHO),
      left("2", at("23:30:00"), ANA_WHO),
    ];
    const now = at("23:45:00");
    const inOrder = compute(events, { now });
    const reversed = compute([...events].reverse(), { now });
    // participant_left 60–90 s late, after the same person's next participant_joined
    const lateLeave = compute([events[0], events[2], events[1], events[3]], { now });
    expect(reversed).toEqual(inOrder);
    expect(lateLeave).toEqual(inOrder);
    expect(studentOf(inOrder, ANA).attendedSeconds).toBe(seconds(0, 40) + seconds(0, 45));
  });

  it("gives no extra credit for joining early, but records the early first join", () => {
    const ana = studentOf(compute([joined("1", at("21:30:00"), ANA_WHO), left("1", at("22:30:00"), ANA_WHO)]), ANA);
    expect(ana.attendedSeconds).toBe(seconds(0, 30));
    expect(ana.firstJoinAt).toEqual(at("21:30:00"));
    expect(ana.late).toBe(false);
    expect(ana.lateBySeconds).toBe(0);
  });

  it("does not count time after the window (overrun)", () => {
    const events = [joined("1", at("22:00:00"), ANA_WHO), left("1", nextDay("01:30:00"), ANA_WHO)];
    const ana = studentOf(compute(events, { now: nextDay("02:00:00") }), ANA);
    expect(ana.attendedSeconds).toBe(seconds(3, 0));
    expect(ana.attendedPercent).toBe(100);
    expect(ana.status).toBe("present");
    expect(ana.lastLeaveAt).toEqual(nextDay("01:30:00"));
  });

  it("closes a connection with no leave at the meeting instance's end", () => {
    const events = [joined("1", at("22:00:00"), ANA_WHO)];
    const ana = studentOf(
      compute(events, {
        now: nextDay("03:00:00"),
        instances: [{ uuid: UUID, startedAt: at("21:55:00"), endedAt: nextDay("00:30:00") }],
      }),
      ANA,
    );
    expect(ana.attendedSeconds).toBe(seconds(2, 30));
    expect(ana.intervals).toEqual([{ from: at("22:00:00"), to: nextDay("00:30:00") }]);
    expect(ana.lastLeaveAt).toEqual(nextDay("00:30:00"));
    expect(ana.inMeeting).toBe(false);
    expect(ana.openConnections).toBe(0);
  });

  it("keeps a connection with no leave open until now while the meeting runs", () => {
    const ana = studentOf(compute([joined("1", at("22:10:00"), ANA_WHO)], { now: at("23:00:00") }), ANA);
    expect(ana.attendedSeconds).toBe(seconds(0, 50));
    expect(ana.intervals).toEqual([{ from: at("22:10:00"), to: null }]);
    expect(ana.inMeeting).toBe(true);
    expect(ana.lastLeaveAt).toBeNull();
  });

  it("stops showing an open connection as in the meeting an hour after the window when meeting.ended was lost", () => {
    const events = [joined("1", at("22:10:00"), ANA_WHO)];
    const justBefore = studentOf(compute(events, { now: nextDay("01:59:59") }), ANA);
    const after = studentOf(compute(events, { now: nextDay("02:00:00") }), ANA);
    expect(justBefore.inMeeting).toBe(true);
    expect(after.inMeeting).toBe(false);
    expect(after.openConnections).toBe(0);
    // Attendance stays clipped to the window.
    expect(after.attendedSeconds).toBe(seconds(2, 50));
  });

  it("counts a leave whose join was never received from the instance's start", () => {
    const events = [left("1", at("22:30:00"), ANA_WHO)];
    const ana = studentOf(
      compute(events, { instances: [{ uuid: UUID, startedAt: at("22:03:00"), endedAt: null }] }),
      ANA,
    );
    expect(ana.attendedSeconds).toBe(seconds(0, 27));
    expect(ana.firstJoinAt).toEqual(at("22:03:00"));
    expect(ana.joinCount).toBe(0);
    expect(ana.inMeeting).toBe(false);
  });

  it("counts a leave whose join was never received from startsAt when the instance start is unknown", () => {
    const events = [left("1", at("22:30:00"), ANA_WHO)];
    const withoutStart = studentOf(
      compute(events, { instances: [{ uuid: UUID, startedAt: null, endedAt: null }] }),
      ANA,
    );
    const withoutInstance = studentOf(compute(events, { instances: [] }), ANA);
    expect(withoutStart.attendedSeconds).toBe(seconds(0, 30));
    expect(withoutInstance.attendedSeconds).toBe(seconds(0, 30));
  });

  it("pairs a reused user_id's rejoin by timestamps (each leave with the latest join before it)", () => {
    const events = [
      left("7", at("23:00:00"), ANA_WHO),
      joined("7", at("22:30:00"), ANA_WHO),
      left("7", at("22:20:00"), ANA_WHO),
      joined("7", at("22:00:00"), ANA_WHO),
    ];
    const ana = studentOf(compute(events), ANA);
    expect(ana.intervals).toEqual([
      { from: at("22:00:00"), to: at("22:20:00") },
      { from: at("22:30:00"), to: at("23:00:00") },
    ]);
    expect(ana.attendedSeconds).toBe(seconds(0, 50));
    expect(ana.joinCount).toBe(2);
  });

  it("absorbs breakout-room moves (leave/join pairs with new user_ids) into one presence", () => {
    const events = [
      joined("100", at("22:00:00"), ANA_WHO),
      left("100", at("22:30:00"), ANA_WHO), // to the breakout room
      joined("200", at("22:30:01"), ANA_WHO),
      left("200", at("22:50:00"), ANA_WHO), // back to the main room
      joined("300", at("22:50:00"), ANA_WHO),
      left("300", at("23:00:00"), ANA_WHO),
    ];
    const ana = studentOf(compute(events, { now: at("23:10:00") }), ANA);
    expect(ana.attendedSeconds).toBe(seconds(1, 0) - 1);
    expect(ana.joinCount).toBe(3);
    expect(ana.intervals).toEqual([
      { from: at("22:00:00"), to: at("22:30:00") },
      { from: at("22:30:01"), to: at("23:00:00") },
    ]);
  });

  it("keeps two different people's events that share an event_ts", () => {
    const sharedTs = at("22:00:05");
    const events = [
      joined("1", at("22:00:00"), { ...ANA_WHO, eventTs: sharedTs }),
      joined("1", at("22:00:00"), { ...BEN_WHO, eventTs: sharedTs, uuid: UUID }),
    ];
    // Same user_id value in two meetings would be two connections; here the same user_id in the same
    // meeting would collide, so Ben has his own user_id as Zoom would give him.
    events[1] = { ...events[1], participantUserId: "2" };
    const result = compute(events);
    expect(studentOf(result, ANA).attendedSeconds).toBe(seconds(1, 0));
    expect(studentOf(result, BEN).attendedSeconds).toBe(seconds(1, 0));
  });

  it("treats equal user_ids in different meeting instances as different connections", () => {
    const events = [
      joined("16778240", at("22:00:00"), ANA_WHO),
      left("16778240", at("22:30:00"), { ...BEN_WHO, uuid: "other-instance==" }),
    ];
    const result = compute(events, {
      instances: [
        { uuid: UUID, startedAt: at("21:55:00"), endedAt: null },
        { uuid: "other-instance==", startedAt: at("22:10:00"), endedAt: null },
      ],
    });
    expect(studentOf(result, ANA).inMeeting).toBe(true);
    expect(studentOf(result, BEN).attendedSeconds).toBe(seconds(0, 20));
  });

  it("counts identical (type, connection, time) events once, whatever their ids or source", () => {
    const join = joined("1", at("22:00:00"), ANA_WHO);
    const leave = left("1", at("22:45:00"), ANA_WHO);
    const fromReport = (event: EngineEvent): EngineEvent => ({ ...event, id: `report-${event.id}`, source: "report" });
    const once = compute([join, leave]);
    const many = compute([join, redelivered(join), fromReport(join), leave, leave, fromReport(leave)]);
    expect(many).toEqual(once);
    expect(studentOf(many, ANA).joinCount).toBe(1);
  });

  it("accepts webinar participant events and ignores waiting-room and unknown events", () => {
    const waiting: EngineEvent = {
      ...joined("9", at("21:40:00"), ANA_WHO),
      eventType: "meeting.participant_joined_waiting_room",
    };
    const admitted: EngineEvent = {
      ...joined("9", at("21:50:00"), ANA_WHO),
      eventType: "meeting.participant_admitted",
    };
    const events = [
      waiting,
      admitted,
      joined("1", at("22:00:00"), { ...ANA_WHO, webinar: true }),
      left("1", at("22:10:00"), { ...ANA_WHO, webinar: true }),
      meetingEvent("meeting.started", at("21:55:00")),
    ];
    const ana = studentOf(compute(events), ANA);
    expect(ana.attendedSeconds).toBe(seconds(0, 10));
    expect(ana.firstJoinAt).toEqual(at("22:00:00"));
    expect(ana.joinCount).toBe(1);
  });
});

describe("status and lateness", () => {
  const stayFor = (minutes: number) => [
    joined("1", at("22:00:00"), ANA_WHO),
    left("1", new Date(at("22:00:00").getTime() + minutes * 60_000), ANA_WHO),
  ];

  it("161 of 180 minutes is 89.4% and partial; 162 is 90.0% and present", () => {
    const at161 = studentOf(compute(stayFor(161), { now: nextDay("02:00:00") }), ANA);
    const at162 = studentOf(compute(stayFor(162), { now: nextDay("02:00:00") }), ANA);
    expect(at161.attendedPercent).toBe(89.4);
    expect(at161.status).toBe("partial");
    expect(at162.attendedPercent).toBe(90);
    expect(at162.status).toBe("present");
  });

  it("is absent with no time in the window, partial with any", () => {
    const early = [joined("1", at("21:00:00"), ANA_WHO), left("1", at("21:59:59"), ANA_WHO)];
    expect(studentOf(compute(early), ANA).status).toBe("absent");
    expect(studentOf(compute(stayFor(1)), ANA).status).toBe("partial");
  });

  it("a join exactly at startsAt + lateAfterMinutes is on time; a second later is late", () => {
    const onTime = studentOf(compute([joined("1", at("22:05:00"), ANA_WHO)]), ANA);
    const late = studentOf(compute([joined("1", at("22:05:01"), ANA_WHO)]), ANA);
    expect(onTime.late).toBe(false);
    expect(onTime.lateBySeconds).toBe(0);
    expect(late.late).toBe(true);
    expect(late.lateBySeconds).toBe(301);
  });

  it("counts nothing after now (figures are as of now)", () => {
    const events = [joined("1", at("22:00:00"), ANA_WHO), left("1", at("23:00:00"), ANA_WHO)];
    expect(studentOf(compute(events, { now: at("22:30:00") }), ANA).attendedSeconds).toBe(seconds(0, 30));
  });

  it("lateness is measured from the first join, whatever device", () => {
    const events = [joined("2", at("22:20:00"), ANA_WHO), joined("1", at("22:02:00"), ANA_WHO)];
    expect(studentOf(compute(events), ANA).late).toBe(false);
  });

  it("lists every roster student in roster order, absent with zeros when never seen", () => {
    const result = compute([joined("1", at("22:00:00"), BEN_WHO)]);
    expect(result.students.map((row) => row.studentId)).toEqual([ANA.id, BEN.id, CAROL.id]);
    expect(studentOf(result, CAROL)).toEqual({
      studentId: CAROL.id,
      status: "absent",
      late: false,
      lateBySeconds: 0,
      intervals: [],
      attendedSeconds: 0,
      attendedPercent: 0,
      firstJoinAt: null,
      lastLeaveAt: null,
      joinCount: 0,
      inMeeting: false,
      openConnections: 0,
      breakoutIntervals: [],
      breakoutRoom: null,
    });
  });
});

describe("attaching events to sessions", () => {
  const lone: SessionInput = { ...SESSION, id: "lone", startsAt: at("10:00:00"), durationMinutes: 60 };
  const event = (time: Date, meetingId = MEETING_ID): EngineEvent => ({
    ...joined("1", time),
    zoomMeetingId: meetingId,
  });

  it("attaches events stored before the session existed once it does", () => {
    const stored = [event(at("10:15:00")), event(at("10:40:00"))];
    expect(attachEventsToSessions(stored, []).size).toBe(0);
    const attached = attachEventsToSessions(stored, [lone]);
    expect(attached.get("lone")).toEqual(stored);
  });

  it("uses the window widened by 60 minutes each side, half-open", () => {
    const inside = [event(at("09:00:00")), event(at("11:59:59"))];
    const outside = [event(at("08:59:59")), event(at("12:00:00"))];
    const attached = attachEventsToSessions([...outside, ...inside], [lone]);
    expect(attached.get("lone")).toEqual(inside);
  });

  it("drops events of other meeting IDs and matches IDs typed with spaces", () => {
    const other = event(at("10:15:00"), "12345678901");
    const spaced = event(at("10:16:00"), "977 1197 6001");
    const attached = attachEventsToSessions([other, spaced], [lone]);
    expect(attached.get("lone")).toEqual([spaced]);
  });

  it("picks the session whose start is nearest, the earlier one on a tie", () => {
    const morning: SessionInput = { ...lone, id: "morning", startsAt: at("10:00:00") };
    const noon: SessionInput = { ...lone, id: "noon", startsAt: at("12:00:00") };
    const nearerNoon = event(at("11:30:00"));
    const tie = event(at("11:00:00"));
    const nearerMorning = event(at("10:59:59"));
    // Input order of sessions must not matter.
    for (const sessions of [
      [morning, noon],
      [noon, morning],
    ]) {
      const attached = attachEventsToSessions([nearerNoon, tie, nearerMorning], sessions);
      expect(attached.get("morning")).toEqual([tie, nearerMorning]);
      expect(attached.get("noon")).toEqual([nearerNoon]);
    }
  });

  it("finds a long session even when a later short session of the same meeting exists", () => {
    const long: SessionInput = { ...lone, id: "long", startsAt: at("08:00:00"), durationMinutes: 300 };
    const short: SessionInput = { ...lone, id: "short", startsAt: at("16:00:00"), durationMinutes: 30 };
    const attached = attachEventsToSessions([event(at("13:30:00"))], [short, long]);
    expect(attached.get("long")).toHaveLength(1);
    expect(attached.get("short")).toEqual([]);
  });
});

describe("who is who", () => {
  const ABBY: RosterStudent = {
    ...ANA,
    id: "student-abby",
    email: "abby@school.edu",
    emailNormalized: "abby@school.edu",
    zoomRegistrantId: "reg-abby",
  };

  it("a registrant ID beats an email that belongs to someone else", () => {
    const events = [joined("1", at("22:00:00"), { registrantId: "reg-ana", email: "ben@school.edu" })];
    const result = compute(events);
    expect(studentOf(result, ANA).joinCount).toBe(1);
    expect(studentOf(result, BEN).joinCount).toBe(0);
  });

  it("matches emails whatever their case and surrounding spaces", () => {
    const raw: EngineEvent = { ...joined("1", at("22:00:00")), email: "  CAROL@School.EDU ", emailNormalized: null };
    expect(studentOf(compute([raw]), CAROL).joinCount).toBe(1);
  });

  it("merges the identity fields of a connection's join and leave", () => {
    const events = [
      joined("1", at("22:00:00"), { name: "iPhone" }),
      left("1", at("22:30:00"), { email: "ben@school.edu" }),
    ];
    const result = compute(events);
    expect(studentOf(result, BEN).attendedSeconds).toBe(seconds(0, 30));
    expect(result.guests).toEqual([]);
  });

  it("matches an account ID linked to a student earlier in the course", () => {
    const events = [joined("1", at("22:00:00"), { accountId: "acct-carol", name: "CD" })];
    const links = [{ zoomAccountId: "acct-carol", studentId: CAROL.id }];
    expect(studentOf(compute(events, { links }), CAROL).joinCount).toBe(1);
  });

  it("ignores links to students no longer on the roster", () => {
    const events = [joined("1", at("22:00:00"), { accountId: "acct-gone", name: "Gone" })];
    const result = compute(events, { links: [{ zoomAccountId: "acct-gone", studentId: "student-gone" }] });
    expect(result.guests.map((guest) => guest.guestKey)).toEqual(["account:acct-gone"]);
  });

  it("learns links within the session and reports them", () => {
    const events = [
      joined("1", at("22:00:00"), { email: "ben@school.edu", accountId: "acct-ben" }),
      // the phone: signed in to the same Zoom account, no email
      joined("2", at("22:10:00"), { accountId: "acct-ben", name: "Galaxy S21" }),
      left("2", at("22:20:00"), { accountId: "acct-ben", name: "Galaxy S21" }),
    ];
    const result = compute(events);
    expect(studentOf(result, BEN).joinCount).toBe(2);
    expect(result.guests).toEqual([]);
    expect(result.learnedLinks).toEqual([{ zoomAccountId: "acct-ben", studentId: BEN.id }]);
  });

  it("learns a link only from registrant or email matches, once per account", () => {
    const events = [
      joined("1", at("22:00:00"), { ...ANA_WHO, accountId: "acct-ana" }),
      joined("2", at("22:05:00"), { ...ANA_WHO, accountId: "acct-ana" }),
      joined("3", at("22:05:00"), { accountId: "acct-carol" }),
    ];
    const links = [{ zoomAccountId: "acct-carol", studentId: CAROL.id }];
    expect(compute(events, { links }).learnedLinks).toEqual([{ zoomAccountId: "acct-ana", studentId: ANA.id }]);
  });

  it("does not learn an account ID shared by two students", () => {
    const events = [
      joined("1", at("22:00:00"), { email: "ana.lima@school.edu", accountId: "acct-family" }),
      joined("2", at("22:00:00"), { email: "ben@school.edu", accountId: "acct-family" }),
      joined("3", at("22:00:00"), { accountId: "acct-family", name: "Family iPad" }),
    ];
    const result = compute(events);
    expect(result.learnedLinks).toEqual([]);
    expect(result.guests.map((guest) => guest.guestKey)).toEqual(["account:acct-family"]);
  });

  it("applies manual matches in their own session and later ones, not earlier", () => {
    const events = [joined("1", at("22:00:00"), { name: "  carol   D. " })];
    const match = (madeIn: Date): ManualMatchInput => ({
      kind: "display_name",
      value: "carol d.",
      studentId: CAROL.id,
      madeInSessionStartsAt: madeIn,
    });
    expect(studentOf(compute(events, { manualMatches: [match(SESSION.startsAt)] }), CAROL).joinCount).toBe(1);
    expect(studentOf(compute(events, { manualMatches: [match(at("22:00:00", 7))] }), CAROL).joinCount).toBe(1);
    const later = compute(events, { manualMatches: [match(at("22:00:00", 21))] });
    expect(studentOf(later, CAROL).joinCount).toBe(0);
    expect(later.guests).toHaveLength(1);
  });

  it("applies manual matches by account ID and by email", () => {
    const madeInSessionStartsAt = SESSION.startsAt;
    const events = [
      joined("1", at("22:00:00"), { accountId: "AbC123", name: "x" }),
      joined("2", at("22:00:00"), { email: "Carol.Home@Example.com" }),
    ];
    const result = compute(events, {
      manualMatches: [
        { kind: "account_id", value: "abc123", studentId: BEN.id, madeInSessionStartsAt },
        { kind: "email", value: "carol.home@example.com", studentId: CAROL.id, madeInSessionStartsAt },
      ],
    });
    expect(studentOf(result, BEN).joinCount).toBe(1);
    expect(studentOf(result, CAROL).joinCount).toBe(1);
    // Manual matches are not evidence to learn account links from.
    expect(result.learnedLinks).toEqual([]);
  });

  it("prefers a learned account link over a manual match (rule order)", () => {
    const events = [joined("1", at("22:00:00"), { accountId: "acct-x", name: "Ana Lima" })];
    const result = compute(events, {
      links: [{ zoomAccountId: "acct-x", studentId: ANA.id }],
      manualMatches: [
        { kind: "display_name", value: "ana lima", studentId: BEN.id, madeInSessionStartsAt: SESSION.startsAt },
      ],
    });
    expect(studentOf(result, ANA).joinCount).toBe(1);
    expect(studentOf(result, BEN).joinCount).toBe(0);
  });

  it("groups guests by account ID, else email, else display name, sorted by first join", () => {
    const events = [
      joined("1", at("22:10:00"), { accountId: "acct-g1", name: "Guest One" }),
      joined("2", at("22:20:00"), { accountId: "acct-g1", name: "Guest One (phone)" }),
      joined("3", at("22:05:00"), { email: "Visitor@Example.com", name: "Visitor" }),
      joined("4", at("22:30:00"), { email: "visitor@example.com" }),
      joined("5", at("22:01:00"), { name: "Dial-in  User" }),
      joined("6", at("22:02:00"), { name: "dial-in user" }),
    ];
    const result = compute(events, { roster: [ABBY] });
    expect(
      result.guests.map((guest) => [
        guest.guestKey,
        guest.name,
        guest.email,
        guest.joinCount,
        guest.matchKind,
        guest.matchValue,
      ]),
    ).toEqual([
      ["name:dial-in user", "Dial-in  User", null, 2, "display_name", "dial-in user"],
      ["email:visitor@example.com", "Visitor", "Visitor@Example.com", 2, "email", "visitor@example.com"],
      ["account:acct-g1", "Guest One", null, 2, "account_id", "acct-g1"],
    ]);
    expect(result.guests[2].openConnections).toBe(2);
  });
});

describe("session state", () => {
  const running: MeetingInstanceTimes[] = [{ uuid: UUID, startedAt: at("21:40:00"), endedAt: null }];
  const ended: MeetingInstanceTimes[] = [{ uuid: UUID, startedAt: at("21:40:00"), endedAt: at("23:00:00") }];
  it.each([
    ["scheduled before the start with no instance", [], at("21:59:59"), "scheduled"],
    ["live at the start", [], at("22:00:00"), "live"],
    ["live inside the window even after the meeting ended", ended, at("23:30:00"), "live"],
    ["ended at the window's end", [], nextDay("01:00:00"), "ended"],
    ["live early when the meeting has started", running, at("21:45:00"), "live"],
    ["scheduled more than an hour early even if started", running, at("20:59:59"), "scheduled"],
    ["live when running over", running, nextDay("01:59:59"), "live"],
    ["ended an hour after the window even if still running", running, nextDay("02:00:00"), "ended"],
    ["ended after the window when the meeting ended", ended, nextDay("01:00:01"), "ended"],
    [
      "scheduled early when the instance never started",
      [{ uuid: UUID, startedAt: null, endedAt: null }],
      at("21:45:00"),
      "scheduled",
    ],
  ] as [string, MeetingInstanceTimes[], Date, string][])("%s", (_label, instances, now, expected) => {
    expect(sessionState(SESSION, instances, now)).toBe(expected);
  });

  it("is reported by computeSessionAttendance", () => {
    expect(compute([], { now: at("22:30:00") }).state).toBe("live");
    expect(compute([], { now: nextDay("03:00:00"), instances: ended }).state).toBe("ended");
  });
});

describe("meeting instances", () => {
  it("derives instance start and end from meeting.started / meeting.ended, redeliveries collapsed", () => {
    const started = meetingEvent("meeting.started", at("21:55:00"));
    const ended = meetingEvent("meeting.ended", nextDay("01:02:00"));
    const instantMeeting = meetingEvent("meeting.ended", at("23:00:00"), "instant==");
    expect(
      deriveInstances([ended, started, redelivered(started), instantMeeting, joined("1", at("22:00:00"))]),
    ).toEqual(
      [
        { uuid: UUID, startedAt: at("21:55:00"), endedAt: nextDay("01:02:00") },
        { uuid: "instant==", startedAt: null, endedAt: at("23:00:00") },
      ].sort((a, b) => (a.uuid < b.uuid ? -1 : 1)),
    );
  });
});

describe("refreshFigures (so-far reads of a live session)", () => {
  const events = [
    joined("1", at("22:00:23"), ANA_WHO),
    joined("2", at("22:54:48"), ANA_WHO),
    left("2", at("22:54:56"), ANA_WHO),
    joined("3", at("22:10:00"), BEN_WHO),
    joined("4", at("22:20:00"), BEN_WHO),
  ];

  it("brings stored figures up to date without a recompute", () => {
    const stored = compute(events, { now: at("23:00:00") });
    const later = compute(events, { now: at("23:45:00") });
    for (const student of ROSTER) {
      const storedRow = studentOf(stored, student);
      const laterRow = studentOf(later, student);
      const refreshed = refreshFigures(storedRow, SESSION, null, at("23:45:00"));
      expect(refreshed).toEqual({
        attendedSeconds: laterRow.attendedSeconds,
        attendedPercent: laterRow.attendedPercent,
        status: laterRow.status,
        inMeeting: laterRow.inMeeting,
        openConnections: laterRow.openConnections,
        firstJoinAt: laterRow.firstJoinAt,
        lastLeaveAt: laterRow.lastLeaveAt,
      });
    }
    expect(refreshFigures(studentOf(stored, BEN), SESSION, null, at("23:45:00")).openConnections).toBe(2);
  });

  it("closes open intervals at a meeting end that happened after the projection was stored", () => {
    const stored = studentOf(compute(events, { now: at("23:00:00") }), ANA);
    const refreshed = refreshFigures(stored, SESSION, nextDay("00:30:00"), nextDay("02:00:00"));
    const recomputed = studentOf(
      compute(events, {
        now: nextDay("02:00:00"),
        instances: [{ uuid: UUID, startedAt: at("21:55:00"), endedAt: nextDay("00:30:00") }],
      }),
      ANA,
    );
    expect(refreshed.attendedSeconds).toBe(recomputed.attendedSeconds);
    expect(refreshed.lastLeaveAt).toEqual(nextDay("00:30:00"));
    expect(refreshed.inMeeting).toBe(false);
    expect(refreshed.status).toBe(recomputed.status);
  });

  it("works from JSON-like stored intervals without openConnections", () => {
    const refreshed = refreshFigures(
      {
        intervals: [
          { from: at("22:00:00"), to: at("22:30:00") },
          { from: at("22:40:00"), to: null },
        ],
      },
      SESSION,
      null,
      at("23:00:00"),
    );
    expect(refreshed).toMatchObject({
      attendedSeconds: seconds(0, 50),
      inMeeting: true,
      openConnections: 1,
      lastLeaveAt: null,
    });
  });
});
