// Faults: the database going away, and the server dying right after it answered.
// Each test runs its own Postgres cluster and servers so it can break them.
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../../lib/db/embedded";
import { applyMigrations } from "../../lib/db/migrate";
import { freePort, postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { testDataDir } from "../helpers/postgres";
import { participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";

let cluster: EmbeddedDatabase;
let clusterPort: number;
let db: pg.Pool;
const dataDir = path.join(testDataDir, `faults-${process.pid}`);
const running: RunningServer[] = [];

async function startCluster() {
  cluster = await startEmbeddedPostgres({ dataDir, port: clusterPort, database: "rollcall_faults", quiet: true });
}

beforeAll(async () => {
  clusterPort = await freePort();
  await startCluster();
  await applyMigrations(cluster.url);
  db = new pg.Pool({ connectionString: cluster.url, max: 2 });
});

afterAll(async () => {
  for (const server of running) await server.stop("SIGKILL");
  await db?.end().catch(() => {});
  await cluster?.stop();
});

async function createLiveSession(meetingId: string): Promise<string> {
  const course = await db.query(
    `INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ($1, 'Faults course', 'UTC', now()) RETURNING id`,
    [`course_${meetingId}`],
  );
  await db.query(
    `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt") VALUES ($1, $2, 'Ana Lima', 'ana@example.edu', 'ana@example.edu', now())`,
    [`student_${meetingId}`, course.rows[0].id],
  );
  const session = await db.query(
    `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
     VALUES ($1, $2, $3, now() - interval '10 minutes', 60, now()) RETURNING id`,
    [`session_${meetingId}`, course.rows[0].id, meetingId],
  );
  return session.rows[0].id;
}

describe("database unavailable", () => {
  it("answers 503 quickly while Postgres is down, and stores the retried event afterwards", async () => {
    const server = await startServer({ databaseUrl: cluster.url, env: { WORKER: "off" } });
    running.push(server);
    const uuid = uniqueUuid();
    const body = participantJoined({
      uuid,
      meetingId: uniqueMeetingId(),
      userId: "42",
      name: "Ana",
      email: "ana@example.edu",
      joinTime: new Date(),
    });

    await db.end();
    await cluster.stop();
    const started = Date.now();
    const down = await postWebhook(server.url, body);
    const elapsedMs = Date.now() - started;
    expect(down.status).toBe(503);
    expect(down.headers.get("retry-after")).toBe("60");
    expect((await down.json()).error.code).toBe("unavailable");
    expect(elapsedMs).toBeLessThan(3000); // inside Zoom's 3-second limit, so Zoom sees the 503

    await startCluster();
    db = new pg.Pool({ connectionString: cluster.url, max: 2 });
    // Zoom retries the same event later; it lands once.
    const retried = await waitFor(
      async () => {
        const response = await postWebhook(server.url, body);
        return response.status === 200 ? response : null;
      },
      20_000,
      "the server to reach the database again",
    );
    expect(await retried.json()).toEqual({ status: "stored" });
    const count = await db.query('SELECT count(*)::int AS n FROM events WHERE "meetingUuid" = $1', [uuid]);
    expect(count.rows[0].n).toBe(1);
    await server.stop();
  });
});

describe("crash after the answer", () => {
  it("an event answered 200 by a server killed at once takes effect when a worker starts", async () => {
    const meetingId = uniqueMeetingId();
    const sessionId = await createLiveSession(meetingId);
    const server = await startServer({ databaseUrl: cluster.url, env: { WORKER: "off" } });
    running.push(server);
    const uuid = uniqueUuid();
    const joinedAt = new Date(Math.floor((Date.now() - 9 * 60_000) / 1000) * 1000); // Zoom sends whole seconds
    const answers = await Promise.all([
      postWebhook(
        server.url,
        participantJoined({
          uuid,
          meetingId,
          userId: "100",
          name: "Ana Lima",
          email: "ana@example.edu",
          joinTime: joinedAt,
        }),
      ),
      postWebhook(
        server.url,
        participantJoined({
          uuid,
          meetingId,
          userId: "101",
          name: "Ana Lima",
          email: "ana@example.edu",
          joinTime: new Date(joinedAt.getTime() + 60_000),
        }),
      ),
      postWebhook(
        server.url,
        participantLeft({
          uuid,
          meetingId,
          userId: "101",
          name: "Ana Lima",
          email: "ana@example.edu",
          leaveTime: new Date(joinedAt.getTime() + 120_000),
        }),
      ),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await server.stop("SIGKILL");

    // Nothing processed yet: no worker ran.
    const before = await db.query('SELECT count(*)::int AS n FROM attendance_records WHERE "sessionId" = $1', [
      sessionId,
    ]);
    expect(before.rows[0].n).toBe(0);

    const worker = await startServer({ databaseUrl: cluster.url, script: "scripts/worker.ts" });
    running.push(worker);
    const record = await waitFor(
      async () => {
        const result = await db.query(
          'SELECT "inMeeting", "joinCount", "firstJoinAt" FROM attendance_records WHERE "sessionId" = $1',
          [sessionId],
        );
        return result.rows[0];
      },
      30_000,
      "the worker to process the stored events",
    );
    expect(record).toEqual({ inMeeting: true, joinCount: 2, firstJoinAt: joinedAt });
    await worker.stop();
  });
});

describe("worker killed mid-queue", () => {
  it("a recompute left locked by a killed worker is redone when another worker starts", async () => {
    const meetingId = uniqueMeetingId();
    const sessionId = await createLiveSession(meetingId);
    const server = await startServer({ databaseUrl: cluster.url, env: { WORKER: "off" } });
    running.push(server);
    const workerA = await startServer({ databaseUrl: cluster.url, script: "scripts/worker.ts" });
    running.push(workerA);
    const uuid = uniqueUuid();
    const joinedAt = new Date(Math.floor((Date.now() - 5 * 60_000) / 1000) * 1000);
    const answer = await postWebhook(
      server.url,
      participantJoined({
        uuid,
        meetingId,
        userId: "200",
        name: "Ana Lima",
        email: "ana@example.edu",
        joinTime: joinedAt,
      }),
    );
    expect(answer.status).toBe(200);
    await waitFor(
      async () => {
        const result = await db.query(
          'SELECT count(*)::int AS n FROM events e WHERE "meetingUuid" = $1 AND NOT EXISTS (SELECT 1 FROM event_outbox o WHERE o."eventId" = e.id)',
          [uuid],
        );
        return result.rows[0].n === 1;
      },
      20_000,
      "worker A to dispatch the event",
    );
    await workerA.stop("SIGKILL");
    // What a kill in the middle of the recompute leaves behind: the job locked by a dead worker
    // (graphile-worker keeps such a lock for 4 hours) and no committed projection.
    await db.query(
      `SELECT graphile_worker.add_job('recompute_session', json_build_object('sessionId', $1::text), job_key => 'recompute:' || $1::text)`,
      [sessionId],
    );
    await db.query(
      `UPDATE graphile_worker._private_jobs SET locked_at = now(), locked_by = 'killed-worker' WHERE key = 'recompute:' || $1::text`,
      [sessionId],
    );
    await db.query('DELETE FROM attendance_records WHERE "sessionId" = $1', [sessionId]);
    await db.query('UPDATE sessions SET "computedAt" = NULL WHERE id = $1', [sessionId]);

    const workerB = await startServer({ databaseUrl: cluster.url, script: "scripts/worker.ts" });
    running.push(workerB);
    const record = await waitFor(
      async () => {
        const result = await db.query(
          'SELECT "inMeeting", "firstJoinAt" FROM attendance_records WHERE "sessionId" = $1',
          [sessionId],
        );
        return result.rows[0];
      },
      20_000,
      "worker B to redo the recompute",
    );
    expect(record).toEqual({ inMeeting: true, firstJoinAt: joinedAt });
    await workerB.stop();
    await server.stop();
  });
});

describe("job runner stuck shutting down after an outage", () => {
  it("is abandoned and replaced, so jobs run again once Postgres is back", async () => {
    process.env.DATABASE_URL = cluster.url;
    const { registerTasks, startWorker } = await import("../../lib/worker");
    let hangs = 0;
    let failing = false;
    let finished = 0;
    let databaseDown: () => void = () => {};
    const down = new Promise<void>((resolve) => (databaseDown = resolve));
    registerTasks({
      // The first run never ends (and ignores the abort signal): graphile-worker's graceful
      // shutdown waits for it forever, as for a job stuck on a vanished connection.
      test_hang: async () => {
        hangs += 1;
        if (hangs === 1) await new Promise<void>(() => {});
      },
      // Fails while Postgres is down, so its failure cannot be recorded: graphile-worker then
      // shuts its runner down ("queue is in an inconsistent state"), as in the outage drill.
      test_fail_when_down: async () => {
        failing = true;
        await down;
        throw new Error("failed while the database was down");
      },
      test_finish: async () => {
        finished += 1;
      },
    });
    const worker = await startWorker({ connectionString: cluster.url, concurrency: 2, crontab: "" });
    try {
      await db.query("SELECT graphile_worker.add_job('test_hang', '{}'::json)");
      await db.query("SELECT graphile_worker.add_job('test_fail_when_down', '{}'::json, max_attempts => 1)");
      await waitFor(async () => hangs === 1 && failing, 10_000, "both jobs to start");

      await db.end();
      await cluster.stop();
      databaseDown();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await startCluster();
      db = new pg.Pool({ connectionString: cluster.url, max: 2 });

      await db.query("SELECT graphile_worker.add_job('test_finish', '{}'::json)");
      await waitFor(async () => finished > 0, 45_000, "a replacement runner to run the next job");
      // The hanging job was unlocked for the new runner, which ran it again.
      await waitFor(async () => hangs === 2, 10_000, "the unlocked job to run again");
    } finally {
      await worker.stop();
    }
  }, 90_000);
});
