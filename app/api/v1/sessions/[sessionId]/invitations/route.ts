// POST /api/v1/sessions/{sessionId}/invitations: emails each registered student their personal
// Zoom join link for this session (and the course's later sessions on the same meeting), once.
// 200 {invited, alreadyInvited, notRegistered}.
import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { inviteRegisteredStudents } from "@/lib/registration/invitations";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async (request: Request, context: ApiRouteContext<{ sessionId: string }>) => {
  const caller = await requireApiCaller(request);
  const { sessionId } = await context.params;
  const session = await requireSession(caller, sessionId);
  return jsonResponse(await inviteRegisteredStudents(session.id));
});
