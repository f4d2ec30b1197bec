// Starting real Rollcall servers (production build, scripts/serve.ts) for HTTP tests, and
// signing webhooks the way Zoom does.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signBody } from "../../lib/zoom/signature";
import { TEST_WEBHOOK_SECRET, testServerEnv } from "./env";

/** URL of the shared test server that scripts/test.ts started. */
export function baseUrl(): string {
  const url = process.env.TEST_BASE_URL;
  if (!url) throw new Error("TEST_BASE_URL is not set: run the tests with `npm test`");
  return url;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface RunningServer {
  /** names the process in errors, drill notes and its log file */
  label: string;
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** how it ended if it exited without being stopped ("code 1", "SIGSEGV"), else null */
  unexpectedExit: () => string | null;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Starts `scripts/serve.ts` (or `scripts/worker.ts`) in production mode and waits until it is up:
 * the server answers /api/health, the worker says it runs. The one starter of the tests, benches
 * and fault drills (test/drills).
 */
/**
 * Servers this process started and has not seen exit. A test or benchmark that crashes before
 * stopping its server must not leave it running (an orphan keeps its port and its CPU).
 */
const runningChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of runningChildren) child.kill("SIGKILL");
});

export async function startServer(options: {
  databaseUrl: string;
  env?: Record<string, string>;
  script?: "scripts/serve.ts" | "scripts/worker.ts";
  port?: number;
  label?: string;
  /** a file that gets the process's output as well */
  logFile?: string;
  /** POST the webhook route a few times before returning (a production server loads each route on its first request) */
  warmUp?: boolean;
}): Promise<RunningServer> {
  // A given port lets a test restart "the same" server (browsers reconnect to the same address).
  const port = options.port ?? (await freePort());
  const script = options.script ?? "scripts/serve.ts";
  const isWorker = script === "scripts/worker.ts";
  const label = options.label ?? (isWorker ? "worker" : "server");
  const child = spawn(
    process.execPath,
    [
      ...(process.env.SERVER_NODE_ARGS ? process.env.SERVER_NODE_ARGS.split(" ") : []),
      "--import",
      "tsx",
      path.join(root, script),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        ...testServerEnv({ DATABASE_URL: options.databaseUrl, PORT: String(port), ...options.env }),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  runningChildren.add(child);
  child.once("exit", () => runningChildren.delete(child));
  let output = "";
  const append = (chunk: Buffer) => {
    output += chunk;
    if (options.logFile) fs.appendFileSync(options.logFile, chunk);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const url = `http://127.0.0.1:${port}`;
  let stopping = false;
  let exit: string | null = null;
  child.once("exit", (code, signal) => {
    if (!stopping) exit = signal ? signal : `code ${code}`;
  });
  const server: RunningServer = {
    label,
    url,
    port,
    process: child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        stopping = true;
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
    unexpectedExit: () => exit,
  };
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited early:\n${output}`);
    if (isWorker) {
      if (/Rollcall worker running/.test(output)) return server;
    } else {
      try {
        if ((await fetch(`${url}/api/health`)).ok) {
          if (options.warmUp) await warmUp(url);
          return server;
        }
      } catch {
        // not listening yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await server.stop("SIGKILL");
  throw new Error(`${label} did not start within 120 s:\n${output}`);
}

async function warmUp(url: string): Promise<void> {
  for (let index = 0; index < 3; index += 1) {
    await fetch(`${url}/api/zoom/webhook`, {
      method: "POST",
      body: "{}",
      headers: { "content-type": "application/json" },
    }).then((response) => response.text());
  }
}

export interface SignedRequestOptions {
  secret?: string;
  timestamp?: number;
  trackingId?: string;
  headers?: Record<string, string>;
}

/** POSTs a body to the webhook endpoint, signed like Zoom signs it. */
export async function postWebhook(url: string, body: unknown, options: SignedRequestOptions = {}): Promise<Response> {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  return fetch(`${url}/api/zoom/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Zoom Marketplace/1.0a",
      "x-zm-request-timestamp": String(timestamp),
      "x-zm-signature": signBody(options.secret ?? TEST_WEBHOOK_SECRET, timestamp, raw),
      "x-zm-trackingid": options.trackingId ?? `Webhook_${crypto.randomUUID().replace(/-/g, "")}`,
      ...options.headers,
    },
    body: raw,
  });
}

export async function waitFor<T>(
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 15_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ""}`);
}

/** A client address of a test's own, so that per-address sign-in limits are not shared between tests. */
export function randomClientAddress(): string {
  return `10.${crypto.randomInt(0, 255)}.${crypto.randomInt(0, 255)}.${crypto.randomInt(1, 254)}`;
}

/**
 * next-auth's credentials sign-in as a browser does it (CSRF token and cookie, then the callback);
 * returns the callback's Set-Cookie headers (a `session-token` cookie when it succeeded).
 */
export async function credentialsSignIn(
  url: string,
  email: string,
  password: string,
  forwardedFor?: string,
): Promise<string[]> {
  const addressHeader: Record<string, string> = forwardedFor ? { "x-forwarded-for": forwardedFor } : {};
  const csrf = await fetch(`${url}/api/auth/csrf`, { headers: addressHeader });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; "), ...addressHeader },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: url }),
  });
  await response.text();
  return response.headers.getSetCookie();
}
