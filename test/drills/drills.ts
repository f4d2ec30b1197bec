// The fault drills: real production servers (scripts/serve.ts, scripts/worker.ts) on a Postgres of
// their own, loaded with signed Zoom events, then broken on purpose:
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
// from the events sent. "Lost" must be 0. `npm run drill` (scripts/drill.ts) runs them at full
// size; drills.test.ts runs (a), (b) and (c) at CI size on every `npm test` (docs/RELIABILITY.md).
import { setTimeout as sleep } from "node:timers/promises";
import { checkServerLog, checkStore, waitForAttendance } from "./check";
import { startDrillProcess, type Cluster } from "./processes";
import { summarise, type DrillResult } from "./report";
import { buildScenario, insertScenario } from "./scenario";
import { acknowledgedKeys, retryUnacknowledged, sendAll } from "./send";

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
  const server = await startDrillProcess({ label: "load-server", databaseUrl, logDir: options.logDir });
  try {
    log(
      `(a) load: ${scenario.events.length} events + ${scenario.deliveries.length - scenario.events.length} redeliveries`,
    );
    const attempts = await sendAll(scenario.deliveries, {
      target: () => server.url,
      concurrency: options.concurrency ?? 32,
    });
    const retry = await retryUnacknowledged(attempts, scenario, () => server.url);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, [server]);
    const result = summarise(
      "(a) load",
      "1 server (web + worker)",
      scenario,
      all,
      retry.retried,
      store,
      attendance,
      startedAt,
    );
    const duplicates = attempts.filter((attempt) => attempt.outcome === "duplicate").length;
    result.notes.push(
      `${duplicates} answers were "duplicate" (the ${scenario.deliveries.length - scenario.events.length} redeliveries, or a retry after a lost answer)`,
    );
    result.notes.push(
      `throughput ${Math.round(attempts.length / Math.max(0.001, (Math.max(...attempts.map((a) => a.startedAt + a.ms)) - startedAt) / 1000))} requests/s`,
    );
    checkServerLog(server, result);
    return result;
  } finally {
    await server.stop();
  }
}

/** (b) the all-in-one server SIGKILLed mid-load, restarted on the same port; non-200s resent. */
export async function runKillDrill(
  databaseUrl: string,
  options: DrillOptions & { killAfterFraction?: number },
): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const scenario = buildScenario(options.events, 22);
  await insertScenario(databaseUrl, scenario);
  let server = await startDrillProcess({ label: "kill-server-1", databaseUrl, logDir: options.logDir });
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
    log(
      `(b) killed; ${acknowledgedBeforeRestart.size} events had a 200, ${durable.acknowledgedButMissing} of them missing; restarting on port ${port}`,
    );
    const restartedAt = Date.now();
    server = await startDrillProcess({ label: "kill-server-2", databaseUrl, port, logDir: options.logDir });
    const restartSeconds = Math.round((Date.now() - restartedAt) / 100) / 10;
    const retry = await retryUnacknowledged(attempts, scenario, () => server.url);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    store.acknowledgedButMissing += durable.acknowledgedButMissing;
    const attendance = await waitForAttendance(databaseUrl, scenario, options.attendanceTimeoutMs ?? 180_000, [server]);
    const result = summarise(
      "(b) SIGKILL mid-load",
      "1 server (web + worker thread), killed and restarted",
      scenario,
      all,
      retry.retried,
      store,
      attendance,
      startedAt,
    );
    const inFlight = attempts.filter(
      (attempt) => attempt.startedAt <= killedAt && attempt.startedAt + attempt.ms >= killedAt,
    ).length;
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
export async function runOutageDrill(
  cluster: Cluster,
  options: DrillOptions & { outageSeconds: number; perSecond?: number; topology?: "split" | "single" },
): Promise<DrillResult> {
  const log = options.log ?? (() => {});
  const startedAt = Date.now();
  const databaseUrl = cluster.url;
  const topology = options.topology ?? "split";
  const scenario = buildScenario(options.events, topology === "split" ? 33 : 55);
  await insertScenario(databaseUrl, scenario);
  // Pace the load so that it runs before, during and after the outage.
  const perSecond =
    options.perSecond ?? Math.max(20, Math.ceil(scenario.deliveries.length / (options.outageSeconds * 2 + 10)));
  const processes =
    topology === "split"
      ? [
          await startDrillProcess({ label: "outage-web", databaseUrl, role: "web", logDir: options.logDir }),
          await startDrillProcess({ label: "outage-worker", databaseUrl, role: "worker", logDir: options.logDir }),
        ]
      : [await startDrillProcess({ label: "outage-server", databaseUrl, logDir: options.logDir })];
  const web = processes[0];
  let downFrom = 0;
  let downUntil = 0;
  const outageStartsAfterMs = Math.max(1000, Math.floor((scenario.deliveries.length / perSecond) * 1000 * 0.2));
  try {
    log(
      `(c) outage (${topology}): ${scenario.deliveries.length} deliveries at ${perSecond}/s; Postgres down for ${options.outageSeconds} s after ${outageStartsAfterMs} ms`,
    );
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
    const attempts = await sendAll(scenario.deliveries, {
      target: () => web.url,
      concurrency: options.concurrency ?? 32,
      perSecond,
    });
    await outage;
    const during = attempts.filter(
      (attempt) => attempt.startedAt >= downFrom && attempt.startedAt + attempt.ms <= downUntil,
    );
    const non503 = during.filter((attempt) => attempt.status !== 503);
    const retry = await retryUnacknowledged(attempts, scenario, () => web.url, 30);
    const all = [...attempts, ...retry.attempts];
    const store = await checkStore(databaseUrl, scenario, acknowledgedKeys(all));
    const attendance = await waitForAttendance(
      databaseUrl,
      scenario,
      options.attendanceTimeoutMs ?? 180_000,
      topology === "split" ? processes.slice(1) : processes,
    );
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
    if (non503.length)
      result.notes.push(
        `answers during the outage other than 503: ${[...new Set(non503.map((attempt) => String(attempt.status === "error" ? `connection error (${attempt.error})` : attempt.status)))].join(", ")}`,
      );
    const firstAfter = attempts
      .filter((attempt) => attempt.startedAt >= downUntil && attempt.status === 200)
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    if (firstAfter)
      result.notes.push(
        `first 200 after Postgres came back: ${firstAfter.startedAt - downUntil} ms after it was started`,
      );
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
    startDrillProcess({ label: "scale-web-1", databaseUrl, role: "web", logDir: options.logDir }),
    startDrillProcess({ label: "scale-web-2", databaseUrl, role: "web", logDir: options.logDir }),
    startDrillProcess({ label: "scale-worker-1", databaseUrl, role: "worker", logDir: options.logDir }),
    startDrillProcess({ label: "scale-worker-2", databaseUrl, role: "worker", logDir: options.logDir }),
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
    const attendance = await waitForAttendance(
      databaseUrl,
      scenario,
      options.attendanceTimeoutMs ?? 180_000,
      processes.slice(2),
    );
    const result = summarise(
      "(d) scale-out",
      "2 web (WORKER=off) + 2 workers",
      scenario,
      all,
      retry.retried,
      store,
      attendance,
      startedAt,
    );
    const storedAnswers = attempts.filter((attempt) => attempt.outcome === "stored").length;
    result.notes.push(
      `"stored" answered ${storedAnswers} times for ${scenario.events.length} events (each sent to both web processes at once); the rest "duplicate"`,
    );
    if (storedAnswers !== scenario.events.length)
      result.notes.push('MISMATCH: an event was answered "stored" twice or never');
    for (const process of processes) checkServerLog(process, result);
    return result;
  } finally {
    await Promise.all(processes.map((process) => process.stop()));
  }
}
