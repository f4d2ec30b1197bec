// GET /api/v1/meetings/{meetingId} (admins): which courses may see the Zoom meeting's participants
// and which have sessions on it without being allowed to (README "Who may see a meeting").
import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { publicMeeting, zoomMeetingIdParam } from "@/lib/api/meetings";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ meetingId: string }>) => {
  const caller = await requireApiCaller(request);
  requireAdmin(caller);
  const meetingId = zoomMeetingIdParam((await context.params).meetingId);
  return jsonResponse(await publicMeeting(meetingId));
});
