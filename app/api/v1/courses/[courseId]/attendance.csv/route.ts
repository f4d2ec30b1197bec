import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { parseQuery, wantsBom } from "@/lib/api/body";
import { apiRoute, csvResponse, exportErrorLogger, type ApiRouteContext } from "@/lib/api/route";
import { courseAttendanceExport } from "@/lib/exports/attendance";
import { optionalExportRangeSchema } from "@/lib/exports/range";

export const dynamic = "force-dynamic";

/**
 * One row per student per session whose start falls in [from, to] (local days of the course), or
 * in every session so far without from/to (the dashboard's button), streamed.
 */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ courseId: string }>) => {
  const caller = await requireApiCaller(request, { allowSessionCookie: true });
  const course = await requireCourse(caller, (await context.params).courseId);
  const range = parseQuery(request, optionalExportRangeSchema);
  return csvResponse(
    courseAttendanceExport(course, range, {
      bom: wantsBom(request),
      onError: exportErrorLogger(new URL(request.url).pathname),
    }),
  );
});
