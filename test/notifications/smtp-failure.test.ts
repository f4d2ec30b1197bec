// The mail server down or refusing -> the failure is recorded, retried with backoff, and
// exactly one email goes out once it recovers; no SMTP_URL -> recorded and shown, nothing sent.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Runner } from "graphile-worker";
import { useFreshDatabase } from "../helpers/db";
import { freePort, waitFor } from "../helpers/server";
import { prisma } from "../../lib/db";
import { tasks } from "../../lib/worker";
import { readSessionNotifications } from "../../lib/notifications/read";
import { resetTransports } from "../../lib/mail/transport";
import { renderToStaticMarkup } from "react-dom/server";
import { SessionNotifications } from "../../components/session-notifications";
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
const runners: Runner[] = [];
const servers: TestSmtp[] = [];

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("notify_smtp");
});

afterEach(async () => {
  while (runners.length) await runners.pop()!.stop();
  while (servers.length) await servers.pop()!.stop();
  await clearJobs();
  resetTransports();
});

afterAll(async () => {
  await prisma.$disconnect();
});

async function sendJob() {
  const rows = await prisma.$queryRawUnsafe<{ attempts: number; last_error: string | null; run_at: Date }[]>(
    "SELECT attempts, last_error, run_at FROM graphile_worker.jobs WHERE task_identifier = 'send_notification'",
  );
  return rows[0] ?? null;
}

describe("when the mail server is down", () => {
  it("records the failure, retries with backoff, and sends exactly one email after recovery", async () => {
    const port = await freePort();
    process.env.SMTP_URL = `smtp://127.0.0.1:${port}`; // nothing listens here yet
    const scenario = await createScenario();
    await storeScenarioEvents(scenario);
    // Only the no-show and the minute-7 joiner are notified; keep one of them to follow.
    runners.push(await startRunner(databaseUrl, tasks));

    // Attempt 1: connection refused.
    const failed = await waitFor(
      async () => {
        const rows = await prisma.notification.findMany({ where: { sessionId: scenario.sessionId } });
        return rows.length === 2 && rows.every((row) => row.status === "failed" && row.attempts === 1) ? rows : null;
      },
      20_000,
      "first failure",
    );
    for (const row of failed) expect(row.lastError).toMatch(/ECONNREFUSED/);
    const view = await readSessionNotifications(scenario.sessionId);
    expect(view!.notifications.map((row) => row.status)).toEqual(["failed", "failed"]);
    expect(view!.notifications[0].lastError).toMatch(/ECONNREFUSED/);
    // graphile-worker holds the job for a retry, later (exponential backoff).
    const job = await sendJob();
    expect(job!.attempts).toBeGreaterThanOrEqual(1);
    expect(job!.last_error).toMatch(/ECONNREFUSED/);

    // The server comes up but refuses the first recipient with a temporary error (451), then accepts.
    const smtp = await startSmtp({ port });
    servers.push(smtp);
    smtp.rejectNext = 1;
    await waitFor(
      async () =>
        (await prisma.notification.count({ where: { sessionId: scenario.sessionId, status: "sent" } })) === 2 &&
        (await jobCount("send_notification")) === 0,
      45_000,
      "recovery",
    );
    await sleep(500);
    expect(smtp.messages).toHaveLength(2);
    expect(smtp.messages.map((message) => message.envelopeTo[0]).sort()).toEqual(
      [scenario.students.late.email.toLowerCase(), scenario.students.never.email.toLowerCase()].sort(),
    );
    const rows = await prisma.notification.findMany({
      where: { sessionId: scenario.sessionId },
      orderBy: { attempts: "desc" },
    });
    // One of them was refused once more (451) before it went through.
    expect(rows[0].attempts).toBe(3);
    expect(rows[0].lastError).toMatch(/451/);
    expect(rows[1].attempts).toBe(2);
    for (const row of rows) expect(row.sentAt).toBeInstanceOf(Date);
  }, 90_000);
});

describe("without SMTP_URL", () => {
  it("records the notifications as not sent and says email is not configured", async () => {
    delete process.env.SMTP_URL;
    const scenario = await createScenario();
    await storeScenarioEvents(scenario);
    runners.push(await startRunner(databaseUrl, tasks));
    await waitFor(
      async () =>
        (await prisma.notification.count({ where: { sessionId: scenario.sessionId, status: "not_configured" } })) ===
          2 && (await jobCount("send_notification")) === 0,
      20_000,
      "not configured",
    );
    const view = await readSessionNotifications(scenario.sessionId);
    expect(view!.emailConfigured).toBe(false);
    expect(view!.notifications.map((row) => [row.name, row.status, row.sentAt])).toEqual([
      ["Ben Okafor", "not_configured", null],
      ["Chen Wei", "not_configured", null],
    ]);
    // What the live session page shows.
    const html = renderToStaticMarkup(
      await SessionNotifications({ sessionId: scenario.sessionId, timezone: "America/Los_Angeles" }),
    );
    expect(html).toContain("Email is not configured (SMTP_URL unset): notifications are recorded here but not sent.");
    expect(html).toContain("Chen Wei");
    expect(html).toContain("Not sent: email not configured");
    expect(html).not.toContain("Ana Lima");
  });
});
