// The reconcile route over real HTTP, on the shared production-build server of `npm test` (which
// runs without Report API credentials): visibly off, access rules as for every API route.
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
      email: `reconcile-${role}-${crypto.randomBytes(4).toString("hex")}@example.test`,
      name: `Reconcile ${role}`,
      role,
    },
  });
  return (await createApiToken(user.id, "reconcile http test")).token;
}

const reconcile = (sessionId: string, token?: string) =>
  fetch(`${baseUrl()}/api/v1/sessions/${sessionId}/reconcile`, {
    method: "POST",
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe("POST /api/v1/sessions/{id}/reconcile on the test server", () => {
  let adminToken: string;
  let instructorToken: string;
  let sessionId: string;

  beforeAll(async () => {
    // Fails with a clear message outside `npm test`, which starts the shared server.
    connectToServerDatabase();
    adminToken = await tokenFor("admin");
    instructorToken = await tokenFor("instructor");
    const course = await prisma.course.create({ data: { name: "Reconcile over HTTP" } });
    const session = await prisma.session.create({
      data: {
        courseId: course.id,
        zoomMeetingId: uniqueMeetingId(),
        startsAt: new Date(Date.now() - 5 * 3600_000),
        durationMinutes: 60,
      },
    });
    sessionId = session.id;
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it("answers 409 report_api_not_configured without credentials", async () => {
    const response = await reconcile(sessionId, adminToken);
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("report_api_not_configured");
    expect(body.error.message).toMatch(/ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET/);
  });

  it("hides other instructors' sessions (404) and needs a token (401)", async () => {
    expect((await reconcile(sessionId, instructorToken)).status).toBe(404);
    expect((await reconcile(sessionId)).status).toBe(401);
    expect((await reconcile("no-such-session", adminToken)).status).toBe(404);
  });
});
