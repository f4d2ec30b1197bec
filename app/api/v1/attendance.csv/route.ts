import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { parseQuery, wantsBom } from "@/lib/api/body";
import { apiRoute, csvResponse, exportErrorLogger } from "@/lib/api/route";
import { allCoursesAttendanceExport } from "@/lib/exports/attendance";
import { exportRangeSchema } from "@/lib/exports/range";

export const dynamic = "force-dynamic";

/** Admins: every course, one row per student per session in [from, to] (each course's local days). */
export const GET = apiRoute(async (request: Request) => {
  const caller = await requireApiCaller(request, { allowSessionCookie: true });
  requireAdmin(caller);
  const range = parseQuery(request, exportRangeSchema);
  return csvResponse(
    allCoursesAttendanceExport(range, {
      bom: wantsBom(request),
      onError: exportErrorLogger(new URL(request.url).pathname),
    }),
  );
});
