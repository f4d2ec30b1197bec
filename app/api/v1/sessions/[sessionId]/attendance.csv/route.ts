import { requireApiCaller, requireSession } from "@/lib/api/auth";
import { wantsBom } from "@/lib/api/body";
import { notFound } from "@/lib/api/errors";
import { apiRoute, csvResponse, exportErrorLogger, type ApiRouteContext } from "@/lib/api/route";
import { sessionAttendanceExport } from "@/lib/exports/attendance";

export const dynamic = "force-dynamic";

/** One row per roster student, then one per guest (status "guest"). */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ sessionId: string }>) => {
  const caller = await requireApiCaller(request, { allowSessionCookie: true });
  const session = await requireSession(caller, (await context.params).sessionId);
  const file = await sessionAttendanceExport(session.id, {
    bom: wantsBom(request),
    onError: exportErrorLogger(new URL(request.url).pathname),
  });
  if (!file) throw notFound("session", session.id);
  return csvResponse(file);
});
