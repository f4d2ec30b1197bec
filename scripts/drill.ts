// Fault drills (issue #9, part 1): real production servers (scripts/serve.ts, scripts/worker.ts) on
// an embedded Postgres of their own, loaded with signed Zoom events, then broken on purpose:
//
//   (a) load      N signed events (and 10 % redeliveries) as fast as the server takes them;
//   (b) kill      the same, with the all-in-one server (web + worker thread) killed with SIGKILL in
//                 the middle, restarted on the same port and database; every event that did not
//                 get a 200 is sent again, as Zoom would;
//   (c) outage    Postgres stopped for S seconds in the middle of a paced load: every answer while
//                 it is down must be a 503 within 3 s (never a 200, never a hang); the 503s are sent
//                 again once it is back;
//   (d) scale-out two web processes (WORKER=off) and two workers; every event goes to one web
//                 process and its redelivery to the other at the same time.
//
// After each drill: every distinct event is stored exactly once (compared key by key with what
// was sent), every event that was ever answered 200 is stored (checked at once after the fault,
// before any retry), and the stored attendance equals what the pure attendance engine computes
// from the events sent. "Lost" must be 0.
//
//   npm run drill -- [--events 5000] [--load] [--kill] [--db-outage 30] [--scale-out]
//                            [--outage-topology split,single] [--concurrency 32] [--out results.md]
// With none of --load/--kill/--db-outage/--scale-out, all four run. Needs a production build
// (`npm run build`; NEXT_DIST_DIR picks the build folder). test/hardening/drills.test.ts runs a
// CI-sized version of (a), (b) and (c) on every `npm test`.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { computeSessionAttendance, deriveInstances } from "../lib/attendance/engine";
import type { EngineEvent, RosterStudent, SessionInput } from "../lib/attendance/types";
import { parseStoredEvent } from "../lib/zoom/payload";
import { signBody } from "../lib/zoom/signature";
import { TEST_WEBHOOK_SECRET, testServerEnv } from "../test/helpers/env";
import { freePort } from "../test/helpers/server";
import { meetingEnded, meetingStarted, participantJoined, participantLeft } from "../test/helpers/zoom";

// ------------------------------------------------------------------------------------------
// Processes

export interface Proc {
  label: string;
  url: string;
  port: number;
  child: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** how it ended if it exited without being stopped ("code 1", "SIGSEGV"), else null */
  unexpectedExit: () => string | null;
}

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");

/** Starts scripts/serve.ts (or scripts/worker.ts) in production mode on `port`; waits until it is up. */
export async function startRollcall(options: {
  label: string;
  databaseUrl: string;
  port?: number;
  worker?: "on" | "off";
  script?: "serve" | "worker";
  logDir?: string;
}): Promise<Proc> {
  const port = options.port ?? (await freePort());
  const script = path.join(root, "scripts", options.script === "worker" ? "worker.ts" : "serve.ts");
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: root,
    env: { ...process.env, ...testServerEnv({ DATABASE_URL: options.databaseUrl, PORT: String(port), WORKER: options.worker ?? "on" }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const logFile = options.logDir ? path.join(options.logDir, `${options.label}.log`) : null;
  const append = (chunk: Buffer) => {
    output += chunk;
    if (logFile) fs.appendFileSync(logFile, chunk);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  let exit: string | null = null;
  child.once("exit", (code, signal) => {
    if (!stopping) exit = signal ? signal : `code ${code}`;
  });
  const proc: Proc = {
    label: options.label,
    url,
    port,
    child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
    unexpectedExit: () => exit,
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.label} exited early:\n${output}`);
    if (options.script === "worker") {
      if (/Rollcall worker running/.test(output)) return proc;
    } else {
      try {
        if ((await fetch(`${url}/api/health`)).ok) {
          await warmUp(url);
          return proc;
        }
      } catch {
        // not listening yet
      }
    }
    await sleep(200);
  }
  await proc.stop("SIGKILL");
  throw new Error(`${options.label} did not start within 120 s:\n${output}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A production server loads each route on its first request: warm the webhook route up as a deployed one would be. */
async function warmUp(url: string): Promise<void> {
  for (let index = 0; index < 3; index += 1) {
    await fetch(`${url}/api/zoom/webhook`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } }).then((response) => response.text());
  }
}

/** A Postgres that can be stopped and started again on the same port and data (drill c). */
export class Cluster {
  private running: EmbeddedDatabase | null = null;
  /** The superuser's password for this drill's cluster (there is no fixed one). */
  private readonly password = crypto.randomBytes(18).toString("base64url");
  constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly database = "rollcall_drill",
  ) {}

  get url(): string {
    return `postgresql://postgres:${this.password}@127.0.0.1:${this.port}/${this.database}`;
  }

  async start(): Promise<void> {
    this.running = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port, database: this.database, quiet: true, password: this.password });
    if (!this.running.url.includes(`:${this.port}/`)) throw new Error(`Postgres came back on another port: ${this.running.url}`);
  }

  async stop(): Promise<void> {
    await this.running?.stop();
    this.running = null;
  }

  /** A fresh migrated database in this cluster. */
  async createDatabase(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: this.url.replace(/\/[^/]+$/, "/postgres") });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = this.url.replace(/\/[^/]+$/, `/${name}`);
    await applyMigrations(url);
    return url;
  }
}

// ------------------------------------------------------------------------------------------
// The class: sessions of 50 students who each join and leave 10 times (non-overlapping), so
// that any lost join changes joinCount and any lost leave changes attendedSeconds.

const STUDENTS_PER_SESSION = 50;
const CONNECTIONS_PER_STUDENT = 10;

export interface Delivery {
  index: number;
  body: string;
  dedupeKey: string;
  sessionId: string;
}

export interface Scenario {
  tag: string;
  courseId: string;
  roster: RosterStudent[];
  sessions: SessionInput[];
  events: Delivery[];
  /** events, then 10 % of them again (redeliveries), shuffled */
  deliveries: Delivery[];
}

export function buildScenario(targetEvents: number, seed = 1): Scenario {
  const random = mulberry32(seed);
  const tag = crypto.randomBytes(3).toString("hex");
  const courseId = `drill_course_${tag}`;
  const roster: RosterStudent[] = Array.from({ length: STUDENTS_PER_SESSION }, (_, index) => {
    const email = `s${index}.${tag}@drill.example`;
    return { id: `drill_${tag}_s${index}`, name: `Student ${String(index).padStart(2, "0")}`, email, emailNormalized: email, zoomRegistrantId: null };
  });
  const perSession = 2 + STUDENTS_PER_SESSION * CONNECTIONS_PER_STUDENT * 2;
  const sessionCount = Math.max(1, Math.ceil(targetEvents / perSession));
  const dayStart = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 2 * 86_400_000;
  const sessions: SessionInput[] = [];
  const events: Delivery[] = [];
  for (let s = 0; s < sessionCount; s += 1) {
    const session: SessionInput = {
      id: `drill_${tag}_session${s}`,
      zoomMeetingId: String(83_000_000_000 + Math.floor(random() * 900_000_000) * 10 + s),
      startsAt: new Date(dayStart + s * 2 * 3600_000),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    };
    sessions.push(session);
    const uuid = Buffer.from(`${tag}-${s}-instance`).toString("base64");
    const at = (seconds: number) => new Date(session.startsAt.getTime() + seconds * 1000);
    const add = (body: unknown) => {
      const parsed = parseStoredEvent(body);
      if (!parsed.ok) throw new Error(parsed.message);
      events.push({ index: events.length, body: JSON.stringify(body), dedupeKey: parsed.fields.dedupeKey, sessionId: session.id });
    };
    add(meetingStarted(uuid, session.zoomMeetingId, at(-120)));
    roster.forEach((student, i) => {
      for (let j = 0; j < CONNECTIONS_PER_STUDENT; j += 1) {
        const spec = { uuid, meetingId: session.zoomMeetingId, userId: `${i + 1}${String(j).padStart(2, "0")}${s}`, name: student.name, email: student.email };
        const joinAt = at(j * 360 + i);
        add(participantJoined({ ...spec, joinTime: joinAt }));
        add(participantLeft({ ...spec, leaveTime: new Date(joinAt.getTime() + 240_000) }));
      }
    });
    add(meetingEnded(uuid, session.zoomMeetingId, at(-120), at(3660)));
  }
  const redeliveries = events.filter(() => random() < 0.1);
  const deliveries = shuffle([...events, ...redeliveries], random);
  return { tag, courseId, roster, sessions, events, deliveries };
}

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let index = items.length - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    [items[index], items[other]] = [items[other], items[index]];
  }
  return items;
}

async function insertScenario(databaseUrl: string, scenario: Scenario): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO courses (id, name, timezone, "notifyLateJoiners", "updatedAt") VALUES ($1, $2, 'UTC', false, now())`, [scenario.courseId, `Drill ${scenario.tag}`]);
    for (const student of scenario.roster) {
      await client.query(`INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt") VALUES ($1, $2, $3, $4, $5, now())`, [
        student.id,
        scenario.courseId,
        student.name,
        student.email,
        student.emailNormalized,
      ]);
    }
    for (const session of scenario.sessions) {
      await client.query(
        `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "lateAfterMinutes", "requiredPercent", "updatedAt")
         VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
        [session.id, scenario.courseId, session.zoomMeetingId, session.startsAt, session.durationMinutes, session.lateAfterMinutes, session.requiredPercent],
      );
    }
  } finally {
    await client.end();
  }
}

/** What attendance must be: the pure engine on exactly the events sent. */
function expectedAttendance(scenario: Scenario) {
  const expected = new Map<string, { attendedSeconds: number; joinCount: number; status: string; firstJoinAt: number | null; lastLeaveAt: number | null }>();
  for (const session of scenario.sessions) {
    const events: EngineEvent[] = scenario.events
      .filter((event) => event.sessionId === session.id)
      .map((event) => {
        const parsed = parseStoredEvent(JSON.parse(event.body));
        if (!parsed.ok) throw new Error(parsed.message);
        const fields = parsed.fields;
        return { id: String(event.index).padStart(8, "0"), source: "webhook" as const, ...fields };
      });
    const computed = computeSessionAttendance({ session, roster: scenario.roster, links: [], manualMatches: [], events, instances: deriveInstances(events), now: new Date() });
    for (const student of computed.students) {
      expected.set(`${session.id}/${student.studentId}`, {
        attendedSeconds: student.attendedSeconds,
        joinCount: student.joinCount,
        status: student.status,
        firstJoinAt: student.firstJoinAt?.getTime() ?? null,
        lastLeaveAt: student.lastLeaveAt?.getTime() ?? null,
      });
    }
  }
  return expected;
}

// ------------------------------------------------------------------------------------------
// Sending, as Zoom does: signed, a fresh tracking ID per attempt, 3 s is all Zoom waits.

export interface Attempt {
  delivery: Delivery;
  target: string;
  startedAt: number;
  ms: number;
  status: number | "error";
  outcome: string | null;
  error?: string;
}

async function deliver(delivery: Delivery, target: string): Promise<Attempt> {
  const timestamp = Math.floor(Date.now() / 1000);
  const startedAt = Date.now();
  try {
    const response = await fetch(`${target}/api/zoom/webhook`, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "user-agent": "Zoom Marketplace/1.0a (drill)",
        "x-zm-request-timestamp": String(timestamp),
        "x-zm-signature": signBody(TEST_WEBHOOK_SECRET, timestamp, delivery.body),
        "x-zm-trackingid": `Webhook_drill_${crypto.randomUUID().replace(/-/g, "")}`,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let outcome: string | null = null;
    try {
      outcome = (JSON.parse(text) as { status?: string; error?: { code?: string } }).status ?? (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
    } catch {
      outcome = text.slice(0, 80);
    }
    return { delivery, target, startedAt, ms: Date.now() - startedAt, status: response.status, outcome };
  } catch (error) {
    return { delivery, target, startedAt, ms: Date.now() - startedAt, status: "error", outcome: null, error: error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error) };
  }
}

/** Sends every delivery with `concurrency` in flight (optionally paced to `perSecond`). */
async function sendAll(
  deliveries: Delivery[],
  options: { target: (delivery: Delivery, position: number) => string; concurrency: number; perSecond?: number; onAttempt?: (attempt: Attempt, done: number) => void },
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let next = 0;
  const started = Date.now();
  const workers = Array.from({ length: Math.min(options.concurrency, deliveries.length) }, async () => {
    for (;;) {
      const position = next++;
      if (position >= deliveries.length) return;
      if (options.perSecond) {
        const due = started + (position * 1000) / options.perSecond;
        if (due > Date.now()) await sleep(due - Date.now());
      }
      const attempt = await deliver(deliveries[position], options.target(deliveries[position], position));
      attempts.push(attempt);
      options.onAttempt?.(attempt, attempts.length);
    }
  });
  await Promise.all(workers);
  return attempts;
}

/** Zoom's retries: every event that never got a 200 is sent again until it does (or `rounds` runs out). */
async function retryUnacknowledged(all: Attempt[], scenario: Scenario, target: () => string, rounds = 10): Promise<{ retried: number; attempts: Attempt[] }> {
  const acknowledged = new Set(all.filter((attempt) => attempt.status === 200).map((attempt) => attempt.delivery.dedupeKey));
  const retriedKeys = new Set<string>();
  const attempts: Attempt[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const pending = scenario.events.filter((event) => !acknowledged.has(event.dedupeKey));
    if (pending.length === 0) break;
    if (round > 0) await sleep(1000);
    for (const event of pending) retriedKeys.add(event.dedupeKey);
    const results = await sendAll(pending, { target: () => target(), concurrency: 16 });
    attempts.push(...results);
    for (const result of results) if (result.status === 200) acknowledged.add(result.delivery.dedupeKey);
  }
  return { retried: retriedKeys.size, attempts };
}

// ------------------------------------------------------------------------------------------
// Checking

interface StoreCheck {
  stored: number;
  lost: number;
  unexpected: number;
  /** events answered 200 that are not stored: must be 0 */
  acknowledgedButMissing: number;
}

async function checkStore(databaseUrl: string, scenario: Scenario, acknowledged: Iterable<string>): Promise<StoreCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ dedupeKey: string }>(`SELECT "dedupeKey" FROM events WHERE "zoomMeetingId" = ANY($1::text[])`, [scenario.sessions.map((session) => session.zoomMeetingId)]);
    const stored = new Set(rows.rows.map((row) => row.dedupeKey));
    const expected = new Set(scenario.events.map((event) => event.dedupeKey));
    let acknowledgedButMissing = 0;
    for (const key of new Set(acknowledged)) if (!stored.has(key)) acknowledgedButMissing += 1;
    return {
      stored: rows.rowCount ?? 0,
      lost: [...expected].filter((key) => !stored.has(key)).length,
      unexpected: [...stored].filter((key) => !expected.has(key)).length,
      acknowledgedButMissing,
    };
  } finally {
    await client.end();
  }
}

interface AttendanceCheck {
  rows: number;
  mismatches: number;
  example: string | null;
  waitedSeconds: number;
}

async function waitForAttendance(databaseUrl: string, scenario: Scenario, timeoutMs: number, processes: Proc[] = []): Promise<AttendanceCheck> {
  const expected = expectedAttendance(scenario);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  let last: AttendanceCheck = { rows: 0, mismatches: expected.size, example: "no attendance yet", waitedSeconds: 0 };
  try {
    while (Date.now() - started < timeoutMs) {
      const result = await client.query<{ sessionId: string; studentId: string; attendedSeconds: number; joinCount: number; status: string; firstJoinAt: Date | null; lastLeaveAt: Date | null }>(
        `SELECT "sessionId", "studentId", "attendedSeconds", "joinCount", status::text AS status, "firstJoinAt", "lastLeaveAt"
         FROM attendance_records WHERE "sessionId" = ANY($1::text[])`,
        [scenario.sessions.map((session) => session.id)],
      );
      let mismatches = 0;
      let example: string | null = null;
      const seen = new Set<string>();
      for (const row of result.rows) {
        const key = `${row.sessionId}/${row.studentId}`;
        seen.add(key);
        const want = expected.get(key);
        const got = { attendedSeconds: row.attendedSeconds, joinCount: row.joinCount, status: row.status, firstJoinAt: row.firstJoinAt?.getTime() ?? null, lastLeaveAt: row.lastLeaveAt?.getTime() ?? null };
        if (!want || JSON.stringify(want) !== JSON.stringify(got)) {
          mismatches += 1;
          example ??= `${key}: expected ${JSON.stringify(want)}, stored ${JSON.stringify(got)}`;
        }
      }
      for (const key of expected.keys()) {
        if (!seen.has(key)) {
          mismatches += 1;
          example ??= `${key}: no attendance row`;
        }
      }
      last = { rows: result.rowCount ?? 0, mismatches, example, waitedSeconds: Math.round((Date.now() - started) / 100) / 10 };
      if (mismatches === 0) return last;
      // Nothing left that could compute it: no point waiting.
      if (processes.length > 0 && processes.every((proc) => proc.unexpectedExit() !== null)) return last;
      await sleep(500);
    }
    return last;
  } finally {
    await client.end();
  }
}

// ------------------------------------------------------------------------------------------
// Results

export interface DrillResult {
  drill: string;
  topology: string;
  events: number;
  requests: number;
  answered200: number;
  answered503: number;
  connectionErrors: number;
  otherAnswers: number;
  retriedEvents: number;
  stored: number;
  lost: number;
  unexpected: number;
  acknowledgedButMissing: number;
  attendanceRows: number;
  attendanceMismatches: number;
  attendanceExample: string | null;
  attendanceSeconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** answers slower than Zoom's 3 s (Zoom would count them as failed and redeliver: harmless, deduplicated) */
  over3s: number;
  seconds: number;
  /** processes that exited on their own */
  crashes: number;
  fault?: string;
  outage?: { seconds: number; requests: number; all503: boolean; non503: number; maxMs: number; over3s: number };
  notes: string[];
}

function percentile(values: number[], fraction: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

function summarise(drill: string, topology: string, scenario: Scenario, attempts: Attempt[], retried: number, store: StoreCheck, attendance: AttendanceCheck, startedAt: number): DrillResult {
  const latencies = attempts.filter((attempt) => attempt.status !== "error").map((attempt) => attempt.ms);
  return {
    drill,
    topology,
    events: scenario.events.length,
    requests: attempts.length,
    answered200: attempts.filter((attempt) => attempt.status === 200).length,
    answered503: attempts.filter((attempt) => attempt.status === 503).length,
    connectionErrors: attempts.filter((attempt) => attempt.status === "error").length,
    otherAnswers: attempts.filter((attempt) => attempt.status !== 200 && attempt.status !== 503 && attempt.status !== "error").length,
    retriedEvents: retried,
    stored: store.stored,
    lost: store.lost,
    unexpected: store.unexpected,
    acknowledgedButMissing: store.acknowledgedButMissing,
    attendanceRows: attendance.rows,
    attendanceMismatches: attendance.mismatches,
    attendanceExample: attendance.example,
    attendanceSeconds: attendance.waitedSeconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: Math.max(0, ...latencies),
    over3s: latencies.filter((ms) => ms > 3000).length,
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    crashes: 0,
    notes: [],
  };
}

export function passed(result: DrillResult): boolean {
  return (
    result.lost === 0 &&
    result.unexpected === 0 &&
    result.acknowledgedButMissing === 0 &&
    result.stored === result.events &&
    result.attendanceMismatches === 0 &&
    result.otherAnswers === 0 &&
    result.crashes === 0 &&
    (!result.outage || (result.outage.all503 && result.outage.over3s === 0))
  );
}

export function markdownSummary(results: DrillResult[]): string {
  const lines = [
    "| drill | topology | events | HTTP requests | 200 | 503 | conn. errors | retried events | stored | lost | 200 but not stored | attendance rows wrong | p50 / p99 / max ms | over 3 s | result |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.drill} | ${r.topology} | ${r.events} | ${r.requests} | ${r.answered200} | ${r.answered503} | ${r.connectionErrors} | ${r.retriedEvents} | ${r.stored} | ${r.lost} | ${r.acknowledgedButMissing} | ${r.attendanceMismatches} of ${r.attendanceRows} | ${r.p50Ms} / ${r.p99Ms} / ${r.maxMs} | ${r.over3s} | ${passed(r) ? "**pass**" : "**FAIL**"} |`,
    );
  }
  const details = results.flatMap((r) => [
    `- **${r.drill}**${r.fault ? `: ${r.fault}` : ""}`,
    ...(r.outage
      ? [`  - during the outage: ${r.outage.requests} requests, ${r.outage.requests - r.outage.non503} answered 503, ${r.outage.non503} otherwise; slowest ${r.outage.maxMs} ms, ${r.outage.over3s} over 3 s`]
      : []),
    r.attendanceMismatches === 0
      ? `  - attendance equal to the engine's (all ${r.attendanceRows} rows) ${r.attendanceSeconds} s after the last answer; whole drill ${r.seconds} s`
      : `  - attendance still wrong for ${r.attendanceMismatches} of ${r.attendanceRows} rows after waiting ${r.attendanceSeconds} s; first: ${r.attendanceExample}; whole drill ${r.seconds} s`,
    ...r.notes.map((note) => `  - ${note}`),
  ]);
  return [...lines, "", ...details].join("\n");
}

// ------------------------------------------------------------------------------------------
// The drills

export interface DrillOptions {
  events: number;
  concurrency?: number;
  logDir?: string;
  /** how long to wait for attendance to catch up */
  attendanceTimeoutMs?: number;
  log?: (line: string) => void;
}

/** (a) N signed events (plus redeliveries) at full speed into the all-in-one server, then count. */
export async function runLoadDrill(databaseUrl: string, options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const scenario = buildScenario(options.events, 11);
  await insertScenario(databaseUrl, scenario);
  const server = await startRollcall({ label: "load-server", databaseUrl, logDir: options.logDir });
  try {
    log(`(a) load: ${scenario.events.length} events + ${scenario.deliveries.length - scenario.events.length} redeliveries`);
    const attempts = await sendAll(scenario.deliveries, { target: () => server.url, concurrency: options.concurrency ?? 32 });
    const retry = await retryUnacknowledged(attempts, scenario, () => server.url);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, [server]);
    const result = summarise("(a) load", "1 server (web + worker)", scenario, all, retry.retried, store, attendance, startedAt);
    const duplicates = attempts.filter((attempt) => attempt.outcome === "duplicate").length;
    result.notes.push(`${duplicates} answers were "duplicate" (the ${scenario.deliveries.length - scenario.events.length} redeliveries, or a retry after a lost answer)`);
    result.notes.push(`throughput ${Math.round(attempts.length / Math.max(0.001, (Math.max(...attempts.map((a) => a.startedAt + a.ms)) - startedAt) / 1000))} requests/s`);
    checkServerLog(server, result);
    return result;
  } finally {
    await server.stop();
  }
}

/** (b) the all-in-one server SIGKILLed mid-load, restarted on the same port; non-200s resent. */
export async function runKillDrill(databaseUrl: string, options: DrillOptions & { killAfterFraction?: number }): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const scenario = buildScenario(options.events, 22);
  await insertScenario(databaseUrl, scenario);
  let server = await startRollcall({ label: "kill-server-1", databaseUrl, logDir: options.logDir });
  const port = server.port;
  let killedAt = 0;
  let killedAfter = 0;
  const killAt = Math.floor(scenario.deliveries.length * (options.killAfterFraction ?? 0.4));
  let killing: Promise<void> | null = null;
  try {
    log(`(b) kill: ${scenario.deliveries.length} deliveries; SIGKILL after ${killAt} answers`);
    const attempts = await sendAll(scenario.deliveries, {
      target: () => `http://127.0.0.1:${port}`,
      concurrency: options.concurrency ?? 32,
      onAttempt: (_attempt, done) => {
        if (done === killAt && !killing) {
          killedAt = Date.now();
          killedAfter = done;
          killing = server.stop("SIGKILL");
        }
      },
    });
    await killing;
    // Before anything is resent: every event answered 200 before the kill is in the database.
    const acknowledgedBeforeRestart = acknowledgedKeys(attempts);
    const durable = await checkStore(databaseUrl, scenario, acknowledgedBeforeRestart);
    log(`(b) killed; ${acknowledgedBeforeRestart.size} events had a 200, ${durable.acknowledgedButMissing} of them missing; restarting on port ${port}`);
    const restartedAt = Date.now();
    server = await startRollcall({ label: "kill-server-2", databaseUrl, port, logDir: options.logDir });
    const restartSeconds = Math.round((Date.now() - restartedAt) / 100) / 10;
    const retry = await retryUnacknowledged(attempts, scenario, () => server.url);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    store.acknowledgedButMissing += durable.acknowledgedButMissing;
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, [server]);
    const result = summarise("(b) SIGKILL mid-load", "1 server (web + worker thread), killed and restarted", scenario, all, retry.retried, store, attendance, startedAt);
    const inFlight = attempts.filter((attempt) => attempt.startedAt <= killedAt && attempt.startedAt + attempt.ms >= killedAt).length;
    result.fault = `SIGKILL after ${killedAfter} of ${scenario.deliveries.length} answers (${inFlight} requests in flight); ${acknowledgedBeforeRestart.size} distinct events had been answered 200, all ${acknowledgedBeforeRestart.size - durable.acknowledgedButMissing} found stored before any retry; restarted in ${restartSeconds} s; ${retry.retried} events resent`;
    checkServerLog(server, result);
    return result;
  } finally {
    await server.stop();
  }
}

/**
 * (c) Postgres stopped for `outageSeconds` during a paced load: a web process (WORKER=off) and a
 * separate worker ("split"), or the all-in-one server ("single").
 */
export async function runOutageDrill(cluster: Cluster, options: DrillOptions & { outageSeconds: number; perSecond?: number; topology?: "split" | "single" }): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const databaseUrl = cluster.url;
  const topology = options.topology ?? "split";
  const scenario = buildScenario(options.events, topology === "split" ? 33 : 55);
  await insertScenario(databaseUrl, scenario);
  // Pace the load so that it runs before, during and after the outage.
  const perSecond = options.perSecond ?? Math.max(20, Math.ceil(scenario.deliveries.length / (options.outageSeconds * 2 + 10)));
  const processes =
    topology === "split"
      ? [
          await startRollcall({ label: "outage-web", databaseUrl, worker: "off", logDir: options.logDir }),
          await startRollcall({ label: "outage-worker", databaseUrl, script: "worker", logDir: options.logDir }),
        ]
      : [await startRollcall({ label: "outage-server", databaseUrl, logDir: options.logDir })];
  const web = processes[0];
  let downFrom = 0;
  let downUntil = 0;
  const outageStartsAfterMs = Math.max(1000, Math.floor((scenario.deliveries.length / perSecond) * 1000 * 0.2));
  try {
    log(`(c) outage (${topology}): ${scenario.deliveries.length} deliveries at ${perSecond}/s; Postgres down for ${options.outageSeconds} s after ${outageStartsAfterMs} ms`);
    const outage = (async () => {
      await sleep(outageStartsAfterMs);
      await cluster.stop();
      downFrom = Date.now();
      log(`(c) Postgres stopped`);
      await sleep(options.outageSeconds * 1000);
      downUntil = Date.now();
      await cluster.start();
      log(`(c) Postgres started again`);
    })();
    const attempts = await sendAll(scenario.deliveries, { target: () => web.url, concurrency: options.concurrency ?? 32, perSecond });
    await outage;
    const during = attempts.filter((attempt) => attempt.startedAt >= downFrom && attempt.startedAt + attempt.ms <= downUntil);
    const non503 = during.filter((attempt) => attempt.status !== 503);
    const retry = await retryUnacknowledged(attempts, scenario, () => web.url, 30);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, topology === "split" ? processes.slice(1) : processes);
    const result = summarise(
      `(c) Postgres down ${options.outageSeconds} s`,
      topology === "split" ? "1 web (WORKER=off) + 1 worker" : "1 server (web + worker thread)",
      scenario,
      all,
      retry.retried,
      store,
      attendance,
      startedAt,
    );
    result.outage = {
      seconds: Math.round((downUntil - downFrom) / 100) / 10,
      requests: during.length,
      all503: non503.length === 0 && during.length > 0,
      non503: non503.length,
      maxMs: Math.max(0, ...during.map((attempt) => attempt.ms)),
      over3s: during.filter((attempt) => attempt.ms > 3000).length,
    };
    if (non503.length) result.notes.push(`answers during the outage other than 503: ${[...new Set(non503.map((attempt) => String(attempt.status === "error" ? `connection error (${attempt.error})` : attempt.status)))].join(", ")}`);
    const firstAfter = attempts.filter((attempt) => attempt.startedAt >= downUntil && attempt.status === 200).sort((a, b) => a.startedAt - b.startedAt)[0];
    if (firstAfter) result.notes.push(`first 200 after Postgres came back: ${firstAfter.startedAt - downUntil} ms after it was started`);
    result.fault = `Postgres (fast shutdown) stopped ${Math.round(outageStartsAfterMs / 100) / 10} s into a load of ${perSecond} requests/s, started again ${result.outage.seconds} s later; ${retry.retried} events resent afterwards`;
    for (const proc of processes) checkServerLog(proc, result);
    return result;
  } finally {
    await Promise.all(processes.map((proc) => proc.stop()));
  }
}

/** (d) two web processes and two workers; each event to one web process and its redelivery to the other. */
export async function runScaleOutDrill(databaseUrl: string, options: DrillOptions): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const scenario = buildScenario(options.events, 44);
  await insertScenario(databaseUrl, scenario);
  const processes = await Promise.all([
    startRollcall({ label: "scale-web-1", databaseUrl, worker: "off", logDir: options.logDir }),
    startRollcall({ label: "scale-web-2", databaseUrl, worker: "off", logDir: options.logDir }),
    startRollcall({ label: "scale-worker-1", databaseUrl, script: "worker", logDir: options.logDir }),
    startRollcall({ label: "scale-worker-2", databaseUrl, script: "worker", logDir: options.logDir }),
  ]);
  const [webA, webB] = processes;
  try {
    const pairs = scenario.events.flatMap((event, index) => [
      { delivery: event, target: index % 2 ? webA.url : webB.url },
      { delivery: event, target: index % 2 ? webB.url : webA.url },
    ]);
    log(`(d) scale-out: ${pairs.length} deliveries over 2 web processes`);
    const attempts = await sendAll(
      pairs.map((pair) => pair.delivery),
      { target: (_delivery, position) => pairs[position].target, concurrency: options.concurrency ?? 32 },
    );
    const retry = await retryUnacknowledged(attempts, scenario, () => webA.url);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, processes.slice(2));
    const result = summarise("(d) scale-out", "2 web (WORKER=off) + 2 workers", scenario, all, retry.retried, store, attendance, startedAt);
    const storedAnswers = attempts.filter((attempt) => attempt.outcome === "stored").length;
    result.notes.push(`"stored" answered ${storedAnswers} times for ${scenario.events.length} events (each sent to both web processes at once); the rest "duplicate"`);
    if (storedAnswers !== scenario.events.length) result.notes.push("MISMATCH: an event was answered \"stored\" twice or never");
    for (const process of processes) checkServerLog(process, result);
    return result;
  } finally {
    await Promise.all(processes.map((process) => process.stop()));
  }
}

function acknowledgedKeys(attempts: Attempt[]): Set<string> {
  return new Set(attempts.filter((attempt) => attempt.status === 200).map((attempt) => attempt.delivery.dedupeKey));
}

function checkServerLog(proc: Proc, result: DrillResult): void {
  const exit = proc.unexpectedExit();
  if (exit) {
    const tail = proc.output().split("\n").filter((line) => line.trim() && !/^\s/.test(line)).slice(-3).join(" | ");
    result.notes.push(`CRASH: ${proc.label} exited on its own (${exit}); last lines: ${tail.slice(0, 600)}`);
    result.crashes += 1;
  }
  const markers = proc.output().match(/uncaughtException|unhandledRejection|FATAL ERROR|Segmentation fault/g);
  if (markers) result.notes.push(`${proc.label}: ${markers.length} crash markers in its log (${[...new Set(markers)].join(", ")})`);
}

// ------------------------------------------------------------------------------------------
// Command line

async function main() {
  const args = process.argv.slice(2);
  const value = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  const events = Number(value("--events") ?? 5000);
  const concurrency = Number(value("--concurrency") ?? 32);
  const outageSeconds = args.includes("--db-outage") ? Number(value("--db-outage") ?? 30) || 30 : null;
  const chosen = { load: args.includes("--load"), kill: args.includes("--kill"), outage: outageSeconds !== null, scaleOut: args.includes("--scale-out") };
  const all = !chosen.load && !chosen.kill && !chosen.outage && !chosen.scaleOut;
  const out = value("--out");

  const dir = path.resolve(`.data/drill-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  fs.mkdirSync(dir, { recursive: true });
  const log = (line: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const cluster = new Cluster(path.join(dir, "postgres"), await freePort());
  await cluster.start();
  await applyMigrations(cluster.url);
  log(`Postgres on port ${cluster.port}; logs in ${path.relative(process.cwd(), dir)}`);
  const results: DrillResult[] = [];
  const options: DrillOptions = { events, concurrency, logDir: dir, log };
  try {
    if (all || chosen.load) results.push(await runLoadDrill(await cluster.createDatabase("drill_load"), options));
    if (all || chosen.kill) results.push(await runKillDrill(await cluster.createDatabase("drill_kill"), options));
    if (all || chosen.scaleOut) results.push(await runScaleOutDrill(await cluster.createDatabase("drill_scale"), options));
    if (all || chosen.outage) {
      const topologies = (value("--outage-topology") ?? "split,single").split(",") as ("split" | "single")[];
      for (const topology of topologies) results.push(await runOutageDrill(cluster, { ...options, outageSeconds: outageSeconds ?? 30, topology }));
    }
  } finally {
    await cluster.stop().catch(() => {});
  }
  const summary = `## Drill results (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${events} events per drill, concurrency ${concurrency})\n\n${markdownSummary(results)}\n`;
  console.log(`\n${summary}`);
  fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(results, null, 2));
  if (out) fs.writeFileSync(out, summary);
  process.exit(results.every(passed) ? 0 : 1);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
