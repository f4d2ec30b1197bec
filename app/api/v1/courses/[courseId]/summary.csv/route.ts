import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { wantsBom } from "@/lib/api/body";
import { notFound } from "@/lib/api/errors";
import { apiRoute, csvResponse, type ApiRouteContext } from "@/lib/api/route";
import { loadCourseSummary } from "@/lib/attendance/summary";
import { summaryCsv } from "@/lib/exports/term";

export const dynamic = "force-dynamic";

/** The term summary as CSV (the course page's download, or a script's). */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ courseId: string }>) => {
  const caller = await requireApiCaller(request, { allowSessionCookie: true });
  const course = await requireCourse(caller, (await context.params).courseId);
  const summary = await loadCourseSummary(course.id, new Date());
  if (!summary) throw notFound("course", course.id);
  return csvResponse(summaryCsv(summary, { bom: wantsBom(request) }));
});
