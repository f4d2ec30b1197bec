// DELETE /api/v1/meetings/{meetingId}/courses/{courseId} (admins): the course no longer sees the
// meeting; its sessions on it stay, listed as conflicting, and receive none of its events.
import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { ApiError } from "@/lib/api/errors";
import { publicMeeting, zoomMeetingIdParam } from "@/lib/api/meetings";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { unshareMeeting } from "@/lib/services/meetings";

export const dynamic = "force-dynamic";

export const DELETE = apiRoute(
  async (request: Request, context: ApiRouteContext<{ meetingId: string; courseId: string }>) => {
    const caller = await requireApiCaller(request);
    requireAdmin(caller);
    const params = await context.params;
    const meetingId = zoomMeetingIdParam(params.meetingId);
    const { removed } = await unshareMeeting(meetingId, params.courseId, caller.user.id);
    if (!removed)
      throw new ApiError(
        404,
        "not_found",
        `Course ${params.courseId} is not one of the courses of meeting ${meetingId}.`,
      );
    return jsonResponse(await publicMeeting(meetingId));
  },
);
