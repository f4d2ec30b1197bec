// Breakout rooms, hosts and dial-in through the real webhook of the production server, its
// worker and its Postgres: a 60-minute class with a breakout round (reported both ways), the
// instructor as host, a guest made co-host and a student who dials in, read back from the JSON API.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { classScenario, type ScheduledDelivery } from "../../lib/simulator/scenario";
import {
  call,
  connectToServerDatabase,
  createUserWithToken,
  randomMeetingId,
  unique,
  type TestUser,
} from "../helpers/fixtures";
import { baseUrl, postWebhook, waitFor } from "../helpers/server";
import { uniqueUuid } from "../helpers/zoom";

connectToServerDatabase();

const ROSTER = [
  { name: "Ana Lima", email: "ana@school.example" }, // laptop + phone; to a room with main-room leave/join
  { name: "Ben Okafor", email: "ben@school.example" }, // drops and rejoins; to a room with room events alone
  { name: "Chen Wei", email: "chen@school.example" }, // to a room with main-room leave/join
  { name: "Dana Cruz", email: "dana@school.example" }, // 8 min late; still in her room when the meeting ends
  { name: "Emil Berg", email: "emil@school.example" },
  { name: "Fatima Noor", email: "fatima@school.example" },
  { name: "Gabriel Roy", email: "gabriel@school.example" },
  { name: "Hana Sato", email: "hana@school.example" },
  { name: "Iris Park", email: "iris@school.example", phone: "+1 (555) 010-4477" }, // dials in
];
const STARTS_AT = new Date("2025-04-01T15:00:00Z");

interface PublicAttendance {
  students: Record<string, unknown>[];
  guests: Record<string, unknown>[];
  hosts: Record<string, unknown>[];
}

let teacher: TestUser;
let courseId: string;
let sessionId: string;
let meetingId: string;
let uuid: string;
let deliveries: ScheduledDelivery[];
let attendance: PublicAttendance;

const byName = (rows: Record<string, unknown>[], name: string) => rows.find((row) => row.name === name);

beforeAll(async () => {
  teacher = await createUserWithToken("instructor", "breakout-teacher");
  const created = await call("POST", "/api/v1/courses", {
    token: teacher.token,
    body: { name: unique("Seminar"), timezone: "UTC" },
  });
  courseId = (created.json as { id: string }).id;
  const roster = await call("POST", `/api/v1/courses/${courseId}/students`, {
    token: teacher.token,
    body: { students: ROSTER },
  });
  expect(roster.json).toEqual({ created: 9, updated: 0 });
  meetingId = randomMeetingId();
  uuid = uniqueUuid();
  const session = await call("POST", `/api/v1/courses/${courseId}/sessions`, {
    token: teacher.token,
    body: { zoomMeetingId: meetingId, startsAt: STARTS_AT.toISOString(), durationMinutes: 60 },
  });
  sessionId = (session.json as { id: string }).id;

  deliveries = classScenario({
    meetingId,
    uuid,
    startsAt: STARTS_AT,
    durationMinutes: 60,
    participants: ROSTER.map(({ name, email }) => ({ name, email })),
    breakoutRound: true,
    host: { name: "T. Teacher (Zoom)", email: teacher.email.toUpperCase() },
    dialIn: { name: "Iris Park", email: null, phone: "+15550104477" },
  });
  // The visiting parent is made co-host during class.
  const visitorJoin = deliveries.find((delivery) => delivery.note.startsWith("Visiting parent joins"))!;
  const visitor = (visitorJoin.body.payload as { object: { participant: Record<string, string> } }).object.participant;
  const roleChange = {
    event: "meeting.participant_role_changed",
    event_ts: STARTS_AT.getTime() + 10 * 60_000,
    payload: {
      account_id: "ACCOUNT",
      object: {
        uuid,
        id: meetingId,
        participant: {
          user_id: visitor.user_id,
          user_name: visitor.user_name,
          email: "",
          old_role: "attendee",
          new_role: "co-host",
          date_time: new Date(STARTS_AT.getTime() + 10 * 60_000).toISOString(),
        },
      },
    },
  };
  const bodies = [...deliveries.map((delivery) => delivery.body), roleChange];
  const statuses: string[] = [];
  for (const body of bodies) {
    const response = await postWebhook(baseUrl(), body);
    expect(response.status).toBe(200);
    statuses.push(((await response.json()) as { status: string }).status);
  }
  expect(statuses.filter((status) => status === "ignored")).toEqual([]);
  const distinct = new Set(bodies.map((body) => JSON.stringify(body))).size;
  await waitFor(
    async () => {
      const row = await prisma.session.findUnique({ where: { id: sessionId }, select: { computedEvents: true } });
      return row && row.computedEvents >= distinct ? row : null;
    },
    60_000,
    "attendance to be computed",
  );
  const answer = await call("GET", `/api/v1/sessions/${sessionId}/attendance`, { token: teacher.token });
  expect(answer.status).toBe(200);
  attendance = answer.json as PublicAttendance;
});

describe("breakout-room events through the webhook", () => {
  it("are stored with the room's UUID and name and the main-room user_id, once per event", async () => {
    const rows = await prisma.event.findMany({
      where: {
        meetingUuid: uuid,
        eventType: { in: ["meeting.participant_joined_breakout_room", "meeting.participant_left_breakout_room"] },
      },
      select: { breakoutRoomUuid: true, breakoutRoomName: true, parentUserId: true, participantUserId: true },
    });
    const sent = deliveries.filter((delivery) => String(delivery.body.event).includes("breakout_room"));
    expect(rows).toHaveLength(sent.length);
    expect(rows.every((row) => row.breakoutRoomUuid && row.parentUserId && row.participantUserId)).toBe(true);
    expect(new Set(rows.map((row) => row.breakoutRoomName))).toEqual(new Set(["Room 1", "Room 2"]));

    // A redelivery (new tracking ID, same event) is a duplicate.
    const again = await postWebhook(baseUrl(), sent[0].body, { trackingId: `Webhook_again_${crypto.randomUUID()}` });
    expect(await again.json()).toEqual({ status: "duplicate" });
  });

  it("the same user_id in another room is another event", async () => {
    const room = sentRoomEvent();
    const body = structuredClone(room.body) as { payload: { object: { breakout_room_uuid: string } } };
    body.payload.object.breakout_room_uuid = `${body.payload.object.breakout_room_uuid}-other`;
    const answer = await postWebhook(baseUrl(), body);
    expect(await answer.json()).toEqual({ status: "stored" });
  });

  it("refuses a breakout-room event without its room, saying what is missing", async () => {
    const body = structuredClone(sentRoomEvent().body) as { payload: { object: Record<string, unknown> } };
    delete body.payload.object.breakout_room_uuid;
    const answer = await postWebhook(baseUrl(), body);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { message: string } }).error.message).toMatch(
      /breakout_room_uuid: required/,
    );
  });
});

function sentRoomEvent(): ScheduledDelivery {
  return deliveries.find((delivery) => delivery.body.event === "meeting.participant_joined_breakout_room")!;
}

describe("attendance of a class with breakout rooms, a host and a dial-in student", () => {
  it("counts breakout time as class time, whichever way Zoom reported the move", () => {
    // Ana: in from a minute early to the end (a room from minute 20 to 40, main-room leave/join).
    expect(byName(attendance.students, "Ana Lima")).toMatchObject({
      status: "present",
      attendedPercent: 100,
      joinCount: 2,
    });
    // Ben: away one minute after a drop (7–6 min) and 30 s late; room events alone.
    expect(byName(attendance.students, "Ben Okafor")).toMatchObject({
      status: "present",
      attendedSeconds: 3600 - 30 - 60,
      joinCount: 2,
    });
    // Chen: from minute 1, main-room leave/join around the room: one join.
    expect(byName(attendance.students, "Chen Wei")).toMatchObject({
      status: "present",
      attendedSeconds: 59 * 60,
      joinCount: 1,
    });
  });

  it("a student still in a breakout room when the meeting ends is in class until it ends", () => {
    expect(byName(attendance.students, "Dana Cruz")).toMatchObject({
      status: "partial",
      attendedSeconds: 52 * 60,
      late: true,
      joinCount: 1,
      lastLeaveAt: new Date(STARTS_AT.getTime() + 61 * 60_000).toISOString(),
    });
  });

  it("a caller whose number is on the roster is that student", () => {
    expect(byName(attendance.students, "Iris Park")).toMatchObject({
      status: "present",
      attendedSeconds: 3600 - 90,
      joinCount: 1,
      late: false,
    });
    expect(attendance.guests.map((guest) => guest.name)).not.toContain("+15550104477");
  });

  it("lists the instructor and the guest made co-host as hosts, not guests", () => {
    expect(attendance.hosts).toEqual([
      expect.objectContaining({
        name: expect.stringContaining("breakout-teacher"),
        email: teacher.email,
        reason: "instructor",
        attendedPercent: 100,
        joinCount: 1,
      }),
      expect.objectContaining({ name: "Visiting parent", email: null, reason: "co-host" }),
    ]);
    expect(attendance.guests.map((guest) => guest.name)).toEqual(["Hana (iPad)"]);
    for (const host of attendance.hosts) {
      expect(Object.keys(host).sort()).toEqual(
        [
          "name",
          "email",
          "reason",
          "inMeeting",
          "attendedSeconds",
          "attendedPercent",
          "firstJoinAt",
          "lastLeaveAt",
          "joinCount",
        ].sort(),
      );
    }
  });
});

describe("roster phone numbers", () => {
  it("are stored in E.164 form and listed by the API", async () => {
    const answer = await call("GET", `/api/v1/courses/${courseId}/students`, { token: teacher.token });
    const students = (answer.json as { students: { name: string; phone: string | null }[] }).students;
    expect(students.find((student) => student.name === "Iris Park")?.phone).toBe("+15550104477");
    expect(students.find((student) => student.name === "Ana Lima")?.phone).toBeNull();
  });

  it("come from a CSV phone column, and a bad number refuses the file with the row and the reason", async () => {
    const good = await call("POST", `/api/v1/courses/${courseId}/students`, {
      token: teacher.token,
      contentType: "text/csv",
      body: "name,email,phone\nAna Lima,ana@school.example,0044 20 7946 0958\n",
    });
    expect(good.json).toEqual({ created: 0, updated: 1 });
    const bad = await call("POST", `/api/v1/courses/${courseId}/students`, {
      token: teacher.token,
      contentType: "text/csv",
      body: "name,email,phone\nBen Okafor,ben@school.example,call me\n",
    });
    expect(bad.status).toBe(422);
    expect(bad.json).toMatchObject({
      error: {
        rows: [{ row: 2, message: expect.stringMatching(/phone must be a phone number with its country code/) }],
      },
    });
    const students = await prisma.student.findMany({
      where: { courseId, email: { in: ["ana@school.example", "ben@school.example"] } },
      select: { email: true, phone: true },
    });
    expect(Object.fromEntries(students.map((student) => [student.email, student.phone]))).toEqual({
      "ana@school.example": "+442079460958",
      "ben@school.example": null,
    });
  });
});
