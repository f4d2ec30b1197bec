// The public API's contract (docs/api.md): every route, its statuses
// and its fields, against the real server and Postgres.
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { API_RATE_LIMIT } from "../../lib/api/auth";
import { baseUrl } from "../helpers/server";
import {
  call,
  createUserWithToken,
  errorCode,
  unique,
  connectToServerDatabase,
  type TestUser,
} from "../helpers/fixtures";

connectToServerDatabase();

let admin: TestUser;
let teacher: TestUser;
let otherTeacher: TestUser;

beforeAll(async () => {
  [admin, teacher, otherTeacher] = await Promise.all([
    createUserWithToken("admin", "contract-admin"),
    createUserWithToken("instructor", "contract-teacher"),
    createUserWithToken("instructor", "contract-other"),
  ]);
});

async function createCourse(user: TestUser, body: Record<string, unknown> = {}) {
  const answer = await call("POST", "/api/v1/courses", {
    token: user.token,
    body: { name: unique("Course"), timezone: "America/Los_Angeles", ...body },
  });
  expect(answer.status).toBe(201);
  return answer.json as { id: string; name: string; timezone: string };
}

describe("errors", () => {
  it("are JSON {error: {code, message}}, also for unknown API routes", async () => {
    const answer = await call("GET", "/api/v1/no-such-thing", { token: teacher.token });
    expect(answer.status).toBe(404);
    expect(answer.headers.get("content-type")).toContain("application/json");
    expect(answer.json).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answer 401 with a WWW-Authenticate challenge when the token is missing", async () => {
    const answer = await call("GET", "/api/v1/courses");
    expect(answer.status).toBe(401);
    expect(answer.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(answer.json).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("answer 429 with Retry-After past the per-token rate limit", async () => {
    const limited = await createUserWithToken("instructor", "contract-limited");
    // Fill this token's window as if it had made API_RATE_LIMIT requests just now.
    await prisma.rateLimit.upsert({
      where: { key: `api:token:${limited.tokenId}` },
      create: { key: `api:token:${limited.tokenId}`, windowStart: new Date(), count: API_RATE_LIMIT },
      update: { windowStart: new Date(), count: API_RATE_LIMIT },
    });
    const answer = await call("GET", "/api/v1/courses", { token: limited.token });
    expect(answer.status).toBe(429);
    expect(errorCode(answer)).toBe("rate_limited");
    expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(answer.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    // Other tokens are not affected.
    expect((await call("GET", "/api/v1/courses", { token: teacher.token })).status).toBe(200);
  });
});

describe("tokens", () => {
  it("record when they were last used", async () => {
    const fresh = await createUserWithToken("instructor", "contract-last-use");
    expect((await prisma.apiToken.findUniqueOrThrow({ where: { id: fresh.tokenId } })).lastUsedAt).toBeNull();
    const before = Date.now();
    expect((await call("GET", "/api/v1/courses", { token: fresh.token })).status).toBe(200);
    const used = await prisma.apiToken.findUniqueOrThrow({ where: { id: fresh.tokenId } });
    expect(used.lastUsedAt?.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it("are stored hashed, never in clear", async () => {
    const stored = await prisma.apiToken.findUniqueOrThrow({ where: { id: teacher.tokenId } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(teacher.token);
  });
});

describe("POST /api/v1/courses", () => {
  it("creates a course: 201 {id, name, timezone}, and its instructor teaches it", async () => {
    const name = unique("Data Science 101");
    const answer = await call("POST", "/api/v1/courses", {
      token: teacher.token,
      body: { name: `  ${name} `, timezone: "America/Los_Angeles" },
    });
    expect(answer.status).toBe(201);
    const course = answer.json as { id: string };
    expect(answer.json).toEqual({ id: expect.any(String), name, timezone: "America/Los_Angeles" });
    expect(answer.headers.get("location")).toBe(`/api/v1/courses/${course.id}`);
    const instructors = await prisma.courseInstructor.findMany({ where: { courseId: course.id } });
    expect(instructors.map((row) => row.userId)).toEqual([teacher.id]);
  });

  it("defaults the time zone to UTC", async () => {
    const answer = await call("POST", "/api/v1/courses", { token: teacher.token, body: { name: unique("No zone") } });
    expect(answer.status).toBe(201);
    expect((answer.json as { timezone: string }).timezone).toBe("UTC");
  });

  it("lets an admin create a course without becoming its instructor", async () => {
    const course = await createCourse(admin);
    expect(await prisma.courseInstructor.count({ where: { courseId: course.id } })).toBe(0);
  });

  it("answers 422 with the issues when values are wrong", async () => {
    const badZone = await call("POST", "/api/v1/courses", {
      token: teacher.token,
      body: { name: "X", timezone: "Mars/Olympus" },
    });
    expect(badZone.status).toBe(422);
    expect(badZone.json).toEqual({
      error: {
        code: "validation_failed",
        message: expect.stringContaining("timezone"),
        issues: [{ path: "timezone", message: expect.stringContaining("IANA") }],
      },
    });
    const noName = await call("POST", "/api/v1/courses", { token: teacher.token, body: { timezone: "UTC" } });
    expect(noName.status).toBe(422);
    expect((noName.json as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("name");
    const notAnObject = await call("POST", "/api/v1/courses", { token: teacher.token, body: [1, 2] });
    expect(notAnObject.status).toBe(422);
  });

  it("answers 400 when the body is not JSON at all", async () => {
    const malformed = await call("POST", "/api/v1/courses", { token: teacher.token, body: '{"name": "X",' });
    expect(malformed.status).toBe(400);
    expect(errorCode(malformed)).toBe("invalid_json");
    const empty = await call("POST", "/api/v1/courses", { token: teacher.token, body: "" });
    expect(empty.status).toBe(400);
    expect(errorCode(empty)).toBe("invalid_json");
  });

  it("answers 415 for a body that is not JSON by its Content-Type", async () => {
    const answer = await call("POST", "/api/v1/courses", {
      token: teacher.token,
      body: "name=X",
      contentType: "application/x-www-form-urlencoded",
    });
    expect(answer.status).toBe(415);
    expect(errorCode(answer)).toBe("unsupported_media_type");
  });

  it("answers 413 for a body over 5 MiB, announced or chunked", async () => {
    const huge = JSON.stringify({ name: "x".repeat(5 * 1024 * 1024 + 10) });
    const announced = await call("POST", "/api/v1/courses", { token: teacher.token, body: huge });
    expect(announced.status).toBe(413);
    expect(errorCode(announced)).toBe("payload_too_large");

    const chunk = new TextEncoder().encode("x".repeat(1024 * 1024));
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 7) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${baseUrl()}/api/v1/courses`, {
      method: "POST",
      headers: { authorization: `Bearer ${teacher.token}`, "content-type": "application/json" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    // The connection is closed rather than left with an unread body: the next request is answered.
    expect(response.headers.get("connection")).toBe("close");
    expect((await call("GET", "/api/v1/courses", { token: teacher.token })).status).toBe(200);
  });
});

describe("GET /api/v1/courses", () => {
  it("lists an instructor's own courses only, and every course for an admin", async () => {
    const mine = await createCourse(teacher);
    const theirs = await createCourse(otherTeacher);
    const forTeacher = await call("GET", "/api/v1/courses", { token: teacher.token });
    expect(forTeacher.status).toBe(200);
    const teacherCourses = (forTeacher.json as { courses: { id: string }[] }).courses;
    expect(teacherCourses).toContainEqual({ id: mine.id, name: mine.name, timezone: "America/Los_Angeles" });
    expect(teacherCourses.map((course) => course.id)).not.toContain(theirs.id);
    const owned = await prisma.courseInstructor.findMany({ where: { userId: teacher.id } });
    expect(new Set(teacherCourses.map((course) => course.id))).toEqual(new Set(owned.map((row) => row.courseId)));

    const forAdmin = await call("GET", "/api/v1/courses", { token: admin.token });
    const adminIds = (forAdmin.json as { courses: { id: string }[] }).courses.map((course) => course.id);
    expect(adminIds).toEqual(expect.arrayContaining([mine.id, theirs.id]));
    const demoCourses = await prisma.course.findMany({ where: { name: { endsWith: "(demo)" } }, select: { id: true } });
    expect(adminIds).toEqual(expect.arrayContaining(demoCourses.map((course) => course.id)));
  });
});

describe("POST /api/v1/courses/{courseId}/students", () => {
  it("upserts a JSON roster by email, case-insensitively: 200 {created, updated}", async () => {
    const course = await createCourse(teacher);
    const path = `/api/v1/courses/${course.id}/students`;
    const first = await call("POST", path, {
      token: teacher.token,
      body: {
        students: [
          { name: "Ana Lima", email: "ana@school.example", zoomRegistrantId: "reg-1" },
          { name: "Ben Okafor", email: "ben@school.example" },
        ],
      },
    });
    expect(first.status).toBe(200);
    expect(first.json).toEqual({ created: 2, updated: 0 });
    const second = await call("POST", path, {
      token: teacher.token,
      body: {
        students: [
          { name: "Ana Lima-Souza", email: " ANA@School.Example " },
          { name: "Chen Wei", email: "chen@school.example" },
        ],
      },
    });
    expect(second.json).toEqual({ created: 1, updated: 1 });
    const listed = await call("GET", path, { token: teacher.token });
    expect(listed.status).toBe(200);
    expect(listed.json).toEqual({
      students: [
        // zoomRegistrantId left out of an update keeps the stored one.
        {
          id: expect.any(String),
          name: "Ana Lima-Souza",
          email: "ANA@School.Example",
          zoomRegistrantId: "reg-1",
          enrolledAt: expect.any(String),
          sisId: null,
          phone: null,
        },
        {
          id: expect.any(String),
          name: "Ben Okafor",
          email: "ben@school.example",
          zoomRegistrantId: null,
          enrolledAt: expect.any(String),
          sisId: null,
          phone: null,
        },
        {
          id: expect.any(String),
          name: "Chen Wei",
          email: "chen@school.example",
          zoomRegistrantId: null,
          enrolledAt: expect.any(String),
          sisId: null,
          phone: null,
        },
      ],
    });
    // An explicit null clears it.
    const cleared = await call("POST", path, {
      token: teacher.token,
      body: { students: [{ name: "Ana Lima-Souza", email: "ana@school.example", zoomRegistrantId: null }] },
    });
    expect(cleared.json).toEqual({ created: 0, updated: 1 });
    const after = await call("GET", path, { token: teacher.token });
    expect(
      (after.json as { students: { zoomRegistrantId: string | null }[] }).students[0]!.zoomRegistrantId,
    ).toBeNull();
  });

  it("takes text/csv with header name,email[,zoom_registrant_id] (a byte-order mark is fine)", async () => {
    const course = await createCourse(teacher);
    const csv =
      '\uFEFFname,email,zoom_registrant_id\r\n"Lima, Ana",ana@school.example,reg-1\r\n"Zoë ""Z"" Ñandú",zoe@school.example,\r\n';
    const answer = await call("POST", `/api/v1/courses/${course.id}/students`, {
      token: teacher.token,
      body: csv,
      contentType: "text/csv; charset=utf-8",
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ created: 2, updated: 0 });
    const students = await prisma.student.findMany({ where: { courseId: course.id }, orderBy: { name: "asc" } });
    expect(students.map((student) => [student.name, student.zoomRegistrantId])).toEqual([
      ["Lima, Ana", "reg-1"],
      ['Zoë "Z" Ñandú', null],
    ]);
  });

  it("refuses a CSV with bad rows whole: 422 with every row's problem, nothing stored", async () => {
    const course = await createCourse(teacher);
    const csv = "name,email\nAna,ana@school.example\nBen,not-an-email\n,chen@school.example\nDana,ANA@school.example\n";
    const answer = await call("POST", `/api/v1/courses/${course.id}/students`, {
      token: teacher.token,
      body: csv,
      contentType: "text/csv",
    });
    expect(answer.status).toBe(422);
    const error = (
      answer.json as { error: { code: string; message: string; rows: { row: number; message: string }[] } }
    ).error;
    expect(error.code).toBe("invalid_roster");
    expect(error.message).toContain("nothing was stored");
    expect(error.rows.map((row) => row.row)).toEqual([3, 4, 5]);
    expect(error.rows[0].message).toContain("email");
    expect(await prisma.student.count({ where: { courseId: course.id } })).toBe(0);
  });

  it("answers 422 for a CSV without name/email header or without students", async () => {
    const course = await createCourse(teacher);
    const path = `/api/v1/courses/${course.id}/students`;
    const noHeader = await call("POST", path, {
      token: teacher.token,
      body: "full_name,mail\nAna,ana@school.example\n",
      contentType: "text/csv",
    });
    expect(noHeader.status).toBe(422);
    expect((noHeader.json as { error: { rows: { row: number }[] } }).error.rows[0].row).toBe(1);
    const headerOnly = await call("POST", path, {
      token: teacher.token,
      body: "name,email\n",
      contentType: "text/csv",
    });
    expect(headerOnly.status).toBe(422);
  });

  it("answers 400 for a CSV that cannot be read (an unclosed quote)", async () => {
    const course = await createCourse(teacher);
    const answer = await call("POST", `/api/v1/courses/${course.id}/students`, {
      token: teacher.token,
      body: 'name,email\n"Ana,ana@school.example\n',
      contentType: "text/csv",
    });
    expect(answer.status).toBe(400);
    expect(errorCode(answer)).toBe("invalid_csv");
  });

  it("answers 422 for JSON rosters that break the rules, and 415 for other formats", async () => {
    const course = await createCourse(teacher);
    const path = `/api/v1/courses/${course.id}/students`;
    const badEmail = await call("POST", path, {
      token: teacher.token,
      body: { students: [{ name: "Ana", email: "nope" }] },
    });
    expect(badEmail.status).toBe(422);
    expect((badEmail.json as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("students.0.email");
    const duplicate = await call("POST", path, {
      token: teacher.token,
      body: {
        students: [
          { name: "Ana", email: "ana@school.example" },
          { name: "Ana 2", email: "Ana@School.example" },
        ],
      },
    });
    expect(duplicate.status).toBe(422);
    expect((duplicate.json as { error: { issues: { path: string }[] } }).error.issues[0].path).toBe("students.1.email");
    expect((await call("POST", path, { token: teacher.token, body: { students: [] } })).status).toBe(422);
    expect(
      (await call("POST", path, { token: teacher.token, body: "name,email", contentType: "text/plain" })).status,
    ).toBe(415);
    expect(await prisma.student.count({ where: { courseId: course.id } })).toBe(0);
  });
});

describe("POST /api/v1/courses/{courseId}/sessions", () => {
  it("schedules a session: 201 {id, ...} with the defaults filled in", async () => {
    const course = await createCourse(teacher);
    const answer = await call("POST", `/api/v1/courses/${course.id}/sessions`, {
      token: teacher.token,
      body: { zoomMeetingId: "977 1197 6123", startsAt: "2026-11-25T09:00:00-08:00", durationMinutes: 180 },
    });
    expect(answer.status).toBe(201);
    const session = answer.json as { id: string };
    expect(answer.json).toEqual({
      id: expect.any(String),
      courseId: course.id,
      title: null,
      zoomMeetingId: "97711976123",
      joinUrl: null,
      startsAt: "2026-11-25T17:00:00.000Z",
      durationMinutes: 180,
      lateAfterMinutes: 5,
      requiredPercent: 90,
      cancelled: false,
      cancelledAt: null,
      cancelNote: null,
    });
    expect(answer.headers.get("location")).toBe(`/api/v1/sessions/${session.id}/attendance`);
  });

  it("keeps lateAfterMinutes and requiredPercent when given", async () => {
    const course = await createCourse(teacher);
    const answer = await call("POST", `/api/v1/courses/${course.id}/sessions`, {
      token: teacher.token,
      body: {
        zoomMeetingId: 97711976124,
        startsAt: "2026-11-26T17:00:00Z",
        durationMinutes: 60,
        lateAfterMinutes: 10,
        requiredPercent: 75,
        title: "Lab",
      },
    });
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({
      zoomMeetingId: "97711976124",
      lateAfterMinutes: 10,
      requiredPercent: 75,
      title: "Lab",
    });
  });

  it("answers 409 for the same meeting at the same time again", async () => {
    const course = await createCourse(teacher);
    const body = { zoomMeetingId: "97711976125", startsAt: "2026-11-27T17:00:00Z", durationMinutes: 60 };
    const first = await call("POST", `/api/v1/courses/${course.id}/sessions`, { token: teacher.token, body });
    const again = await call("POST", `/api/v1/courses/${course.id}/sessions`, {
      token: teacher.token,
      body: { ...body, startsAt: "2026-11-27T09:00:00-08:00" },
    });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({
      error: { code: "conflict", message: expect.any(String), existingId: (first.json as { id: string }).id },
    });
    expect(await prisma.session.count({ where: { courseId: course.id } })).toBe(1);
  });

  it("answers 422 for impossible sessions", async () => {
    const course = await createCourse(teacher);
    const path = `/api/v1/courses/${course.id}/sessions`;
    const cases: [Record<string, unknown>, string][] = [
      [
        { zoomMeetingId: "97711976126", startsAt: "2026-11-27T17:00:00Z", durationMinutes: 60, lateAfterMinutes: 60 },
        "lateAfterMinutes",
      ],
      [{ zoomMeetingId: "97711976126", startsAt: "2026-11-27T17:00:00", durationMinutes: 60 }, "startsAt"],
      [{ zoomMeetingId: "12", startsAt: "2026-11-27T17:00:00Z", durationMinutes: 60 }, "zoomMeetingId"],
      [{ zoomMeetingId: "97711976126", startsAt: "2026-11-27T17:00:00Z", durationMinutes: 0 }, "durationMinutes"],
      [
        { zoomMeetingId: "97711976126", startsAt: "2026-11-27T17:00:00Z", durationMinutes: 60, requiredPercent: 101 },
        "requiredPercent",
      ],
    ];
    for (const [body, field] of cases) {
      const answer = await call("POST", path, { token: teacher.token, body });
      expect(answer.status, field).toBe(422);
      expect(
        (answer.json as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path),
      ).toContain(field);
    }
  });

  it("lists sessions by start, narrowed by local days", async () => {
    const course = await createCourse(teacher);
    const path = `/api/v1/courses/${course.id}/sessions`;
    // 23:30 on 2026-11-24 in Los Angeles is already 2026-11-25 in UTC.
    for (const startsAt of ["2026-11-24T23:30:00-08:00", "2026-11-23T09:00:00-08:00", "2026-11-26T09:00:00-08:00"]) {
      expect(
        (
          await call("POST", path, {
            token: teacher.token,
            body: { zoomMeetingId: "97711976127", startsAt, durationMinutes: 60 },
          })
        ).status,
      ).toBe(201);
    }
    const all = await call("GET", path, { token: teacher.token });
    expect((all.json as { sessions: { startsAt: string }[] }).sessions.map((session) => session.startsAt)).toEqual([
      "2026-11-23T17:00:00.000Z",
      "2026-11-25T07:30:00.000Z",
      "2026-11-26T17:00:00.000Z",
    ]);
    const narrowed = await call("GET", `${path}?from=2026-11-24&to=2026-11-24`, { token: teacher.token });
    expect((narrowed.json as { sessions: { startsAt: string }[] }).sessions.map((session) => session.startsAt)).toEqual(
      ["2026-11-25T07:30:00.000Z"],
    );
    const bad = await call("GET", `${path}?from=yesterday`, { token: teacher.token });
    expect(bad.status).toBe(400);
    expect(errorCode(bad)).toBe("invalid_query");
  });
});

describe("CSV export queries", () => {
  it("answer 400 for missing, half-given or wrong from/to", async () => {
    const course = await createCourse(teacher);
    for (const query of [
      "?from=2026-11-01",
      "?to=2026-11-01",
      "?from=2026-11-01&to=2026-13-01",
      "?from=2026-11-02&to=2026-11-01",
      "?from=11/01/2026&to=2026-11-02",
    ]) {
      const answer = await call("GET", `/api/v1/courses/${course.id}/attendance.csv${query}`, { token: teacher.token });
      expect(answer.status, query).toBe(400);
      expect(errorCode(answer)).toBe("invalid_query");
      expect((answer.json as { error: { issues: unknown[] } }).error.issues.length).toBeGreaterThan(0);
    }
    // Every course at once always needs a range.
    for (const query of ["", "?from=2026-11-01", "?from=2026-11-01&to=2026-13-01", "?from=2026-11-02&to=2026-11-01"]) {
      const all = await call("GET", `/api/v1/attendance.csv${query}`, { token: admin.token });
      expect(all.status, query).toBe(400);
      expect(errorCode(all)).toBe("invalid_query");
    }
  });
});
