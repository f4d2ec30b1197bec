// Live updates across processes (ADR 016): two web processes and a worker on one Postgres. A
// webhook into web process 1 reaches a stream held on web process 2 as a delta carrying only the
// changed row; a reconnect resumes from Last-Event-ID; a dropped LISTEN connection reconnects and
// resends in full; the live JSON revalidates with its ETag.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { useFreshDatabase } from "../helpers/db";
import { credentialsSignIn, postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { openSse, type SseStream } from "../helpers/sse";
import { meetingStarted, participantJoined, participantLeft, uniqueUuid } from "../helpers/zoom";
import type { LiveDelta, LivePayload } from "../../lib/attendance/live-delta";

let db: pg.Pool;
const processes: RunningServer[] = [];
let cookie = "";
const streams: SseStream[] = [];
const meetingId = "84477700001";
const uuid = uniqueUuid();
const startsAt = new Date(Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000);
const minute = (n: number) => new Date(startsAt.getTime() + n * 60_000);
const student = (n: number) => ({
  uuid,
  meetingId,
  userId: `77${n}01`,
  name: `Student ${n}`,
  email: `s${n}@live.test`,
});

async function open(server: RunningServer, headers: Record<string, string> = {}, query = ""): Promise<SseStream> {
  const stream = await openSse(`${server.url}/api/sessions/live_session/live/stream${query}`, { cookie, ...headers });
  streams.push(stream);
  return stream;
}

const deltaOf = (data: string) => JSON.parse(data) as LiveDelta;
/** Every stream starts with a "hello" event (sent before the session is read); the data follows. */
const data = (event: { event: string }) => event.event !== "hello";

beforeAll(async () => {
  const databaseUrl = await useFreshDatabase("livepush");
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const { createUser } = await import("../../lib/services/users");
  await createUser({ email: "live-admin@live.test", name: "Live admin", role: "admin", password: "live-password-123" });
  await db.query(`INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ('live_course', 'Live', 'UTC', now())`);
  await db.query(
    `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
     SELECT 'live_student_' || n, 'live_course', 'Student ' || n, 's' || n || '@live.test', 's' || n || '@live.test', now()
     FROM generate_series(1, 30) AS n`,
  );
  await db.query(
    `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
     VALUES ('live_session', 'live_course', $1, $2, 60, now())`,
    [meetingId, startsAt],
  );
  processes.push(
    ...(await Promise.all([
      startServer({ databaseUrl, env: { WORKER: "off" } }),
      startServer({ databaseUrl, env: { WORKER: "off" } }),
      startServer({ databaseUrl, script: "scripts/worker.ts" }),
    ])),
  );
  const setCookies = await credentialsSignIn(processes[1].url, "live-admin@live.test", "live-password-123");
  cookie = setCookies.map((value) => value.split(";")[0]).join("; ");
  expect(cookie).toContain("session-token");
  // The class starts: its first recompute gives the page a version to start from.
  expect((await postWebhook(processes[0].url, meetingStarted(uuid, meetingId, minute(-1)))).status).toBe(200);
  await waitFor(
    async () =>
      (await db.query(`SELECT "liveVersion" FROM sessions WHERE id = 'live_session'`)).rows[0].liveVersion > 0,
    20_000,
    "the first recompute",
  );
}, 180_000);

afterAll(async () => {
  for (const stream of streams) stream.close();
  await Promise.all(processes.map((process) => process.stop()));
  await db?.end();
});

describe("the live stream", () => {
  it("is refused without a session and for a session that does not exist", async () => {
    const [, web2] = processes;
    const anonymous = await fetch(`${web2.url}/api/sessions/live_session/live/stream`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: "unauthorized" } });
    const missing = await fetch(`${web2.url}/api/sessions/nope/live/stream`, { headers: { cookie } });
    expect(missing.status).toBe(404);
    const invalid = await fetch(`${web2.url}/api/sessions/live_session/live/stream?since=abc`, { headers: { cookie } });
    expect(invalid.status).toBe(400);
    expect((await invalid.json()).error.message).toMatch(/whole number/);
  });

  it("carries a webhook into web process 1 to a stream on web process 2, as the changed row only", async () => {
    const [web1, web2] = processes;
    const stream = await open(web2);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(stream.headers.get("x-accel-buffering")).toBe("no");
    expect(stream.events.length === 0 || stream.events[0].event === "hello").toBe(true);
    const first = await stream.next(data);
    expect(stream.events[0].event).toBe("hello");
    expect(first.event).toBe("full");
    const full = JSON.parse(first.data) as LivePayload;
    expect(Number(first.id)).toBe(full.version);
    expect(full.students).toHaveLength(30);
    expect(full.students.find((row) => row.email === "s7@live.test")).toMatchObject({ inMeeting: false, joinCount: 0 });

    expect((await postWebhook(web1.url, participantJoined({ ...student(7), joinTime: minute(2) }))).status).toBe(200);
    const change = await stream.next(
      (event) =>
        event.event === "delta" &&
        deltaOf(event.data).lists.students?.upsert.some((row) => row.studentId === "live_student_7"),
      10_000,
    );
    const delta = deltaOf(change.data);
    expect(delta.base).toBe(full.version);
    expect(Number(change.id)).toBe(delta.version);
    expect(delta.version).toBeGreaterThan(full.version);
    // Only Student 7's row travels, not the roster of 30.
    expect(delta.lists.students.upsert).toHaveLength(1);
    expect(delta.lists.students.upsert[0]).toMatchObject({
      studentId: "live_student_7",
      inMeeting: true,
      joinCount: 1,
    });
    expect(delta.fields.counts).toMatchObject({ inMeeting: 1, joined: 1 });
    expect(change.data.length).toBeLessThan(first.data.length / 5);
  });

  it("resumes from Last-Event-ID: nothing again when current, everything when behind", async () => {
    const [web1, web2] = processes;
    const { rows } = await db.query(`SELECT "liveVersion" FROM sessions WHERE id = 'live_session'`);
    const current = rows[0].liveVersion as number;
    const resumed = await open(web1, { "last-event-id": String(current) });
    const ready = await resumed.next(data);
    expect(ready.event).toBe("ready");
    expect(JSON.parse(ready.data)).toEqual({ version: current });
    const behind = await open(web2, { "last-event-id": String(current - 1) });
    expect((await behind.next(data)).event).toBe("full");
    // Last-Event-ID (a browser's own reconnect) wins over ?since=.
    const both = await open(web2, { "last-event-id": String(current) }, "?since=0");
    expect((await both.next(data)).event).toBe("ready");

    // A change after the resume arrives on the resumed stream, based on the version it resumed at.
    expect((await postWebhook(web2.url, participantLeft({ ...student(7), leaveTime: minute(5) }))).status).toBe(200);
    const change = await resumed.next((event) => event.event === "delta", 10_000);
    expect(deltaOf(change.data).base).toBe(current);
    expect(deltaOf(change.data).lists.students.upsert[0]).toMatchObject({
      studentId: "live_student_7",
      inMeeting: false,
    });
  });

  it("resends in full after the process's LISTEN connection dropped, and keeps delivering", async () => {
    const [web1, web2] = processes;
    const stream = await open(web2);
    await stream.next(data);
    // A page open on each process: a process with no open page does not reconnect its listener.
    const other = await open(web1);
    await other.next(data);
    const killed = await db.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = 'rollcall-live-listener' AND datname = current_database()`,
    );
    // One listener per web process with open streams.
    expect(killed.rows.length).toBe(2);
    const seen = stream.events.length;
    const resent = await stream.next((event) => event.event === "full", 15_000, seen);
    expect(JSON.parse(resent.data).students).toHaveLength(30);
    await waitFor(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'rollcall-live-listener' AND datname = current_database()`,
          )
        ).rows[0].n === 2,
      15_000,
      "both listeners to reconnect",
    );
    expect((await postWebhook(web1.url, participantJoined({ ...student(9), joinTime: minute(6) }))).status).toBe(200);
    const after = stream.events.length;
    const change = await stream.next((event) => event.event === "delta", 10_000, after);
    expect(deltaOf(change.data).lists.students.upsert[0]).toMatchObject({
      studentId: "live_student_9",
      inMeeting: true,
    });
  });
});

describe("the live JSON", () => {
  it("revalidates with its ETag: 304 while nothing changed, 200 with a new tag after a change", async () => {
    const [web1, web2] = processes;
    const url = `${web2.url}/api/sessions/live_session/live`;
    const first = await fetch(url, { headers: { cookie } });
    expect(first.status).toBe(200);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"v\d+-live-/);
    const body = (await first.json()) as LivePayload;
    expect(body.students).toHaveLength(30);

    const again = await fetch(url, { headers: { cookie, "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    // Weak comparison, as proxies may weaken the tag.
    expect((await fetch(url, { headers: { cookie, "if-none-match": `W/${etag}` } })).status).toBe(304);

    expect((await postWebhook(web1.url, participantJoined({ ...student(11), joinTime: minute(7) }))).status).toBe(200);
    const changed = await waitFor(
      async () => {
        const response = await fetch(url, { headers: { cookie, "if-none-match": etag! } });
        return response.status === 200 ? response : null;
      },
      10_000,
      "the tag to change",
    );
    expect(changed.headers.get("etag")).not.toBe(etag);
    const next = (await changed.json()) as LivePayload;
    expect(next.version).toBeGreaterThan(body.version);
    expect(next.students.find((row) => row.studentId === "live_student_11")).toMatchObject({ inMeeting: true });
  });
});
