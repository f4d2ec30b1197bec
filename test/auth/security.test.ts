// CSRF and sign-in abuse, against the shared test server.
// - Server actions (every state-changing form of the dashboard) are refused when the request comes
//   from another origin — Next's Origin check — even with a valid session cookie; the same call
//   from the app's own origin works, so the refusal is not an artefact of the test.
// - The session cookie is HttpOnly and SameSite=Lax, so a cross-site form post carries no session.
// - next-auth's own endpoints demand their CSRF token.
// Sign-in throttling, password changes and disabled accounts: test/auth/sign-in.test.ts.
import crypto from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { createApiToken } from "../../lib/services/tokens";
import { createUser } from "../../lib/services/users";
import { baseUrl, credentialsSignIn, randomClientAddress } from "../helpers/server";
import { connectToServerDatabase } from "../helpers/fixtures";
import {
  callAction,
  createFixture,
  pagePathFor,
  serverAction,
  serverActions,
  type Fixture,
} from "../helpers/server-actions";

connectToServerDatabase();

let fixture: Fixture;
const FOREIGN_ORIGINS = ["https://evil.example", "null", "http://127.0.0.1.evil.example", "http://127.0.0.1:1"];

beforeAll(async () => {
  fixture = await createFixture("csrf");
});

function refused(answer: { status: number; redirect: string | null; text: string }) {
  // Next answers a refused action with a 500 and an error digest, and runs nothing.
  return answer.status >= 400 && answer.redirect === null && /E\{"digest"/.test(answer.text);
}

describe("server actions from another origin", () => {
  it("every action of the build is refused with a foreign Origin, even with the admin's cookie", async () => {
    for (const action of serverActions()) {
      const pageUrl = pagePathFor(action.pages[0], {
        courseId: fixture.courseId,
        sessionId: fixture.sessionId,
        studentId: fixture.studentId,
      });
      for (const origin of FOREIGN_ORIGINS) {
        const answer = await callAction(pageUrl, action.id, {
          cookie: fixture.admin.cookie,
          origin,
          args: [fixture.studentId],
        });
        expect(
          refused(answer),
          `${action.exportedName} with Origin ${origin}: ${answer.status} ${answer.redirect} ${answer.text.slice(0, 200)}`,
        ).toBe(true);
      }
    }
    expect(await prisma.student.findUnique({ where: { id: fixture.studentId } })).not.toBeNull();
  });

  it("removing a student: refused cross-origin, done same-origin", async () => {
    const action = serverAction("removeStudentAction");
    const pageUrl = `/students/${fixture.studentId}`;
    const foreign = await callAction(pageUrl, action.id, {
      cookie: fixture.owner.cookie,
      origin: "https://evil.example",
      args: [fixture.studentId],
    });
    expect(refused(foreign)).toBe(true);
    expect(await prisma.student.findUnique({ where: { id: fixture.studentId } })).not.toBeNull();

    const own = await callAction(pageUrl, action.id, { cookie: fixture.owner.cookie, args: [fixture.studentId] });
    expect(own.redirect).toMatch(new RegExp(`^/courses/${fixture.courseId}`));
    expect(await prisma.student.findUnique({ where: { id: fixture.studentId } })).toBeNull();
  });

  it("revoking an API token: refused cross-origin, done same-origin", async () => {
    const token = await createApiToken(fixture.admin.id, "csrf victim");
    const action = serverAction("revokeTokenAction");
    const foreign = await callAction("/admin/tokens", action.id, {
      cookie: fixture.admin.cookie,
      origin: "https://evil.example",
      args: [token.id],
    });
    expect(refused(foreign)).toBe(true);
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).toBeNull();

    await callAction("/admin/tokens", action.id, { cookie: fixture.admin.cookie, args: [token.id] });
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: token.id } })).revokedAt).not.toBeNull();
  });

  it("the session cookie is HttpOnly and SameSite=Lax", async () => {
    const email = `${crypto.randomBytes(4).toString("hex")}@csrf.rollcall.test`;
    const password = `pw-${crypto.randomBytes(8).toString("hex")}`;
    await createUser({ email, name: "Cookie check", role: "instructor", password });
    const setCookie = await signInRaw(email, password);
    const session = setCookie.find((cookie) => cookie.includes("session-token="));
    expect(session).toBeDefined();
    expect(session).toMatch(/;\s*HttpOnly/i);
    expect(session).toMatch(/;\s*SameSite=(Lax|Strict)/i);
  });

  it("next-auth refuses a sign-in without its CSRF token", async () => {
    const response = await fetch(`${baseUrl()}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: new URLSearchParams({ email: fixture.owner.email, password: fixture.owner.password, json: "true" }),
    });
    expect(response.headers.getSetCookie().some((cookie) => cookie.includes("session-token="))).toBe(false);
  });
});

/** next-auth's credentials flow; returns the Set-Cookie headers of the callback. */
const signInRaw = (email: string, password: string) =>
  credentialsSignIn(baseUrl(), email, password, randomClientAddress());
