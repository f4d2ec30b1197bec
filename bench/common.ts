// Shared benchmark plumbing: a fresh embedded cluster, a production build, machine facts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startTestCluster, createDatabaseFromTemplate } from "../test/helpers/postgres";

export function machine(): string {
  return `${os.cpus()[0]?.model ?? "unknown CPU"}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`;
}

export function percentile(sorted: number[], fraction: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/** Builds the production server unless a build already exists in NEXT_DIST_DIR (or .next). */
export function ensureProductionBuild(): void {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  if (fs.existsSync(path.join(distDir, "BUILD_ID")) && !process.env.BENCH_REBUILD) return;
  console.log("Building the production server (next build)…");
  const result = spawnSync(path.resolve("node_modules/.bin/next"), ["build"], {
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (result.status !== 0) throw new Error("next build failed");
}

/** A fresh, migrated database on a throw-away embedded cluster under .data/bench/. */
export async function benchDatabase(label: string) {
  const cluster = await startTestCluster(path.resolve(".data/bench", label));
  const url = await createDatabaseFromTemplate(cluster.url, `bench_${label}`);
  process.env.DATABASE_URL = url;
  return { cluster, url, dataDir: path.resolve(".data/bench", label) };
}

/**
 * CPU time used so far by a set of processes, in milliseconds (Linux: /proc/<pid>/stat utime +
 * stime, all threads). `null` where /proc is not available.
 */
export function processCpuMs(pids: number[]): number | null {
  if (!fs.existsSync("/proc/self/stat")) return null;
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may contain spaces) start at ") ".
      const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process has exited
    }
  }
  return (ticks * 1000) / clockTicksPerSecond();
}

/** CPU time the whole machine has spent busy so far (all cores, /proc/stat), in milliseconds; null without /proc. */
export function machineBusyCpuMs(): number | null {
  if (!fs.existsSync("/proc/stat")) return null;
  // user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const fields = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const busy = fields.slice(0, 8).reduce((sum, value, index) => (index === 3 || index === 4 ? sum : sum + value), 0);
  return (busy * 1000) / clockTicksPerSecond();
}

let ticksPerSecond: number | null = null;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === null) {
    const result = spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" });
    ticksPerSecond = Number(result.stdout.trim()) || 100;
  }
  return ticksPerSecond;
}

/**
 * PostgreSQL's processes: those of the cluster in `dataDir` (its postmaster and the postmaster's
 * children), or without it every postgres process on the machine.
 */
export function postgresPids(dataDir?: string): number[] {
  if (!fs.existsSync("/proc")) return [];
  let postmaster: number | null = null;
  if (dataDir) {
    try {
      postmaster = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]) || null;
    } catch {
      return [];
    }
  }
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") return false;
        if (postmaster === null) return true;
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return Number(entry) === postmaster || parent === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
}
