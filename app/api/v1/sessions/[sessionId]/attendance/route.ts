import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { notFound } from "@/lib/api/errors";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { readSessionAttendance, toPublicAttendance } from "@/lib/attendance/read";

export const dynamic = "force-dynamic";

/** The session and every student's (and guest's) attendance, brought up to now while the class is live. */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ sessionId: string }>) => {
  const caller = await requireApiCaller(request);
  const session = await requireSession(caller, (await context.params).sessionId);
  const view = await readSessionAttendance(session.id, new Date());
  if (!view) throw notFound("session", session.id);
  return jsonResponse(toPublicAttendance(view));
});
