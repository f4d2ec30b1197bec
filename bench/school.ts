// npm run bench:school — a school's hour on one production server (scripts/serve.ts, worker
// in-process): 100 live classes of 30 students (3,000 students), each with its live page open as
// an SSE stream held here, and the class-start burst of Zoom webhooks:
// - most students join within ±3 minutes of the start (a bell curve), a second wave of late
//   joiners 5–15 minutes in, some never come; about one in six drops out and rejoins;
// - class time runs BENCH_SPEEDUP (10) times faster than the wall clock, so the burst is denser
//   than a real one (±3 min of arrivals are sent in ±18 s).
// Reports webhook answer times, the lag from each webhook's 200 to the first SSE message that
// shows its change (in the burst, and for lone joins one at a time afterwards), bytes per change,
// and the server's CPU and RSS with 100 idle streams. BENCH_CLASSES, BENCH_STUDENTS,
// BENCH_SPEEDUP, BENCH_CONNECTIONS, BENCH_LONE_JOINS and BENCH_IDLE_SECONDS change the shape;
// BENCH_TRACE=file writes every webhook's send time, answer time and lag. The webhooks are sent
// from a thread of their own (bench/school-sender.ts), so that the answer times, like Zoom's, do
// not wait on this process's work for the streams.
import fs from "node:fs";
import { Worker } from "node:worker_threads";
import pg from "pg";
import {
  benchDatabase,
  ensureProductionBuild,
  machine,
  machineBusyCpuMs,
  percentile,
  postgresPids,
  processCpuMs,
} from "./common";
import { credentialsSignIn, postWebhook, startServer } from "../test/helpers/server";
import { openSse, type SseEvent, type SseStream } from "../test/helpers/sse";
import { meetingStarted, participantJoined, participantLeft } from "../test/helpers/zoom";
import type { LiveDelta, LivePayload } from "../lib/attendance/live-delta";
import type { SenderInput, SenderOutput } from "./school-sender";

const CLASSES = Number(process.env.BENCH_CLASSES ?? 100);
const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 30);
const SPEEDUP = Number(process.env.BENCH_SPEEDUP ?? 10);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LONE_JOINS = Number(process.env.BENCH_LONE_JOINS ?? 40);
const PASSWORD = "bench-school-password";

/** A deterministic pseudo-random sequence, so every run sends the same school. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() || 1e-9)) * Math.cos(2 * Math.PI * next());
}

interface Planned {
  /** class-time minutes from the start */
  atMinutes: number;
  classIndex: number;
  body: unknown;
  /** the student's row that must show it: joinCount at least `joins`, in the meeting or not */
  check: { studentId: string; joins: number; inMeeting: boolean } | null;
}

const meetingIdOf = (classIndex: number) => String(85_000_000_000 + classIndex);
const uuidOf = (classIndex: number) => `schoolUuid${String(classIndex).padStart(12, "0")}==`;
const studentIdOf = (classIndex: number, n: number) => `school_${classIndex}_${n}`;

interface Absent {
  classIndex: number;
  n: number;
}

function plan(startsAt: Date): { events: Planned[]; absent: Absent[] } {
  const next = random(20261206);
  const events: Planned[] = [];
  const absent: Absent[] = [];
  const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
  for (let classIndex = 0; classIndex < CLASSES; classIndex += 1) {
    const meetingId = meetingIdOf(classIndex);
    const uuid = uuidOf(classIndex);
    const startedAt = -4 - next() * 2;
    events.push({
      atMinutes: startedAt,
      classIndex,
      body: meetingStarted(uuid, meetingId, at(startedAt)),
      check: null,
    });
    for (let n = 1; n <= STUDENTS; n += 1) {
      const roll = next();
      if (roll < 0.04) {
        absent.push({ classIndex, n });
        continue;
      }
      // 84 % around the start (σ = 1.2 min, within ±3 min), 12 % in a second wave 5–15 min in.
      const joinAt = roll < 0.88 ? Math.max(-3, Math.min(3, normal(next) * 1.2)) : 5 + next() * 10;
      const studentId = studentIdOf(classIndex, n);
      const person = { uuid, meetingId, name: `Student ${classIndex}-${n}`, email: `s${classIndex}-${n}@school.test` };
      let userId = Number(`${classIndex + 1}${String(n).padStart(3, "0")}001`);
      events.push({
        atMinutes: joinAt,
        classIndex,
        body: participantJoined({ ...person, userId: String(userId), joinTime: at(joinAt) }),
        check: { studentId, joins: 1, inMeeting: true },
      });
      if (next() < 0.17) {
        // A drop (bad Wi-Fi, a laptop closing) and a rejoin as a new participant a little later.
        const leaveAt = joinAt + 1 + next() * 8;
        const rejoinAt = leaveAt + 0.3 + next() * 1.5;
        events.push({
          atMinutes: leaveAt,
          classIndex,
          body: participantLeft({ ...person, userId: String(userId), leaveTime: at(leaveAt) }),
          check: { studentId, joins: 1, inMeeting: false },
        });
        userId += 1;
        events.push({
          atMinutes: rejoinAt,
          classIndex,
          body: participantJoined({ ...person, userId: String(userId), joinTime: at(rejoinAt) }),
          check: { studentId, joins: 2, inMeeting: true },
        });
      }
    }
  }
  return { events: events.sort((a, b) => a.atMinutes - b.atMinutes), absent };
}

async function seed(url: string, startsAt: Date): Promise<void> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  await db.query(
    `INSERT INTO courses (id, name, timezone, "updatedAt") SELECT 'school_course_' || c, 'Class ' || c, 'UTC', now() FROM generate_series(0, $1 - 1) AS c`,
    [CLASSES],
  );
  await db.query(
    `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
     SELECT 'school_' || c || '_' || n, 'school_course_' || c, 'Student ' || c || '-' || n, 's' || c || '-' || n || '@school.test', 's' || c || '-' || n || '@school.test', now()
     FROM generate_series(0, $1 - 1) AS c, generate_series(1, $2) AS n`,
    [CLASSES, STUDENTS],
  );
  await db.query(
    `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
     SELECT 'school_session_' || c, 'school_course_' || c, (85000000000 + c)::text, $2, 60, now() FROM generate_series(0, $1 - 1) AS c`,
    [CLASSES, startsAt],
  );
  await db.end();
  const { createUser } = await import("../lib/services/users");
  await createUser({ email: "bench@school.test", name: "Bench admin", role: "admin", password: PASSWORD });
  const { prisma } = await import("../lib/db");
  await prisma.$disconnect();
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** Every student row a stream's messages showed, in order: [receivedAt, studentId, joinCount, inMeeting]. */
type Sighting = { at: number; joinCount: number; inMeeting: boolean; computedAt: number };

/** Sends the burst from bench/school-sender.ts on its own thread. */
function sendFromOwnThread(input: SenderInput): Promise<SenderOutput> {
  return new Promise((resolve, reject) => {
    const thread = new Worker(new URL("./school-sender.mjs", import.meta.url), { workerData: input });
    thread.once("message", (output: SenderOutput) => {
      resolve(output);
      void thread.terminate();
    });
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`the webhook sender exited with code ${code}`)));
  });
}

async function main() {
  ensureProductionBuild();
  const { cluster, url, dataDir } = await benchDatabase("school");
  // Class time: the classes start now (in class time), so every session is live.
  const startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000);
  await seed(url, startsAt);
  const server = await startServer({ databaseUrl: url });
  const pid = server.process.pid ?? 0;
  const cookie = (await credentialsSignIn(server.url, "bench@school.test", PASSWORD))
    .map((value) => value.split(";")[0])
    .join("; ");

  // One live page per class, as SSE streams.
  const streams: SseStream[] = [];
  const sightings = new Map<string, Sighting[]>();
  const see = (event: SseEvent) => {
    if (event.event !== "full" && event.event !== "delta") return;
    const message = JSON.parse(event.data) as LivePayload | LiveDelta;
    const rows =
      event.event === "full"
        ? (message as LivePayload).students
        : ((message as LiveDelta).lists.students?.upsert ?? []);
    // The snapshot time of the recompute the message shows (the moment it took the session's lock).
    const computedAt = Date.parse(
      String(event.event === "full" ? (message as LivePayload).computedAt : (message as LiveDelta).fields.computedAt),
    );
    for (const row of rows as { studentId: string; joinCount: number; inMeeting: boolean }[]) {
      let list = sightings.get(row.studentId);
      if (!list) sightings.set(row.studentId, (list = []));
      list.push({ at: event.receivedAt, joinCount: row.joinCount, inMeeting: row.inMeeting, computedAt });
    }
  };
  for (let classIndex = 0; classIndex < CLASSES; classIndex += 1) {
    const stream = await openSse(`${server.url}/api/sessions/school_session_${classIndex}/live/stream`, { cookie });
    if (stream.status !== 200) throw new Error(`stream ${classIndex}: HTTP ${stream.status}`);
    stream.onEvent(see);
    streams.push(stream);
  }
  await Promise.all(streams.map((stream) => stream.next((event) => event.event === "full", 30_000)));
  const bytesAfterOpen = streams.map((stream) => stream.bytes());
  const messagesAfterOpen = streams.reduce((sum, stream) => sum + stream.events.length, 0);

  // The burst, sent on its schedule (class time / SPEEDUP).
  const { events, absent } = plan(startsAt);
  const origin = events[0].atMinutes;
  const sendStart = Date.now() + 500;
  const cpuBefore = processCpuMs([pid]);
  const postgresCpuBefore = processCpuMs(postgresPids(dataDir));
  const clientCpuBefore = process.cpuUsage();
  const machineCpuBefore = machineBusyCpuMs();
  const sender = await sendFromOwnThread({
    serverUrl: server.url,
    connections: CONNECTIONS,
    schedule: events.map((planned) => ({
      dueAt: sendStart + ((planned.atMinutes - origin) * 60_000) / SPEEDUP,
      body: planned.body,
    })),
  });
  const networkErrors = sender.networkErrors;
  const answers = sender.answers.map((answer) => ({ ...answer, planned: events[answer.index] }));
  const sendSeconds = (Date.now() - sendStart) / 1000;
  const cpuBurst = processCpuMs([pid]);
  // Backends that ended during the burst are not counted: a lower bound, close enough (the pool keeps its connections).
  const postgresCpuBurst = processCpuMs(postgresPids(dataDir));
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const machineCpuBurst = machineBusyCpuMs();

  // Lag: from the 200 to the first message showing the student's row in that state.
  const sightingOf = (answer: (typeof answers)[number]): Sighting | null | undefined => {
    const check = answer.planned.check;
    if (!check) return null;
    return (sightings.get(check.studentId) ?? []).find(
      (sighting) =>
        sighting.joinCount > check.joins ||
        (sighting.joinCount === check.joins && sighting.inMeeting === check.inMeeting),
    );
  };
  const lagOf = (answer: (typeof answers)[number]): number | null => {
    const seen = sightingOf(answer);
    if (seen === null) return null;
    return seen ? Math.max(0, seen.at - answer.answeredAt) : Infinity;
  };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && answers.some((answer) => lagOf(answer) === Infinity))
    await new Promise((resolve) => setTimeout(resolve, 200));
  const lags = answers.map(lagOf).filter((lag): lag is number => lag !== null);
  // Where the lag goes: 200 → the recompute's snapshot (dispatch, gathering, waiting for a worker)
  // and snapshot → SSE message (the recompute, NOTIFY, the web process's read, the write).
  const toRecompute: number[] = [];
  const toMessage: number[] = [];
  for (const answer of answers) {
    const seen = sightingOf(answer);
    if (!seen || !Number.isFinite(seen.computedAt)) continue;
    toRecompute.push(Math.max(0, seen.computedAt - answer.answeredAt));
    toMessage.push(Math.max(0, seen.at - Math.max(seen.computedAt, answer.answeredAt)));
  }
  toRecompute.sort((a, b) => a - b);
  toMessage.sort((a, b) => a - b);
  // BENCH_TRACE=file: one line per webhook (sent at, ms after the burst began; answer time; lag to its SSE message, or -).
  if (process.env.BENCH_TRACE) {
    const lines = answers.map((answer) => {
      const lag = lagOf(answer);
      return `${(answer.sentAt - sendStart).toFixed(0)} ${answer.latency.toFixed(1)} ${lag === null ? "-" : lag.toFixed(0)} ${answer.planned.classIndex}`;
    });
    fs.writeFileSync(
      process.env.BENCH_TRACE,
      lines.sort((a, b) => Number(a.split(" ")[0]) - Number(b.split(" ")[0])).join("\n") + "\n",
    );
  }
  const unseen = lags.filter((lag) => lag === Infinity).length;
  lags.sort((a, b) => a - b);
  const latencies = answers.map((answer) => answer.latency).sort((a, b) => a - b);
  const non2xx = answers.filter((answer) => answer.status < 200 || answer.status > 299).length;
  const burstBytes = streams.reduce((sum, stream, index) => sum + stream.bytes() - bytesAfterOpen[index], 0);
  const deltaMessages = streams.reduce((sum, stream) => sum + stream.events.length, 0) - messagesAfterOpen;
  const fullBytes = bytesAfterOpen.reduce((sum, bytes) => sum + bytes, 0) / CLASSES;

  // Lone joins once the burst has settled: one student at a time (someone who had not come),
  // each waited for on its class's stream, 1.5 s apart — a quiet school's latency.
  const loneLags: number[] = [];
  for (const student of absent.slice(0, LONE_JOINS)) {
    const studentId = studentIdOf(student.classIndex, student.n);
    const body = participantJoined({
      uuid: uuidOf(student.classIndex),
      meetingId: meetingIdOf(student.classIndex),
      userId: `9${student.classIndex}${student.n}`,
      name: `Student ${student.classIndex}-${student.n}`,
      email: `s${student.classIndex}-${student.n}@school.test`,
      joinTime: new Date(startsAt.getTime() + 20 * 60_000),
    });
    const response = await postWebhook(server.url, body);
    await response.arrayBuffer();
    const answeredAt = Date.now();
    const stream = streams[student.classIndex];
    const seen = await stream
      .next(
        (event) =>
          event.event === "delta" &&
          ((JSON.parse(event.data) as LiveDelta).lists.students?.upsert ?? []).some(
            (row) => row.studentId === studentId,
          ),
        30_000,
      )
      .catch(() => null);
    loneLags.push(seen ? seen.receivedAt - answeredAt : Infinity);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
  }
  loneLags.sort((a, b) => a - b);

  // Idle: the same 100 streams, nothing happening, for IDLE_SECONDS; then the same time without streams.
  await new Promise((resolve) => setTimeout(resolve, 5_000));
  const idleBytesBefore = streams.map((stream) => stream.bytes());
  const idleCpuBefore = processCpuMs([pid]);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const idleCpu = (processCpuMs([pid]) ?? 0) - (idleCpuBefore ?? 0);
  const idleRss = rssMiB(pid);
  const idleBytesPerStreamMinute =
    (streams.reduce((sum, stream, index) => sum + stream.bytes() - idleBytesBefore[index], 0) /
      CLASSES /
      IDLE_SECONDS) *
    60;
  for (const stream of streams) stream.close();
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const baseCpuBefore = processCpuMs([pid]);
  await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
  const baseCpu = (processCpuMs([pid]) ?? 0) - (baseCpuBefore ?? 0);
  const baseRss = rssMiB(pid);

  const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} ms` : "never");
  const percentOfCore = (cpuMs: number) => `${((cpuMs / (IDLE_SECONDS * 1000)) * 100).toFixed(2)} %`;
  const joins = events.filter((event) => event.check?.inMeeting).length;
  console.log(`\n### bench:school — ${machine()}\n`);
  console.log(
    `${CLASSES} live classes × ${STUDENTS} students, ${CLASSES} SSE streams held by the benchmark, one production server (worker in-process), embedded Postgres; started ${new Date(sendStart).toISOString()}.`,
  );
  console.log(
    `Burst: ${events.length} webhooks (${CLASSES} meeting starts, ${joins} joins, ${events.length - CLASSES - joins} leaves) in ${sendSeconds.toFixed(0)} s, class time ×${SPEEDUP}, at most ${CONNECTIONS} in flight.\n`,
  );
  console.log("| measure | result | target |\n| --- | ---: | ---: |");
  console.log(`| webhook answer p50 | ${latencies.length ? percentile(latencies, 0.5).toFixed(1) : "–"} ms | |`);
  console.log(`| webhook answer p99 | ${percentile(latencies, 0.99).toFixed(1)} ms | ≤ 2 × bench:webhook's |`);
  console.log(`| webhook answer max | ${latencies[latencies.length - 1].toFixed(1)} ms | |`);
  console.log(`| non-2xx answers | ${non2xx} | 0 |`);
  console.log(`| connection errors (retried) | ${networkErrors} | |`);
  console.log(`| lag 200 → SSE message p50 | ${ms(percentile(lags, 0.5))} | |`);
  console.log(`| lag 200 → SSE message p99 | ${ms(percentile(lags, 0.99))} | ≤ 1,000 ms |`);
  console.log(`| lag 200 → SSE message max | ${ms(lags[lags.length - 1])} | |`);
  console.log(
    `| … of which 200 → recompute snapshot p50 / p99 | ${ms(percentile(toRecompute, 0.5))} / ${ms(percentile(toRecompute, 0.99))} | |`,
  );
  console.log(
    `| … of which snapshot → SSE message p50 / p99 | ${ms(percentile(toMessage, 0.5))} / ${ms(percentile(toMessage, 0.99))} | |`,
  );
  console.log(
    `| lone join (after the burst, one at a time, ${loneLags.length}): lag p50 / p99 / max | ${ms(percentile(loneLags, 0.5))} / ${ms(percentile(loneLags, 0.99))} / ${ms(loneLags[loneLags.length - 1] ?? NaN)} | p99 ≤ 1,000 ms |`,
  );
  console.log(`| changes never seen | ${unseen} of ${lags.length} | 0 |`);
  console.log(
    `| SSE messages during the burst | ${deltaMessages} (${(burstBytes / Math.max(1, deltaMessages)).toFixed(0)} bytes each, ${(burstBytes / Math.max(1, lags.length)).toFixed(0)} bytes per webhook) | |`,
  );
  console.log(`| first (full) payload of a class | ${fullBytes.toFixed(0)} bytes | |`);
  if (cpuBefore !== null && cpuBurst !== null) {
    console.log(
      `| server CPU during the burst (web + worker) | ${((cpuBurst - cpuBefore) / sendSeconds / 10).toFixed(1)} % of one core | |`,
    );
  }
  if (postgresCpuBefore !== null && postgresCpuBurst !== null) {
    console.log(
      `| PostgreSQL CPU during the burst | ${((postgresCpuBurst - postgresCpuBefore) / sendSeconds / 10).toFixed(1)} % of one core | |`,
    );
  }
  const clientCpuMs = (clientCpu.user + clientCpu.system) / 1000;
  console.log(
    `| this benchmark's own CPU during the burst (webhooks, 100 streams) | ${(clientCpuMs / sendSeconds / 10).toFixed(1)} % of one core | |`,
  );
  if (machineCpuBefore !== null && machineCpuBurst !== null && cpuBefore !== null && cpuBurst !== null) {
    // Anything else running on the machine (other builds, tests) slows every figure above.
    const ours = cpuBurst - cpuBefore + (postgresCpuBurst ?? 0) - (postgresCpuBefore ?? 0) + clientCpuMs;
    const others = machineCpuBurst - machineCpuBefore - ours;
    console.log(
      `| the rest of the machine during the burst (other processes, kernel) | ${(Math.max(0, others) / sendSeconds / 10).toFixed(1)} % of one core | |`,
    );
  }
  const load = fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" / ");
  console.log(`| machine load average at the end (1 / 5 / 15 min) | ${load} | |`);
  console.log(
    `| idle stream traffic | ${idleBytesPerStreamMinute.toFixed(0)} bytes/min per stream | ≤ 2,048 bytes/min |`,
  );
  console.log(
    `| server CPU, ${CLASSES} idle streams, ${IDLE_SECONDS} s | ${percentOfCore(idleCpu)} of one core | ≤ 5 % |`,
  );
  console.log(
    `| server CPU, no streams, ${IDLE_SECONDS} s (baseline: worker's polling) | ${percentOfCore(baseCpu)} of one core | |`,
  );
  console.log(
    `| server RSS with ${CLASSES} idle streams / without | ${idleRss.toFixed(0)} MiB / ${baseRss.toFixed(0)} MiB | |`,
  );

  await server.stop();
  await cluster.stop();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
