import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { parseQuery } from "@/lib/api/body";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { exportRangeSchema } from "@/lib/exports/range";
import { attendanceEvents } from "@/lib/exports/term";

export const dynamic = "force-dynamic";

/** Ed-Fi StudentSectionAttendanceEvent-shaped records for the sessions of record in [from, to]. */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ courseId: string }>) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const range = parseQuery(request, exportRangeSchema);
  return jsonResponse({ events: await attendanceEvents(course, range, new Date()) });
});
