// The term record and notifications: a cancelled session sends no late-joiner email, and the weekly
// at-risk digest is mailed exactly once per week per course and instructor, through the same
// claim-then-send path (ADR 005), a real SMTP server and real graphile-worker runners.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { useFreshDatabase } from "../helpers/db";
import { waitFor } from "../helpers/server";
import { prisma } from "../../lib/db";
import { crontabLines, tasks } from "../../lib/worker";
import { digestPeriodKey, isoWeek, runAtRiskDigests } from "../../lib/notifications/digest";
import { sendNotification } from "../../lib/notifications/send";
import { setSessionCancelled } from "../../lib/services/sessions";
import { resetTransports } from "../../lib/mail/transport";
import {
  clearJobs,
  createScenario,
  jobCount,
  sleep,
  startRunner,
  startSmtp,
  storeScenarioEvents,
  type TestSmtp,
} from "../helpers/notifications";

let databaseUrl: string;
let smtp: TestSmtp;
const runners: Runner[] = [];

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("term_record_mail");
  smtp = await startSmtp();
  process.env.SMTP_URL = smtp.url;
  process.env.MAIL_FROM = "Rollcall <rollcall@school.test>";
});

afterEach(async () => {
  while (runners.length) await runners.pop()!.stop();
  await clearJobs();
  smtp.messages.length = 0;
});

afterAll(async () => {
  resetTransports();
  await smtp?.stop();
  await prisma.$disconnect();
});

describe("cancelled sessions", () => {
  it("send no late-joiner email when cancelled before the late check", async () => {
    const scenario = await createScenario();
    await storeScenarioEvents(scenario);
    await setSessionCancelled(scenario.sessionId, true, "snow day", null);
    runners.push(await startRunner(databaseUrl, tasks));
    await waitFor(async () => (await jobCount("late_check")) === 0, 20_000, "late check");
    await sleep(700);
    expect(await prisma.notification.count({ where: { sessionId: scenario.sessionId } })).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it("send no recorded-but-unsent email once the session is cancelled", async () => {
    const scenario = await createScenario();
    const row = await prisma.notification.create({
      data: {
        sessionId: scenario.sessionId,
        studentId: scenario.students.never.id,
        kind: "late_student",
        recipient: scenario.students.never.email.toLowerCase(),
      },
    });
    await setSessionCancelled(scenario.sessionId, true, null, null);
    expect(await sendNotification(row.id)).toBe("expired");
    expect((await prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).lastError).toContain("cancelled");
    expect(smtp.messages).toHaveLength(0);
  });
});

describe("the weekly at-risk digest", () => {
  it("is a weekly cron task of the worker", () => {
    expect(typeof tasks.at_risk_digest).toBe("function");
    expect(crontabLines.some((line) => /^0 7 \* \* 1 at_risk_digest\b/.test(line))).toBe(true);
    expect(isoWeek(new Date("2026-12-06T12:00:00Z"))).toBe("2026-W49");
    expect(isoWeek(new Date("2027-01-01T12:00:00Z"))).toBe("2026-W53");
  });

  it("mails each instructor of an opted-in course once per week, listing the at-risk students", async () => {
    // A class that ended an hour ago: Ana joined at minute 3 and stayed, Ben at 7, Chen never.
    const scenario = await createScenario({ minutesAgo: 120, durationMinutes: 60, instructors: 2 });
    await storeScenarioEvents(scenario);
    await clearJobs(); // no late-joiner emails in this test
    await prisma.student.updateMany({
      where: { courseId: scenario.courseId },
      data: { enrolledAt: new Date(scenario.startsAt.getTime() - 86_400_000) },
    });
    const { recomputeSession } = await import("../../lib/attendance/projection");
    await recomputeSession(scenario.sessionId);
    // Not opted in: nothing.
    expect((await runAtRiskDigests()).created).toBe(0);
    await prisma.course.update({ where: { id: scenario.courseId }, data: { atRiskDigest: true } });

    const now = new Date();
    const [first, second] = await Promise.all([runAtRiskDigests(now), runAtRiskDigests(now)]);
    expect(first.created + second.created).toBe(2);
    runners.push(await startRunner(databaseUrl, tasks), await startRunner(databaseUrl, tasks));
    await waitFor(
      async () => (await jobCount("send_notification")) === 0 && smtp.messages.length >= 2,
      20_000,
      "digests sent",
    );
    await sleep(500);
    expect(smtp.messages).toHaveLength(2);
    expect(new Set(smtp.messages.flatMap((message) => message.envelopeTo))).toEqual(
      new Set(scenario.instructors.map((instructor) => instructor.email.toLowerCase())),
    );
    const mail = smtp.messages[0]!;
    // Ben (joined at minute 7, so under 90 %) and Chen (absent) are at risk; Ana is not.
    expect(mail.subject).toMatch(/^2 students at risk in Data Science 101/);
    expect(mail.text).toContain("Ben Okafor");
    expect(mail.text).toContain("Chen Wei");
    expect(mail.text).not.toContain("Ana Lima");
    const rows = await prisma.notification.findMany({ where: { courseId: scenario.courseId, kind: "at_risk_digest" } });
    expect(rows.map((row) => row.status)).toEqual(["sent", "sent"]);
    expect(rows.map((row) => row.periodKey).sort()).toEqual(
      scenario.instructors
        .map((instructor) => digestPeriodKey(scenario.courseId, isoWeek(now), instructor.email.toLowerCase()))
        .sort(),
    );

    // The same week again (a catch-up run, a second worker): nothing more.
    expect((await runAtRiskDigests(now)).created).toBe(0);
    // Next week: one more each.
    expect((await runAtRiskDigests(new Date(now.getTime() + 7 * 86_400_000))).created).toBe(2);
  });

  it("sends nothing for a course where nobody is at risk", async () => {
    const scenario = await createScenario({ minutesAgo: 120, durationMinutes: 60 });
    await clearJobs();
    await prisma.course.update({
      where: { id: scenario.courseId },
      data: { atRiskDigest: true, termRequiredPercent: 1, maxAbsences: null },
    });
    // Enrolled after the class ended: no session counts, so nobody is at risk.
    const before = await prisma.notification.count({ where: { courseId: scenario.courseId } });
    await runAtRiskDigests();
    expect(await prisma.notification.count({ where: { courseId: scenario.courseId } })).toBe(before);
  });
});
