// POST /api/v1/sessions/{sessionId}/reconcile: queues a reconciliation of the session with Zoom's
// participant report (and the webhook logs, when configured) and answers 202 at once. Without
// Report API credentials: 409 report_api_not_configured. Once per session every 5 minutes: 429
// reconcile_cooldown with Retry-After.
import { NextResponse } from "next/server";
import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { getConfig } from "@/lib/config";
import { MEETING_NOT_VISIBLE_MESSAGE, NOT_CONFIGURED_MESSAGE } from "@/lib/reconcile/constants";
import { enqueueReconcile } from "@/lib/reconcile/queue";
import { courseMaySeeMeeting } from "@/lib/attendance/load";
import { ApiError } from "@/lib/api/errors";
import { prisma } from "@/lib/db";
import { claimManualReconcile } from "@/lib/reconcile/cooldown";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async (request: Request, context: ApiRouteContext<{ sessionId: string }>) => {
  const caller = await requireApiCaller(request);
  const { sessionId } = await context.params;
  const session = await requireSession(caller, sessionId);
  // Zoom's report of another course's meeting is not this course's to fetch.
  if (!(await courseMaySeeMeeting(prisma, session.courseId, session.zoomMeetingId))) {
    throw new ApiError(
      409,
      "meeting_not_shared",
      `${MEETING_NOT_VISIBLE_MESSAGE}. An admin can share the meeting with this course.`,
    );
  }
  if (!getConfig().reportApiConfigured) {
    return NextResponse.json(
      { error: { code: "report_api_not_configured", message: NOT_CONFIGURED_MESSAGE } },
      { status: 409, headers: { "cache-control": "no-store" } },
    );
  }
  const claim = await claimManualReconcile(session.id);
  if (!claim.allowed) {
    return NextResponse.json(
      {
        error: {
          code: "reconcile_cooldown",
          message: `This session was reconciled on demand less than 5 minutes ago; try again at ${claim.availableAt.toISOString()}.`,
          availableAt: claim.availableAt.toISOString(),
        },
      },
      { status: 429, headers: { "retry-after": String(claim.retryAfterSeconds), "cache-control": "no-store" } },
    );
  }
  await enqueueReconcile(session.id, "manual", { actorId: caller.user.id });
  return jsonResponse(
    {
      reconciliationQueued: true,
      sessionId: session.id,
      trigger: "manual",
      queuedAt: new Date().toISOString(),
      lastReconciledAt: session.lastReconciledAt?.toISOString() ?? null,
    },
    { status: 202 },
  );
});
