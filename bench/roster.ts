// npm run bench:roster — how fast is the live roster of a big class served while webhooks keep
// arriving? A 500-student course with a live 3-hour session and 5,000 stored events (joins,
// leaves, rejoins, second devices, guests), stored through the event store and recomputed as the
// worker would. Then, while a background loop keeps posting signed webhooks to the server (whose
// worker recomputes after each), it measures
//   1. readSessionAttendance in this process (the data the live page and its JSON route read), and
//   2. GET /api/sessions/:id/live on the production server with a signed-in browser's cookie.
// Target: p95 < 100 ms. Prints a Markdown table and writes it into docs/BENCHMARKS.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { benchDatabase, ensureProductionBuild, machine, percentile } from "./common";
import { startServer, postWebhook } from "../test/helpers/server";
import { participantJoined, participantLeft, meetingStarted } from "../test/helpers/zoom";
import { prisma } from "../lib/db";
import { parseStoredEvent } from "../lib/zoom/payload";
import { storeWebhookEvent } from "../lib/events/store";
import { recomputeSession } from "../lib/attendance/projection";
import { readSessionAttendance } from "../lib/attendance/read";
import { createUser } from "../lib/services/users";

const STUDENTS = 500;
const EVENTS = 5_000;
const GUESTS = 20;
const DURATION_MINUTES = 180;
const MEETING_ID = "84400000777";
const MEETING_UUID = "benchRosterUuidAAAAAA==";
const WARMUP = 20;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 300);
/** Background webhooks per second while measuring. */
const WEBHOOK_RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 20);
const TARGET_MS = 100;
const ADMIN = { email: "bench-admin@rollcall.test", password: "bench-admin-password" };

/** Deterministic PRNG (mulberry32): every run benchmarks the same class. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(500_5000);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));

async function seed(startsAt: Date): Promise<string> {
  const course = await prisma.course.create({ data: { name: "Benchmark: 500 students", timezone: "America/Chicago" } });
  await prisma.student.createMany({
    data: Array.from({ length: STUDENTS }, (_, index) => ({
      courseId: course.id,
      name: `Student ${String(index).padStart(3, "0")}`,
      email: `student${index}@bench.example.edu`,
      emailNormalized: `student${index}@bench.example.edu`,
    })),
  });
  const session = await prisma.session.create({
    data: {
      courseId: course.id,
      title: "Benchmark class",
      zoomMeetingId: MEETING_ID,
      startsAt,
      durationMinutes: DURATION_MINUTES,
    },
  });
  await createUser({ email: ADMIN.email, name: "Bench Admin", role: "admin", password: ADMIN.password });
  return session.id;
}

/**
 * 5,000 distinct events, all in the past: every student joins, drops and rejoins a few times (a
 * new user_id per join, as Zoom does); four in five are connected now, some of them on two
 * devices; guests come and go.
 */
function classEvents(startsAt: Date, now: Date): unknown[] {
  const startMs = startsAt.getTime();
  const latestMs = now.getTime() - 60_000;
  const bodies: unknown[] = [meetingStarted(MEETING_UUID, MEETING_ID, new Date(startMs - 3 * 60_000))];
  let userId = 16_000_000;
  const people = [
    // Connections still open at the end: none for one student in five, two devices for one in ten.
    ...Array.from({ length: STUDENTS }, (_, index) => ({
      name: `Student ${index}`,
      email: `student${index}@bench.example.edu`,
      openDevices: index % 5 === 0 ? 0 : index % 10 === 1 ? 2 : 1,
    })),
    ...Array.from({ length: GUESTS }, (_, index) => ({ name: `Guest ${index}`, email: undefined, openDevices: 0 })),
  ];
  const openAtEnd = people.reduce((sum, person) => sum + person.openDevices, 0);
  const cursor = people.map(() => startMs + between(-5, 10) * 60_000);
  // Closed connections (a join and its leave), round-robin, leaving room for the open ones.
  for (let progress = true; progress && bodies.length + 2 <= EVENTS - openAtEnd;) {
    progress = false;
    for (let index = 0; index < people.length && bodies.length + 2 <= EVENTS - openAtEnd; index += 1) {
      const joinMs = cursor[index];
      const leaveMs = joinMs + between(2, 12) * 60_000;
      if (leaveMs >= latestMs - 5 * 60_000) continue;
      const spec = {
        uuid: MEETING_UUID,
        meetingId: MEETING_ID,
        userId: String(userId++),
        name: people[index].name,
        email: people[index].email,
      };
      bodies.push(
        participantJoined({ ...spec, joinTime: new Date(joinMs) }),
        participantLeft({ ...spec, leaveTime: new Date(leaveMs) }),
      );
      cursor[index] = leaveMs + between(0, 2) * 60_000;
      progress = true;
    }
  }
  // Then everyone who is in class now joins once more and stays; guests fill up to EVENTS.
  people.forEach((person, index) => {
    for (let device = 0; device < person.openDevices; device += 1) {
      const spec = {
        uuid: MEETING_UUID,
        meetingId: MEETING_ID,
        userId: String(userId++),
        name: person.name,
        email: person.email,
      };
      bodies.push(
        participantJoined({ ...spec, joinTime: new Date(Math.min(cursor[index] + device * 7 * 60_000, latestMs)) }),
      );
    }
  });
  for (let guest = 0; bodies.length < EVENTS; guest = (guest + 1) % GUESTS) {
    const spec = { uuid: MEETING_UUID, meetingId: MEETING_ID, userId: String(userId++), name: `Guest ${guest}` };
    const joinMs = latestMs - between(5, 60) * 60_000;
    bodies.push(participantJoined({ ...spec, joinTime: new Date(joinMs) }));
    if (bodies.length < EVENTS) bodies.push(participantLeft({ ...spec, leaveTime: new Date(joinMs + 60_000) }));
  }
  return bodies;
}

async function storeAll(bodies: unknown[]): Promise<number> {
  let stored = 0;
  for (let offset = 0; offset < bodies.length; offset += 50) {
    const results = await Promise.all(
      bodies.slice(offset, offset + 50).map(async (body, index) => {
        const parsed = parseStoredEvent(body);
        if (!parsed.ok) throw new Error(`bench event ${offset + index} rejected: ${parsed.message}`);
        return storeWebhookEvent(parsed.fields, body, {
          trackingId: `bench_${offset + index}`,
          requestId: null,
          headers: {},
          bodyBytes: JSON.stringify(body).length,
        });
      }),
    );
    stored += results.filter((result) => result.outcome === "stored").length;
  }
  return stored;
}

/** next-auth credentials sign-in over HTTP, as the browser does it; returns the cookie header. */
async function signInCookie(baseUrl: string): Promise<string> {
  const jar = new Map<string, string>();
  const keep = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const separator = pair.indexOf("=");
      jar.set(pair.slice(0, separator), pair.slice(separator + 1));
    }
  };
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signedIn = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader() },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }),
  });
  keep(signedIn);
  if (![...jar.keys()].some((name) => name.endsWith("next-auth.session-token")))
    throw new Error(`sign-in failed (HTTP ${signedIn.status})`);
  return cookieHeader();
}

/** Posts signed joins/leaves of late arrivals at WEBHOOK_RATE until stopped. */
function backgroundWebhooks(baseUrl: string) {
  let running = true;
  let sent = 0;
  let failed = 0;
  let userId = 17_000_000;
  const loop = (async () => {
    const intervalMs = 1000 / WEBHOOK_RATE;
    let next = performance.now();
    let open: { uuid: string; meetingId: string; userId: string; name: string; email: string } | null = null;
    while (running) {
      // Alternately someone joins, and the last joiner leaves again.
      const at = new Date(Date.now() - 1000);
      let body: unknown;
      if (open) {
        body = participantLeft({ ...open, leaveTime: at });
        open = null;
      } else {
        const person = between(0, STUDENTS - 1);
        open = {
          uuid: MEETING_UUID,
          meetingId: MEETING_ID,
          userId: String(userId++),
          name: `Student ${person}`,
          email: `student${person}@bench.example.edu`,
        };
        body = participantJoined({ ...open, joinTime: at });
      }
      const response = await postWebhook(baseUrl, body).catch(() => null);
      if (!response || response.status !== 200) failed += 1;
      sent += 1;
      next += intervalMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { sent, failed };
    },
  };
}

/** Runs `run` WARMUP + SAMPLES times one after the other; the samples are what it returns (ms), sorted. */
async function measure(run: () => Promise<number>): Promise<number[]> {
  for (let index = 0; index < WARMUP; index += 1) await run();
  const samples: number[] = [];
  for (let index = 0; index < SAMPLES; index += 1) samples.push(await run());
  return samples.sort((a, b) => a - b);
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

const ms = (value: number) => value.toFixed(1);

function writeSection(markdown: string) {
  const file = path.resolve("docs/BENCHMARKS.md");
  const heading = "## Live roster (bench:roster)";
  const existing = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n";
  const start = existing.indexOf(heading);
  let updated: string;
  if (start < 0) {
    updated = `${existing.trimEnd()}\n\n${markdown.trim()}\n`;
  } else {
    // Only this section is replaced: from its heading to the next "## " heading.
    const nextHeading = existing.indexOf("\n## ", start + heading.length);
    const end = nextHeading < 0 ? existing.length : nextHeading + 1;
    updated = `${existing.slice(0, start)}${markdown.trim()}\n${nextHeading < 0 ? "" : `\n${existing.slice(end)}`}`;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, updated);
}

async function main() {
  ensureProductionBuild();
  // Shared machines make numbers move: record how busy this one was.
  const loadAtStart = os
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(" / ");
  const { cluster, url } = await benchDatabase("roster");
  let server: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const now = new Date();
    const startsAt = new Date(now.getTime() - 100 * 60_000);
    startsAt.setUTCSeconds(0, 0);
    const sessionId = await seed(startsAt);
    const bodies = classEvents(startsAt, now);
    const storedEvents = await storeAll(bodies);
    const recompute = await recomputeSession(sessionId);
    console.log(`Seeded ${STUDENTS} students, ${storedEvents} events; recompute: ${JSON.stringify(recompute)}`);

    server = await startServer({ databaseUrl: url });
    const cookie = await signInCookie(server.url);
    const liveUrl = `${server.url}/api/sessions/${sessionId}/live`;
    const check = await fetch(liveUrl, { headers: { cookie } });
    const payload = (await check.json()) as { session: { state: string }; students: unknown[]; guests: unknown[] };
    if (check.status !== 200 || payload.session.state !== "live")
      throw new Error(`live route answered ${check.status} ${JSON.stringify(payload).slice(0, 200)}`);
    const responseBytes = JSON.stringify(payload).length;

    const webhooks = backgroundWebhooks(server.url);
    const inProcess = await measure(() =>
      timed(async () => {
        const view = await readSessionAttendance(sessionId);
        if (!view || view.students.length !== STUDENTS)
          throw new Error("readSessionAttendance returned the wrong roster");
      }),
    );
    // Each poll's server time (its Server-Timing header) and the client's wall time around it.
    const clientTimes: number[] = [];
    const serverTimes = await measure(async () => {
      let serverMs = NaN;
      clientTimes.push(
        await timed(async () => {
          const response = await fetch(liveUrl, { headers: { cookie } });
          if (response.status !== 200) throw new Error(`live route answered ${response.status}`);
          serverMs = Number(/dur=([\d.]+)/.exec(response.headers.get("server-timing") ?? "")?.[1]);
          await response.arrayBuffer();
        }),
      );
      return serverMs;
    });
    const overHttp = clientTimes.slice(WARMUP).sort((a, b) => a - b);
    const background = await webhooks.stop();
    const finalEvents = await prisma.event.count({ where: { zoomMeetingId: MEETING_ID } });

    const rows = [
      {
        what: "`GET /api/sessions/:id/live`, server time (Server-Timing: cookie, access check, read, JSON)",
        samples: serverTimes,
        target: true,
      },
      {
        what: "`GET /api/sessions/:id/live`, client wall time over loopback (adds transfer of the JSON)",
        samples: overHttp,
        target: false,
      },
      { what: "`readSessionAttendance` alone, in the benchmark process", samples: inProcess, target: false },
    ];
    const table = [
      "| measurement | samples | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | target (p95) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
      ...rows.map(
        (row) =>
          `| ${row.what} | ${row.samples.length} | ${ms(percentile(row.samples, 0.5))} | ${ms(percentile(row.samples, 0.95))} | ${ms(percentile(row.samples, 0.99))} | ${ms(row.samples[row.samples.length - 1])} | ${row.target ? `< ${TARGET_MS} ms ${percentile(row.samples, 0.95) < TARGET_MS ? "✅" : "❌"}` : ""} |`,
      ),
    ].join("\n");
    const markdown = `## Live roster (bench:roster)

\`npm run bench:roster\` (bench/roster.ts): the data of the live session page for a class of ${STUDENTS} students with ${storedEvents.toLocaleString("en-US")} stored events
(joins, leaves, rejoins, second devices, ${GUESTS} guests; ${payload.students.length} student rows and ${payload.guests.length} guest rows with their presence
intervals, ${Math.round(responseBytes / 1024)} KiB of JSON), read one request at a time while a background loop posted signed webhooks to the same server at
${WEBHOOK_RATE}/s (${background.sent} posted during the run, ${background.failed} not answered 200; the server's worker recomputed the session after each, ending at
${finalEvents.toLocaleString("en-US")} events). The server, its worker, Postgres (embedded) and this client share the machine.

Machine: ${machine()}; load average at start ${loadAtStart}.

${table}
`;
    console.log(`\n${markdown}`);
    writeSection(markdown);
    console.log("Written to docs/BENCHMARKS.md");
    if (percentile(serverTimes, 0.95) >= TARGET_MS) process.exitCode = 1;
  } finally {
    await server?.stop();
    await prisma.$disconnect();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
