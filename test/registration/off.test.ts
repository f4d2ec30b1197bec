// POST /api/v1/sessions/{id}/registrants on the shared test server, which runs without Zoom API
// credentials: 409 saying what to configure, and the usual access rules.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { createApiToken } from "../../lib/services/tokens";
import { connectToServerDatabase } from "../helpers/fixtures";
import { baseUrl } from "../helpers/server";
import { uniqueMeetingId } from "../helpers/zoom";

async function tokenFor(role: "admin" | "instructor"): Promise<string> {
  const user = await prisma.user.create({
    data: {
      email: `registrants-${role}-${crypto.randomBytes(4).toString("hex")}@example.test`,
      name: `Registrants ${role}`,
      role,
    },
  });
  return (await createApiToken(user.id, "registrants off test")).token;
}

const post = (path: string, token?: string) =>
  fetch(`${baseUrl()}/api/v1/sessions/${path}`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("roster registration without Zoom API credentials", () => {
  let adminToken: string;
  let instructorToken: string;
  let sessionId: string;

  beforeAll(async () => {
    connectToServerDatabase();
    adminToken = await tokenFor("admin");
    instructorToken = await tokenFor("instructor");
    const course = await prisma.course.create({ data: { name: "Registrants off" } });
    await prisma.student.create({
      data: { courseId: course.id, name: "Ana Lima", email: "ana@example.edu", emailNormalized: "ana@example.edu" },
    });
    sessionId = (
      await prisma.session.create({
        data: {
          courseId: course.id,
          zoomMeetingId: uniqueMeetingId(),
          startsAt: new Date(Date.now() + 3600_000),
          durationMinutes: 60,
        },
      })
    ).id;
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it("answers 409 zoom_api_not_configured and names the variables and scopes", async () => {
    const response = await post(`${sessionId}/registrants`, adminToken);
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("zoom_api_not_configured");
    expect(body.error.message).toMatch(/ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET/);
    expect(body.error.message).toMatch(/meeting:write:admin/);
    expect(
      await prisma.zoomRegistrant.count({
        where: { student: { name: "Ana Lima", course: { name: "Registrants off" } } },
      }),
    ).toBe(0);
  });

  it("invites no one when no student has a personal link", async () => {
    const response = await post(`${sessionId}/invitations`, adminToken);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ invited: 0, alreadyInvited: 0, notRegistered: 1 });
  });

  it("hides other instructors' sessions (404) and needs a token (401)", async () => {
    expect((await post(`${sessionId}/registrants`, instructorToken)).status).toBe(404);
    expect((await post(`${sessionId}/invitations`, instructorToken)).status).toBe(404);
    expect((await post(`${sessionId}/registrants`)).status).toBe(401);
    expect((await post("no-such-session/registrants", adminToken)).status).toBe(404);
  });
});
