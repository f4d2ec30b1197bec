// The CLI against the test server's database: a created user can sign in, a token works.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { baseUrl } from "../helpers/server";

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    env: { ...process.env, DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("rollcall CLI", () => {
  const email = `cli-${Date.now()}@school.test`;

  it("creates a user, then refuses the same email with a clear error", () => {
    const created = cli([
      "user",
      "create",
      "--email",
      email,
      "--name",
      "Cli Admin",
      "--role",
      "admin",
      "--password",
      "long-enough-password",
    ]);
    expect(created.status).toBe(0);
    expect(created.stdout).toContain(`Created admin ${email}`);
    const again = cli(["user", "create", "--email", email.toUpperCase(), "--name", "Again", "--role", "admin"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("already exists");
  });

  it("rejects a bad role and a short password with a message naming them", () => {
    const badRole = cli(["user", "create", "--email", `x-${email}`, "--name", "X", "--role", "teacher"]);
    expect(badRole.status).toBe(1);
    expect(badRole.stderr).toContain("role must be admin or instructor");
    const shortPassword = cli([
      "user",
      "create",
      "--email",
      `y-${email}`,
      "--name",
      "Y",
      "--role",
      "admin",
      "--password",
      "short",
    ]);
    expect(shortPassword.status).toBe(1);
    expect(shortPassword.stderr).toContain("password must be at least 10 characters");
  });

  it("creates a token printed alone on the last line, which authenticates API requests", async () => {
    const result = cli(["token", "create", "--email", email]);
    expect(result.status).toBe(0);
    const lines = result.stdout.trim().split("\n");
    const token = lines[lines.length - 1];
    expect(token).toMatch(/^rc_[A-Za-z0-9_-]{40,}$/);
    const response = await fetch(`${baseUrl()}/api/v1/courses`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(Array.isArray(body.courses)).toBe(true);
    const wrong = await fetch(`${baseUrl()}/api/v1/courses`, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.status).toBe(401);
  });

  it("prints help for each command", () => {
    const help = cli(["token", "create", "--help"]);
    expect(help.stdout).toContain("--email <email>");
  });
});
