import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { notFound } from "@/lib/api/errors";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { loadCourseSummary, toPublicSummary } from "@/lib/attendance/summary";

export const dynamic = "force-dynamic";

/** Term figures per student (at-risk students first). */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ courseId: string }>) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const summary = await loadCourseSummary(course.id, new Date());
  if (!summary) throw notFound("course", course.id);
  return jsonResponse(toPublicSummary(summary));
});
