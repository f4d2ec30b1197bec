// Starting real Rollcall servers (production build, scripts/serve.ts) for HTTP tests, and
// signing webhooks the way Zoom does.
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import net from "node:net";
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
  url: string;
  port: number;
  process: ChildProcess;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts `scripts/serve.ts` (production mode) on a free port and waits until it answers. */
export async function startServer(options: { databaseUrl: string; env?: Record<string, string>; script?: string; port?: number }): Promise<RunningServer> {
  // A given port lets a test restart "the same" server (browsers reconnect to the same address).
  const port = options.port ?? (await freePort());
  const script = options.script ?? "scripts/serve.ts";
  const child = spawn(process.execPath, [...(process.env.SERVER_NODE_ARGS ? process.env.SERVER_NODE_ARGS.split(" ") : []), "--import", "tsx", script], {
    env: { ...process.env, ...testServerEnv({ DATABASE_URL: options.databaseUrl, PORT: String(port), ...options.env }) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const server: RunningServer = {
    url,
    port,
    process: child,
    output: () => output,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
      }),
  };
  if (script.endsWith("worker.ts")) return server;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited early:\n${output}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop("SIGKILL");
  throw new Error(`server did not start within 90 s:\n${output}`);
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

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, what = "condition"): Promise<T> {
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
export async function credentialsSignIn(url: string, email: string, password: string, forwardedFor?: string): Promise<string[]> {
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
