// Development defaults for secrets a newcomer would not have. Generated once and kept under
// `.data/` so sessions and webhook signatures stay valid across restarts. Never in production:
// there, a missing secret is a configuration error.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDirectory } from "./db/data-directory";

export const DEMO_WEBHOOK_SECRET_PREFIX = "dev-webhook-secret-";

const secretsFile = () => path.join(dataDirectory, "dev-secrets.json");

function readSecrets(): Record<string, string> {
  try {
    return JSON.parse(fs.readFileSync(secretsFile(), "utf8"));
  } catch {
    return {};
  }
}

function writeSecrets(stored: Record<string, string>): void {
  fs.mkdirSync(dataDirectory, { recursive: true });
  fs.writeFileSync(secretsFile(), JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(secretsFile(), 0o600); // an older file may have been created with other modes
}

/**
 * The superuser password of the embedded PostgreSQL under `.data/postgres` (any NODE_ENV: `npm
 * start` without DATABASE_URL uses it too). Generated on first use and kept in dev-secrets.json;
 * a cluster created with the old fixed password is moved to it at start (lib/db/embedded.ts).
 */
export function embeddedDatabasePassword(): string {
  const stored = readSecrets();
  if (!stored.EMBEDDED_POSTGRES_PASSWORD) {
    stored.EMBEDDED_POSTGRES_PASSWORD = crypto.randomBytes(24).toString("base64url");
    writeSecrets(stored);
  }
  return stored.EMBEDDED_POSTGRES_PASSWORD;
}

export function applyDevelopmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === "production") return;
  const stored = readSecrets();
  const wanted: Record<string, () => string> = {
    AUTH_SECRET: () => crypto.randomBytes(32).toString("base64url"),
    ZOOM_WEBHOOK_SECRET_TOKEN: () => DEMO_WEBHOOK_SECRET_PREFIX + crypto.randomBytes(12).toString("hex"),
  };
  let changed = false;
  for (const [name, generate] of Object.entries(wanted)) {
    if (env[name]) continue;
    if (!stored[name]) {
      stored[name] = generate();
      changed = true;
    }
    env[name] = stored[name];
  }
  if (changed) writeSecrets(stored);
}

/** Production must not run on secrets that were generated for development. */
export function assertNoDevelopmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV !== "production") return;
  if ((env.ZOOM_WEBHOOK_SECRET_TOKEN ?? "").includes(DEMO_WEBHOOK_SECRET_PREFIX)) {
    throw new Error(
      "Configuration error: ZOOM_WEBHOOK_SECRET_TOKEN is a development default; set your Zoom app's Secret Token",
    );
  }
}
