// POST /api/v1/meetings/{meetingId}/courses {courseId} (admins): shares the Zoom meeting with a
// course (cross-listed sections): its sessions on the meeting then compete for the meeting's events.
import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { parseJsonBody } from "@/lib/api/body";
import { publicMeeting, zoomMeetingIdParam } from "@/lib/api/meetings";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { shareMeeting } from "@/lib/services/meetings";
import { z } from "zod";

export const dynamic = "force-dynamic";

const shareSchema = z.object({ courseId: z.string().trim().min(1, { message: "courseId is required" }).max(100) });

export const POST = apiRoute(async (request: Request, context: ApiRouteContext<{ meetingId: string }>) => {
  const caller = await requireApiCaller(request);
  requireAdmin(caller);
  const meetingId = zoomMeetingIdParam((await context.params).meetingId);
  const { courseId } = await parseJsonBody(request, shareSchema);
  const { added } = await shareMeeting(meetingId, courseId, caller.user.id);
  return jsonResponse(await publicMeeting(meetingId), { status: added ? 201 : 200 });
});
