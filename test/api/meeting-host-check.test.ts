// The Zoom host check of a new session (README "Who may see a meeting"): with Zoom API credentials a
// real server asks the faithful fake Zoom (test/helpers/fake-zoom.ts) for GET /meetings/{id} and
// accepts an instructor's session only when the meeting's host_email is one of the course's
// instructors'. A mismatch or an unknown meeting is 422; Zoom down or rate-limiting is a clear 503,
// never a silent yes; admins may override with skipHostCheck.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { startServer, type RunningServer } from "../helpers/server";
import { FakeZoom } from "../helpers/fake-zoom";
import { createUserWithToken, randomMeetingId, unique, type TestUser } from "../helpers/fixtures";

const fake = new FakeZoom();
let server: RunningServer;
let teacher: TestUser;
let admin: TestUser;
let courseId: string;
let prisma: (typeof import("../../lib/db"))["prisma"];

async function post(path: string, token: string, body: unknown) {
  const response = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: JSON.parse(text) as { id?: string; error?: { code: string; message: string } },
  };
}

const createSession = (token: string, zoomMeetingId: string, extra: Record<string, unknown> = {}) =>
  post(`/api/v1/courses/${courseId}/sessions`, token, {
    zoomMeetingId,
    startsAt: "2026-12-14T17:00:00Z",
    durationMinutes: 60,
    ...extra,
  });

beforeAll(async () => {
  const databaseUrl = await useFreshDatabase("host_check");
  ({ prisma } = await import("../../lib/db"));
  await fake.start();
  server = await startServer({ databaseUrl, env: { ...fake.env(), WORKER: "off" } });
  [teacher, admin] = await Promise.all([
    createUserWithToken("instructor", "host-teacher"),
    createUserWithToken("admin", "host-admin"),
  ]);
  const course = await post("/api/v1/courses", teacher.token, { name: unique("Hosted course"), timezone: "UTC" });
  expect(course.status).toBe(201);
  courseId = course.json.id!;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await fake.stop();
  await prisma?.$disconnect();
});

describe("the Zoom host check of a new session", () => {
  it("accepts a meeting Zoom says one of the course's instructors hosts (email case ignored)", async () => {
    const meetingId = randomMeetingId();
    fake.addMeeting({ meetingId, hostEmail: teacher.email.toUpperCase(), approvalType: 2 });
    const answer = await createSession(teacher.token, meetingId);
    expect(answer.status).toBe(201);
    expect(fake.requestsTo(new RegExp(`^/v2/meetings/${meetingId}$`))).toEqual([
      expect.objectContaining({ method: "GET", status: 200 }),
    ]);
  });

  it("refuses a meeting hosted by someone else with 422, naming the host problem but not the host", async () => {
    const meetingId = randomMeetingId();
    fake.addMeeting({ meetingId, hostEmail: "another.teacher@school.example" });
    const answer = await createSession(teacher.token, meetingId);
    expect(answer.status).toBe(422);
    expect(answer.json.error?.code).toBe("meeting_host_mismatch");
    expect(answer.json.error?.message).toMatch(/hosted by an account that is not an instructor of this course/);
    expect(answer.json.error?.message).toMatch(/admin/);
    expect(answer.text).not.toContain("another.teacher");
    expect(await prisma.session.count({ where: { zoomMeetingId: meetingId } })).toBe(0);
    expect(await prisma.meetingCourse.count({ where: { zoomMeetingId: meetingId } })).toBe(0);

    // Admins are checked too, and may override on purpose; instructors may not.
    expect((await createSession(admin.token, meetingId)).status).toBe(422);
    const instructorOverride = await createSession(teacher.token, meetingId, { skipHostCheck: true });
    expect(instructorOverride.status).toBe(403);
    const overridden = await createSession(admin.token, meetingId, { skipHostCheck: true });
    expect(overridden.status).toBe(201);
    expect(await prisma.meetingCourse.count({ where: { zoomMeetingId: meetingId, courseId } })).toBe(1);
  });

  it("refuses a meeting Zoom does not know (404 code 3001) with 422", async () => {
    const answer = await createSession(teacher.token, randomMeetingId());
    expect(answer.status).toBe(422);
    expect(answer.json.error?.code).toBe("meeting_not_on_zoom");
    expect(answer.json.error?.message).toMatch(/does not exist/);
  });

  it("never accepts silently when Zoom cannot be reached: 5xx and 429 are a clear 503", async () => {
    const down = randomMeetingId();
    fake.addMeeting({ meetingId: down, hostEmail: teacher.email });
    fake.failNext(new RegExp(`^/v2/meetings/${down}$`), [{ status: 503 }, { status: 503 }]);
    const answer = await createSession(teacher.token, down);
    expect(answer.status).toBe(503);
    expect(answer.json.error?.code).toBe("zoom_unreachable");
    expect(answer.json.error?.message).toMatch(/Zoom could not be reached/);
    expect(answer.json.error?.message).toMatch(/admin/);
    expect(await prisma.session.count({ where: { zoomMeetingId: down } })).toBe(0);

    const limited = randomMeetingId();
    fake.addMeeting({ meetingId: limited, hostEmail: teacher.email });
    fake.failNext(new RegExp(`^/v2/meetings/${limited}$`), [
      { status: 429, retryAfter: "1" },
      { status: 429, retryAfter: "1" },
    ]);
    const rateLimited = await createSession(teacher.token, limited);
    expect(rateLimited.status).toBe(503);
    expect(rateLimited.json.error?.code).toBe("zoom_unreachable");
    expect(rateLimited.headers.get("retry-after")).toBe("60");
    expect(await prisma.session.count({ where: { zoomMeetingId: limited } })).toBe(0);

    // Once Zoom answers again, the same request goes through.
    expect((await createSession(teacher.token, limited)).status).toBe(201);
  });
});
