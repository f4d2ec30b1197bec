// Benchmark of the course term summary (GET /api/v1/courses/{id}/summary and the course page):
// a 300-student course with 40 ended sessions (12,000 computed records), 600 overrides (a third
// of them excused), 2 cancelled sessions and 30 students who enrolled mid-term, summarised by the
// same code the API uses (lib/attendance/summary.ts + term.ts), from a throw-away embedded Postgres.
// Run with `npm run bench:summary`; paste the printed table into docs/BENCHMARKS.md.
// Target: < 200 ms per summary.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startEmbeddedPostgres } from "../lib/db/embedded";
import { applyMigrations } from "../lib/db/migrate";
import { prisma } from "../lib/db";
import { loadCourseSummary, toPublicSummary } from "../lib/attendance/summary";

const STUDENTS = 300;
const SESSIONS = 40;
const MEASURED_RUNS = 15;
const TARGET_MS = 200;
const FIRST_SESSION = Date.UTC(2025, 0, 6, 15, 0, 0);

async function createCourse(): Promise<string> {
  const course = await prisma.course.create({
    data: { name: "Biology 110", timezone: "America/Chicago", maxAbsences: 4 },
  });
  await prisma.$executeRaw`
    INSERT INTO students (id, "courseId", name, email, "emailNormalized", "enrolledAt", "sisId", "updatedAt")
    SELECT ${course.id} || '-s' || n, ${course.id}, 'Student ' || n, 'student' || n || '@school.example.edu', 'student' || n || '@school.example.edu',
           -- every 10th student enrolled in week 5
           ${new Date(FIRST_SESSION)}::timestamp + CASE WHEN n % 10 = 0 THEN interval '28 days' ELSE interval '-1 day' END,
           'SIS-' || n, now()
    FROM generate_series(0, ${STUDENTS - 1}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "cancelledAt", "updatedAt")
    SELECT ${course.id} || '-m' || n, ${course.id}, '97711976001',
           ${new Date(FIRST_SESSION)}::timestamp + ((n / 2) * 7 + (n % 2) * 2) * interval '1 day', 90,
           CASE WHEN n IN (7, 23) THEN now() ELSE NULL END, now()
    FROM generate_series(0, ${SESSIONS - 1}) AS n`;
  await prisma.$executeRaw`
    INSERT INTO attendance_records ("sessionId", "studentId", status, "attendedSeconds", "attendedPercent", "firstJoinAt",
      "lastLeaveAt", late, "lateBySeconds", "joinCount", "inMeeting", "openConnections", intervals, "computedAt")
    SELECT m.id, st.id,
           (CASE WHEN f.seconds = 0 THEN 'absent' WHEN f.seconds >= 4860 THEN 'present' ELSE 'partial' END)::"AttendanceStatus",
           f.seconds, round(f.seconds * 1000 / 5400.0) / 10, NULL, NULL, f.late > 300, f.late, 1, false, 0, '[]'::jsonb, now()
    FROM sessions m
    JOIN students st ON st."courseId" = m."courseId"
    CROSS JOIN LATERAL (SELECT abs(hashtext(m.id || st.id)) AS hash) h
    CROSS JOIN LATERAL (
      SELECT CASE WHEN h.hash % 100 < 8 THEN 0 WHEN h.hash % 100 < 25 THEN h.hash % 4800 ELSE 4860 + h.hash % 540 END AS seconds,
             CASE WHEN h.hash % 100 < 8 THEN 0 ELSE h.hash % 900 END AS late
    ) f
    WHERE m."courseId" = ${course.id}`;
  await prisma.$executeRaw`
    INSERT INTO attendance_overrides ("sessionId", "studentId", status, late, note, "byName")
    SELECT ar."sessionId", ar."studentId", (CASE WHEN abs(hashtext(ar."studentId" || ar."sessionId")) % 3 = 0 THEN 'excused' ELSE 'present' END)::"FinalStatus",
           NULL, 'bench', 'Bench Teacher'
    FROM attendance_records ar JOIN sessions s ON s.id = ar."sessionId"
    WHERE s."courseId" = ${course.id} AND abs(hashtext(ar."sessionId" || ar."studentId")) % 20 = 0`;
  return course.id;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const dataDir = path.resolve(".data/bench-summary");
  fs.rmSync(dataDir, { recursive: true, force: true });
  const database = await startEmbeddedPostgres({ dataDir, port: 0, quiet: true });
  try {
    process.env.DATABASE_URL = database.url;
    await applyMigrations(database.url);
    process.stdout.write(`Creating ${STUDENTS} students x ${SESSIONS} sessions with overrides... `);
    const courseId = await createCourse();
    const overrides = await prisma.attendanceOverride.count();
    console.log(`done (${overrides} overrides)`);
    await prisma.$executeRawUnsafe("VACUUM ANALYZE");
    const loadAtStart = os
      .loadavg()
      .map((load) => load.toFixed(1))
      .join(" / ");
    const now = new Date(FIRST_SESSION + 365 * 86_400_000);

    const warmup = await loadCourseSummary(courseId, now);
    if (warmup?.students.length !== STUDENTS) throw new Error("the summary does not have every student");
    const timings: number[] = [];
    let bytes = 0;
    for (let run = 0; run < MEASURED_RUNS; run++) {
      const started = performance.now();
      const summary = await loadCourseSummary(courseId, now);
      bytes = JSON.stringify(toPublicSummary(summary!)).length;
      timings.push(performance.now() - started);
    }
    const at = median(timings);
    const sorted = [...timings].sort((a, b) => a - b);
    const atRisk = warmup.students.filter((student) => student.atRisk).length;
    const rows = [
      ["Machine", `${os.cpus()[0]?.model ?? "unknown"} (${os.cpus().length} cores), ${os.platform()} ${os.release()}`],
      ["Node", process.version],
      ["Date", `${new Date().toISOString().slice(0, 10)} (load average at start ${loadAtStart})`],
      [
        "Course",
        `${STUDENTS} students x ${SESSIONS} sessions (${(STUDENTS * SESSIONS).toLocaleString("en-US")} records), ${overrides} overrides, 2 cancelled, 30 enrolled in week 5; ${atRisk} at risk`,
      ],
      [
        "Summary (load + term figures + JSON)",
        `median of ${MEASURED_RUNS}: **${at.toFixed(0)} ms** (min ${sorted[0]!.toFixed(0)}, max ${sorted[sorted.length - 1]!.toFixed(0)}; ${(bytes / 1024).toFixed(0)} KiB of JSON)`,
      ],
      ["Target", `< ${TARGET_MS} ms: ${at < TARGET_MS ? "met" : "NOT met"}`],
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
