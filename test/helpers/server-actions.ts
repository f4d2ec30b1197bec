// Shared set-up for the access tests (test/auth) that run against the shared test server (TEST_BASE_URL):
// three users of their own (an admin, an instructor who owns a course, another instructor), each
// with an API token and a dashboard cookie, and the owner's course, session and student. Server
// actions are called over HTTP the way the browser calls them (the Next-Action header).
import fs from "node:fs";
import path from "node:path";
import { prisma } from "../../lib/db";
import { baseUrl } from "./server";
import { createUserWithToken, signIn, unique, type TestUser } from "./fixtures";

export interface Actor extends TestUser {
  cookie: string;
}

export interface Fixture {
  admin: Actor;
  owner: Actor;
  stranger: Actor;
  courseId: string;
  sessionId: string;
  studentId: string;
}

async function actor(role: "admin" | "instructor", label: string): Promise<Actor> {
  const user = await createUserWithToken(role, label);
  return { ...user, cookie: await signIn(user.email, user.password) };
}

/** Users, tokens, cookies and a course of the owner with one session and two students. */
export async function createFixture(label: string): Promise<Fixture> {
  const [admin, owner, stranger] = await Promise.all([
    actor("admin", `${label}-admin`),
    actor("instructor", `${label}-owner`),
    actor("instructor", `${label}-stranger`),
  ]);
  const course = await prisma.course.create({
    data: {
      name: unique(`Access ${label}`),
      timezone: "UTC",
      notifyLateJoiners: false,
      instructors: { create: [{ userId: owner.id }] },
    },
  });
  const session = await prisma.session.create({
    data: {
      courseId: course.id,
      zoomMeetingId: String(80_000_000_000 + Math.floor(Math.random() * 9_999_999_999)),
      startsAt: new Date(Date.now() - 30 * 60_000),
      durationMinutes: 60,
    },
  });
  const email = `${unique("student")}@access-tests.example`;
  const student = await prisma.student.create({
    data: { courseId: course.id, name: "Access Student", email, emailNormalized: email },
  });
  const spare = `${unique("spare")}@access-tests.example`;
  await prisma.student.create({
    data: { courseId: course.id, name: "Spare Student", email: spare, emailNormalized: spare },
  });
  return { admin, owner, stranger, courseId: course.id, sessionId: session.id, studentId: student.id };
}

export interface ActionEntry {
  id: string;
  filename: string;
  exportedName: string;
  /** the pages whose bundle holds the action, e.g. "app/(dashboard)/students/[studentId]/page" */
  pages: string[];
}

/** Every server action of the production build the test server runs (NEXT_DIST_DIR). */
export function serverActions(): ActionEntry[] {
  const file = path.resolve(process.env.NEXT_DIST_DIR || ".next", "server", "server-reference-manifest.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as {
    node: Record<string, { filename: string; exportedName: string; workers: Record<string, unknown> }>;
  };
  return Object.entries(manifest.node).map(([id, entry]) => ({
    id,
    filename: entry.filename,
    exportedName: entry.exportedName,
    pages: Object.keys(entry.workers),
  }));
}

export function serverAction(exportedName: string): ActionEntry {
  const found = serverActions().find((entry) => entry.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in the build: rebuild (SKIP_BUILD unset)`);
  return found;
}

export interface ActionAnswer {
  status: number;
  redirect: string | null;
  text: string;
}

/**
 * Calls a server action as React's client does: POST to a page with `Next-Action`, the arguments
 * in React's reply encoding (a FormData argument's fields are sent as `_<n>_<name>` before the root).
 */
export async function callAction(
  pagePath: string,
  actionId: string,
  options: { cookie?: string; origin?: string | null; args: unknown[]; form?: Record<string, string> },
): Promise<ActionAnswer> {
  const headers: Record<string, string> = { "next-action": actionId, accept: "text/x-component" };
  if (options.cookie) headers.cookie = options.cookie;
  const origin = options.origin === undefined ? baseUrl() : options.origin;
  if (origin !== null) headers.origin = origin;
  let body: string | FormData;
  if (options.form) {
    const formData = new FormData();
    for (const [name, value] of Object.entries(options.form)) formData.append(`_1_${name}`, value);
    formData.append("0", JSON.stringify(options.args));
    body = formData;
  } else {
    headers["content-type"] = "text/plain;charset=UTF-8";
    body = JSON.stringify(options.args);
  }
  const response = await fetch(`${baseUrl()}${pagePath}`, { method: "POST", redirect: "manual", headers, body });
  return { status: response.status, redirect: response.headers.get("x-action-redirect"), text: await response.text() };
}

/** "app/(dashboard)/students/[studentId]/page" → "/students/<id>" with the fixture's ids. */
export function pagePathFor(page: string, ids: Record<string, string>): string {
  const segments = page
    .replace(/^app\//, "")
    .replace(/\/?page$/, "")
    .split("/")
    .filter((segment) => segment !== "" && !/^\(.*\)$/.test(segment))
    .map((segment) => {
      const param = /^\[(.+)\]$/.exec(segment);
      if (!param) return segment;
      const value = ids[param[1].replace(/^\.\.\./, "")];
      if (!value) throw new Error(`no id for the dynamic segment ${segment} of ${page}`);
      return value;
    });
  return "/" + segments.join("/");
}
