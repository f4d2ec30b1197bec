// Without Report API credentials reconciliation is visibly off and nothing fails: the status says
// so, runs and scheduled tasks do nothing, and the API answers 409 report_api_not_configured.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { uniqueMeetingId } from "../helpers/zoom";
import { prisma } from "../../lib/db";
import { createApiToken } from "../../lib/services/tokens";
import { getReconciliationStatus } from "../../lib/reconcile/read";
import { reconcileSession } from "../../lib/reconcile/run";
import { reconcileTasks } from "../../lib/reconcile/tasks";
import { zoomClientFromConfig } from "../../lib/zoom/api";
import { POST } from "../../app/api/v1/sessions/[sessionId]/reconcile/route";

let sessionId: string;
let token: string;

beforeAll(async () => {
  for (const name of ["ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET", "ZOOM_WEBHOOK_LOGS_APP_ID"])
    delete process.env[name];
  Object.assign(process.env, { ZOOM_WEBHOOK_SECRET_TOKEN: TEST_WEBHOOK_SECRET, AUTH_SECRET: TEST_AUTH_SECRET });
  await useFreshDatabase("reconcile_off");
  const course = await prisma.course.create({ data: { name: "No credentials" } });
  const session = await prisma.session.create({
    data: {
      courseId: course.id,
      zoomMeetingId: uniqueMeetingId(),
      startsAt: new Date(Date.now() - 5 * 3600_000),
      durationMinutes: 60,
    },
  });
  sessionId = session.id;
  const admin = await prisma.user.create({ data: { email: "admin-off@example.edu", name: "Admin", role: "admin" } });
  token = (await createApiToken(admin.id)).token;
});

afterAll(async () => {
  await prisma.$disconnect();
});

describe("reconciliation without Report API credentials", () => {
  it("has no client", () => {
    expect(zoomClientFromConfig()).toBeNull();
  });

  it("says it is off, with what to set", async () => {
    const status = await getReconciliationStatus(sessionId);
    expect(status.configured).toBe(false);
    expect(status.offMessage).toBe(
      "Reconciliation with Zoom's report is off: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET.",
    );
    expect(status.lastReconciledAt).toBeNull();
    expect(status.recent).toEqual([]);
  });

  it("a run does nothing and records nothing", async () => {
    const summary = await reconcileSession(sessionId, "manual");
    expect(summary.status).toBe("off");
    expect(summary.error).toMatch(/ZOOM_ACCOUNT_ID/);
    expect(await prisma.reconciliation.count()).toBe(0);
  });

  it("the scheduled tasks return without work or error", async () => {
    await expect(reconcileTasks.reconcile_recent()).resolves.toBeUndefined();
    await expect(reconcileTasks.reconcile_nightly()).resolves.toBeUndefined();
    await expect(reconcileTasks.reconcile_session({ sessionId, trigger: "after_meeting" })).resolves.toBeUndefined();
    const jobs = await prisma.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM graphile_worker._private_jobs`,
    );
    expect(jobs[0].count).toBe(0);
  });

  it("the API answers 409 report_api_not_configured", async () => {
    const response = await POST(
      new Request(`http://localhost/api/v1/sessions/${sessionId}/reconcile`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      }),
      { params: Promise.resolve({ sessionId }) },
    );
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: { code: "report_api_not_configured", message: expect.stringContaining("ZOOM_CLIENT_SECRET") },
    });
  });
});
