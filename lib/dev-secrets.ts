// Development defaults for secrets a newcomer would not have. Generated once and kept under
// `.data/` so sessions and webhook signatures stay valid across restarts. Never in production:
// there, a missing secret is a configuration error.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDirectory } from "./db/resolve";

export const DEMO_WEBHOOK_SECRET_PREFIX = "dev-webhook-secret-";

export function applyDevelopmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  if (env.NODE_ENV === "production") return;
  const file = path.join(dataDirectory, "dev-secrets.json");
  let stored: Record<string, string> = {};
  try {
    stored = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    stored = {};
  }
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
  if (changed) {
    fs.mkdirSync(dataDirectory, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2) + "\n", { mode: 0o600 });
  }
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
