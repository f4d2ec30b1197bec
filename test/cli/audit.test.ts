// The command line goes through the same services as the dashboard, so it leaves the same audit
// rows (ADR 018), with no actor: nobody is signed in at a terminal.
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";

let databaseUrl: string;
let prisma: typeof import("../../lib/db").prisma;

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    timeout: 60_000,
  });
}

function succeeded(result: ReturnType<typeof cli>) {
  expect(result.stderr).toBe("");
  expect(result.status).toBe(0);
  return result.stdout;
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("cli_audit");
  ({ prisma } = await import("../../lib/db"));
});

describe("rollcall CLI audit rows", () => {
  const email = "cli.audit@school.test";

  it("records user create, token create, token revoke and set-password, like the dashboard does", async () => {
    succeeded(
      cli([
        "user",
        "create",
        "--email",
        email,
        "--name",
        "Cli Audit",
        "--role",
        "instructor",
        "--password",
        "long-enough-password",
      ]),
    );
    const user = await prisma.user.findUniqueOrThrow({ where: { email } });

    const created = succeeded(cli(["token", "create", "--email", email, "--read-only", "--expires-in", "30d"]));
    const token = await prisma.apiToken.findFirstOrThrow({ where: { userId: user.id } });
    expect(created).toContain(token.id);
    succeeded(cli(["token", "revoke", token.id]));
    succeeded(cli(["user", "set-password", "--email", email, "--password", "another-long-password"]));

    const rows = await prisma.auditEntry.findMany({
      orderBy: { id: "asc" },
      select: { action: true, actorId: true, subject: true, details: true },
    });
    expect(rows).toEqual([
      { action: "user.created", actorId: null, subject: `user:${user.id}`, details: { role: "instructor" } },
      {
        action: "token.created",
        actorId: null,
        subject: `token:${token.id}`,
        details: { owner: email, scope: "read-only", expiresAt: token.expiresAt!.toISOString() },
      },
      { action: "token.revoked", actorId: null, subject: `token:${token.id}`, details: null },
      { action: "user.password_reset", actorId: null, subject: `user:${user.id}`, details: null },
    ]);
  });

  it("records nothing when the command fails", async () => {
    const before = await prisma.auditEntry.count();
    const result = cli(["token", "revoke", "no-such-token"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("No active token with id no-such-token");
    expect(await prisma.auditEntry.count()).toBe(before);
  });
});
