// `npm test`: type check, lint, format check, unit + database tests, then HTTP and browser tests against a
// production build served by scripts/serve.ts — all on a throw-away embedded Postgres, so no
// Postgres service is needed. Set SKIP_BUILD=1 to reuse an existing .next build locally.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { startTestCluster, createDatabaseFromTemplate, testDataDir } from "../test/helpers/postgres";
import { startServer, type RunningServer } from "../test/helpers/server";
import { seedDemo } from "../lib/demo/seed";
import { TEST_USERS } from "../test/helpers/env";

const results: { step: string; ok: boolean; seconds: number }[] = [];

function run(step: string, command: string, args: string[], env: Record<string, string> = {}): boolean {
  const started = Date.now();
  console.log(`\n=== ${step}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, ...env } });
  const ok = result.status === 0;
  results.push({ step, ok, seconds: Math.round((Date.now() - started) / 1000) });
  return ok;
}

// `npm test -- --only unit [vitest filters]` or `--only e2e [playwright filters]` runs one suite
// (with the database and server it needs) and skips type checking and lint.
const argv = process.argv.slice(2);
const only = argv[0] === "--only" ? argv[1] : null;
const filters = only ? argv.slice(2) : [];

async function main() {
  const bin = (name: string) => path.resolve("node_modules/.bin", name);
  let ok = true;
  if (!only) {
    ok = run("typecheck", bin("tsc"), ["--noEmit", "-p", "."]) && ok;
    ok = run("lint", bin("eslint"), ["--max-warnings=0", "."]) && ok;
    ok = run("format", bin("prettier"), ["--check", "."]) && ok;
  }
  if (!process.env.SKIP_BUILD) {
    ok = run("build", bin("next"), ["build"], { NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" }) && ok;
  }
  if (!ok) return finish(false);

  const cluster = await startTestCluster(path.join(testDataDir, "postgres"));
  let server: RunningServer | null = null;
  try {
    const serverDatabase = await createDatabaseFromTemplate(cluster.url, "rollcall_server");
    process.env.DATABASE_URL = serverDatabase;
    await seedDemo({ startsAt: new Date(), users: TEST_USERS });
    server = await startServer({ databaseUrl: serverDatabase });
    const shared = {
      TEST_CLUSTER_URL: cluster.url,
      TEST_BASE_URL: server.url,
      TEST_SERVER_DATABASE_URL: serverDatabase,
    };
    if (!only || only === "unit")
      ok = run("unit and integration tests", bin("vitest"), ["run", ...filters], shared) && ok;
    if (!only || only === "e2e") ok = run("browser tests", bin("playwright"), ["test", ...filters], shared) && ok;
  } finally {
    await server?.stop();
    await cluster.stop();
  }
  return finish(ok);
}

function finish(ok: boolean) {
  console.log("\n=== summary");
  for (const result of results) console.log(`${result.ok ? "PASS" : "FAIL"}  ${result.step} (${result.seconds}s)`);
  const passed = results.filter((result) => result.ok).length;
  console.log(`${passed} passed, ${results.length - passed} failed`);
  process.exit(ok ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
