// Registering the roster on Zoom, through the real server (production build, its own
// database and worker) talking to the fake Zoom over HTTP and to a real SMTP server:
// register (batch of 30, Retry-After honoured, Zoom's own list reused) → a webhook carrying only
// the registrant ID → the right student; never twice; per-meeting refusals said once; manual
// approval and per-occurrence meetings one by one; a large wait handed to the job queue; students
// added later registered by the job; removed students cancelled on Zoom; invitation and late
// emails carrying the personal link; suggestions for the guests that remain.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { createApiToken } from "../../lib/services/tokens";
import { removeStudent } from "../../lib/services/students";
import { exportStudentData } from "../../lib/privacy/export";
import { renderToStaticMarkup } from "react-dom/server";
import { RegistrationPanel } from "../../components/registration-panel";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { useFreshDatabase } from "../helpers/db";
import { postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { meetingStarted, participantJoined, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import { startSmtp, type TestSmtp } from "../helpers/notifications";
import { FakeZoom } from "../helpers/fake-zoom";

const MINUTE = 60_000;
const fake = new FakeZoom();
let smtp: TestSmtp;
let server: RunningServer;
let token: string;

async function api<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

interface RegisterAnswer {
  registered: number;
  alreadyRegistered: number;
  failed: { studentId: string; email: string; message: string }[];
  pending: number;
  sessions: number;
  error?: { code: string; message: string };
}

async function course(name: string, students: { name: string; email: string }[]): Promise<string> {
  const created = await api<{ id: string }>("POST", "/courses", { name });
  expect(created.status).toBe(201);
  if (students.length > 0)
    expect((await api("POST", `/courses/${created.body.id}/students`, { students })).status).toBe(200);
  return created.body.id;
}

/** Sessions made by the admin, who skips Zoom's host check (ADR 010): registration is what is tested here. */
async function session(
  courseId: string,
  zoomMeetingId: string,
  startsAt: Date,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const created = await api<{ id: string }>("POST", `/courses/${courseId}/sessions`, {
    zoomMeetingId,
    startsAt: startsAt.toISOString(),
    durationMinutes: 60,
    skipHostCheck: true,
    ...extra,
  });
  expect(created.status).toBe(201);
  return created.body.id;
}

const register = (sessionId: string) => api<RegisterAnswer>("POST", `/sessions/${sessionId}/registrants`);
/** The panel's buttons post to the page's server actions; rendering it needs only something to bind. */
const noAction = async () => ({});
const registrantCalls = (meetingId: string) =>
  fake.requests.filter(
    (request) => request.method === "POST" && request.rawPath.startsWith(`/v2/meetings/${meetingId}/`),
  );

function people(count: number, prefix: string) {
  return Array.from({ length: count }, (_, index) => ({
    name: `${prefix} Student${String(index).padStart(2, "0")}`,
    email: `${prefix.toLowerCase()}${index}@school.example`,
  }));
}

beforeAll(async () => {
  await fake.start();
  smtp = await startSmtp();
  const databaseUrl = await useFreshDatabase("registration");
  // The in-process reads (the session page's panel) see the same configuration as the server.
  Object.assign(process.env, fake.env(), {
    ZOOM_WEBHOOK_SECRET_TOKEN: TEST_WEBHOOK_SECRET,
    AUTH_SECRET: TEST_AUTH_SECRET,
  });
  server = await startServer({
    databaseUrl,
    env: { ...fake.env(), SMTP_URL: smtp.url, MAIL_FROM: "Rollcall <rollcall@school.example>" },
  });
  const admin = await prisma.user.create({
    data: {
      email: `registration-admin-${crypto.randomBytes(4).toString("hex")}@example.test`,
      name: "Registration Admin",
      role: "admin",
    },
  });
  token = (await createApiToken(admin.id, "registration test")).token;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  await smtp?.stop();
  await prisma.$disconnect();
});

describe("registering a roster of 35 on a meeting with automatic approval", () => {
  const meetingId = uniqueMeetingId();
  const roster = [{ name: "Hana Sato", email: "Hana.Sato@school.example" }, ...people(34, "Big")];
  let courseId: string;
  let sessionId: string;

  beforeAll(async () => {
    fake.addMeeting({ meetingId, topic: "Big class", approvalType: 0 });
    // 310 people registered for other reasons (more than one page of Zoom's list), and one of
    // ours whom someone registered by hand: Rollcall reuses that registrant.
    for (let index = 0; index < 310; index++)
      fake.registerDirectly(meetingId, { email: `visitor${index}@elsewhere.example`, first_name: "Visitor" });
    fake.registerDirectly(meetingId, { email: roster[5].email.toUpperCase(), first_name: "By", last_name: "Hand" });
    courseId = await course("Registration: big class", roster);
    sessionId = await session(courseId, meetingId, new Date(Date.now() + 10 * MINUTE));
    await session(courseId, meetingId, new Date(Date.now() + 7 * 24 * 60 * MINUTE));
  });

  it("registers in batches of 30, waits out a short Retry-After, and stores each registrant and link", async () => {
    fake.failNext(new RegExp(`/meetings/${meetingId}/batch_registrants$`), [{ status: 429, retryAfter: "1" }]);
    const answer = await register(sessionId);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ registered: 34, alreadyRegistered: 1, failed: [], pending: 0, sessions: 2 });
    const calls = registrantCalls(meetingId);
    expect(calls.map((call) => `${call.rawPath.split("/").pop()} ${call.status}`)).toEqual([
      "batch_registrants 429",
      "batch_registrants 201",
      "batch_registrants 201",
    ]);
    // Zoom's list was read to the end (two pages of 300).
    expect(
      fake.requestsTo(new RegExp(`/meetings/${meetingId}/registrants$`)).filter((request) => request.method === "GET"),
    ).toHaveLength(2);

    const stored = await prisma.zoomRegistrant.findMany({
      where: { zoomMeetingId: meetingId },
      include: { student: true },
    });
    expect(stored).toHaveLength(35);
    const onZoom = new Map(
      fake.meetings.get(meetingId)!.registrants.map((registrant) => [registrant.email.toLowerCase(), registrant]),
    );
    for (const row of stored) {
      const registrant = onZoom.get(row.student.emailNormalized)!;
      expect(row.registrantId).toBe(registrant.id);
      expect(row.joinUrl).toBe(registrant.join_url);
      expect(row.joinUrl).toMatch(/tk=/);
    }
  });

  it("never registers anyone twice", async () => {
    const before = registrantCalls(meetingId).length;
    const answer = await register(sessionId);
    expect(answer.body).toMatchObject({ registered: 0, alreadyRegistered: 35, failed: [], pending: 0 });
    expect(registrantCalls(meetingId)).toHaveLength(before);
    expect(
      fake.meetings.get(meetingId)!.registrants.filter((registrant) => !registrant.email.startsWith("visitor")),
    ).toHaveLength(35);
  });

  it("recognises a participant from the registrant ID alone: no email, a phone's name", async () => {
    const hana = await prisma.zoomRegistrant.findFirstOrThrow({
      where: { zoomMeetingId: meetingId, student: { name: "Hana Sato" } },
    });
    const uuid = uniqueUuid();
    const startsAt = await prisma.session.findUniqueOrThrow({ where: { id: sessionId }, select: { startsAt: true } });
    expect(
      (await postWebhook(server.url, meetingStarted(uuid, meetingId, new Date(startsAt.startsAt.getTime() - MINUTE))))
        .status,
    ).toBe(200);
    const joined = participantJoined({
      uuid,
      meetingId,
      userId: "16778240",
      name: "iPhone (2)",
      registrantId: hana.registrantId,
      joinTime: new Date(startsAt.startsAt.getTime() - 30_000),
    });
    expect((await postWebhook(server.url, joined)).status).toBe(200);
    const attendance = await waitFor(
      async () => {
        const read = await api<{ students: { name: string; joinCount: number }[]; guests: unknown[] }>(
          "GET",
          `/sessions/${sessionId}/attendance`,
        );
        return read.body.students.find((student) => student.name === "Hana Sato")?.joinCount === 1 ? read.body : null;
      },
      20_000,
      "Hana's join to be counted",
    );
    expect(attendance.guests).toEqual([]);
  });

  it("counts the registrant-matched events and the registration in the student's data export", async () => {
    const hana = await prisma.zoomRegistrant.findFirstOrThrow({
      where: { zoomMeetingId: meetingId, student: { name: "Hana Sato" } },
    });
    const data = (await exportStudentData(hana.studentId))!;
    expect(data.zoomRegistrations).toEqual([
      {
        zoomMeetingId: meetingId,
        registrantId: hana.registrantId,
        joinUrl: hana.joinUrl,
        createdAt: hana.createdAt.toISOString(),
      },
    ]);
    expect(data.events.map((event) => event.displayName)).toEqual(["iPhone (2)"]);
  });

  it("registers a student added later, from the job queue, for the upcoming sessions", async () => {
    expect(
      (
        await api("POST", `/courses/${courseId}/students`, {
          students: [{ name: "Late Addition", email: "late.addition@school.example" }],
        })
      ).status,
    ).toBe(200);
    const row = await waitFor(
      () =>
        prisma.zoomRegistrant.findFirst({
          where: { zoomMeetingId: meetingId, student: { email: "late.addition@school.example" } },
        }),
      20_000,
      "the new student's registrant",
    );
    expect(
      fake.meetings.get(meetingId)!.registrants.find((registrant) => registrant.id === row.registrantId)?.email,
    ).toBe("late.addition@school.example");
  });

  it("cancels the registrant on Zoom when the student is removed, so the personal link stops working", async () => {
    const row = await prisma.zoomRegistrant.findFirstOrThrow({
      where: { zoomMeetingId: meetingId, student: { email: "late.addition@school.example" } },
    });
    await removeStudent(row.studentId);
    const onZoom = fake.meetings.get(meetingId)!.registrants.find((registrant) => registrant.id === row.registrantId)!;
    await waitFor(async () => onZoom.status === "cancelled", 20_000, "the cancellation on Zoom");
    expect(
      fake.requestsTo(new RegExp(`/meetings/${meetingId}/registrants/status$`)).map((request) => request.status),
    ).toEqual([204]);
  });

  it("emails each registered student their personal link, once", async () => {
    const first = await api<{ invited: number; alreadyInvited: number; notRegistered: number }>(
      "POST",
      `/sessions/${sessionId}/invitations`,
    );
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ invited: 35, alreadyInvited: 0, notRegistered: 0 });
    await waitFor(
      async () => smtp.messages.filter((mail) => mail.subject.startsWith("Your personal Zoom link")).length === 35,
      30_000,
      "35 invitations",
    );
    const hanaMail = smtp.messages.find((mail) => mail.envelopeTo.includes("hana.sato@school.example"))!;
    const hana = await prisma.zoomRegistrant.findFirstOrThrow({
      where: { zoomMeetingId: meetingId, student: { name: "Hana Sato" } },
    });
    expect(hanaMail.text).toContain(hana.joinUrl!);
    expect(hanaMail.text).toMatch(/The same link opens the later classes/);
    // The session page lists who is registered and who was invited.
    await waitFor(
      async () =>
        (await prisma.notification.count({ where: { sessionId, kind: "invitation", status: "sent" } })) === 35,
      10_000,
      "35 invitations recorded as sent",
    );
    const panel = renderToStaticMarkup(
      await RegistrationPanel({ sessionId, timezone: "UTC", register: noAction, invite: noAction }),
    );
    expect(panel).toContain("35 of 35 students registered");
    expect(panel).toContain("Register roster on Zoom");
    expect(panel.match(/data-registered="yes"/g)).toHaveLength(35);
    expect(panel.match(/>Invited</g)).toHaveLength(35);
    expect(panel).toContain("the same meeting");
    const again = await api("POST", `/sessions/${sessionId}/invitations`);
    expect(again.body).toEqual({ invited: 0, alreadyInvited: 35, notRegistered: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(smtp.messages.filter((mail) => mail.subject.startsWith("Your personal Zoom link"))).toHaveLength(35);
  });
});

describe("meetings Zoom refuses, or registers one by one", () => {
  it("says once, for the meeting, that registration is off, and calls Zoom for no student", async () => {
    const meetingId = uniqueMeetingId();
    fake.addMeeting({ meetingId, approvalType: 2 });
    const courseId = await course("Registration: off in Zoom", people(12, "Off"));
    const sessionId = await session(courseId, meetingId, new Date(Date.now() + 60 * MINUTE));
    const answer = await register(sessionId);
    expect(answer.status).toBe(422);
    expect(answer.body.error!.code).toBe("registration_not_enabled");
    expect(answer.body.error!.message).toMatch(/Registration: Required/);
    expect(answer.body.error!.message).toContain(meetingId);
    expect(registrantCalls(meetingId)).toEqual([]);
    const stored = await prisma.meetingRegistration.findUniqueOrThrow({
      where: { courseId_zoomMeetingId: { courseId, zoomMeetingId: meetingId } },
    });
    expect(stored.problem).toMatch(/Automatically approve/);
    // The session page says it once, above a list of students not registered.
    const panel = renderToStaticMarkup(
      await RegistrationPanel({ sessionId, timezone: "UTC", register: noAction, invite: noAction }),
    );
    expect(panel.split("Registration is not turned on")).toHaveLength(2);
    expect(panel.match(/data-registered="no"/g)).toHaveLength(12);
  });

  it("stops at Zoom's first refusal of the meeting's registrants, and says it once with Zoom's words", async () => {
    const meetingId = uniqueMeetingId();
    // Zoom's meeting settings say automatic approval, but its registrant calls refuse the meeting.
    fake.addMeeting({ meetingId, approvalType: 0 });
    fake.failNext(new RegExp(`/meetings/${meetingId}/registrants$`), [
      {
        status: 400,
        body: { code: 3000, message: `Registration has not been enabled for this meeting: ${meetingId}.` },
      },
    ]);
    const courseId = await course("Registration: refused midway", people(5, "Midway"));
    const answer = await register(await session(courseId, meetingId, new Date(Date.now() + 60 * MINUTE)));
    expect(answer.status).toBe(422);
    expect(answer.body.error!.code).toBe("registration_not_enabled");
    expect(answer.body.error!.message).toContain(
      `Zoom said: Registration has not been enabled for this meeting: ${meetingId}.`,
    );
    expect(registrantCalls(meetingId)).toEqual([]);
  });

  it("reports per student what Zoom refuses, after a refused batch is retried one by one", async () => {
    const meetingId = uniqueMeetingId();
    fake.addMeeting({ meetingId, approvalType: 0 });
    const roster = people(4, "Refused");
    const courseId = await course("Registration: one refused", roster);
    const invalid = { status: 400, body: { code: 300, message: "Invalid field: email" } };
    fake.failNext(new RegExp(`/meetings/${meetingId}/batch_registrants$`), [invalid], "POST");
    fake.failNext(new RegExp(`/meetings/${meetingId}/registrants$`), [invalid], "POST");
    const answer = await register(await session(courseId, meetingId, new Date(Date.now() + 60 * MINUTE)));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ registered: 3, alreadyRegistered: 0, pending: 0 });
    expect(answer.body.failed).toEqual([
      { studentId: expect.any(String), email: roster[0].email, message: "Zoom refused: Invalid field: email" },
    ]);
    expect(registrantCalls(meetingId).map((call) => `${call.rawPath.split("/").pop()} ${call.status}`)).toEqual([
      "batch_registrants 400",
      "registrants 400",
      "registrants 201",
      "registrants 201",
      "registrants 201",
    ]);
    // The refused student is not stored: the next run tries them again.
    expect(await prisma.zoomRegistrant.count({ where: { zoomMeetingId: meetingId } })).toBe(3);
  });

  it("answers 422 for a meeting Zoom does not have", async () => {
    const courseId = await course("Registration: no such meeting", people(2, "Ghost"));
    const answer = await register(await session(courseId, uniqueMeetingId(), new Date(Date.now() + 60 * MINUTE)));
    expect(answer.status).toBe(422);
    expect(answer.body.error!.code).toBe("meeting_not_found");
  });

  it("uses the single endpoint with auto_approve for a meeting with manual approval", async () => {
    const meetingId = uniqueMeetingId();
    fake.addMeeting({ meetingId, approvalType: 1 });
    const courseId = await course("Registration: manual approval", people(3, "Manual"));
    const answer = await register(await session(courseId, meetingId, new Date(Date.now() + 60 * MINUTE)));
    expect(answer.body).toMatchObject({ registered: 3, alreadyRegistered: 0, failed: [] });
    expect(registrantCalls(meetingId).map((call) => `${call.rawPath.split("/").pop()} ${call.status}`)).toEqual(
      Array(3).fill("registrants 201"),
    );
  });

  it("registers a weekly series registered per occurrence with the occurrence_ids of the course's sessions", async () => {
    const meetingId = uniqueMeetingId();
    const week = 7 * 24 * 60 * MINUTE;
    const first = new Date(Math.ceil((Date.now() + 2 * 60 * MINUTE) / MINUTE) * MINUTE);
    const occurrences = [0, 1, 2, 3].map((index) => ({
      occurrence_id: String(first.getTime() + index * week),
      start_time: new Date(first.getTime() + index * week).toISOString().replace(/\.\d{3}Z$/, "Z"),
    }));
    fake.addMeeting({ meetingId, type: 8, approvalType: 0, registrationType: 2, occurrences });
    const courseId = await course("Registration: weekly series", people(2, "Weekly"));
    const sessionId = await session(courseId, meetingId, first);
    await session(courseId, meetingId, new Date(first.getTime() + week));
    const answer = await register(sessionId);
    expect(answer.body).toMatchObject({ registered: 2, failed: [], sessions: 2 });
    const calls = registrantCalls(meetingId);
    expect(calls).toHaveLength(2);
    for (const call of calls)
      expect(call.query.occurrence_ids).toBe(`${occurrences[0].occurrence_id},${occurrences[1].occurrence_id}`);
  });

  it("hands the rest to the job queue when Zoom asks to wait longer than a request can, and the job finishes", async () => {
    const meetingId = uniqueMeetingId();
    fake.addMeeting({ meetingId, approvalType: 0 });
    const courseId = await course("Registration: rate limited", people(40, "Slow"));
    const sessionId = await session(courseId, meetingId, new Date(Date.now() + 60 * MINUTE));
    fake.failNext(new RegExp(`/meetings/${meetingId}/batch_registrants$`), [{ status: 429, retryAfter: "120" }]);
    const answer = await register(sessionId);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ registered: 0, alreadyRegistered: 0, failed: [], pending: 40 });
    await waitFor(
      async () => (await prisma.zoomRegistrant.count({ where: { zoomMeetingId: meetingId } })) === 40,
      30_000,
      "the job to register everyone",
    );
    expect(fake.meetings.get(meetingId)!.registrants).toHaveLength(40);
  });
});

describe("emails and suggestions in a small class", () => {
  const meetingId = uniqueMeetingId();
  let courseId: string;

  beforeAll(async () => {
    fake.addMeeting({ meetingId, approvalType: 0 });
    courseId = await course("Registration: small class", [
      { name: "Chris Wong", email: "cwong@school.example" },
      { name: "Chris Patel", email: "cpatel@school.example" },
      { name: "Hana Sato", email: "hsato@school.example" },
    ]);
    const upcoming = await session(courseId, meetingId, new Date(Date.now() + 24 * 60 * MINUTE));
    expect((await register(upcoming)).body).toMatchObject({ registered: 3 });
  });

  it("sends the late-joiner email with the student's personal link", async () => {
    const startsAt = new Date(Math.floor((Date.now() - 7 * MINUTE) / 1000) * 1000);
    const sessionId = await session(courseId, meetingId, startsAt, { lateAfterMinutes: 5 });
    const chris = await prisma.zoomRegistrant.findFirstOrThrow({
      where: { zoomMeetingId: meetingId, student: { name: "Chris Wong" } },
    });
    const mail = await waitFor(
      async () =>
        smtp.messages.find(
          (message) =>
            message.envelopeTo.includes("cwong@school.example") && message.subject.startsWith("You're not in"),
        ),
      30_000,
      "Chris Wong's late email",
    );
    expect(mail.text).toContain(chris.joinUrl!);
    expect(await prisma.notification.count({ where: { sessionId, kind: "late_student" } })).toBe(3);
  });

  it("lists up to three suggestions per guest, best first, from students who have not joined", async () => {
    const startsAt = new Date(Date.now() - 2 * MINUTE);
    const sessionId = await session(courseId, "9" + meetingId.slice(1), startsAt);
    const otherMeeting = "9" + meetingId.slice(1);
    const uuid = uniqueUuid();
    await postWebhook(
      server.url,
      participantJoined({ uuid, meetingId: otherMeeting, userId: "1", name: "Chris W (iPhone)", joinTime: startsAt }),
    );
    await postWebhook(
      server.url,
      participantJoined({ uuid, meetingId: otherMeeting, userId: "2", name: "iPhone (2)", joinTime: startsAt }),
    );
    await postWebhook(
      server.url,
      participantJoined({
        uuid,
        meetingId: otherMeeting,
        userId: "3",
        name: "Hana Sato",
        email: "hsato@school.example",
        joinTime: startsAt,
      }),
    );
    type Guest = { name: string; suggestions: { studentId: string; name: string; score: number }[] };
    const guests = await waitFor(
      async () => {
        const read = await api<{ guests: Guest[] }>("GET", `/sessions/${sessionId}/attendance`);
        return read.body.guests.length === 2 ? read.body.guests : null;
      },
      20_000,
      "two guests",
    );
    const chris = guests.find((guest) => guest.name === "Chris W (iPhone)")!;
    expect(chris.suggestions.map((suggestion) => suggestion.name)).toEqual(["Chris Wong"]);
    expect(chris.suggestions[0].score).toBeGreaterThan(0.85);
    expect(chris.suggestions[0].score).toBeLessThanOrEqual(1);
    // Hana joined (matched by email): she is never suggested; a phone's name suggests no one.
    expect(guests.find((guest) => guest.name === "iPhone (2)")!.suggestions).toEqual([]);
    // Nothing was matched by itself: the guests are still guests.
    expect(await prisma.manualMatch.count({ where: { courseId } })).toBe(0);
  });
});
