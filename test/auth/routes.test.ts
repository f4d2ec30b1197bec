// Authorisation of every route, found by walking app/ (every page.tsx and route.ts): each one must
// have a rule below, and the shared test server must answer by it — signed out, as the admin, as
// the instructor who owns the course, and as another instructor. Dynamic segments are filled with
// real ids: the fixture's course/session/student, and the seeded demo course (lib/demo/seed.ts),
// which none of the fixture's instructors teaches. A route added without a rule fails the first
// test with a message saying where to add one. Every server action is also walked: signed out, it
// must send the caller to /login before doing anything.
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { DEMO_COURSE_NAME } from "../../lib/demo/seed";
import { baseUrl } from "../helpers/server";
import { connectToServerDatabase } from "../helpers/fixtures";
import { callAction, createFixture, pagePathFor, serverActions, type Fixture } from "../helpers/server-actions";

connectToServerDatabase();

type Scope = "course" | "session" | "student";
type Rule =
  /** open to anyone (the sign-in page) */
  | { kind: "public-page" }
  /** any signed-in user */
  | { kind: "page" }
  /** signed-in users who may see the course / session / student (instructors: their own) */
  | { kind: "scoped-page"; scope: Scope }
  /** admins only: instructors get 404 */
  | { kind: "admin-page" }
  /** the public API: a Bearer token (401 without); `cookie`: GET also takes the dashboard cookie */
  | { kind: "api"; methods: Method[]; scope: Scope | null; adminOnly?: boolean; cookie?: boolean; query?: string }
  /** the dashboard's own JSON (session cookie): 401 signed out, 404 for others' sessions */
  | { kind: "cookie-api"; methods: Method[]; scope: Scope }
  /** answered without a user on purpose; `check` says what an anonymous caller gets */
  | { kind: "open"; methods: Method[]; why: string; check: { method: Method; path: string; status: number } };

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

const RULES: Record<string, Rule> = {
  "app/login/page.tsx": { kind: "public-page" },
  "app/(dashboard)/page.tsx": { kind: "page" },
  "app/(dashboard)/courses/new/page.tsx": { kind: "page" },
  "app/(dashboard)/account/password/page.tsx": { kind: "page" },
  "app/(dashboard)/courses/[courseId]/page.tsx": { kind: "scoped-page", scope: "course" },
  "app/(dashboard)/courses/[courseId]/edit/page.tsx": { kind: "scoped-page", scope: "course" },
  "app/(dashboard)/courses/[courseId]/roster/import/page.tsx": { kind: "scoped-page", scope: "course" },
  "app/(dashboard)/courses/[courseId]/sessions/new/page.tsx": { kind: "scoped-page", scope: "course" },
  "app/(dashboard)/sessions/[sessionId]/page.tsx": { kind: "scoped-page", scope: "session" },
  "app/(dashboard)/sessions/[sessionId]/edit/page.tsx": { kind: "scoped-page", scope: "session" },
  "app/(dashboard)/students/[studentId]/page.tsx": { kind: "scoped-page", scope: "student" },
  "app/(dashboard)/students/[studentId]/privacy/page.tsx": { kind: "admin-page" },
  "app/(dashboard)/admin/deliveries/page.tsx": { kind: "admin-page" },
  "app/(dashboard)/admin/mail/page.tsx": { kind: "admin-page" },
  "app/(dashboard)/admin/meetings/page.tsx": { kind: "admin-page" },
  "app/(dashboard)/admin/tokens/page.tsx": { kind: "admin-page" },
  "app/(dashboard)/admin/users/page.tsx": { kind: "admin-page" },

  "app/api/health/route.ts": {
    kind: "open",
    methods: ["GET"],
    why: "load balancers' health check; says nothing but ok",
    check: { method: "GET", path: "/api/health", status: 200 },
  },
  "app/api/zoom/webhook/route.ts": {
    kind: "open",
    methods: ["POST"],
    why: "Zoom's webhook: authenticated by its HMAC signature",
    check: { method: "POST", path: "/api/zoom/webhook", status: 401 },
  },
  "app/api/auth/[...nextauth]/route.ts": {
    kind: "open",
    methods: ["GET", "POST"],
    why: "next-auth's sign-in endpoints (CSRF token of their own)",
    check: { method: "GET", path: "/api/auth/session", status: 200 },
  },
  "app/api/v1/[...path]/route.ts": {
    kind: "open",
    methods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    why: "unknown API paths: a JSON 404, no data (a token sent is judged first: expired 401, read-only write 403)",
    check: { method: "GET", path: "/api/v1/no/such/route", status: 404 },
  },
  "app/api/sessions/[sessionId]/live/route.ts": { kind: "cookie-api", methods: ["GET"], scope: "session" },
  "app/api/sessions/[sessionId]/live/stream/route.ts": { kind: "cookie-api", methods: ["GET"], scope: "session" },
  "app/api/v1/courses/route.ts": { kind: "api", methods: ["GET", "POST"], scope: null },
  "app/api/v1/courses/[courseId]/students/route.ts": { kind: "api", methods: ["GET", "POST"], scope: "course" },
  "app/api/v1/courses/[courseId]/sessions/route.ts": { kind: "api", methods: ["GET", "POST"], scope: "course" },
  "app/api/v1/courses/[courseId]/attendance.csv/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: "course",
    cookie: true,
  },
  "app/api/v1/sessions/[sessionId]/attendance/route.ts": { kind: "api", methods: ["GET"], scope: "session" },
  "app/api/v1/sessions/[sessionId]/attendance.csv/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: "session",
    cookie: true,
  },
  "app/api/v1/sessions/[sessionId]/reconcile/route.ts": { kind: "api", methods: ["POST"], scope: "session" },
  "app/api/v1/sessions/[sessionId]/registrants/route.ts": { kind: "api", methods: ["POST"], scope: "session" },
  "app/api/v1/sessions/[sessionId]/invitations/route.ts": { kind: "api", methods: ["POST"], scope: "session" },
  "app/api/v1/attendance.csv/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: null,
    adminOnly: true,
    cookie: true,
    query: "?from=2025-01-01&to=2025-01-31",
  },
  "app/api/v1/students/[studentId]/export/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: "student",
    adminOnly: true,
    cookie: true,
  },
  "app/api/v1/sessions/[sessionId]/route.ts": { kind: "api", methods: ["DELETE", "GET", "PATCH"], scope: "session" },
  "app/api/v1/sessions/[sessionId]/overrides/[studentId]/route.ts": {
    kind: "api",
    methods: ["DELETE", "PUT"],
    scope: "session",
  },
  "app/api/v1/courses/[courseId]/summary/route.ts": { kind: "api", methods: ["GET"], scope: "course" },
  "app/api/v1/courses/[courseId]/summary.csv/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: "course",
    cookie: true,
  },
  "app/api/v1/courses/[courseId]/attendance-events/route.ts": {
    kind: "api",
    methods: ["GET"],
    scope: "course",
    query: "?from=2025-01-01&to=2025-01-31",
  },
  "app/api/v1/meetings/conflicts/route.ts": { kind: "api", methods: ["GET"], scope: null, adminOnly: true },
  "app/api/v1/meetings/[meetingId]/route.ts": { kind: "api", methods: ["GET"], scope: null, adminOnly: true },
  "app/api/v1/meetings/[meetingId]/courses/route.ts": { kind: "api", methods: ["POST"], scope: null, adminOnly: true },
  "app/api/v1/meetings/[meetingId]/courses/[courseId]/route.ts": {
    kind: "api",
    methods: ["DELETE"],
    scope: null,
    adminOnly: true,
  },
};

const ADD_A_RULE =
  "Add an access rule for it to RULES in test/auth/routes.test.ts (who may call it, and what others get)";

function routeFiles(directory = "app"): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...routeFiles(full));
    else if (/^(page\.(tsx|ts|jsx|js)|route\.(ts|js))$/.test(entry.name)) found.push(full.split(path.sep).join("/"));
  }
  return found.sort();
}

/** The HTTP methods a route.ts exports (`export const GET`, `export async function POST`, `export { h as GET }`). */
function exportedMethods(file: string): Method[] {
  const source = fs.readFileSync(file, "utf8");
  const methods = new Set<Method>();
  for (const match of source.matchAll(
    /export\s+(?:const|let|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g,
  ))
    methods.add(match[1] as Method);
  for (const block of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const match of block[1].matchAll(/\b(?:as\s+)?(GET|POST|PUT|PATCH|DELETE)\b/g))
      methods.add(match[1] as Method);
  }
  return [...methods].sort();
}

let fixture: Fixture;
let ids: Record<string, string>;
let demoIds: Record<string, string>;

beforeAll(async () => {
  fixture = await createFixture("routes");
  ids = {
    courseId: fixture.courseId,
    sessionId: fixture.sessionId,
    studentId: fixture.studentId,
    path: "no/such/route",
    nextauth: "session",
    meetingId: "84200000001",
  };
  const demo = await prisma.course.findFirstOrThrow({
    where: { name: DEMO_COURSE_NAME },
    include: { sessions: { take: 1 }, students: { take: 1 } },
  });
  demoIds = {
    courseId: demo.id,
    sessionId: demo.sessions[0].id,
    studentId: demo.students[0].id,
    path: "no/such/route",
    nextauth: "session",
    meetingId: "84200000001",
  };
});

function urlOf(file: string, values: Record<string, string>, query = ""): string {
  return pagePathFor(file.replace(/\/(page|route)\.\w+$/, "/page"), values) + query;
}

async function get(url: string, headers: Record<string, string> = {}, method: Method = "GET") {
  const response = await fetch(`${baseUrl()}${url}`, {
    method,
    redirect: "manual",
    headers: { ...headers, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
    body: method === "GET" ? undefined : "{}",
  });
  // A live stream (server-sent events) never ends by itself: its status and headers are the answer.
  if (response.headers.get("content-type")?.startsWith("text/event-stream")) {
    await response.body?.cancel();
    return { status: response.status, location: null, headers: response.headers, text: "" };
  }
  return {
    status: response.status,
    location: response.headers.get("location"),
    headers: response.headers,
    text: await response.text(),
  };
}

describe("the route list", () => {
  it("has an access rule for every page and route handler under app/", () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThan(20);
    const missing = files.filter((file) => !(file in RULES));
    expect(missing, `${missing.join(", ")}: a route without an authorisation rule. ${ADD_A_RULE}.`).toEqual([]);
    const stale = Object.keys(RULES).filter((file) => !files.includes(file));
    expect(stale, `rules for routes that no longer exist: remove them from RULES in test/auth/routes.test.ts`).toEqual(
      [],
    );
  });

  it("declares every HTTP method each route handler exports", () => {
    for (const file of routeFiles().filter((candidate) => candidate.endsWith("route.ts"))) {
      const rule = RULES[file];
      if (!rule || !("methods" in rule)) continue;
      expect(exportedMethods(file), `${file} exports methods its rule does not list. ${ADD_A_RULE}.`).toEqual(
        [...rule.methods].sort(),
      );
    }
  });
});

const pageFiles = Object.entries(RULES).filter(([, rule]) => rule.kind.endsWith("page")) as [
  string,
  Extract<Rule, { kind: `${string}page` }>,
][];

describe.each(pageFiles)("page %s", (file, rule) => {
  it("follows its rule signed out, as the admin, the owner and another instructor", async () => {
    const url = urlOf(file, ids);
    const signedOut = await get(url);
    if (rule.kind === "public-page") {
      expect(signedOut.status, url).toBe(200);
      return;
    }
    expect(signedOut.status, `${url} signed out`).toBe(307);
    expect(signedOut.location, `${url} signed out`).toMatch(/^(https?:\/\/[^/]+)?\/login(\?|$)/);

    const asAdmin = await get(url, { cookie: fixture.admin.cookie });
    expect(asAdmin.status, `${url} as admin`).toBe(200);
    // Security headers on every page (next.config.js).
    expect(asAdmin.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(asAdmin.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(asAdmin.headers.get("x-content-type-options")).toBe("nosniff");
    expect(asAdmin.headers.get("referrer-policy")).toBeTruthy();
    expect(asAdmin.headers.get("x-frame-options")).toBe("DENY");

    const asOwner = await get(url, { cookie: fixture.owner.cookie });
    const asStranger = await get(url, { cookie: fixture.stranger.cookie });
    if (rule.kind === "admin-page") {
      expect(asOwner.status, `${url} as an instructor`).toBe(404);
      expect(asStranger.status, `${url} as an instructor`).toBe(404);
    } else if (rule.kind === "scoped-page") {
      expect(asOwner.status, `${url} as its instructor`).toBe(200);
      expect(asStranger.status, `${url} as another instructor`).toBe(404);
      // The seeded demo course belongs to neither: 404 for both, 200 for the admin.
      const demoUrl = urlOf(file, demoIds);
      expect(
        (await get(demoUrl, { cookie: fixture.owner.cookie })).status,
        `${demoUrl} as another course's instructor`,
      ).toBe(404);
      expect((await get(demoUrl, { cookie: fixture.admin.cookie })).status, `${demoUrl} as admin`).toBe(200);
      // An id that does not exist answers the same 404.
      expect(
        (
          await get(urlOf(file, { courseId: "nope", sessionId: "nope", studentId: "nope" }), {
            cookie: fixture.owner.cookie,
          })
        ).status,
      ).toBe(404);
    } else {
      expect(asOwner.status, `${url} as an instructor`).toBe(200);
    }
  });
});

const apiFiles = Object.entries(RULES).filter(([, rule]) => !rule.kind.endsWith("page")) as [
  string,
  Exclude<Rule, { kind: `${string}page` }>,
][];

describe.each(apiFiles)("route %s", (file, rule) => {
  it("follows its rule", async () => {
    if (rule.kind === "open") {
      const answer = await get(rule.check.path, {}, rule.check.method);
      expect(answer.status, `${rule.check.method} ${rule.check.path} (${rule.why})`).toBe(rule.check.status);
      return;
    }
    const query = rule.kind === "api" ? (rule.query ?? "") : "";
    const url = urlOf(file, ids, query);
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    for (const method of rule.methods) {
      const anonymous = await get(url, {}, method);
      expect(anonymous.status, `${method} ${url} without credentials`).toBe(401);
      expect(anonymous.headers.get("content-type")).toContain("application/json");
      if (rule.kind === "cookie-api") {
        expect(
          (await get(url, { cookie: fixture.owner.cookie }, method)).status,
          `${method} ${url} as its instructor`,
        ).toBe(200);
        expect((await get(url, { cookie: fixture.admin.cookie }, method)).status, `${method} ${url} as admin`).toBe(
          200,
        );
        expect(
          (await get(url, { cookie: fixture.stranger.cookie }, method)).status,
          `${method} ${url} as another instructor`,
        ).toBe(404);
        expect(
          (await get(urlOf(file, demoIds), { cookie: fixture.owner.cookie }, method)).status,
          `${method} demo session as another course's instructor`,
        ).toBe(404);
        continue;
      }
      // A dashboard cookie never authorises a change through the API (no CSRF through the API),
      // and reads only where the rule says so (download links).
      const withCookie = await get(url, { cookie: fixture.admin.cookie }, method);
      if (method === "GET" && rule.cookie)
        expect(withCookie.status, `${method} ${url} with the admin's cookie`).toBe(200);
      else expect(withCookie.status, `${method} ${url} with a cookie but no token`).toBe(401);

      const strangerAnswer = await get(url, bearer(fixture.stranger.token), method);
      if (rule.adminOnly) expect(strangerAnswer.status, `${method} ${url} with an instructor's token`).toBe(403);
      else if (rule.scope) expect(strangerAnswer.status, `${method} ${url} with another instructor's token`).toBe(404);
      if (method === "GET") {
        expect((await get(url, bearer(fixture.admin.token))).status, `GET ${url} with the admin's token`).toBe(200);
        const ownerAnswer = await get(url, bearer(fixture.owner.token));
        expect(ownerAnswer.status, `GET ${url} with the owner's token`).toBe(rule.adminOnly ? 403 : 200);
        if (rule.scope && !rule.adminOnly) {
          expect(
            (await get(urlOf(file, demoIds, query), bearer(fixture.owner.token))).status,
            `GET demo ${url} with another course's token`,
          ).toBe(404);
        }
      }
    }
  });
});

describe("server actions", () => {
  it("all exist in the build and each sends a signed-out caller to /login before doing anything", async () => {
    const actions = serverActions();
    expect(actions.length).toBeGreaterThan(5);
    for (const action of actions) {
      const page = action.pages[0];
      const pageUrl = pagePathFor(page, ids);
      const answer = await callAction(pageUrl, action.id, { args: [fixture.studentId, {}, "x"] });
      expect(
        answer.redirect ?? `${answer.status} ${answer.text.slice(0, 200)}`,
        `${action.exportedName} (${action.filename}) signed out`,
      ).toMatch(/^\/login/);
    }
    // Nothing changed: the fixture's student is still there.
    expect(await prisma.student.findUnique({ where: { id: fixture.studentId } })).not.toBeNull();
  });

  it("every action file checks the user first", () => {
    const files = ["app", "lib", "components"].flatMap((directory) => findActionFiles(directory));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const source = fs.readFileSync(file, "utf8");
      for (const match of source.matchAll(/export\s+async\s+function\s+(\w+)\s*\([^)]*\)[^{]*\{([\s\S]*?)\n\}/g)) {
        const firstStatement = match[2].trim().split("\n")[0];
        expect(
          firstStatement,
          `${file}: ${match[1]} must begin with requireUser()/requireAdmin() or a helper that calls it`,
        ).toMatch(/require\w*\(/);
      }
    }
  });
});

function findActionFiles(directory: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "generated" && entry.name !== "node_modules") found.push(...findActionFiles(full));
    } else if (
      /\.(ts|tsx)$/.test(entry.name) &&
      /^(\s*\/\/.*\n)*\s*["']use server["']/.test(fs.readFileSync(full, "utf8"))
    ) {
      found.push(full);
    }
  }
  return found;
}
