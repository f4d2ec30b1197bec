// "Secrets and student emails are never written to logs": a production server of its own (with its
// worker) gets webhooks naming students — stored ones, rejected ones, malformed ones —, sign-in
// attempts, API calls with good and bad tokens, and a late-joiner email that the mail server
// refuses quoting the address (as real mail servers do). Its whole stdout/stderr must not contain
// a student's email, the webhook secrets, AUTH_SECRET, an API token or a password.
import crypto from "node:crypto";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_OLD_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { credentialsSignIn, postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";

let prisma: typeof import("../../lib/db").prisma;
let server: RunningServer;
let smtp: SMTPServer;
let smtpUrl: string;
const tag = crypto.randomBytes(3).toString("hex");
const ANA = { name: "Ana Lima", email: `Ana.Lima.${tag}@Students.Example` };
const BEN = { name: "Ben Okafor", email: `ben.okafor.${tag}@students.example` };
const STRANGER_EMAIL = `walk-in.${tag}@elsewhere.example`;
const PASSWORD = `pw-${crypto.randomBytes(8).toString("hex")}`;
let apiToken: string;
let sessionId: string;
let anaId: string;
const meetingId = uniqueMeetingId();

beforeAll(async () => {
  const databaseUrl = await useFreshDatabase("server_logs");
  ({ prisma } = await import("../../lib/db"));
  const { createSession } = await import("../../lib/services/sessions");
  const { createUser } = await import("../../lib/services/users");
  const { createApiToken } = await import("../../lib/services/tokens");

  // A mail server that refuses every recipient, quoting the address back.
  smtp = new SMTPServer({
    disabledCommands: ["STARTTLS", "AUTH"],
    authOptional: true,
    logger: false,
    onRcptTo(address, _session, callback) {
      callback(
        Object.assign(
          new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown in local recipient table`),
          { responseCode: 550 },
        ),
      );
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", () => resolve()));
  smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  const user = await createUser({
    email: `teacher.${tag}@school.example`,
    name: "Teacher",
    role: "admin",
    password: PASSWORD,
  });
  apiToken = (await createApiToken(user.id, "logs")).token;
  const course = await prisma.course.create({
    data: {
      name: "Logs 101",
      timezone: "UTC",
      notifyLateJoiners: true,
      instructors: { create: [{ userId: user.id }] },
    },
  });
  const ana = await prisma.student.create({
    data: { courseId: course.id, name: ANA.name, email: ANA.email, emailNormalized: ANA.email.toLowerCase() },
  });
  anaId = ana.id;
  await prisma.student.create({
    data: { courseId: course.id, name: BEN.name, email: BEN.email, emailNormalized: BEN.email },
  });
  // Started 6 minutes ago, late after 5: the late check is due at once and emails Ana (absent).
  const session = await createSession(course.id, {
    title: "Logs",
    zoomMeetingId: meetingId,
    joinUrl: null,
    startsAt: new Date(Date.now() - 6 * 60_000),
    durationMinutes: 60,
    lateAfterMinutes: 5,
    requiredPercent: 90,
  });
  sessionId = session.id;
  server = await startServer({
    databaseUrl,
    env: { SMTP_URL: smtpUrl, MAIL_FROM: "Rollcall <rollcall@school.example>" },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
});

/** next-auth's credentials flow against this test's own server; true when a session cookie came back. */
async function signIn(email: string, password: string): Promise<boolean> {
  return (await credentialsSignIn(server.url, email, password)).some((cookie) => cookie.includes("session-token="));
}

describe("logs", () => {
  it("never contain student emails, webhook secrets, AUTH_SECRET, API tokens or passwords", async () => {
    const uuid = uniqueUuid();
    const joined = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const ben = { uuid, meetingId, userId: "16778240", name: BEN.name, email: BEN.email };
    // Stored, duplicate, and a walk-in guest.
    expect((await postWebhook(server.url, participantJoined({ ...ben, joinTime: joined }))).status).toBe(200);
    expect((await postWebhook(server.url, participantJoined({ ...ben, joinTime: joined }))).status).toBe(200);
    expect(
      (await postWebhook(server.url, participantLeft({ ...ben, leaveTime: new Date(joined.getTime() + 30_000) })))
        .status,
    ).toBe(200);
    expect(
      (
        await postWebhook(
          server.url,
          participantJoined({
            uuid,
            meetingId,
            userId: "16778241",
            name: "Walk In",
            email: STRANGER_EMAIL,
            joinTime: joined,
          }),
        )
      ).status,
    ).toBe(200);
    // Rejected: bad signature, malformed JSON, a wrong shape, a stale timestamp — all naming Ana.
    const anaBody = participantJoined({
      uuid,
      meetingId,
      userId: "16778242",
      name: ANA.name,
      email: ANA.email,
      joinTime: joined,
    });
    expect((await postWebhook(server.url, anaBody, { secret: "not-the-secret" })).status).toBe(401);
    expect(
      (await postWebhook(server.url, `{"event": "meeting.participant_joined", "email": "${ANA.email}"`)).status,
    ).toBe(400);
    expect(
      (
        await postWebhook(server.url, {
          event: "meeting.participant_joined",
          event_ts: 1,
          payload: { object: { participant: { email: ANA.email } } },
        })
      ).status,
    ).toBe(400);
    expect(
      (await postWebhook(server.url, anaBody, { timestamp: Math.floor(Date.now() / 1000) - 3 * 3600 })).status,
    ).toBe(401);
    // Values our side cannot store (whatever the answer, nothing about Ana may be logged).
    await postWebhook(server.url, { ...anaBody, event_ts: 1e16 });
    await postWebhook(server.url, {
      event: "meeting.chat_message_sent",
      event_ts: 1e16,
      payload: { object: { email: ANA.email } },
    });
    const nul = participantJoined({
      uuid,
      meetingId,
      userId: "16778243",
      name: `${ANA.name}\u0000`,
      email: ANA.email,
      joinTime: joined,
    });
    await postWebhook(server.url, nul);

    // Sign-in attempts, right and wrong, and API calls with a good, a bad and a malformed token.
    expect(await signIn(`teacher.${tag}@school.example`, PASSWORD)).toBe(true);
    expect(await signIn(ANA.email, PASSWORD)).toBe(false);
    expect(await signIn(`teacher.${tag}@school.example`, `${PASSWORD}-wrong`)).toBe(false);
    expect(
      (await fetch(`${server.url}/api/v1/courses`, { headers: { authorization: `Bearer ${apiToken}` } })).status,
    ).toBe(200);
    expect(
      (await fetch(`${server.url}/api/v1/courses`, { headers: { authorization: `Bearer ${apiToken}x` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${server.url}/api/v1/courses`, { headers: { authorization: `Token ${apiToken}` } })).status,
    ).toBe(401);
    const roster = await fetch(`${server.url}/api/v1/courses/nope/students`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiToken}`, "content-type": "text/csv" },
      body: `name,email\n${ANA.name},${ANA.email}\n`,
    });
    expect(roster.status).toBe(404);

    // The late-joiner email to Ana is tried and refused by the mail server (which quotes her address).
    await waitFor(
      async () =>
        (await prisma.notification.findFirst({ where: { sessionId, studentId: anaId, attempts: { gte: 1 } } })) ?? null,
      60_000,
      "the late-joiner email to be attempted",
    );
    await waitFor(
      async () => /notification email failed/.test(server.output()),
      10_000,
      "the failed email to be logged",
    );
    await waitFor(
      async () => (await prisma.attendanceRecord.count({ where: { sessionId } })) === 2,
      30_000,
      "attendance to be computed",
    );
    await server.stop();

    const output = server.output();
    expect(output.length).toBeGreaterThan(0);
    const forbidden: [string, string][] = [
      [ANA.email.toLowerCase(), "a student's email"],
      [BEN.email.toLowerCase(), "a student's email"],
      [STRANGER_EMAIL.toLowerCase(), "a participant's email"],
      [TEST_WEBHOOK_SECRET.toLowerCase(), "ZOOM_WEBHOOK_SECRET_TOKEN"],
      [TEST_WEBHOOK_OLD_SECRET.toLowerCase(), "ZOOM_WEBHOOK_SECRET_TOKEN (previous)"],
      [TEST_AUTH_SECRET.toLowerCase(), "AUTH_SECRET"],
      [apiToken.toLowerCase(), "an API token"],
      [PASSWORD.toLowerCase(), "a password"],
    ];
    const lower = output.toLowerCase();
    const leaks = forbidden
      .filter(([needle]) => lower.includes(needle))
      .map(([needle, what]) => {
        const at = lower.indexOf(needle);
        return `${what} in the logs: …${output.slice(Math.max(0, at - 300), at + needle.length + 100)}…`;
      });
    expect(leaks, leaks.join("\n\n")).toEqual([]);
  });
});
