// `npm start` / `npm run dev`: one process that (1) finds or starts the database, (2) applies
// pending migrations, (3) runs the background worker unless WORKER=off, (4) serves the app.
import http from "node:http";
import next from "next";
import path from "node:path";
import { dataDirectory, resolveDatabase } from "../lib/db/resolve";
import { applyMigrations } from "../lib/db/migrate";
import { applyDevelopmentSecrets, assertNoDevelopmentSecrets } from "../lib/dev-secrets";
import { ConfigError, getConfig, HSTS_HEADER_VALUE } from "../lib/config";
import { Worker } from "node:worker_threads";
import {
  handleOtherZoomRequest,
  handleWebhookRequest,
  isOtherZoomRequest,
  isWebhookRequest,
} from "../lib/webhook/node-handler";
import { CLIENT_ADDRESS_HEADER, clientAddress, parseTrustedProxies } from "../lib/client-address";
import { errorMessage, keepRunningWithoutLogReader, log } from "../lib/log";
import { demoPasswordRefusal } from "../lib/demo/production-check";

const dev = process.argv.includes("--dev");
(process.env as Record<string, string>).NODE_ENV ??= dev ? "development" : "production";

async function main() {
  keepRunningWithoutLogReader();
  applyDevelopmentSecrets();
  assertNoDevelopmentSecrets();
  const config = getConfig();
  process.env.NEXTAUTH_URL ??= config.appUrl;
  process.env.NEXTAUTH_SECRET ??= config.AUTH_SECRET;

  const database = await resolveDatabase();
  const applied = await applyMigrations(database.url, { reportConflicts: "always" });
  if (applied.length) log.info("migrations applied", { applied });
  if (config.NODE_ENV === "production") {
    const refusal = await demoPasswordRefusal();
    if (refusal) {
      for (const line of refusal) console.error(line);
      await database.stop().catch(() => {});
      process.exit(1);
    }
  }

  const worker = config.WORKER === "on" ? await startWorkerThread(database.url) : null;

  const app = next({ dev, hostname: "0.0.0.0", port: config.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const trustedProxies = config.TRUSTED_PROXIES ? parseTrustedProxies(config.TRUSTED_PROXIES).list : null;
  const server = http.createServer((request, response) => {
    // Zoom's deliveries skip Next's router: same handler logic, a fraction of the CPU
    // (docs/decisions/007-webhook-fast-path.md).
    if (isWebhookRequest(request)) void handleWebhookRequest(request, response);
    else if (isOtherZoomRequest(request)) void handleOtherZoomRequest(request, response);
    else {
      // Only this process knows the socket: hand the client's address to Next (sign-in throttling),
      // replacing whatever a client wrote into the same header.
      request.headers[CLIENT_ADDRESS_HEADER] = clientAddress(
        request.socket.remoteAddress,
        request.headers["x-forwarded-for"],
        trustedProxies,
      );
      // Here rather than in next.config.js: that is fixed at build time, APP_URL at start.
      if (config.servedOverHttps) response.setHeader("strict-transport-security", HSTS_HEADER_VALUE);
      void handle(request, response);
    }
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(config.PORT, resolve));
  log.info(`Rollcall is listening on ${config.appUrl}`, {
    mode: dev ? "development" : "production",
    database: config.DATABASE_URL
      ? "DATABASE_URL"
      : `embedded (${path.relative(process.cwd(), dataDirectory)}/postgres)`,
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

/** Runs the background work (scripts/worker-thread.ts) on a thread of this process. */
async function startWorkerThread(databaseUrl: string): Promise<{ stop: () => Promise<void> }> {
  const thread = new Worker(new URL("./worker-thread.mjs", import.meta.url), {
    workerData: { databaseUrl },
  });
  await new Promise<void>((resolve, reject) => {
    thread.once("message", () => resolve());
    thread.once("error", reject);
    thread.once("exit", (code) => reject(new Error(`background worker exited with code ${code}`)));
  });
  thread.on("exit", (code) => {
    // The web process without its worker would silently stop processing: stop it too.
    if (!stoppingThread) {
      log.error("background worker stopped unexpectedly", { code });
      process.exit(1);
    }
  });
  return {
    stop: async () => {
      stoppingThread = true;
      const stopped = new Promise<void>((resolve) => thread.once("message", () => resolve()));
      thread.postMessage({ type: "stop" });
      await Promise.race([stopped, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      await thread.terminate();
    },
  };
}
let stoppingThread = false;

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) console.error(problem);
  } else {
    console.error(`Rollcall could not start: ${errorMessage(error)}`);
  }
  process.exit(1);
});
