// Every environment variable Rollcall reads goes through lib/config.ts: the ones read outside the
// start-up check (pool size, worker concurrency, data directories) by the same rules, with the
// same one-line messages, and a bad one stops the server, the worker and the command line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig, setting } from "../../lib/config";
import { mailCatcherDirectory } from "../../lib/mail/caught";
import { testServerEnv } from "../helpers/env";

const valid = { ZOOM_WEBHOOK_SECRET_TOKEN: "secret-a", AUTH_SECRET: "x".repeat(32) };

function problemsOf(work: () => unknown): string[] {
  try {
    work();
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("variables read one at a time", () => {
  it("fill the documented defaults when unset or blank", () => {
    expect(setting("DATABASE_POOL_SIZE", {})).toBe(20);
    expect(setting("DATABASE_POOL_SIZE", { DATABASE_POOL_SIZE: " " })).toBe(20);
    expect(setting("WORKER_CONCURRENCY", {})).toBe(4);
    expect(setting("ROLLCALL_DATA_DIR", {})).toBe(path.resolve(".data"));
    expect(setting("ROLLCALL_DATA_DIR", { ROLLCALL_DATA_DIR: "" })).toBe(path.resolve(".data"));
    expect(setting("MAIL_CATCHER_DIR", {})).toBeUndefined();
    expect(setting("PORT", {})).toBe(3000);
  });

  it("take a good value", () => {
    expect(setting("DATABASE_POOL_SIZE", { DATABASE_POOL_SIZE: "5" })).toBe(5);
    expect(setting("WORKER_CONCURRENCY", { WORKER_CONCURRENCY: " 12 " })).toBe(12);
    expect(setting("ROLLCALL_DATA_DIR", { ROLLCALL_DATA_DIR: "var/rollcall" })).toBe(path.resolve("var/rollcall"));
    expect(setting("MAIL_CATCHER_DIR", { MAIL_CATCHER_DIR: "/tmp/caught" })).toBe("/tmp/caught");
  });

  it.each([
    ["DATABASE_POOL_SIZE", "twenty", "Configuration error: DATABASE_POOL_SIZE must be a number"],
    ["DATABASE_POOL_SIZE", "0", "Configuration error: DATABASE_POOL_SIZE must be between 1 and 1000"],
    ["DATABASE_POOL_SIZE", "2.5", "Configuration error: DATABASE_POOL_SIZE must be a whole number"],
    ["WORKER_CONCURRENCY", "lots", "Configuration error: WORKER_CONCURRENCY must be a number"],
    ["WORKER_CONCURRENCY", "-1", "Configuration error: WORKER_CONCURRENCY must be between 1 and 1000"],
    ["WORKER_CONCURRENCY", "5000", "Configuration error: WORKER_CONCURRENCY must be between 1 and 1000"],
    ["PORT", "eighty", "Configuration error: PORT must be a number"],
  ] as const)("refuse %s=%j with one line naming it", (name, value, message) => {
    expect(problemsOf(() => setting(name, { [name]: value }))).toEqual([message]);
  });

  it("refuse a data directory that is a file", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rollcall-config-")), "not-a-directory");
    fs.writeFileSync(file, "");
    expect(problemsOf(() => setting("ROLLCALL_DATA_DIR", { ROLLCALL_DATA_DIR: file }))).toEqual([
      "Configuration error: ROLLCALL_DATA_DIR must name a directory, not a file",
    ]);
    expect(problemsOf(() => setting("MAIL_CATCHER_DIR", { MAIL_CATCHER_DIR: file }))).toEqual([
      "Configuration error: MAIL_CATCHER_DIR must name a directory, not a file",
    ]);
  });

  it("put caught mail under the data directory unless MAIL_CATCHER_DIR is set", () => {
    expect(mailCatcherDirectory({ ROLLCALL_DATA_DIR: "/srv/rollcall" })).toBe("/srv/rollcall/mail");
    expect(mailCatcherDirectory({ ROLLCALL_DATA_DIR: "/srv/rollcall", MAIL_CATCHER_DIR: "/srv/mail" })).toBe(
      "/srv/mail",
    );
  });
});

describe("the start-up check", () => {
  it("validates them with the rest, one line per bad variable", () => {
    const problems = problemsOf(() =>
      parseConfig({
        ...valid,
        DATABASE_POOL_SIZE: "many",
        WORKER_CONCURRENCY: "0",
        NEXTAUTH_URL: "nowhere",
        NEXTAUTH_SECRET: "short",
      }),
    );
    expect(problems).toEqual([
      "Configuration error: DATABASE_POOL_SIZE must be a number",
      "Configuration error: WORKER_CONCURRENCY must be between 1 and 1000",
      "Configuration error: NEXTAUTH_URL must be a URL",
      "Configuration error: NEXTAUTH_SECRET must be at least 32 characters long (or leave it unset: AUTH_SECRET is used)",
    ]);
  });

  it("fills their defaults", () => {
    const config = parseConfig(valid);
    expect(config.DATABASE_POOL_SIZE).toBe(20);
    expect(config.WORKER_CONCURRENCY).toBe(4);
    expect(config.ROLLCALL_DATA_DIR).toBe(path.resolve(".data"));
  });
});

function run(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ["--import", "tsx", script, ...args], {
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("processes", () => {
  it("the worker stops at start-up on a bad WORKER_CONCURRENCY or DATABASE_POOL_SIZE", () => {
    const result = run(
      "scripts/worker.ts",
      [],
      testServerEnv({ WORKER_CONCURRENCY: "lots", DATABASE_POOL_SIZE: "0", DATABASE_URL: "postgresql://unused" }),
    );
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines).toContain("Configuration error: WORKER_CONCURRENCY must be a number");
    expect(lines).toContain("Configuration error: DATABASE_POOL_SIZE must be between 1 and 1000");
  });

  it("the command line, which needs no webhook secret, still refuses a bad DATABASE_POOL_SIZE", () => {
    const result = run("scripts/cli.ts", ["user", "list"], {
      DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL!,
      DATABASE_POOL_SIZE: "twenty",
      ZOOM_WEBHOOK_SECRET_TOKEN: "",
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe("Configuration error: DATABASE_POOL_SIZE must be a number");
  });
});
