// What a drill reports: its figures, whether it passed, and the markdown table that
// docs/RELIABILITY.md quotes.
import type { AttendanceCheck, StoreCheck } from "./check";
import type { Scenario } from "./scenario";
import type { Attempt } from "./send";

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

export function summarise(
  drill: string,
  topology: string,
  scenario: Scenario,
  attempts: Attempt[],
  retried: number,
  store: StoreCheck,
  attendance: AttendanceCheck,
  startedAt: number,
): DrillResult {
  const latencies = attempts.filter((attempt) => attempt.status !== "error").map((attempt) => attempt.ms);
  return {
    drill,
    topology,
    events: scenario.events.length,
    requests: attempts.length,
    answered200: attempts.filter((attempt) => attempt.status === 200).length,
    answered503: attempts.filter((attempt) => attempt.status === 503).length,
    connectionErrors: attempts.filter((attempt) => attempt.status === "error").length,
    otherAnswers: attempts.filter(
      (attempt) => attempt.status !== 200 && attempt.status !== 503 && attempt.status !== "error",
    ).length,
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
      ? [
          `  - during the outage: ${r.outage.requests} requests, ${r.outage.requests - r.outage.non503} answered 503, ${r.outage.non503} otherwise; slowest ${r.outage.maxMs} ms, ${r.outage.over3s} over 3 s`,
        ]
      : []),
    r.attendanceMismatches === 0
      ? `  - attendance equal to the engine's (all ${r.attendanceRows} rows) ${r.attendanceSeconds} s after the last answer; whole drill ${r.seconds} s`
      : `  - attendance still wrong for ${r.attendanceMismatches} of ${r.attendanceRows} rows after waiting ${r.attendanceSeconds} s; first: ${r.attendanceExample}; whole drill ${r.seconds} s`,
    ...r.notes.map((note) => `  - ${note}`),
  ]);
  return [...lines, "", ...details].join("\n");
}
