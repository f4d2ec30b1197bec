// Who may call what (docs/api.md): every route against an admin token, an
// instructor on their own and on another's course, no token, a revoked token, an unknown or
// malformed one, a disabled user's token, and the dashboard cookie (CSV exports only).
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { createApiToken, revokeApiToken } from "../../lib/services/tokens";
import { baseUrl } from "../helpers/server";
import {
  call,
  createUserWithToken,
  errorCode,
  randomMeetingId,
  signIn,
  unique,
  connectToServerDatabase,
  type TestUser,
} from "../helpers/fixtures";

connectToServerDatabase();

let admin: TestUser;
let owner: TestUser;
let stranger: TestUser;
let revokedToken: string;
let disabledToken: string;
let courseId: string;
let sessionId: string;
let ownerCookie: string;

let sessionCounter = 0;
/** A different session each time, so that repeated creation is never a 409. */
const newSessionBody = () => ({
  zoomMeetingId: randomMeetingId(),
  startsAt: new Date(Date.UTC(2025, 0, 6, 17) + ++sessionCounter * 86_400_000).toISOString(),
  durationMinutes: 60,
});

interface Route {
  name: string;
  method: "GET" | "POST";
  path: () => string;
  body?: () => unknown;
  ok: number;
  /** routes about one course or session: others' answer 404 */
  scoped: boolean;
  adminOnly?: boolean;
  csv?: boolean;
}

const routes: Route[] = [
  { name: "list courses", method: "GET", path: () => "/api/v1/courses", ok: 200, scoped: false },
  {
    name: "create course",
    method: "POST",
    path: () => "/api/v1/courses",
    body: () => ({ name: unique("Matrix course") }),
    ok: 201,
    scoped: false,
  },
  { name: "list students", method: "GET", path: () => `/api/v1/courses/${courseId}/students`, ok: 200, scoped: true },
  {
    name: "import students",
    method: "POST",
    path: () => `/api/v1/courses/${courseId}/students`,
    body: () => ({ students: [{ name: "Matrix Student", email: "matrix@school.example" }] }),
    ok: 200,
    scoped: true,
  },
  { name: "list sessions", method: "GET", path: () => `/api/v1/courses/${courseId}/sessions`, ok: 200, scoped: true },
  {
    name: "create session",
    method: "POST",
    path: () => `/api/v1/courses/${courseId}/sessions`,
    body: newSessionBody,
    ok: 201,
    scoped: true,
  },
  {
    name: "session attendance",
    method: "GET",
    path: () => `/api/v1/sessions/${sessionId}/attendance`,
    ok: 200,
    scoped: true,
  },
  {
    name: "session CSV",
    method: "GET",
    path: () => `/api/v1/sessions/${sessionId}/attendance.csv`,
    ok: 200,
    scoped: true,
    csv: true,
  },
  {
    name: "course CSV",
    method: "GET",
    path: () => `/api/v1/courses/${courseId}/attendance.csv?from=2025-01-01&to=2025-12-31`,
    ok: 200,
    scoped: true,
    csv: true,
  },
  {
    name: "all-courses CSV",
    method: "GET",
    path: () => "/api/v1/attendance.csv?from=2025-01-01&to=2025-01-31",
    ok: 200,
    scoped: false,
    adminOnly: true,
    csv: true,
  },
];

async function request(route: Route, headers: Record<string, string>) {
  const body = route.body?.();
  const response = await fetch(`${baseUrl()}${route.path()}`, {
    method: route.method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: "manual",
  });
  const text = await response.text();
  return { status: response.status, text, contentType: response.headers.get("content-type") ?? "" };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  [admin, owner, stranger] = await Promise.all([
    createUserWithToken("admin", "matrix-admin"),
    createUserWithToken("instructor", "matrix-owner"),
    createUserWithToken("instructor", "matrix-stranger"),
  ]);
  const course = await call("POST", "/api/v1/courses", {
    token: owner.token,
    body: { name: unique("Matrix"), timezone: "America/New_York" },
  });
  courseId = (course.json as { id: string }).id;
  const session = await call("POST", `/api/v1/courses/${courseId}/sessions`, {
    token: owner.token,
    body: newSessionBody(),
  });
  sessionId = (session.json as { id: string }).id;

  const revoked = await createApiToken(owner.id, "to be revoked");
  expect(await revokeApiToken(revoked.id)).toBe(true);
  revokedToken = revoked.token;

  const disabled = await createUserWithToken("admin", "matrix-disabled");
  await prisma.user.update({ where: { id: disabled.id }, data: { disabledAt: new Date() } });
  disabledToken = disabled.token;

  ownerCookie = await signIn(owner.email, owner.password);
});

describe.each(routes)("$method $name", (route) => {
  it("is open to an admin's token", async () => {
    const answer = await request(route, bearer(admin.token));
    expect(answer.status, answer.text).toBe(route.ok);
    if (route.csv) expect(answer.contentType).toMatch(/^text\/csv/);
  });

  it("is open to the owning instructor's token (admins-only routes answer 403)", async () => {
    const answer = await request(route, bearer(owner.token));
    expect(answer.status, answer.text).toBe(route.adminOnly ? 403 : route.ok);
  });

  it("answers 404 to another instructor, exactly as for a course that does not exist", async () => {
    const answer = await request(route, bearer(stranger.token));
    if (route.adminOnly) expect(answer.status).toBe(403);
    else if (route.scoped) {
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.text).error.code).toBe("not_found");
    } else expect(answer.status).toBe(route.ok);
  });

  it("answers 401 without a token, and with a revoked, unknown, malformed or disabled user's token", async () => {
    for (const headers of [
      {},
      bearer(revokedToken),
      bearer("rc_unknown_token_0123456789"),
      { authorization: `Token ${admin.token}` },
      { authorization: "Bearer" },
      bearer(disabledToken),
    ]) {
      const answer = await request(route, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(401);
      expect(answer.contentType).toContain("application/json");
      expect(JSON.parse(answer.text).error.code).toBe("unauthorized");
    }
  });

  it(
    route.csv ? "takes the dashboard cookie (a download button)" : "does not take the dashboard cookie (tokens only)",
    async () => {
      const answer = await request(route, { cookie: ownerCookie });
      expect(answer.status, answer.text).toBe(route.csv ? (route.adminOnly ? 403 : route.ok) : 401);
      // A bad Authorization header is judged alone, even with a valid cookie.
      expect((await request(route, { cookie: ownerCookie, ...bearer(revokedToken) })).status).toBe(401);
    },
  );
});

describe("hidden resources", () => {
  it("answer the same 404 for another's course and a course that does not exist", async () => {
    const theirs = await call("GET", `/api/v1/courses/${courseId}/students`, { token: stranger.token });
    const missing = await call("GET", "/api/v1/courses/does-not-exist/students", { token: stranger.token });
    expect(theirs.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(errorCode(theirs)).toBe(errorCode(missing));
    expect((theirs.json as { error: { message: string } }).error.message.replace(courseId, "ID")).toBe(
      (missing.json as { error: { message: string } }).error.message.replace("does-not-exist", "ID"),
    );
  });

  it("stay hidden from the course list and never change", async () => {
    const list = await call("GET", "/api/v1/courses", { token: stranger.token });
    expect((list.json as { courses: { id: string }[] }).courses.map((course) => course.id)).not.toContain(courseId);
    const before = await prisma.student.count({ where: { courseId } });
    await call("POST", `/api/v1/courses/${courseId}/students`, {
      token: stranger.token,
      body: { students: [{ name: "Intruder", email: "intruder@school.example" }] },
    });
    expect(await prisma.student.count({ where: { courseId } })).toBe(before);
  });
});
