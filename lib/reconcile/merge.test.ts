import { describe, expect, it } from "vitest";
import type { ZoomReportParticipant } from "../zoom/api";
import {
  planReportMerge,
  reportDedupeKey,
  samePerson,
  type ReportEventInsert,
  type StoredParticipantEvent,
} from "./merge";

const UUID = "UFl5dhENRIaQEw6yvhNihw==";
const context = { meetingUuid: UUID, zoomMeetingId: "97711976001" };
const T = (hhmmss: string) => new Date(`2026-11-20T${hhmmss}Z`);

function row(overrides: Partial<ZoomReportParticipant> = {}): ZoomReportParticipant {
  return {
    id: "",
    user_id: "16778240",
    participant_user_id: "",
    name: "Ana Lima",
    user_email: "ana@example.edu",
    registrant_id: "",
    join_time: "2026-11-20T18:00:05Z",
    leave_time: "2026-11-20T19:00:00Z",
    duration: 3595,
    status: "in_meeting",
    ...overrides,
  };
}

function stored(
  kind: "join" | "leave",
  time: string,
  overrides: Partial<StoredParticipantEvent> = {},
): StoredParticipantEvent {
  return {
    kind,
    time: T(time),
    participantUserId: "16778240",
    participantAccountId: null,
    registrantId: null,
    emailNormalized: "ana@example.edu",
    displayName: "Ana Lima",
    ...overrides,
  };
}

const brief = (inserts: ReportEventInsert[]) =>
  inserts
    .map(
      (insert) =>
        `${insert.eventType.replace("meeting.participant_", "")}@${insert.occurredAt.toISOString().slice(11, 19)}/${insert.participantUserId}`,
    )
    .sort();

describe("planReportMerge", () => {
  const cases: {
    name: string;
    rows: ZoomReportParticipant[];
    stored: StoredParticipantEvent[];
    inserts: string[];
    matched?: [number, number];
  }[] = [
    {
      name: "a row whose join and leave webhooks both arrived adds nothing",
      rows: [row()],
      stored: [stored("join", "18:00:05"), stored("leave", "19:00:00")],
      inserts: [],
      matched: [1, 1],
    },
    {
      name: "a lost leave is added on the same connection",
      rows: [row()],
      stored: [stored("join", "18:00:05")],
      inserts: ["left@19:00:00/16778240"],
      matched: [1, 0],
    },
    {
      name: "a lost join is added on the same connection",
      rows: [row()],
      stored: [stored("leave", "19:00:00")],
      inserts: ["joined@18:00:05/16778240"],
      matched: [0, 1],
    },
    {
      name: "nothing received: both halves are added",
      rows: [row()],
      stored: [],
      inserts: ["joined@18:00:05/16778240", "left@19:00:00/16778240"],
      matched: [0, 0],
    },
    {
      name: "the same second matches (webhook milliseconds ignored)",
      rows: [row()],
      stored: [stored("join", "18:00:05.870"), stored("leave", "19:00:00.020")],
      inserts: [],
    },
    {
      name: "a different second is a different join",
      rows: [row()],
      stored: [stored("join", "18:00:06"), stored("leave", "19:00:00")],
      inserts: ["joined@18:00:05/16778240"],
    },
    {
      name: "the same connection in another second does not match a leave",
      rows: [row({ leave_time: "2026-11-20T19:00:01Z" })],
      stored: [stored("join", "18:00:05"), stored("leave", "19:00:00")],
      inserts: ["left@19:00:01/16778240"],
    },
    {
      name: "another participant's join in the same second is not this one's",
      rows: [row()],
      stored: [
        stored("join", "18:00:05", {
          participantUserId: "16779264",
          emailNormalized: "ben@example.edu",
          displayName: "Ben Okafor",
        }),
      ],
      inserts: ["joined@18:00:05/16778240", "left@19:00:00/16778240"],
    },
    {
      name: "a report that numbers connections differently matches by person and time",
      rows: [row({ user_id: "33555456", registrant_id: "regAna" })],
      stored: [
        stored("join", "18:00:05", { participantUserId: "16778240", registrantId: "regAna" }),
        stored("leave", "19:00:00", { registrantId: "regAna" }),
      ],
      inserts: [],
      matched: [1, 1],
    },
    {
      name: "…and a lost leave then closes the webhook's connection, not a new one",
      rows: [row({ user_id: "33555456" })],
      stored: [stored("join", "18:00:05", { participantUserId: "16778240" })],
      inserts: ["left@19:00:00/16778240"],
    },
    {
      name: "two devices joining in the same second stay two joins (one stored event, claimed once)",
      rows: [row({ user_id: "50000001" }), row({ user_id: "50000002", leave_time: "2026-11-20T18:30:00Z" })],
      stored: [
        stored("join", "18:00:05", { participantUserId: "16778240" }),
        stored("leave", "19:00:00", { participantUserId: "16778240" }),
      ],
      inserts: ["joined@18:00:05/50000002", "left@18:30:00/50000002"],
    },
    {
      name: "a stored connection the report knows is matched only by its own row",
      rows: [row({ user_id: "16778240" }), row({ user_id: "16779264", leave_time: "2026-11-20T18:10:00Z" })],
      stored: [
        stored("join", "18:00:05", { participantUserId: "16779264" }),
        stored("leave", "18:10:00", { participantUserId: "16779264" }),
      ],
      inserts: ["joined@18:00:05/16778240", "left@19:00:00/16778240"],
    },
    {
      name: "waiting-room rows and rows without times are left out",
      rows: [row({ status: "in_waiting_room" }), row({ join_time: "", leave_time: null })],
      stored: [],
      inserts: [],
    },
    {
      name: "a row without leave_time gives its join only",
      rows: [row({ leave_time: undefined })],
      stored: [],
      inserts: ["joined@18:00:05/16778240"],
    },
    {
      name: "a row listed twice is added once",
      rows: [row(), row()],
      stored: [],
      inserts: ["joined@18:00:05/16778240", "left@19:00:00/16778240"],
    },
  ];

  for (const testCase of cases) {
    it(testCase.name, () => {
      const plan = planReportMerge(testCase.rows, testCase.stored, context);
      expect(brief(plan.inserts)).toEqual([...testCase.inserts].sort());
      if (testCase.matched) expect([plan.joinsMatched, plan.leavesMatched]).toEqual(testCase.matched);
      expect(plan.rowsSeen).toBe(testCase.rows.length);
    });
  }

  it("fills the event fields from the row and keys them by identity", () => {
    const source = row({ participant_user_id: "acctAna", registrant_id: "regAna", user_email: " Ana@Example.EDU " });
    const plan = planReportMerge([source], [], context);
    const join = plan.inserts.find((insert) => insert.eventType === "meeting.participant_joined")!;
    expect(join).toMatchObject({
      zoomMeetingId: "97711976001",
      meetingUuid: UUID,
      occurredAt: T("18:00:05"),
      joinTime: T("18:00:05"),
      leaveTime: null,
      participantUserId: "16778240",
      participantAccountId: "acctAna",
      registrantId: "regAna",
      email: "Ana@Example.EDU",
      emailNormalized: "ana@example.edu",
      displayName: "Ana Lima",
      payload: source,
    });
    expect(join.dedupeKey).toBe(reportDedupeKey("meeting.participant_joined", UUID, "16778240", T("18:00:05")));
    expect(join.dedupeKey).toMatch(/^rp1:[0-9a-f]{64}$/);
  });

  it("a second plan over the events the first one added adds nothing", () => {
    const rows = [
      row({ user_id: "33555456" }),
      row({ user_id: "7", name: "Ben Okafor", user_email: "", join_time: "2026-11-20T18:03:00Z" }),
    ];
    const webhooks = [stored("join", "18:00:05", { participantUserId: "16778240" })];
    const first = planReportMerge(rows, webhooks, context);
    expect(first.inserts.length).toBe(3);
    const afterFirst: StoredParticipantEvent[] = [
      ...webhooks,
      ...first.inserts.map((insert) => ({
        kind: insert.joinTime ? ("join" as const) : ("leave" as const),
        time: insert.occurredAt,
        participantUserId: insert.participantUserId,
        participantAccountId: insert.participantAccountId,
        registrantId: insert.registrantId,
        emailNormalized: insert.emailNormalized,
        displayName: insert.displayName,
      })),
    ];
    expect(planReportMerge(rows, afterFirst, context).inserts).toEqual([]);
    // And the same plan again gives the same keys (the store's ON CONFLICT makes it a no-op).
    expect(planReportMerge(rows, webhooks, context).inserts.map((insert) => insert.dedupeKey)).toEqual(
      first.inserts.map((insert) => insert.dedupeKey),
    );
  });

  it("does not depend on the order of the rows", () => {
    const rows = [
      row({ user_id: "1", join_time: "2026-11-20T18:00:00Z" }),
      row({ user_id: "2", name: "Ben", user_email: "ben@x.edu", join_time: "2026-11-20T18:01:00Z" }),
      row({ user_id: "3", name: "Chen", user_email: "", join_time: "2026-11-20T18:02:00Z" }),
    ];
    const forward = planReportMerge(rows, [], context).inserts.map((insert) => insert.dedupeKey);
    const backward = planReportMerge([...rows].reverse(), [], context).inserts.map((insert) => insert.dedupeKey);
    expect(backward).toEqual(forward);
  });

  it("webinar reports become webinar events", () => {
    const plan = planReportMerge([row()], [], { ...context, kind: "webinar" });
    expect(plan.inserts.map((insert) => insert.eventType).sort()).toEqual([
      "webinar.participant_joined",
      "webinar.participant_left",
    ]);
  });
});

describe("samePerson", () => {
  const none = { registrantId: null, accountId: null, email: null, name: null };
  const cases: [string, Parameters<typeof samePerson>[0], Parameters<typeof samePerson>[1], boolean][] = [
    [
      "same registrant",
      { ...none, registrantId: "r1", email: "a@x" },
      { ...none, registrantId: "r1", email: "b@x" },
      true,
    ],
    [
      "registrant decides over email",
      { ...none, registrantId: "r1", email: "a@x" },
      { ...none, registrantId: "r2", email: "a@x" },
      false,
    ],
    [
      "same account when no registrant on one side",
      { ...none, registrantId: "r1", accountId: "u1" },
      { ...none, accountId: "u1" },
      true,
    ],
    ["same email", { ...none, email: "a@x" }, { ...none, email: "a@x", name: "Other" }, true],
    ["same name only", { ...none, name: "ana lima" }, { ...none, name: "ana lima" }, true],
    ["no shared key", { ...none, email: "a@x" }, { ...none, name: "ana lima" }, false],
    ["nothing known", none, none, false],
  ];
  for (const [name, a, b, expected] of cases) {
    it(name, () => {
      expect(samePerson(a, b)).toBe(expected);
      expect(samePerson(b, a)).toBe(expected);
    });
  }
});
