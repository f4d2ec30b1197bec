// Sign-in that cannot be turned against its users, through real servers and HTTP:
// - only failures count, and they cost the failing client a delay that doubles (no account lock):
//   a wrong password from client X never stops the right password from client Y, and X itself
//   gets in with the right password once its delay has passed;
// - the client address is the socket's, unless TRUSTED_PROXIES names the proxy (then the
//   right-most untrusted X-Forwarded-For hop); a client cannot forge the internal address header;
// - an admin's reset (CLI) and disabling end the user's sessions at once, and a disabled user's
//   API tokens stop working.
// A second server with TRUSTED_PROXIES=127.0.0.1 shares the test database, so that tests can play
// clients at different addresses; the shared test server (no TRUSTED_PROXIES) shows the default.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { setUserDisabled } from "../../lib/services/admin";
import { createApiToken } from "../../lib/services/tokens";
import { createUser } from "../../lib/services/users";
import { CLIENT_ADDRESS_HEADER } from "../../lib/client-address";
import { delayAfter, SIGN_IN_POLICY } from "../../lib/sign-in-throttle";
import { baseUrl, startServer, type RunningServer } from "../helpers/server";
import { connectToServerDatabase } from "../helpers/fixtures";
import { callAction, serverAction } from "../helpers/server-actions";

connectToServerDatabase();

let proxied: RunningServer;

beforeAll(async () => {
  proxied = await startServer({
    databaseUrl: process.env.TEST_SERVER_DATABASE_URL!,
    env: { TRUSTED_PROXIES: "127.0.0.1, ::1", WORKER: "off" },
  });
}, 120_000);

afterAll(async () => {
  await proxied?.stop();
});

interface Attempt {
  /** the session cookie ("name=value") when signed in */
  cookie: string | null;
  /** next-auth's error: "CredentialsSignin" for a wrong password, or the throttle's message */
  error: string | null;
}

/** next-auth's credentials flow as the login form runs it; `headers` go on both requests. */
async function attempt(
  url: string,
  email: string,
  password: string,
  headers: Record<string, string> = {},
): Promise<Attempt> {
  const csrf = await fetch(`${url}/api/auth/csrf`, { headers });
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = csrf.headers.getSetCookie().map((cookie) => cookie.split(";")[0]);
  const response = await fetch(`${url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies.join("; "), ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: url }),
  });
  const body = (await response.json()) as { url?: string };
  const cookie = response.headers
    .getSetCookie()
    .map((entry) => entry.split(";")[0])
    .find((entry) => entry.includes("session-token=") && !entry.endsWith("="));
  return { cookie: cookie ?? null, error: body.url ? new URL(body.url).searchParams.get("error") : null };
}

const from = (address: string) => ({ "x-forwarded-for": address });

async function newUser(label: string, role: "admin" | "instructor" = "instructor") {
  const email = `${label}-${crypto.randomBytes(4).toString("hex")}@sign-in.rollcall.test`;
  const password = `pw-${crypto.randomBytes(8).toString("hex")}`;
  const created = await createUser({ email, name: `Sign-in ${label}`, role, password });
  return { id: created.id, email, password };
}

/** A documentation-range address of the test's own (RFC 5737), so tests never share a client. */
// Each test gets a client address of its own: a random one could repeat an address another test
// in this file already failed from, and its throttle rows would then count here. (.200 and .201
// are the fixed addresses of the proxy tests below.)
let addressesUsed = 0;
function address(): string {
  addressesUsed += 1;
  return `203.0.113.${addressesUsed}`;
}

function retryAfterSeconds(error: string | null): number {
  const match = /Try again in (\d+) seconds?/.exec(error ?? "");
  if (!match) throw new Error(`not a throttle message: ${error}`);
  return Number(match[1]);
}

/** GET a dashboard page with a cookie: "in" when the page renders, "out" when sent to sign in. */
async function pageState(url: string, cookie: string): Promise<"in" | "out"> {
  const response = await fetch(`${url}/`, { headers: { cookie }, redirect: "manual" });
  await response.text();
  if (response.status === 200) return "in";
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.headers.get("location")).toMatch(/\/login/);
  return "out";
}

describe("growing delay instead of a lock", () => {
  it("a wrong password from client X does not stop the right password of the same user from client Y", async () => {
    const user = await newUser("xy");
    const [clientX, clientY] = ["198.51.100.10", "198.51.100.20"];
    for (let failure = 0; failure <= SIGN_IN_POLICY.pair.free; failure += 1) {
      expect((await attempt(proxied.url, user.email, "wrong password", from(clientX))).error).toBe("CredentialsSignin");
    }
    // X is now made to wait, even with the right password...
    const xRight = await attempt(proxied.url, user.email, user.password, from(clientX));
    expect(xRight.cookie).toBeNull();
    expect(xRight.error).toMatch(/^Too many failed sign-ins from your address\. Try again in \d+ seconds?\.$/);
    // ...but the user at Y signs in at once.
    const yRight = await attempt(proxied.url, user.email, user.password, from(clientY));
    expect(yRight.error).toBeNull();
    expect(yRight.cookie).not.toBeNull();
    expect(await pageState(proxied.url, yRight.cookie!)).toBe("in");
  });

  it("the delay doubles with each failure, and the right password is accepted once it has passed", async () => {
    const user = await newUser("grow");
    const client = address();
    for (let failure = 0; failure < SIGN_IN_POLICY.pair.free; failure += 1) {
      expect((await attempt(proxied.url, user.email, "wrong password", from(client))).error).toBe("CredentialsSignin");
    }
    const delays: number[] = [];
    const waits: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      // One more failure, then the next attempt (even the right password) is refused unchecked.
      expect((await attempt(proxied.url, user.email, "wrong password", from(client))).error).toBe("CredentialsSignin");
      const row = await prisma.signInThrottle.findUniqueOrThrow({ where: { key: `pair:${user.email}|${client}` } });
      delays.push(delayAfter(row.failures, SIGN_IN_POLICY.pair));
      const refused = await attempt(proxied.url, user.email, user.password, from(client));
      expect(refused.cookie).toBeNull();
      const wait = retryAfterSeconds(refused.error);
      waits.push(wait);
      // What the client is told is what is left of the delay its failures earned.
      expect(wait).toBeGreaterThan(0);
      expect(wait * 1000).toBeLessThanOrEqual(delays[round] + 999);
      await new Promise((resolve) => setTimeout(resolve, wait * 1000 + 300));
    }
    expect(delays).toEqual([2_000, 4_000, 8_000]);
    expect(waits[2]).toBeGreaterThan(waits[0]);
    // The refused attempts were not counted as failures: only the 6 wrong passwords were.
    const pair = await prisma.signInThrottle.findUniqueOrThrow({ where: { key: `pair:${user.email}|${client}` } });
    expect(pair.failures).toBe(SIGN_IN_POLICY.pair.free + 3);
    // The last delay has passed: the right password gets in, and clears this client's failures.
    const accepted = await attempt(proxied.url, user.email, user.password, from(client));
    expect(accepted.error).toBeNull();
    expect(accepted.cookie).not.toBeNull();
    expect(await prisma.signInThrottle.findUnique({ where: { key: `pair:${user.email}|${client}` } })).toBeNull();
    // The address and the email keep their counts (a success does not wipe an attacker's record).
    expect((await prisma.signInThrottle.findUniqueOrThrow({ where: { key: `address:${client}` } })).failures).toBe(
      SIGN_IN_POLICY.pair.free + 3,
    );
  }, 180_000);

  it("successful sign-ins are never counted", async () => {
    const user = await newUser("ok");
    const client = address();
    for (let round = 0; round < SIGN_IN_POLICY.pair.free + 3; round += 1) {
      expect((await attempt(proxied.url, user.email, user.password, from(client))).cookie).not.toBeNull();
    }
    expect(
      await prisma.signInThrottle.count({
        where: { key: { in: [`pair:${user.email}|${client}`, `address:${client}`, `email:${user.email}`] } },
      }),
    ).toBe(0);
  });
});

describe("the client address", () => {
  it("without TRUSTED_PROXIES, X-Forwarded-For and the internal header are ignored: the socket's address counts", async () => {
    const user = await newUser("socket");
    const spoofed = { "x-forwarded-for": "198.51.100.77", [CLIENT_ADDRESS_HEADER]: "198.51.100.78" };
    expect((await attempt(baseUrl(), user.email, "wrong password", spoofed)).error).toBe("CredentialsSignin");
    const keys = (await prisma.signInThrottle.findMany({ where: { key: { startsWith: `pair:${user.email}|` } } })).map(
      (row) => row.key,
    );
    expect(keys).toEqual([`pair:${user.email}|127.0.0.1`]);
  });

  it("with TRUSTED_PROXIES, the right-most hop that is not a trusted proxy counts, and the internal header is still ignored", async () => {
    const user = await newUser("proxy");
    // The client wrote 198.51.100.1 itself; the trusted proxy (127.0.0.1) appended the real peer.
    await attempt(proxied.url, user.email, "wrong password", {
      "x-forwarded-for": "198.51.100.1, 203.0.113.200",
      [CLIENT_ADDRESS_HEADER]: "198.51.100.2",
    });
    // Two proxies in a row: the trusted hop is skipped.
    await attempt(proxied.url, user.email, "wrong password", { "x-forwarded-for": "203.0.113.201, 127.0.0.1" });
    const keys = (
      await prisma.signInThrottle.findMany({
        where: { key: { startsWith: `pair:${user.email}|` } },
        orderBy: { key: "asc" },
      })
    ).map((row) => row.key);
    expect(keys).toEqual([`pair:${user.email}|203.0.113.200`, `pair:${user.email}|203.0.113.201`]);
  });
});

function cli(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/cli.ts", ...args], {
    env: { ...process.env, DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("ending sessions", () => {
  it("`user set-password` (admin reset) ends every session of the user; the new password works, the old one not", async () => {
    const user = await newUser("reset", "admin");
    const [first, second] = [
      await attempt(baseUrl(), user.email, user.password),
      await attempt(proxied.url, user.email, user.password, from(address())),
    ];
    expect(await pageState(baseUrl(), first.cookie!)).toBe("in");
    expect(await pageState(baseUrl(), second.cookie!)).toBe("in");
    // The cookie also works for the CSV export of every course (the API's cookie path; admins) before the reset.
    const exportUrl = `${baseUrl()}/api/v1/attendance.csv?from=2026-01-01&to=2026-01-02`;
    expect((await fetch(exportUrl, { headers: { cookie: first.cookie! } })).status).toBe(200);

    const result = cli(["user", "set-password", "--email", user.email.toUpperCase()]);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const generated = /^Password: (\S+)$/m.exec(result.stdout)?.[1];
    expect(generated).toMatch(/^[A-Za-z0-9_-]{16}$/);

    expect(await pageState(baseUrl(), first.cookie!)).toBe("out");
    expect(await pageState(proxied.url, second.cookie!)).toBe("out");
    const exported = await fetch(exportUrl, { headers: { cookie: first.cookie! } });
    expect(exported.status).toBe(401);
    // Server actions too: the old cookie is sent to sign in, and nothing is done.
    const course = await prisma.course.create({
      data: { name: `Reset ${user.email}`, timezone: "UTC", notifyLateJoiners: false },
    });
    const student = await prisma.student.create({
      data: {
        courseId: course.id,
        name: "Kept Student",
        email: `kept-${user.email}`,
        emailNormalized: `kept-${user.email}`,
      },
    });
    const action = await callAction(`/students/${student.id}`, serverAction("removeStudentAction").id, {
      cookie: first.cookie!,
      args: [student.id],
    });
    expect(action.redirect).toMatch(/^\/login/);
    expect(await prisma.student.findUnique({ where: { id: student.id } })).not.toBeNull();
    expect((await attempt(proxied.url, user.email, user.password, from(address()))).cookie).toBeNull();
    const fresh = await attempt(proxied.url, user.email, generated!, from(address()));
    expect(fresh.cookie).not.toBeNull();
    expect(await pageState(proxied.url, fresh.cookie!)).toBe("in");
  });

  it("`user set-password` refuses a short password and an unknown email with clear errors, changing nothing", async () => {
    const user = await newUser("reset-bad");
    const before = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    const short = cli(["user", "set-password", "--email", user.email, "--password", "short"]);
    expect(short.status).toBe(1);
    expect(short.stderr).toContain("password must be at least 10 characters");
    const unknown = cli([
      "user",
      "set-password",
      "--email",
      `nobody-${user.email}`,
      "--password",
      "long-enough-password",
    ]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("No user with email nobody-");
    const after = await prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.sessionVersion).toBe(before.sessionVersion);
  });

  it("a disabled account is signed out at once, cannot sign in, and its API tokens stop working; enabling does not revive old sessions", async () => {
    const admin = await newUser("disabler", "admin");
    const user = await newUser("disabled");
    const { token } = await createApiToken(user.id, "disabled user's token");
    const session = await attempt(baseUrl(), user.email, user.password);
    const api = () => fetch(`${baseUrl()}/api/v1/courses`, { headers: { authorization: `Bearer ${token}` } });
    expect(await pageState(baseUrl(), session.cookie!)).toBe("in");
    expect((await api()).status).toBe(200);

    await setUserDisabled(admin.id, user.id, true);
    expect(await pageState(baseUrl(), session.cookie!)).toBe("out");
    const refused = await api();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
    const signIn = await attempt(proxied.url, user.email, user.password, from(address()));
    expect(signIn.cookie).toBeNull();
    expect(signIn.error).toBe("CredentialsSignin");

    await setUserDisabled(admin.id, user.id, false);
    expect(await pageState(baseUrl(), session.cookie!)).toBe("out");
    expect((await api()).status).toBe(200);
    expect((await attempt(proxied.url, user.email, user.password, from(address()))).cookie).not.toBeNull();
  });
});
