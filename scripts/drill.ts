// `npm run drill`: the fault drills of test/drills/ at full size (5,000 events each, a 30-second
// Postgres outage) against real production servers on an embedded Postgres of their own; what each
// drill does and checks is described in test/drills/drills.ts and docs/RELIABILITY.md.
//
//   npm run drill -- [--events 5000] [--load] [--kill] [--db-outage 30] [--scale-out]
//                            [--outage-topology split,single] [--concurrency 32] [--out results.md]
// With none of --load/--kill/--db-outage/--scale-out, all four run. Needs a production build
// (`npm run build`; NEXT_DIST_DIR picks the build folder). Exits 1 when a drill fails.
import fs from "node:fs";
import path from "node:path";
import { Command, InvalidArgumentError, Option } from "commander";
import { applyMigrations } from "../lib/db/migrate";
import { runKillDrill, runLoadDrill, runOutageDrill, runScaleOutDrill, type DrillOptions } from "../test/drills/drills";
import { Cluster } from "../test/drills/processes";
import { markdownSummary, passed, type DrillResult } from "../test/drills/report";
import { freePort } from "../test/helpers/server";

function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) throw new InvalidArgumentError("expected a positive whole number");
  return number;
}

function topologies(value: string): ("split" | "single")[] {
  const names = value.split(",");
  for (const name of names)
    if (name !== "split" && name !== "single") throw new InvalidArgumentError("expected split, single or split,single");
  return names as ("split" | "single")[];
}

const program = new Command()
  .name("npm run drill --")
  .description(
    "Fault drills against real production servers (needs `npm run build`). With none of --load/--kill/--db-outage/--scale-out, all four run.",
  )
  .option("--events <n>", "signed events per drill", positiveInteger, 5000)
  .option("--concurrency <n>", "requests in flight", positiveInteger, 32)
  .option("--load", "(a) the events and 10 % redeliveries at full speed")
  .option("--kill", "(b) the all-in-one server killed with SIGKILL mid-load and restarted")
  .option("--db-outage [seconds]", "(c) Postgres stopped for this long mid-load (default 30)")
  .addOption(
    new Option("--outage-topology <list>", "(c) split (web + worker), single (all-in-one), or both")
      .argParser(topologies)
      .default(["split", "single"], "split,single"),
  )
  .option("--scale-out", "(d) two web processes and two workers, each event sent to both web processes")
  .option("--out <file>", "also write the markdown summary to this file");

async function main() {
  const options = program.parse().opts<{
    events: number;
    concurrency: number;
    load?: true;
    kill?: true;
    dbOutage?: true | string;
    outageTopology: ("split" | "single")[];
    scaleOut?: true;
    out?: string;
  }>();
  const { events, concurrency } = options;
  // `--db-outage` alone (or followed by something that is not a number) means 30 s.
  const outageSeconds =
    options.dbOutage === undefined ? null : options.dbOutage === true ? 30 : Number(options.dbOutage) || 30;
  const chosen = {
    load: Boolean(options.load),
    kill: Boolean(options.kill),
    outage: outageSeconds !== null,
    scaleOut: Boolean(options.scaleOut),
  };
  const all = !chosen.load && !chosen.kill && !chosen.outage && !chosen.scaleOut;

  const dir = path.resolve(`.data/drill-${new Date().toISOString().replace(/[:.]/g, "-")}`);
  fs.mkdirSync(dir, { recursive: true });
  const log = (line: string) => console.log(`[drill ${new Date().toISOString().slice(11, 19)}] ${line}`);
  const cluster = new Cluster(path.join(dir, "postgres"), await freePort());
  await cluster.start();
  await applyMigrations(cluster.url);
  log(`Postgres on port ${cluster.port}; logs in ${path.relative(process.cwd(), dir)}`);
  const results: DrillResult[] = [];
  const drillOptions: DrillOptions = { events, concurrency, logDir: dir, log };
  try {
    if (all || chosen.load) results.push(await runLoadDrill(await cluster.createDatabase("drill_load"), drillOptions));
    if (all || chosen.kill) results.push(await runKillDrill(await cluster.createDatabase("drill_kill"), drillOptions));
    if (all || chosen.scaleOut)
      results.push(await runScaleOutDrill(await cluster.createDatabase("drill_scale"), drillOptions));
    if (all || chosen.outage) {
      for (const topology of options.outageTopology)
        results.push(await runOutageDrill(cluster, { ...drillOptions, outageSeconds: outageSeconds ?? 30, topology }));
    }
  } finally {
    await cluster.stop().catch(() => {});
  }
  const summary = `## Drill results (${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC, ${events} events per drill, concurrency ${concurrency})\n\n${markdownSummary(results)}\n`;
  console.log(`\n${summary}`);
  fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(results, null, 2));
  if (options.out) fs.writeFileSync(options.out, summary);
  process.exit(results.every(passed) ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
