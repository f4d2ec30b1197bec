// Checking after a drill: every distinct event stored exactly once (key by key against what was
// sent), every event answered 200 stored, attendance equal to what the pure engine computes, and
// no process crashed.
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import type { RunningServer } from "../helpers/server";
import type { DrillResult } from "./report";
import { expectedAttendance, type Scenario } from "./scenario";

export interface StoreCheck {
  stored: number;
  lost: number;
  unexpected: number;
  /** events answered 200 that are not stored: must be 0 */
  acknowledgedButMissing: number;
}

export async function checkStore(
  databaseUrl: string,
  scenario: Scenario,
  acknowledged: Iterable<string>,
): Promise<StoreCheck> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const rows = await client.query<{ dedupeKey: string }>(
      `SELECT "dedupeKey" FROM events WHERE "zoomMeetingId" = ANY($1::text[])`,
      [scenario.sessions.map((session) => session.zoomMeetingId)],
    );
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

export interface AttendanceCheck {
  rows: number;
  mismatches: number;
  example: string | null;
  waitedSeconds: number;
}

export async function waitForAttendance(
  databaseUrl: string,
  scenario: Scenario,
  timeoutMs: number,
  processes: RunningServer[] = [],
): Promise<AttendanceCheck> {
  const expected = expectedAttendance(scenario);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const started = Date.now();
  let last: AttendanceCheck = { rows: 0, mismatches: expected.size, example: "no attendance yet", waitedSeconds: 0 };
  try {
    while (Date.now() - started < timeoutMs) {
      const result = await client.query<{
        sessionId: string;
        studentId: string;
        attendedSeconds: number;
        joinCount: number;
        status: string;
        firstJoinAt: Date | null;
        lastLeaveAt: Date | null;
      }>(
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
        const got = {
          attendedSeconds: row.attendedSeconds,
          joinCount: row.joinCount,
          status: row.status,
          firstJoinAt: row.firstJoinAt?.getTime() ?? null,
          lastLeaveAt: row.lastLeaveAt?.getTime() ?? null,
        };
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
      last = {
        rows: result.rowCount ?? 0,
        mismatches,
        example,
        waitedSeconds: Math.round((Date.now() - started) / 100) / 10,
      };
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

/** A process that exited on its own is a crash; crash markers in its output are noted. */
export function checkServerLog(proc: RunningServer, result: DrillResult): void {
  const exit = proc.unexpectedExit();
  if (exit) {
    const tail = proc
      .output()
      .split("\n")
      .filter((line) => line.trim() && !/^\s/.test(line))
      .slice(-3)
      .join(" | ");
    result.notes.push(`CRASH: ${proc.label} exited on its own (${exit}); last lines: ${tail.slice(0, 600)}`);
    result.crashes += 1;
  }
  const markers = proc.output().match(/uncaughtException|unhandledRejection|FATAL ERROR|Segmentation fault/g);
  if (markers)
    result.notes.push(
      `${proc.label}: ${markers.length} crash markers in its log (${[...new Set(markers)].join(", ")})`,
    );
}
