// npm run bench:webhook — signed, distinct participant events at 32 concurrent connections
// against the production server (scripts/serve.ts = `npm start`, worker in-process), measuring
// answer times, non-2xx answers and processing lag (answer -> reflected in stored attendance).
// A warm-up phase (another class's meeting, same load) runs first and is reported on its own: it
// is what a freshly started server shows, while the measured phase is a server that is running.
import fs from "node:fs";
import autocannon from "autocannon";
import pg from "pg";
import { benchDatabase, ensureProductionBuild, machine, percentile, postgresPids, processCpuMs } from "./common";
import { startServer } from "../test/helpers/server";
import { TEST_WEBHOOK_SECRET } from "../test/helpers/env";
import { signBody } from "../lib/zoom/signature";
import { participantJoined, participantLeft } from "../test/helpers/zoom";

const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000);
const WARMUP_EVENTS = Number(process.env.BENCH_WARMUP_EVENTS ?? 2_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const STUDENTS = 500;
const MEETING_ID = "84400000001";
const MEETING_UUID = "benchUuidAAAAAAAAAAAAA==";
const WARMUP_MEETING_ID = "84400000002";
const WARMUP_MEETING_UUID = "benchUuidWWWWWWWWWWWWW==";

async function seed(url: string): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(
    `INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ('bench_course', 'Benchmark course', 'UTC', now())`,
  );
  await db.query(
    `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
     SELECT 'bench_student_' || n, 'bench_course', 'Student ' || n, 'student' || n || '@bench.test', 'student' || n || '@bench.test', now()
     FROM generate_series(1, $1) AS n`,
    [STUDENTS],
  );
  // The measured class, and the class whose meeting takes the warm-up load (same students).
  await db.query(
    `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
     VALUES ('bench_session', 'bench_course', $1, now() - interval '30 minutes', 180, now()),
            ('bench_warmup', 'bench_course', $2, now() - interval '30 minutes', 180, now())`,
    [MEETING_ID, WARMUP_MEETING_ID],
  );
  await db.end();
}

/** Distinct events: each student joins and leaves repeatedly (new user_id per join, like Zoom). */
function buildEvents(count: number, meeting: { meetingId: string; uuid: string; firstUserId: number }): string[] {
  const start = Date.now() - 29 * 60_000;
  const bodies: string[] = [];
  for (let index = 0; bodies.length < count; index += 1) {
    const student = (index % STUDENTS) + 1;
    const round = Math.floor(index / STUDENTS);
    const spec = {
      uuid: meeting.uuid,
      meetingId: meeting.meetingId,
      userId: String(meeting.firstUserId + index),
      name: `Student ${student}`,
      email: `student${student}@bench.test`,
    };
    const joinTime = new Date(start + round * 60_000 + student * 10);
    bodies.push(JSON.stringify(participantJoined({ ...spec, joinTime })));
    if (bodies.length < count)
      bodies.push(JSON.stringify(participantLeft({ ...spec, leaveTime: new Date(joinTime.getTime() + 45_000) })));
  }
  return bodies;
}

interface PhaseResult {
  events: number;
  elapsedSeconds: number;
  latencies: number[];
  non2xx: number;
  lags: number[];
  recomputes: number;
  /** CPU milliseconds per event while sending: load generator, server (web + worker), PostgreSQL */
  cpuPerEvent: { client: number; server: number; postgres: number } | null;
}

/** Sends the bodies over CONCURRENCY connections and waits until attendance reflects the last one. */
async function runPhase(
  serverUrl: string,
  serverPid: number,
  databaseUrl: string,
  sessionId: string,
  bodies: string[],
): Promise<PhaseResult> {
  const answeredAt: number[] = [];
  const latencies: number[] = [];
  const trace: string[] = [];
  let non2xx = 0;
  let nextIndex = 0;

  // Poll the projection while sending: when did each recompute (computedAt) become visible?
  const poller = new pg.Client({ connectionString: databaseUrl });
  await poller.connect();
  const recomputes: { computedAt: number; seenAt: number }[] = [];
  const initial = await poller.query('SELECT "computedAt" FROM sessions WHERE id = $1', [sessionId]);
  let polling = true;
  const pollLoop = (async () => {
    let last = initial.rows[0]?.computedAt?.getTime() ?? 0;
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

  // The load generator shares the machine with the server and Postgres, so it must be cheap:
  // autocannon writes requests on raw kept-alive sockets (a third of node:http's CPU per request
  // here). One request in flight per connection; every request carries its own signed event.
  const postgres = postgresPids();
  const cpuBefore = { client: process.cpuUsage(), server: processCpuMs([serverPid]), postgres: processCpuMs(postgres) };
  const started = performance.now();
  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const phase = autocannon(
    {
      url: `${serverUrl}/api/zoom/webhook`,
      connections: CONCURRENCY,
      amount: bodies.length,
      timeout: 30,
      requests: [
        {
          method: "POST",
          setupRequest: (request) => {
            const index = nextIndex++;
            const body = bodies[index % bodies.length];
            const timestamp = Math.floor(Date.now() / 1000);
            return {
              ...request,
              body,
              headers: {
                "content-type": "application/json",
                "x-zm-request-timestamp": String(timestamp),
                "x-zm-signature": signBody(TEST_WEBHOOK_SECRET, timestamp, body),
                "x-zm-trackingid": `Webhook_bench_${sessionId}_${index}`,
              },
            };
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  let lastAnsweredAt = started;
  phase.on("response", (_client, statusCode, _bytes, responseTime) => {
    const now = performance.now();
    lastAnsweredAt = now;
    latencies.push(responseTime);
    if (process.env.BENCH_TRACE) trace.push(`${(now - responseTime - started).toFixed(1)} ${responseTime.toFixed(1)}`);
    answeredAt.push(Date.now());
    if (statusCode < 200 || statusCode > 299) non2xx += 1;
  });
  const summary = await finished;
  if (nextIndex !== bodies.length || latencies.length !== bodies.length)
    throw new Error(
      `load generator sent ${nextIndex} requests and got ${latencies.length} answers for ${bodies.length} events`,
    );
  if (summary.errors > 0 || summary.timeouts > 0)
    throw new Error(`load generator: ${summary.errors} errors, ${summary.timeouts} timeouts`);
  const clientCpu = process.cpuUsage(cpuBefore.client);
  const serverCpu = processCpuMs([serverPid]);
  const postgresCpu = processCpuMs(postgres);
  const cpuPerEvent =
    serverCpu === null || postgresCpu === null || cpuBefore.server === null || cpuBefore.postgres === null
      ? null
      : {
          client: (clientCpu.user + clientCpu.system) / 1000 / bodies.length,
          server: (serverCpu - cpuBefore.server) / bodies.length,
          postgres: (postgresCpu - cpuBefore.postgres) / bodies.length,
        };
  // From the first request to the last answer (autocannon reports its end on a 1-second tick).
  const elapsedSeconds = (lastAnsweredAt - started) / 1000;
  // BENCH_TRACE=file: one line per request (sent at, ms after the phase began; answer time).
  if (process.env.BENCH_TRACE) fs.writeFileSync(`${process.env.BENCH_TRACE}.${sessionId}`, trace.join("\n"));

  // Wait until a recompute that started after the last answer is visible.
  const lastAnswer = Math.max(...answeredAt);
  const deadline = Date.now() + 60_000;
  while (
    process.env.BENCH_WORKER !== "off" &&
    Date.now() < deadline &&
    !recomputes.some((recompute) => recompute.computedAt > lastAnswer)
  ) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  polling = false;
  await pollLoop;
  await poller.end();

  // An event answered at time a is reflected by the first recompute whose snapshot started after a.
  const lags: number[] = [];
  for (const answered of process.env.BENCH_WORKER === "off" ? [] : answeredAt) {
    const reflecting = recomputes.find((recompute) => recompute.computedAt > answered);
    lags.push(reflecting ? reflecting.seenAt - answered : Infinity);
  }
  // BENCH_TRACE: the recomputes seen (snapshot time, visible time; ms after the first answer).
  if (process.env.BENCH_TRACE && answeredAt.length) {
    const origin = Math.min(...answeredAt);
    fs.writeFileSync(
      `${process.env.BENCH_TRACE}.${sessionId}.recomputes`,
      recomputes.map((recompute) => `${recompute.computedAt - origin} ${recompute.seenAt - origin}`).join("\n"),
    );
  }
  latencies.sort((a, b) => a - b);
  lags.sort((a, b) => a - b);
  return { events: bodies.length, elapsedSeconds, latencies, non2xx, lags, recomputes: recomputes.length, cpuPerEvent };
}

async function main() {
  ensureProductionBuild();
  const { cluster, url } = await benchDatabase("webhook");
  await seed(url);
  const server = await startServer({
    databaseUrl: url,
    env: {
      ...(process.env.BENCH_POOL_SIZE ? { DATABASE_POOL_SIZE: process.env.BENCH_POOL_SIZE } : {}),
      ...(process.env.BENCH_WORKER ? { WORKER: process.env.BENCH_WORKER } : {}),
    },
  });
  const startedWall = Date.now();
  const warmup =
    WARMUP_EVENTS > 0
      ? await runPhase(
          server.url,
          server.process.pid ?? 0,
          url,
          "bench_warmup",
          buildEvents(WARMUP_EVENTS, {
            meetingId: WARMUP_MEETING_ID,
            uuid: WARMUP_MEETING_UUID,
            firstUserId: 15_000_000,
          }),
        )
      : null;
  const measured = await runPhase(
    server.url,
    server.process.pid ?? 0,
    url,
    "bench_session",
    buildEvents(EVENTS, { meetingId: MEETING_ID, uuid: MEETING_UUID, firstUserId: 16_000_000 }),
  );

  const stored = await (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const result = await client.query('SELECT count(*)::int AS n FROM events WHERE "zoomMeetingId" = $1', [MEETING_ID]);
    await client.end();
    return result.rows[0].n as number;
  })();

  const worker =
    process.env.BENCH_WORKER === "off" ? "worker off (receipt alone)" : "production server with its worker";
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const columns = (phase: PhaseResult | null, format: (phase: PhaseResult) => string) => (phase ? format(phase) : "–");
  const row = (name: string, format: (phase: PhaseResult) => string, target: string) =>
    `| ${name} | ${columns(measured, format)} | ${target} | ${columns(warmup, format)} |`;
  console.log(`\n### bench:webhook — ${machine()}\n`);
  console.log(
    `${CONCURRENCY} concurrent connections, ${worker}, embedded Postgres; started ${new Date(startedWall).toISOString()}.`,
  );
  console.log(
    `Warm-up: ${warmup?.events ?? 0} events to another class's meeting on the freshly started server, then the measured ${measured.events} events.\n`,
  );
  console.log("| measure | measured | target | warm-up (fresh server) |\n| --- | ---: | ---: | ---: |");
  console.log(
    row("throughput", (phase) => `${Math.round(phase.events / phase.elapsedSeconds)} events/s`, ">= 1,000 events/s"),
  );
  console.log(row("answer time p50", (phase) => ms(percentile(phase.latencies, 0.5)), ""));
  console.log(row("answer time p99", (phase) => ms(percentile(phase.latencies, 0.99)), "<= 50 ms"));
  console.log(row("answer time max", (phase) => ms(phase.latencies[phase.latencies.length - 1]), ""));
  console.log(row("non-2xx answers", (phase) => String(phase.non2xx), "0"));
  console.log(`| events stored | ${stored} of ${measured.events} | all | |`);
  const lag = (fraction: number) => (phase: PhaseResult) =>
    phase.lags.length ? `${percentile(phase.lags, fraction).toFixed(0)} ms` : "–";
  console.log(row("processing lag p50", lag(0.5), ""));
  console.log(row("processing lag p99", lag(0.99), "<= 1,000 ms"));
  console.log(row("processing lag max", lag(1), ""));
  console.log(row("recomputes", (phase) => String(phase.recomputes), ""));
  const cpu = (part: "client" | "server" | "postgres") => (phase: PhaseResult) =>
    phase.cpuPerEvent ? `${phase.cpuPerEvent[part].toFixed(3)} ms` : "–";
  console.log(row("CPU per event: load generator", cpu("client"), ""));
  console.log(row("CPU per event: server (web + worker)", cpu("server"), ""));
  console.log(row("CPU per event: PostgreSQL", cpu("postgres"), ""));

  await server.stop();
  await cluster.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
