// Live updates in the browser (ADR 016), on a server of this test's own so that it can be
// restarted: a join delivered through the webhook appears without a reload, the page says it is
// live, the stream recovers after the server restarts, and a proxy that holds the stream back
// sends the page to polling with ETags.
import { expect, test, type Page } from "@playwright/test";
import pg from "pg";
import { postWebhook, startServer, type RunningServer } from "../test/helpers/server";
import { meetingStarted, participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../test/helpers/zoom";
import { minutesAfter, signedInContext, uniqueSuffix } from "./support";

const databaseUrl = () => {
  const url = process.env.TEST_SERVER_DATABASE_URL;
  if (!url) throw new Error("TEST_SERVER_DATABASE_URL is not set: run the browser tests with `npm test -- --only e2e`");
  return url;
};

/** A course with two students and a class that started 10 minutes ago, straight in the database. */
async function liveClass(): Promise<{
  sessionId: string;
  meetingId: string;
  startsAt: Date;
  students: { name: string; email: string }[];
}> {
  const suffix = uniqueSuffix();
  const meetingId = uniqueMeetingId();
  const startsAt = new Date(Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000);
  const students = [1, 2].map((n) => ({
    id: `push_${suffix}_${n}`,
    name: `Push Student ${n} ${suffix}`,
    email: `push${n}.${suffix}@students.example.edu`,
  }));
  const db = new pg.Client({ connectionString: databaseUrl() });
  await db.connect();
  try {
    await db.query(`INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ($1, $2, 'UTC', now())`, [
      `push_course_${suffix}`,
      `E2E Push ${suffix}`,
    ]);
    for (const student of students) {
      await db.query(
        `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt") VALUES ($1, $2, $3, $4, $4, now())`,
        [student.id, `push_course_${suffix}`, student.name, student.email],
      );
    }
    await db.query(
      `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt") VALUES ($1, $2, $3, $4, 60, now())`,
      [`push_session_${suffix}`, `push_course_${suffix}`, meetingId, startsAt],
    );
  } finally {
    await db.end();
  }
  return { sessionId: `push_session_${suffix}`, meetingId, startsAt, students };
}

async function deliverTo(server: { url: string }, body: unknown): Promise<void> {
  const response = await postWebhook(server.url, body);
  expect(response.status, await response.clone().text()).toBe(200);
}

const indicator = (page: Page) => page.getByTestId("live-indicator");
const nowCell = (page: Page, email: string) => page.locator(`tr[data-student="${email}"] [data-col="now"]`);

let server: RunningServer | null = null;
test.afterEach(async () => {
  await server?.stop();
  server = null;
});

test("a join appears without a reload, and the stream comes back after the server restarts", async ({ browser }) => {
  test.setTimeout(180_000);
  server = await startServer({ databaseUrl: databaseUrl() });
  const { port } = server;
  const { sessionId, meetingId, startsAt, students } = await liveClass();
  const [first, second] = students;
  const uuid = uniqueUuid();
  // The session cookie of the shared test server is valid here too (same host, secret and database).
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  await page.goto(`${server.url}/sessions/${sessionId}`);
  await expect(indicator(page)).toHaveAttribute("data-status", "connected");
  await expect(indicator(page)).toHaveText("Live");
  await expect(nowCell(page, first.email)).toHaveText("Not joined");
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

  await deliverTo(server, meetingStarted(uuid, meetingId, minutesAfter(startsAt, -1)));
  await deliverTo(
    server,
    participantJoined({ uuid, meetingId, userId: "5550001", ...first, joinTime: minutesAfter(startsAt, 2) }),
  );
  await expect(nowCell(page, first.email)).toHaveText("In meeting");
  await expect(nowCell(page, second.email)).toHaveText("Not joined");
  await page.screenshot({ path: test.info().outputPath("live-page.png") });

  // The server goes away: the page says so, and comes back by itself when the server does.
  await server.stop();
  await expect(indicator(page)).toHaveAttribute("data-status", "reconnecting");
  server = await startServer({ databaseUrl: databaseUrl(), port });
  await expect(indicator(page)).toHaveAttribute("data-status", "connected", { timeout: 30_000 });
  await deliverTo(
    server,
    participantJoined({ uuid, meetingId, userId: "5550002", ...second, joinTime: minutesAfter(startsAt, 4) }),
  );
  await deliverTo(
    server,
    participantLeft({ uuid, meetingId, userId: "5550001", ...first, leaveTime: minutesAfter(startsAt, 5) }),
  );
  await expect(nowCell(page, second.email)).toHaveText("In meeting");
  await expect(nowCell(page, first.email)).toHaveText("Left");
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
  await context.close();
});

test("a proxy that holds the stream back sends the page to polling, which revalidates with an ETag", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const { sessionId, meetingId, startsAt, students } = await liveClass();
  const [first] = students;
  const uuid = uniqueUuid();
  const context = await signedInContext(browser, "admin");
  const page = await context.newPage();
  // Like a buffering proxy: the stream's request is accepted and nothing ever arrives.
  await page.route("**/live/stream**", () => {});
  const answers: number[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === `/api/sessions/${sessionId}/live`) answers.push(response.status());
  });
  await page.goto(`/sessions/${sessionId}`);
  await expect(indicator(page)).toHaveAttribute("data-status", "polling", { timeout: 15_000 });
  await expect(indicator(page)).toHaveText("Polling every 2 s");
  await expect.poll(() => answers.includes(304), { timeout: 15_000 }).toBe(true);

  await deliverTo({ url: new URL(page.url()).origin }, meetingStarted(uuid, meetingId, minutesAfter(startsAt, -1)));
  await deliverTo(
    { url: new URL(page.url()).origin },
    participantJoined({ uuid, meetingId, userId: "5560001", ...first, joinTime: minutesAfter(startsAt, 3) }),
  );
  await expect(nowCell(page, first.email)).toHaveText("In meeting", { timeout: 15_000 });
  await context.close();
});
