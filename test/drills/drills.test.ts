// The fault drills (./drills.ts) at CI size: real production servers, a
// thousand signed events each, and the faults themselves — a SIGKILL in the middle of the load, and
// Postgres stopped for 5 seconds. Lost must be 0, every 200 must be stored, attendance must equal
// what the pure engine computes from the events sent. The long versions (5,000 events, a 30-second
// outage, scale-out) run with `npm run drill` (docs/RELIABILITY.md).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "../../lib/db/migrate";
import { runKillDrill, runLoadDrill, runOutageDrill } from "./drills";
import { Cluster } from "./processes";
import { markdownSummary, type DrillResult } from "./report";
import { useFreshDatabase } from "../helpers/db";
import { testDataDir } from "../helpers/postgres";
import { freePort } from "../helpers/server";

const EVENTS = Number(process.env.DRILL_EVENTS ?? 1000);
const logDir = path.join(testDataDir, `drills-${process.pid}`);
fs.mkdirSync(logDir, { recursive: true });

function expectNothingLost(result: DrillResult) {
  const summary = markdownSummary([result]);
  console.log(summary);
  expect(result.stored, summary).toBe(result.events);
  expect(result.lost, summary).toBe(0);
  expect(result.unexpected, summary).toBe(0);
  expect(result.acknowledgedButMissing, summary).toBe(0);
  expect(result.otherAnswers, summary).toBe(0);
  expect(result.attendanceMismatches, summary).toBe(0);
  expect(
    result.notes.filter((note) => /crash markers|MISMATCH/.test(note)),
    summary,
  ).toEqual([]);
}

describe("fault drills (CI size)", () => {
  it(`(a) ${EVENTS} signed events and their redeliveries at full speed: each stored once, attendance exact`, async () => {
    const result = await runLoadDrill(await useFreshDatabase("drill_load"), {
      events: EVENTS,
      logDir,
      attendanceTimeoutMs: 120_000,
    });
    expectNothingLost(result);
    expect(result.answered503 + result.connectionErrors).toBe(0);
  }, 300_000);

  it("(b) the server killed with SIGKILL mid-load and restarted: every 200 was stored, the rest land on retry", async () => {
    const result = await runKillDrill(await useFreshDatabase("drill_kill"), {
      events: EVENTS,
      logDir,
      attendanceTimeoutMs: 120_000,
    });
    expectNothingLost(result);
    expect(result.connectionErrors, "the kill interrupted nothing: the drill did not drill").toBeGreaterThan(0);
    expect(result.retriedEvents).toBeGreaterThan(0);
  }, 300_000);

  it("(c) Postgres stopped for 5 s mid-load: 503 within 3 s throughout, everything retried lands once", async () => {
    const cluster = new Cluster(path.join(logDir, "outage-postgres"), await freePort());
    await cluster.start();
    try {
      await applyMigrations(cluster.url);
      const result = await runOutageDrill(cluster, {
        events: EVENTS,
        outageSeconds: 5,
        logDir,
        attendanceTimeoutMs: 120_000,
      });
      expectNothingLost(result);
      expect(result.outage?.requests, "no request fell inside the outage").toBeGreaterThan(10);
      expect(result.outage?.non503).toBe(0);
      expect(result.outage?.over3s).toBe(0);
      expect(result.outage?.maxMs).toBeLessThan(3000);
    } finally {
      await cluster.stop();
    }
  }, 300_000);
});
