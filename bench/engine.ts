// Benchmark of the attendance engine: one recompute of a 500-student, 3-hour session with 5,000
// stored events (joins, leaves, second devices, rejoins, breakout moves, redeliveries, guests).
// Run with `npm run bench:engine`; paste the printed table into docs/BENCHMARKS.md.
// Target: < 50 ms per recompute.

import os from "node:os";
import { performance } from "node:perf_hooks";
import { attachEventsToSessions, computeSessionAttendance } from "../lib/attendance/engine";
import type {
  ComputeSessionInput,
  EngineEvent,
  IdentityLinkInput,
  MeetingInstanceTimes,
  RosterStudent,
  SessionInput,
} from "../lib/attendance/types";

const STUDENTS = 500;
const TARGET_EVENTS = 5_000;
const GUESTS = 25;
const WARMUP_RUNS = 30;
const MEASURED_RUNS = 300;
const TARGET_MS = 50;

const MINUTE_MS = 60_000;
const MEETING_ID = "97711976001";
const MEETING_UUID = "UFl5dhENRIaQEw6yvhNihw==";
const STARTS_AT_MS = Date.UTC(2025, 0, 15, 18, 0, 0);
const DURATION_MINUTES = 180;
const END_MS = STARTS_AT_MS + DURATION_MINUTES * MINUTE_MS;

/** Deterministic PRNG (mulberry32) so every run benchmarks the same data. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}
const random = createRandom(20250115);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const chance = (probability: number) => random() < probability;
/** whole seconds, as Zoom sends them */
const secondsPrecision = (ms: number) => Math.floor(ms / 1000) * 1000;

interface Identity {
  registrantId: string | null;
  email: string | null;
  accountId: string | null;
  displayName: string;
}

const session: SessionInput = {
  id: "bench-session",
  zoomMeetingId: MEETING_ID,
  startsAt: new Date(STARTS_AT_MS),
  durationMinutes: DURATION_MINUTES,
  lateAfterMinutes: 5,
  requiredPercent: 90,
};

const roster: RosterStudent[] = [];
const links: IdentityLinkInput[] = [];
const identities: Identity[] = [];
for (let index = 0; index < STUDENTS; index++) {
  const email = `student${index}@school.example.edu`;
  const hasRegistrant = index % 5 < 2; // 40% registered
  roster.push({
    id: `student-${index}`,
    name: `Student ${index}`,
    email,
    emailNormalized: email,
    zoomRegistrantId: hasRegistrant ? `reg-${index}` : null,
  });
  const kind = index % 5; // 0-1 registrant, 2-3 email (mixed case), 4 signed-in account linked earlier
  if (kind === 4) links.push({ zoomAccountId: `acct-${index}`, studentId: `student-${index}` });
  identities.push({
    registrantId: kind < 2 ? `reg-${index}` : null,
    email: kind === 2 || kind === 3 ? `Student${index}@School.Example.edu` : null,
    accountId: kind === 4 || chance(0.3) ? `acct-${index}` : null,
    displayName: `Student ${index}`,
  });
}

const events: EngineEvent[] = [];
let nextUserId = 16_778_240;
let nextEventId = 0;

function participantEvent(kind: "join" | "leave", userId: string, timeMs: number, identity: Identity): EngineEvent {
  const time = new Date(secondsPrecision(timeMs));
  return {
    id: `event-${nextEventId++}`,
    eventType: kind === "join" ? "meeting.participant_joined" : "meeting.participant_left",
    source: "webhook",
    eventTs: new Date(time.getTime() + between(0, 900)),
    zoomMeetingId: MEETING_ID,
    meetingUuid: MEETING_UUID,
    occurredAt: time,
    participantUserId: userId,
    participantAccountId: identity.accountId,
    registrantId: identity.registrantId,
    email: identity.email,
    emailNormalized: identity.email === null ? null : identity.email.trim().toLowerCase(),
    displayName: identity.displayName,
    joinTime: kind === "join" ? time : null,
    leaveTime: kind === "leave" ? time : null,
  };
}

/** One connection; a missing leave stays open (the meeting is still running in the live case). */
function connection(identity: Identity, joinMs: number, leaveMs: number | null): void {
  const userId = String(nextUserId++);
  events.push(participantEvent("join", userId, joinMs, identity));
  if (leaveMs !== null) events.push(participantEvent("leave", userId, leaveMs, identity));
}

function meetingEvent(type: "meeting.started" | "meeting.ended", timeMs: number): EngineEvent {
  const time = new Date(timeMs);
  return {
    id: `event-${nextEventId++}`,
    eventType: type,
    source: "webhook",
    eventTs: time,
    zoomMeetingId: MEETING_ID,
    meetingUuid: MEETING_UUID,
    occurredAt: time,
    participantUserId: null,
    participantAccountId: null,
    registrantId: null,
    email: null,
    emailNormalized: null,
    displayName: null,
    joinTime: null,
    leaveTime: null,
  };
}

const meetingStartMs = STARTS_AT_MS - 4 * MINUTE_MS;
const meetingEndMs = END_MS + 6 * MINUTE_MS;
events.push(meetingEvent("meeting.started", meetingStartMs), meetingEvent("meeting.ended", meetingEndMs));

// Attending students (95%): a main device from around the start, some drop-outs and rejoins, some
// second devices (phones, often signed in with only an account ID), some leaving early.
const attendees: number[] = [];
for (let index = 0; index < STUDENTS; index++) {
  if (chance(0.05)) continue;
  attendees.push(index);
  const identity = identities[index];
  const firstJoinMs = STARTS_AT_MS + between(-10 * 60, chance(0.2) ? 40 * 60 : 4 * 60) * 1000;
  const finalLeaveMs = chance(0.15) ? END_MS - between(10, 90) * MINUTE_MS : END_MS + between(-3 * 60, 5 * 60) * 1000;
  let cursorMs = firstJoinMs;
  const drops = chance(0.3) ? between(1, 3) : 0;
  for (let drop = 0; drop < drops; drop++) {
    const dropAtMs = cursorMs + between(10, 50) * MINUTE_MS;
    if (dropAtMs >= finalLeaveMs) break;
    connection(identity, cursorMs, dropAtMs);
    cursorMs = dropAtMs + between(20, 600) * 1000; // a rejoin gets a new user_id
  }
  connection(identity, cursorMs, chance(0.1) ? null : Math.max(cursorMs, finalLeaveMs));
  if (chance(0.15)) {
    const phone: Identity = {
      ...identity,
      registrantId: null,
      email: null,
      accountId: identity.accountId,
      displayName: `${identity.displayName}'s iPhone`,
    };
    const phoneJoinMs = firstJoinMs + between(5, 120) * MINUTE_MS;
    connection(phone, phoneJoinMs, phoneJoinMs + between(8, 3600) * 1000);
  }
}

// Guests: a teaching assistant with an account, visitors by email, dial-ins by name only.
for (let index = 0; index < GUESTS; index++) {
  const identity: Identity = {
    registrantId: null,
    email: index % 3 === 1 ? `visitor${index}@example.org` : null,
    accountId: index % 3 === 0 ? `guest-acct-${index}` : null,
    displayName: index % 3 === 2 ? `+1 555 010 ${String(index).padStart(4, "0")}` : `Guest ${index}`,
  };
  const joinMs = STARTS_AT_MS + between(-5, 120) * MINUTE_MS;
  connection(identity, joinMs, chance(0.7) ? joinMs + between(5, 60) * MINUTE_MS : null);
  if (chance(0.3)) connection(identity, joinMs + 70 * MINUTE_MS, joinMs + 90 * MINUTE_MS);
}

// Breakout-room moves fill up to the target (each a leave + a join with a new user_id), leaving
// room for redeliveries: Zoom delivering the same event twice (with a new event row each time).
const redeliveries = Math.round(TARGET_EVENTS * 0.04);
while (events.length < TARGET_EVENTS - redeliveries - 1) {
  const index = attendees[between(0, attendees.length - 1)];
  const moveMs = STARTS_AT_MS + between(30, 150) * MINUTE_MS;
  connection(identities[index], moveMs, moveMs + between(5, 20) * MINUTE_MS);
}
while (events.length < TARGET_EVENTS) {
  const original = events[between(2, events.length - 1)];
  events.push({
    ...original,
    id: `event-${nextEventId++}`,
    eventTs: new Date((original.eventTs?.getTime() ?? 0) + 5 * MINUTE_MS),
  });
}
// Arrival order is not time order: shuffle (Fisher–Yates).
for (let position = events.length - 1; position > 0; position--) {
  const other = Math.floor(random() * (position + 1));
  [events[position], events[other]] = [events[other], events[position]];
}

// ---------------------------------------------------------------------------------------------

interface Scenario {
  label: string;
  instances: MeetingInstanceTimes[];
  now: Date;
  /** the events stored by `now` */
  events: EngineEvent[];
}
const liveNow = new Date(END_MS - 5 * MINUTE_MS);
const scenarios: Scenario[] = [
  {
    label: "ended (after meeting.ended)",
    instances: [{ uuid: MEETING_UUID, startedAt: new Date(meetingStartMs), endedAt: new Date(meetingEndMs) }],
    now: new Date(END_MS + 2 * 60 * MINUTE_MS),
    events,
  },
  {
    label: "live (5 min before the end, meeting running)",
    instances: [{ uuid: MEETING_UUID, startedAt: new Date(meetingStartMs), endedAt: null }],
    now: liveNow,
    events: events.filter((event) => event.occurredAt <= liveNow && event.eventType !== "meeting.ended"),
  },
];

interface Stats {
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

function measure(run: () => void): Stats {
  for (let warmup = 0; warmup < WARMUP_RUNS; warmup++) run();
  const samples: number[] = [];
  for (let iteration = 0; iteration < MEASURED_RUNS; iteration++) {
    const startedAt = performance.now();
    run();
    samples.push(performance.now() - startedAt);
  }
  samples.sort((a, b) => a - b);
  const percentile = (fraction: number) =>
    samples[Math.min(samples.length - 1, Math.ceil(fraction * samples.length) - 1)];
  return {
    mean: samples.reduce((sum, sample) => sum + sample, 0) / samples.length,
    p50: percentile(0.5),
    p95: percentile(0.95),
    max: samples[samples.length - 1],
  };
}

const format = (ms: number) => ms.toFixed(2);
const rows: string[] = [];
let worstP95 = 0;
for (const scenario of scenarios) {
  // The event list is attached first, as the worker does, then recomputed.
  const attached = attachEventsToSessions(scenario.events, [session]).get(session.id) ?? [];
  const input: ComputeSessionInput = {
    session,
    roster,
    links,
    manualMatches: [],
    events: attached,
    instances: scenario.instances,
    now: scenario.now,
  };
  const result = computeSessionAttendance(input);
  const stats = measure(() => computeSessionAttendance(input));
  worstP95 = Math.max(worstP95, stats.p95);
  const counts = { present: 0, partial: 0, absent: 0 };
  for (const student of result.students) counts[student.status]++;
  const inMeeting = result.students.filter((student) => student.inMeeting).length;
  rows.push(
    `| computeSessionAttendance, ${scenario.label} | ${attached.length} | ${format(stats.mean)} | ${format(stats.p50)} | ${format(stats.p95)} | ${format(stats.max)} |`,
  );
  console.error(
    `${scenario.label}: ${counts.present} present, ${counts.partial} partial, ${counts.absent} absent, ` +
      `${inMeeting} in meeting, ${result.guests.length} guests, ${result.learnedLinks.length} learned links`,
  );
}
const attachStats = measure(() => attachEventsToSessions(events, [session]));
rows.push(
  `| attachEventsToSessions (1 session) | ${events.length} | ${format(attachStats.mean)} | ${format(attachStats.p50)} | ${format(attachStats.p95)} | ${format(attachStats.max)} |`,
);

const cpuModel = os.cpus()[0]?.model ?? "unknown CPU";
console.log(`### Attendance engine (\`npm run bench:engine\`)`);
console.log("");
console.log(
  `${STUDENTS} students, ${DURATION_MINUTES}-minute session, ${events.length} events ` +
    `(joins, leaves, rejoins, second devices, breakout moves, ${redeliveries} redeliveries, ${GUESTS} guests; ` +
    `the live case sees the events stored 5 minutes before the end); ` +
    `${MEASURED_RUNS} measured runs after ${WARMUP_RUNS} warm-up runs.`,
);
console.log("");
console.log("| operation | events | mean ms | p50 ms | p95 ms | max ms |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const row of rows) console.log(row);
console.log("");
console.log(
  `Node ${process.version}, ${cpuModel} (${os.cpus().length} logical CPUs), ${os.platform()} ${os.arch()}, ${new Date().toISOString()}.`,
);
console.log(`Target: p95 < ${TARGET_MS} ms per recompute — ${worstP95 < TARGET_MS ? "met" : "NOT met"}.`);
