// npm run bench:webhook — signed, distinct participant events at 32 concurrent connections
// against the production server (scripts/serve.ts = `npm start`, worker in-process), measuring
// answer times, non-2xx answers and processing lag (answer -> reflected in stored attendance).
import http from "node:http";
import pg from "pg";
import { benchDatabase, ensureProductionBuild, machine, percentile } from "./common";
import { startServer } from "../test/helpers/server";
import { TEST_WEBHOOK_SECRET } from "../test/helpers/env";
import { signBody } from "../lib/zoom/signature";
import { participantJoined, participantLeft } from "../test/helpers/zoom";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STUDENTS = 500;
const MEETING_ID = "84400000001";
const MEETING_UUID = "benchUuidAAAAAAAAAAAAA==";

async function seed(url: string): Promise<string> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(`INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ('bench_course', 'Benchmark course', 'UTC', now())`);
  await db.query(
    `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
     SELECT 'bench_student_' || n, 'bench_course', 'Student ' || n, 'student' || n || '@bench.test', 'student' || n || '@bench.test', now()
     FROM generate_series(1, $1) AS n`,
    [STUDENTS],
  );
  await db.query(
    `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
     VALUES ('bench_session', 'bench_course', $1, now() - interval '30 minutes', 180, now())`,
    [MEETING_ID],
  );
  await db.end();
  return "bench_session";
}

/** Distinct events: each student joins and leaves repeatedly (new user_id per join, like Zoom). */
function buildEvents(count: number): string[] {
  const start = Date.now() - 29 * 60_000;
  const bodies: string[] = [];
  for (let index = 0; bodies.length < count; index += 1) {
    const student = (index % STUDENTS) + 1;
    const round = Math.floor(index / STUDENTS);
    const spec = { uuid: MEETING_UUID, meetingId: MEETING_ID, userId: String(16_000_000 + index), name: `Student ${student}`, email: `student${student}@bench.test` };
    const joinTime = new Date(start + round * 60_000 + student * 10);
    bodies.push(JSON.stringify(participantJoined({ ...spec, joinTime })));
    if (bodies.length < count) bodies.push(JSON.stringify(participantLeft({ ...spec, leaveTime: new Date(joinTime.getTime() + 45_000) })));
  }
  return bodies;
}

// The load generator shares the machine with the server and Postgres, so it must be cheap:
// node:http on kept-alive sockets costs a fraction of fetch's CPU per request.
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function post(url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
      (response) => {
        response.resume();
        response.once("end", () => resolve(response.statusCode ?? 0));
        response.once("error", reject);
      },
    );
    request.once("error", reject);
    request.end(body);
  });
}

async function main() {
  ensureProductionBuild();
  const { cluster, url } = await benchDatabase("webhook");
  const sessionId = await seed(url);
  const server = await startServer({ databaseUrl: url, env: { ...(process.env.BENCH_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}), ...(process.env.BENCH_WORKER ? { WORKER: process.env.BENCH_WORKER } : {}) } });
  const bodies = buildEvents(EVENTS);
  const answeredAt = new Array<number>(bodies.length);
  const latencies: number[] = [];
  let non2xx = 0;
  let nextIndex = 0;

  // Warm up routes and connections (not counted).
  await Promise.all(Array.from({ length: CONCURRENCY }, () => fetch(`${server.url}/api/health`)));

  // Poll the projection while sending: when did each recompute (computedAt) become visible?
  const poller = new pg.Client({ connectionString: url });
  await poller.connect();
  const recomputes: { computedAt: number; seenAt: number }[] = [];
  let polling = true;
  const pollLoop = (async () => {
    let last = 0;
    while (polling) {
      const result = await poller.query('SELECT "computedAt" FROM sessions WHERE id = $1', [sessionId]);
      const computedAt = result.rows[0]?.computedAt?.getTime() ?? 0;
      if (computedAt > last) {
        last = computedAt;
        recomputes.push({ computedAt, seenAt: Date.now() });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const webhookUrl = new URL(`${server.url}/api/zoom/webhook`);
  const started = performance.now();
  const startedWall = Date.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (;;) {
        const index = nextIndex++;
        if (index >= bodies.length) return;
        const body = bodies[index];
        const timestamp = Math.floor(Date.now() / 1000);
        const signature = signBody(TEST_WEBHOOK_SECRET, timestamp, body);
        const sent = performance.now();
        const status = await post(webhookUrl, body, {
          "content-type": "application/json",
          "x-zm-request-timestamp": String(timestamp),
          "x-zm-signature": signature,
          "x-zm-trackingid": `Webhook_bench_${index}`,
        });
        latencies.push(performance.now() - sent);
        answeredAt[index] = Date.now();
        if (status < 200 || status > 299) non2xx += 1;
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;

  // Wait until a recompute that started after the last answer is visible.
  const lastAnswer = Math.max(...answeredAt);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !recomputes.some((recompute) => recompute.computedAt > lastAnswer)) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  polling = false;
  await pollLoop;
  await poller.end();

  // An event answered at time a is reflected by the first recompute whose snapshot started after a.
  const lags: number[] = [];
  for (const answered of answeredAt) {
    const reflecting = recomputes.find((recompute) => recompute.computedAt > answered);
    lags.push(reflecting ? reflecting.seenAt - answered : Infinity);
  }
  const stored = await (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const result = await client.query("SELECT count(*)::int AS n FROM events");
    await client.end();
    return result.rows[0].n as number;
  })();

  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  const row = (name: string, value: string, target: string) => `| ${name} | ${value} | ${target} |`;
  console.log(`\n### bench:webhook — ${machine()}\n`);
  console.log(`${bodies.length} distinct signed events, ${CONCURRENCY} concurrent connections, production server with its worker, embedded Postgres; started ${new Date(startedWall).toISOString()}\n`);
  console.log("| measure | result | target |\n| --- | ---: | ---: |");
  console.log(row("throughput", `${Math.round(bodies.length / elapsedSeconds)} events/s`, ">= 1,000 events/s"));
  console.log(row("answer time p50", `${percentile(latencies, 0.5).toFixed(1)} ms`, ""));
  console.log(row("answer time p99", `${percentile(latencies, 0.99).toFixed(1)} ms`, "<= 50 ms"));
  console.log(row("answer time max", `${latencies[latencies.length - 1].toFixed(1)} ms`, ""));
  console.log(row("non-2xx answers", String(non2xx), "0"));
  console.log(row("events stored", `${stored} of ${bodies.length}`, "all"));
  console.log(row("processing lag p50", `${percentile(lags, 0.5).toFixed(0)} ms`, ""));
  console.log(row("processing lag p99", `${percentile(lags, 0.99).toFixed(0)} ms`, "<= 1,000 ms"));
  console.log(row("processing lag max", `${lags[lags.length - 1].toFixed(0)} ms`, ""));
  console.log(row("recomputes", String(recomputes.length), ""));

  await server.stop();
  await cluster.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
