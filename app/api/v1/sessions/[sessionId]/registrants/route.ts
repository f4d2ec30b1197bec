// POST /api/v1/sessions/{sessionId}/registrants: registers the course's roster on the session's
// Zoom meeting (README "Personal join links", ADR 015). 200 {registered, alreadyRegistered,
// failed, pending, zoomMeetingId, sessions}; 409 without Zoom API credentials or while a run is
// going on; 422 when Zoom refuses the meeting itself (the message says what to change in Zoom).
import { NextResponse } from "next/server";
import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { getConfig } from "@/lib/config";
import { MeetingRegistrationProblem } from "@/lib/registration/register";
import {
  registerSessionRoster,
  RegistrationBusyError,
  ZOOM_API_NOT_CONFIGURED_MESSAGE,
} from "@/lib/registration/service";

export const dynamic = "force-dynamic";

const problem = (status: number, code: string, message: string, extra: Record<string, unknown> = {}) =>
  NextResponse.json({ error: { code, message, ...extra } }, { status, headers: { "cache-control": "no-store" } });

export const POST = apiRoute(async (request: Request, context: ApiRouteContext<{ sessionId: string }>) => {
  const caller = await requireApiCaller(request);
  const { sessionId } = await context.params;
  const session = await requireSession(caller, sessionId);
  if (!getConfig().reportApiConfigured) return problem(409, "zoom_api_not_configured", ZOOM_API_NOT_CONFIGURED_MESSAGE);
  try {
    return jsonResponse(await registerSessionRoster(session.id));
  } catch (error) {
    if (error instanceof RegistrationBusyError) return problem(409, "registration_running", error.message);
    if (error instanceof MeetingRegistrationProblem)
      return problem(422, error.code, error.message, { zoomMeetingId: error.zoomMeetingId });
    throw error;
  }
});
