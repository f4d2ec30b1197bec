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
  const result = spawnSync(path.resolve("node_modules/.bin/next"), ["build"], { stdio: "inherit", env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" } });
  if (result.status !== 0) throw new Error("next build failed");
}

/** A fresh, migrated database on a throw-away embedded cluster under .data/bench/. */
export async function benchDatabase(label: string) {
  const cluster = await startTestCluster(path.resolve(".data/bench", label));
  const url = await createDatabaseFromTemplate(cluster.url, `bench_${label}`);
  process.env.DATABASE_URL = url;
  return { cluster, url };
}
