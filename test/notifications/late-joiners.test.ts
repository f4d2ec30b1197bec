// Late-joiner emails, exactly once per student per session, through a real SMTP server,
// real Postgres and real graphile-worker runners (two at once, and one stopped and replaced).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { useFreshDatabase } from "../helpers/db";
import { waitFor } from "../helpers/server";
import { prisma } from "../../lib/db";
import { enqueueAt } from "../../lib/queue/enqueue";
import { tasks } from "../../lib/worker";
import { notificationTasks } from "../../lib/notifications/tasks";
import { listSessionNotifications } from "../../lib/notifications/read";
import { notificationMessageId, sendNotification } from "../../lib/notifications/send";
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
  databaseUrl = await useFreshDatabase("notify_once");
  smtp = await startSmtp({ delayMs: 150 });
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

async function drained(): Promise<boolean> {
  return (await jobCount("send_notification")) === 0 && (await jobCount("late_check")) === 0;
}

describe("late-joiner notifications", () => {
  it("are registered with the worker", () => {
    expect(typeof tasks.late_check).toBe("function");
    expect(typeof tasks.send_notification).toBe("function");
  });

  it("email the minute-7 joiner and the no-show once each, across two workers and a restart", async () => {
    const scenario = await createScenario();
    await storeScenarioEvents(scenario);
    const { early, late, never } = scenario.students;

    // Worker A only does the late check (as if it died before it got to the sends): the
    // notifications and their send jobs are recorded, nothing is mailed yet.
    const workerA = await startRunner(databaseUrl, { late_check: notificationTasks.late_check });
    await waitFor(
      async () =>
        (await jobCount("late_check")) === 0 &&
        (await prisma.notification.count({ where: { sessionId: scenario.sessionId } })) === 2,
      20_000,
      "late check",
    );
    await workerA.stop();
    const recorded = await prisma.notification.findMany({
      where: { sessionId: scenario.sessionId },
      orderBy: { recipient: "asc" },
    });
    expect(recorded.map((row) => `${row.studentId}:${row.kind}:${row.status}`).sort()).toEqual(
      [`${late.id}:late_student:pending`, `${never.id}:late_student:pending`].sort(),
    );
    expect(smtp.messages).toHaveLength(0);
    expect(await jobCount("send_notification")).toBe(2);

    // Extra send jobs for the same notifications (as a retry, a re-run or a bug might add) so that
    // the two workers really race for the same rows.
    for (const row of recorded) {
      for (let copy = 0; copy < 3; copy += 1) {
        await enqueueAt("send_notification", { notificationId: row.id }, new Date(), `extra:${row.id}:${copy}`);
      }
    }
    // Workers B and C at once.
    runners.push(await startRunner(databaseUrl, tasks), await startRunner(databaseUrl, tasks));
    await waitFor(async () => (await drained()) && smtp.messages.length >= 2, 30_000, "sends");
    await sleep(500);

    expect(smtp.messages).toHaveLength(2);
    const to = smtp.messages.map((message) => message.envelopeTo.join(",")).sort();
    expect(to).toEqual([late.email.toLowerCase(), never.email.toLowerCase()].sort());
    expect(to).not.toContain(early.email.toLowerCase());
    for (const message of smtp.messages) {
      const row = recorded.find((candidate) => candidate.recipient === message.envelopeTo[0])!;
      expect(message.messageId).toBe(notificationMessageId(row.id));
      expect(message.subject).toMatch(
        /^You're not in Data Science 101 \S+ yet — class started at \d{1,2}:\d{2} [AP]M P[SD]T$/,
      );
      expect(message.text).toContain(`https://zoom.us/j/${scenario.meetingId}`);
      expect(message.from).toContain("rollcall@school.test");
    }

    // Stop B and C, run the late check again (a retry or a re-scheduled check) on a new worker D.
    while (runners.length) await runners.pop()!.stop();
    await enqueueAt("late_check", { sessionId: scenario.sessionId }, new Date(), `late:${scenario.sessionId}`);
    for (const row of recorded)
      await enqueueAt("send_notification", { notificationId: row.id }, new Date(), `again:${row.id}`);
    runners.push(await startRunner(databaseUrl, tasks));
    await waitFor(drained, 20_000, "second run");
    await sleep(500);
    expect(smtp.messages).toHaveLength(2);
    expect(await prisma.notification.count({ where: { sessionId: scenario.sessionId } })).toBe(2);

    const shown = await listSessionNotifications(scenario.sessionId);
    expect(shown.map((row) => [row.name, row.status, row.attempts])).toEqual([
      ["Ben Okafor", "sent", 1],
      ["Chen Wei", "sent", 1],
    ]);
    for (const row of shown) expect(row.sentAt).toBeInstanceOf(Date);
  });

  it("hands over to a new worker without a second email when a worker is stopped mid-send", async () => {
    const slow = await startSmtp({ delayMs: 1500 });
    process.env.SMTP_URL = slow.url;
    try {
      const scenario = await createScenario();
      await storeScenarioEvents(scenario);
      const workerA = await startRunner(databaseUrl, tasks);
      // Stop A while its two sends are waiting for the SMTP server's answer.
      await waitFor(
        async () =>
          (await jobCount("send_notification")) === 2 &&
          (
            await prisma.$queryRawUnsafe<{ n: number }[]>(
              "SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE task_identifier = 'send_notification' AND locked_at IS NOT NULL",
            )
          )[0].n === 2,
        20_000,
        "sends in flight",
      );
      await workerA.stop();
      // A job whose worker went away before recording its completion stays locked until
      // graphile-worker clears locks older than 4 hours; do that now so the new worker retries it.
      await prisma.$executeRawUnsafe(
        "UPDATE graphile_worker._private_jobs SET locked_at = NULL, locked_by = NULL WHERE locked_at IS NOT NULL",
      );
      runners.push(await startRunner(databaseUrl, tasks));
      await waitFor(
        async () =>
          (await prisma.notification.count({ where: { sessionId: scenario.sessionId, status: "sent" } })) === 2 &&
          (await drained()),
        30_000,
        "sent",
      );
      await sleep(500);
      expect(slow.messages).toHaveLength(2);
      expect(new Set(slow.messages.map((message) => message.envelopeTo[0])).size).toBe(2);
    } finally {
      process.env.SMTP_URL = smtp.url;
      await slow.stop();
    }
  });

  it("never sends one row twice when senders race for it", async () => {
    const scenario = await createScenario();
    await storeScenarioEvents(scenario);
    runners.push(await startRunner(databaseUrl, { late_check: notificationTasks.late_check }));
    await waitFor(
      async () => (await prisma.notification.count({ where: { sessionId: scenario.sessionId } })) === 2,
      20_000,
      "late check",
    );
    const row = await prisma.notification.findFirstOrThrow({
      where: { sessionId: scenario.sessionId, studentId: scenario.students.never.id },
    });

    const outcomes = await Promise.all([sendNotification(row.id), sendNotification(row.id), sendNotification(row.id)]);
    expect(outcomes.filter((outcome) => outcome === "sent")).toHaveLength(1);
    expect(await sendNotification(row.id)).toBe("already_done");
    expect(smtp.messages.filter((message) => message.envelopeTo.includes(row.recipient))).toHaveLength(1);
  });

  it("sends nothing when the course has late-joiner emails off", async () => {
    const scenario = await createScenario({ notifyLateJoiners: false });
    await storeScenarioEvents(scenario);
    runners.push(await startRunner(databaseUrl, tasks));
    await waitFor(async () => (await jobCount("late_check")) === 0, 20_000, "late check");
    await sleep(700);
    expect(await prisma.notification.count({ where: { sessionId: scenario.sessionId } })).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it("sends nothing for a class whose deadline is long past (a session created afterwards)", async () => {
    const scenario = await createScenario({ minutesAgo: 7 * 60, durationMinutes: 8 * 60 });
    runners.push(await startRunner(databaseUrl, tasks));
    await waitFor(async () => (await jobCount("late_check")) === 0, 20_000, "late check");
    await sleep(500);
    expect(await prisma.notification.count({ where: { sessionId: scenario.sessionId } })).toBe(0);
    expect(smtp.messages).toHaveLength(0);
  });

  it("sends each instructor one summary listing the late students, when the course asks for it", async () => {
    const scenario = await createScenario({ notifyInstructorSummary: true, instructors: 2 });
    await prisma.user.update({ where: { id: scenario.instructors[1].id }, data: { disabledAt: new Date() } });
    await storeScenarioEvents(scenario);
    runners.push(await startRunner(databaseUrl, tasks), await startRunner(databaseUrl, tasks));
    await waitFor(async () => (await drained()) && smtp.messages.length >= 3, 30_000, "sends");
    await sleep(500);
    expect(smtp.messages).toHaveLength(3);
    const summaries = smtp.messages.filter((message) => message.envelopeTo.includes(scenario.instructors[0].email));
    expect(summaries).toHaveLength(1);
    const [summary] = summaries;
    expect(summary.subject).toMatch(/^2 students not in Data Science 101 \S+ yet — class started at/);
    expect(summary.text).toContain("Ben Okafor");
    expect(summary.text).toContain("joined at");
    expect(summary.text).toContain("Chen Wei");
    expect(summary.text).toContain("not joined yet");
    expect(summary.text).not.toContain("Ana Lima");
    expect(summary.text).toContain(`/sessions/${scenario.sessionId}`);
    const rows = await listSessionNotifications(scenario.sessionId);
    expect(rows.map((row) => [row.kind, row.name, row.status])).toEqual([
      ["late_student", "Ben Okafor", "sent"],
      ["late_student", "Chen Wei", "sent"],
      ["instructor_summary", scenario.instructors[0].name, "sent"],
    ]);
  });

  it("does not email a student once the class is over (a send retried too long)", async () => {
    const scenario = await createScenario({ minutesAgo: 30, durationMinutes: 20 });
    runners.push(await startRunner(databaseUrl, { late_check: notificationTasks.late_check }));
    await waitFor(
      async () => (await prisma.notification.count({ where: { sessionId: scenario.sessionId } })) === 3,
      20_000,
      "late check",
    );
    const row = await prisma.notification.findFirstOrThrow({ where: { sessionId: scenario.sessionId } });
    expect(await sendNotification(row.id)).toBe("expired");
    const after = await prisma.notification.findUniqueOrThrow({ where: { id: row.id } });
    expect(after.status).toBe("failed");
    expect(after.lastError).toMatch(/class ended/);
    expect(smtp.messages).toHaveLength(0);
  });
});
