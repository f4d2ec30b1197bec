// Benchmark of the CSV exports: a 300-student course with 40 sessions (12,000 rows) exported
// through the same code the API and the CLI use (lib/exports), from a throw-away embedded Postgres.
// Then a 10x larger export (120,000 rows) shows that memory stays flat: rows stream in batches.
// Run with `npm run bench:export`; paste the printed table into docs/BENCHMARKS.md.
// Target: >= 50,000 rows/s and flat memory.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { prisma } from "../lib/db";
import { allCoursesAttendanceExport, courseAttendanceExport, type ExportFile } from "../lib/exports/attendance";

const STUDENTS = 300;
const SESSIONS = 40;
const LARGE_SESSIONS = 400;
const MEASURED_RUNS = 9;
const TARGET_ROWS_PER_SECOND = 50_000;
const FIRST_SESSION = Date.UTC(2022, 0, 3, 17, 0, 0); // Monday 2022-01-03 09:00 in Los Angeles

const FIRST_NAMES = [
  "Ana",
  "Ben",
  "Chen",
  "Dana",
  "Émile",
  "Fatima",
  "Gabriel",
  "Hana",
  "Ingrid",
  "José",
  "Kofi",
  "Łucja",
  "Mei",
  "Noor",
  "Óscar",
  "Priya",
];
const LAST_NAMES = [
  "Lima",
  "Okafor",
  "Wei",
  "Fischer",
  "Novak",
  "Zahra",
  "Souza",
  "Sato",
  "O'Brien",
  "Müller",
  "García, Jr.",
  "Nguyễn",
];

/**
 * A course with STUDENTS students and `sessions` 90-minute classes (two a week, across
 * daylight-saving changes, so offsets in the file vary between -08:00 and -07:00) and a stored
 * attendance record for every student in every session. Built in SQL so that the measuring
 * process starts small: the figures are deterministic functions of the row numbers.
 */
async function createCourse(name: string, sessions: number, meetingId: string): Promise<{ id: string; name: string }> {
  const course = await prisma.course.create({ data: { name, timezone: "America/Los_Angeles" } });
  await prisma.$executeRaw`
    INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
    SELECT ${course.id} || '-s' || n,
           ${course.id},
           -- every 50th name starts with "=": the neutraliser is on the measured path
           CASE WHEN n % 50 = 0 THEN '=' ELSE '' END || (${FIRST_NAMES}::text[])[1 + n % ${FIRST_NAMES.length}] || ' ' ||
             (${LAST_NAMES}::text[])[1 + (n / ${FIRST_NAMES.length}) % ${LAST_NAMES.length}] || ' ' || n,
           'student' || n || '@' || ${meetingId} || '.school.example.edu',
           'student' || n || '@' || ${meetingId} || '.school.example.edu',
           now()
    FROM generate_series(0, ${STUDENTS - 1}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
    SELECT ${course.id} || '-m' || n, ${course.id}, ${meetingId},
           ${new Date(FIRST_SESSION)}::timestamp + ((n / 2) * 7 + (n % 2) * 2) * interval '1 day',
           90, now()
    FROM generate_series(0, ${sessions - 1}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO attendance_records ("sessionId", "studentId", status, "attendedSeconds", "attendedPercent", "firstJoinAt",
      "lastLeaveAt", late, "lateBySeconds", "joinCount", "inMeeting", "openConnections", intervals, "computedAt")
    SELECT m.id, st.id,
           (CASE WHEN f.seconds = 0 THEN 'absent' WHEN f.seconds >= 4860 THEN 'present' ELSE 'partial' END)::"AttendanceStatus",
           f.seconds, round(f.seconds * 1000 / 5400.0) / 10,
           CASE WHEN f.seconds = 0 THEN NULL ELSE m."startsAt" + (f.late - 60) * interval '1 second' END,
           CASE WHEN f.seconds = 0 THEN NULL ELSE m."startsAt" + (f.late - 60 + f.seconds) * interval '1 second' END,
           f.late > 300, f.late, CASE WHEN f.seconds = 0 THEN 0 ELSE 1 + f.hash % 3 END, false, 0, '[]'::jsonb, now()
    FROM sessions m
    JOIN students st ON st."courseId" = m."courseId"
    CROSS JOIN LATERAL (SELECT abs(hashtext(m.id || st.id)) AS hash) h
    CROSS JOIN LATERAL (
      SELECT h.hash,
             CASE WHEN h.hash % 100 < 8 THEN 0 WHEN h.hash % 100 < 25 THEN h.hash % 4800 ELSE 4860 + h.hash % 540 END AS seconds,
             CASE WHEN h.hash % 100 < 8 THEN 0 ELSE h.hash % 900 END AS late
    ) f
    WHERE m."courseId" = ${course.id}`;
  return course;
}

/** Peak resident set size and JS heap, sampled every 5 ms while an export runs. */
function memorySampler() {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  };
  sample();
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { peakRss, peakHeap };
    },
  };
}

interface RunResult {
  seconds: number;
  rows: number;
  bytes: number;
  peakRss: number;
  peakHeap: number;
}

/** Reads the whole export like an HTTP client would, counting rows (CRLF-terminated) and bytes. */
async function consume(file: ExportFile): Promise<RunResult> {
  const sampler = memorySampler();
  const started = performance.now();
  let bytes = 0;
  let lineEnds = 0;
  for await (const chunk of file.stream as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (let index = 0; index < chunk.length; index++) if (chunk[index] === 10) lineEnds += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rows: lineEnds - 1, bytes, ...sampler.stop() };
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dataDir = path.resolve(".data/bench-export");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const database = await startEmbeddedPostgres({ dataDir, port: 0, quiet: true });
  try {
    process.env.DATABASE_URL = database.url;
    await applyMigrations(database.url);
    process.stdout.write("Creating 300 students x 40 sessions, and 300 x 400 for the memory check... ");
    const course = await createCourse("Data Science 101", SESSIONS, "97711976001");
    const large = await createCourse("Statistics 900 (large)", LARGE_SESSIONS, "97711976002");
    console.log("done");
    await prisma.$executeRawUnsafe("VACUUM ANALYZE");

    // Two classes a week: the large course runs for four years, so the range covers them all.
    const loadAtStart = os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(" / ");
    const range = { from: "2022-01-01", to: "2025-12-31" };
    const warmup = await consume(courseAttendanceExport(course, range));
    if (warmup.rows !== STUDENTS * SESSIONS)
      throw new Error(`expected ${STUDENTS * SESSIONS} rows, got ${warmup.rows}`);
    const baselineRss = process.memoryUsage().rss;

    const runs: RunResult[] = [];
    for (let run = 0; run < MEASURED_RUNS; run++) runs.push(await consume(courseAttendanceExport(course, range)));
    const allCourses = await consume(allCoursesAttendanceExport(range));
    const largeRun = await consume(courseAttendanceExport(large, range));
    if (largeRun.rows !== STUDENTS * LARGE_SESSIONS)
      throw new Error(`expected ${STUDENTS * LARGE_SESSIONS} rows, got ${largeRun.rows}`);

    const medianSeconds = median(runs.map((run) => run.seconds));
    const rowsPerSecond = Math.round((STUDENTS * SESSIONS) / medianSeconds);
    const largeRowsPerSecond = Math.round(largeRun.rows / largeRun.seconds);
    const peak12k = Math.max(...runs.map((run) => run.peakRss));
    const peakHeap12k = Math.max(...runs.map((run) => run.peakHeap));
    const rows = [
      ["Machine", `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} cores), ${os.platform()} ${os.release()}`],
      ["Node", process.version],
      ["Date", `${new Date().toISOString().slice(0, 10)} (load average at start ${loadAtStart})`],
      [
        "Course export, 300 x 40 = 12,000 rows",
        `median of ${MEASURED_RUNS}: ${(medianSeconds * 1000).toFixed(0)} ms = **${rowsPerSecond.toLocaleString("en-US")} rows/s** (${(runs[0].bytes / 1024).toFixed(0)} KiB)`,
      ],
      [
        `All-courses export, ${allCourses.rows.toLocaleString("en-US")} rows`,
        `${(allCourses.seconds * 1000).toFixed(0)} ms = ${Math.round(allCourses.rows / allCourses.seconds).toLocaleString("en-US")} rows/s`,
      ],
      [
        "Course export, 300 x 400 = 120,000 rows",
        `${(largeRun.seconds * 1000).toFixed(0)} ms = ${largeRowsPerSecond.toLocaleString("en-US")} rows/s (${mib(largeRun.bytes)})`,
      ],
      ["RSS before the measured exports", mib(baselineRss)],
      ["Peak RSS (JS heap), 12,000-row exports", `**${mib(peak12k)}** (${mib(peakHeap12k)})`],
      ["Peak RSS (JS heap), 120,000-row export", `**${mib(largeRun.peakRss)}** (${mib(largeRun.peakHeap)})`],
      [
        "Target",
        `>= ${TARGET_ROWS_PER_SECOND.toLocaleString("en-US")} rows/s: ${rowsPerSecond >= TARGET_ROWS_PER_SECOND ? "met" : "NOT met"}; memory ${largeRun.peakRss - peak12k < 32 * 1024 * 1024 ? "flat (10x the rows, < 32 MiB more)" : "NOT flat"}`,
      ],
    ];
    console.log("\n| Measure | Result |\n| --- | --- |");
    for (const [measure, result] of rows) console.log(`| ${measure} | ${result} |`);
  } finally {
    await prisma.$disconnect();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
