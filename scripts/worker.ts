// `npm run worker`: the background work alone (event processing, notifications, reconciliation),
// for deployments that run several web processes (WORKER=off) and workers against one Postgres.
import { resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { applyDevelopmentSecrets, assertNoDevelopmentSecrets } from "../lib/dev-secrets";
import { ConfigError, getConfig } from "../lib/config";
import { startWorker } from "../lib/worker";
import { errorMessage, keepRunningWithoutLogReader, log } from "../lib/log";

async function main() {
  keepRunningWithoutLogReader();
  applyDevelopmentSecrets();
  assertNoDevelopmentSecrets();
  getConfig();
  const database = await resolveDatabase();
  await applyMigrations(database.url);
  const worker = await startWorker({ connectionString: database.url });
  log.info("Rollcall worker running");
  const shutdown = async () => {
    await worker.stop().catch(() => {});
    await database.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown());
  process.on("SIGTERM", () => void shutdown());
  await worker.promise;
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) for (const problem of error.problems) console.error(problem);
  else console.error(`Rollcall worker could not start: ${errorMessage(error)}`);
  process.exit(1);
});
