// `npm start` / `npm run dev`: one process that (1) finds or starts the database, (2) applies
// pending migrations, (3) runs the background worker unless WORKER=off, (4) serves the app.
import http from "node:http";
import next from "next";
import { resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { applyDevelopmentSecrets, assertNoDevelopmentSecrets } from "../lib/dev-secrets";
import { ConfigError, getConfig } from "../lib/config";
import { startWorker } from "../lib/queue/worker";
import { log, errorMessage } from "../lib/log";

const dev = process.argv.includes("--dev");
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";

async function main() {
  applyDevelopmentSecrets();
  assertNoDevelopmentSecrets();
  const config = getConfig();
  process.env.NEXTAUTH_URL ??= config.appUrl;
  process.env.NEXTAUTH_SECRET ??= config.AUTH_SECRET;

  const database = await resolveDatabase();
  const applied = await applyMigrations(database.url);
  if (applied.length) log.info("migrations applied", { applied });

  const worker = config.WORKER === "on" ? await startWorker({ connectionString: database.url }) : null;

  const app = next({ dev, hostname: "0.0.0.0", port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = http.createServer((request, response) => {
    void handle(request, response);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  log.info(`Rollcall is listening on ${config.appUrl}`, {
    mode: dev ? "development" : "production",
    database: process.env.DATABASE_URL === database.url && !config.DATABASE_URL ? "embedded (.data/postgres)" : "DATABASE_URL",
    worker: worker ? "on" : "off",
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    server.close();
    await worker?.stop().catch(() => {});
    await database.stop().catch(() => {});
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(problem);
  } else {
    console.error(`Rollcall could not start: ${errorMessage(error)}`);
  }
  process.exit(1);
});
