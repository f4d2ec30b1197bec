// API tokens with limits, through the real server: a read-only token reads and is refused every
// write verb (403 read_only_token, nothing written); an expired token gets 401 token_expired;
// `token create --read-only --expires-in` and the lists (CLI and the admin page) show scope,
// expiry and last use.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { createApiToken } from "../../lib/services/tokens";
import { baseUrl } from "../helpers/server";
import {
  call,
  connectToServerDatabase,
  createUserWithToken,
  errorCode,
  randomMeetingId,
  signIn,
  unique,
} from "../helpers/fixtures";

connectToServerDatabase();

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    env: { ...process.env, DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL },
    encoding: "utf8",
    timeout: 60_000,
  });
}

async function courseOf(userId: string) {
  return prisma.course.create({
    data: {
      name: unique("Token limits"),
      timezone: "UTC",
      notifyLateJoiners: false,
      instructors: { create: [{ userId }] },
    },
  });
}

describe("read-only tokens", () => {
  it("read, and every write verb answers 403 read_only_token and writes nothing", async () => {
    const owner = await createUserWithToken("instructor", "read-only");
    const course = await courseOf(owner.id);
    const session = await prisma.session.create({
      data: { courseId: course.id, zoomMeetingId: randomMeetingId(), startsAt: new Date(), durationMinutes: 60 },
    });
    const { token } = await createApiToken(owner.id, { name: "read-only", readOnly: true });

    expect((await call("GET", "/api/v1/courses", { token })).status).toBe(200);
    expect((await call("GET", `/api/v1/courses/${course.id}/students`, { token })).status).toBe(200);
    expect((await call("GET", `/api/v1/sessions/${session.id}/attendance`, { token })).status).toBe(200);

    const writes: [string, string, unknown][] = [
      ["POST", "/api/v1/courses", { name: "Should not exist", timezone: "UTC" }],
      [
        "POST",
        `/api/v1/courses/${course.id}/students`,
        { students: [{ name: "Nobody", email: "nobody@example.edu" }] },
      ],
      [
        "POST",
        `/api/v1/courses/${course.id}/sessions`,
        { zoomMeetingId: randomMeetingId(), startsAt: "2026-12-01T15:00:00Z", durationMinutes: 60 },
      ],
      ["POST", `/api/v1/sessions/${session.id}/reconcile`, undefined],
      ["PUT", `/api/v1/courses/${course.id}`, { name: "Renamed" }],
      ["PATCH", `/api/v1/courses/${course.id}`, { name: "Renamed" }],
      ["DELETE", `/api/v1/courses/${course.id}`, undefined],
      ["DELETE", `/api/v1/sessions/${session.id}`, undefined],
    ];
    for (const [method, path, body] of writes) {
      const answer = await call(method, path, { token, body });
      expect(answer.status, `${method} ${path}: ${answer.text}`).toBe(403);
      expect(errorCode(answer)).toBe("read_only_token");
      expect((answer.json as { error: { message: string } }).error.message).toContain("read-only");
    }
    // The same token's owner, with a full token, is not refused: the 403s come from the scope.
    expect(
      (await call("PUT", `/api/v1/courses/${course.id}`, { token: owner.token, body: { name: "Renamed" } })).status,
    ).toBe(404);
    expect(
      (
        await call("POST", `/api/v1/courses/${course.id}/students`, {
          token: owner.token,
          body: { students: [{ name: "Ana", email: "ana-token@example.edu" }] },
        })
      ).status,
    ).toBe(200);

    expect(await prisma.course.count({ where: { instructors: { some: { userId: owner.id } } } })).toBe(1);
    expect(await prisma.student.count({ where: { courseId: course.id, email: "nobody@example.edu" } })).toBe(0);
    expect(await prisma.session.count({ where: { courseId: course.id } })).toBe(1);
    expect((await prisma.course.findUniqueOrThrow({ where: { id: course.id } })).name).toBe(course.name);
  });
});

describe("expiring tokens", () => {
  it("an expired token gets 401 token_expired saying it expired; one not yet expired works", async () => {
    const owner = await createUserWithToken("instructor", "expiry");
    const expiredAt = new Date(Date.now() - 1000);
    const expired = await createApiToken(owner.id, { name: "expired", expiresAt: expiredAt });
    const live = await createApiToken(owner.id, { name: "live", expiresAt: new Date(Date.now() + 3_600_000) });

    const refused = await call("GET", "/api/v1/courses", { token: expired.token });
    expect(refused.status).toBe(401);
    expect(errorCode(refused)).toBe("token_expired");
    expect((refused.json as { error: { message: string } }).error.message).toBe(
      `The API token expired at ${expiredAt.toISOString()}; ask an admin for a new one.`,
    );
    expect(refused.headers.get("www-authenticate")).toContain("invalid_token");
    // Expired is told even on unknown paths and writes: the token is judged first.
    expect(errorCode(await call("POST", "/api/v1/nothing-here", { token: expired.token }))).toBe("token_expired");
    // Its use is not recorded as a use.
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: expired.id } })).lastUsedAt).toBeNull();

    expect((await call("GET", "/api/v1/courses", { token: live.token })).status).toBe(200);
    const unknown = await call("GET", "/api/v1/courses", { token: `${live.token}x` });
    expect(unknown.status).toBe(401);
    expect(errorCode(unknown)).toBe("unauthorized");
  });
});

describe("the CLI and the lists", () => {
  it("`token create --read-only --expires-in 90d` makes a limited token; `token list` and the admin page show scope, expiry and last use", async () => {
    const owner = await createUserWithToken("admin", "cli-limits");
    const label = unique("limited");
    const created = cli([
      "token",
      "create",
      "--email",
      owner.email,
      "--name",
      label,
      "--read-only",
      "--expires-in",
      "90d",
    ]);
    expect(created.stderr).toBe("");
    expect(created.status).toBe(0);
    const lines = created.stdout.trim().split("\n");
    const token = lines[lines.length - 1];
    expect(token).toMatch(/^rc_/);
    expect(lines[lines.length - 2]).toMatch(/^Created read-only API token \S+ for .+, expires \d{4}-\d\d-\d\dT/);

    const row = await prisma.apiToken.findFirstOrThrow({ where: { name: label } });
    expect(row.readOnly).toBe(true);
    const ninetyDays = Date.now() + 90 * 24 * 3_600_000;
    expect(Math.abs(row.expiresAt!.getTime() - ninetyDays)).toBeLessThan(120_000);
    expect(row.lastUsedAt).toBeNull();

    expect((await call("GET", "/api/v1/courses", { token })).status).toBe(200);
    expect(errorCode(await call("POST", "/api/v1/courses", { token, body: { name: "No", timezone: "UTC" } }))).toBe(
      "read_only_token",
    );
    const used = await prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } });
    expect(used.lastUsedAt).not.toBeNull();
    // Last use is written at most once a minute: a second request leaves it alone.
    await call("GET", "/api/v1/courses", { token });
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: row.id } })).lastUsedAt).toEqual(used.lastUsedAt);

    const listed = cli(["token", "list"]);
    expect(listed.status).toBe(0);
    const line = listed.stdout.split("\n").find((entry) => entry.includes(label));
    expect(line?.split("\t")).toEqual([
      row.id,
      `${row.prefix}…`,
      owner.email,
      label,
      "read-only",
      "active",
      `expires ${row.expiresAt!.toISOString()}`,
      `last used ${used.lastUsedAt!.toISOString()}`,
    ]);

    // The admin page, as served to a signed-in admin.
    const page = await fetch(`${baseUrl()}/admin/tokens`, {
      headers: { cookie: await signIn(owner.email, owner.password) },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    const start = html.indexOf(`data-token="${label}"`);
    expect(start).toBeGreaterThan(0);
    const tableRow = html.slice(start, html.indexOf("</tr>", start));
    expect(tableRow).toMatch(/data-column="scope"[^>]*>Read-only</);
    expect(tableRow).toMatch(new RegExp(`data-column="expires"[^>]*>${row.expiresAt!.toISOString().slice(0, 10)}`));
    expect(tableRow).toMatch(new RegExp(`data-column="last-used"[^>]*>${used.lastUsedAt!.toISOString().slice(0, 10)}`));
  });

  it("`--expires-in 12h` works; bad lifetimes are refused with a clear message and create nothing", async () => {
    const owner = await createUserWithToken("instructor", "cli-hours");
    const label = unique("hours");
    const created = cli(["token", "create", "--email", owner.email, "--name", label, "--expires-in", "12h"]);
    expect(created.status).toBe(0);
    const row = await prisma.apiToken.findFirstOrThrow({ where: { name: label } });
    expect(row.readOnly).toBe(false);
    expect(Math.abs(row.expiresAt!.getTime() - (Date.now() + 12 * 3_600_000))).toBeLessThan(120_000);

    for (const bad of ["90x", "0d", "1.5d", "forever", "99999999d"]) {
      const refused = cli(["token", "create", "--email", owner.email, "--name", `${label}-bad`, "--expires-in", bad]);
      expect(refused.status, bad).toBe(1);
      expect(refused.stderr).toContain(
        `"${bad}" is not a token lifetime: use a whole number of days or hours, e.g. 90d or 12h`,
      );
    }
    expect(await prisma.apiToken.count({ where: { name: `${label}-bad` } })).toBe(0);
  });
});
