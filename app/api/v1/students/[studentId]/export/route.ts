import { requireAdmin, requireApiCaller } from "@/lib/api/auth";
import { notFound } from "@/lib/api/errors";
import { apiRoute, type ApiRouteContext } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { prisma } from "@/lib/db";
import { exportStudentData } from "@/lib/privacy/export";

export const dynamic = "force-dynamic";

/**
 * Admins: everything stored about one student, as a JSON download (a subject access request).
 * Also takes the dashboard's sign-in cookie, so the privacy page's button is a plain link.
 * Every export is recorded in the audit log.
 */
export const GET = apiRoute(async (request: Request, context: ApiRouteContext<{ studentId: string }>) => {
  const caller = await requireApiCaller(request, { allowSessionCookie: true });
  requireAdmin(caller);
  const { studentId } = await context.params;
  const data = await exportStudentData(studentId);
  if (!data) throw notFound("student", studentId);
  await recordAudit(prisma, {
    action: "student.exported",
    actorId: caller.user.id,
    subject: { type: "student", id: studentId },
    detail: { courseId: data.student.course.id, events: data.events.length },
  });
  return new Response(JSON.stringify(data, null, 2) + "\n", {
    status: 200,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="student-${studentId.replace(/[^A-Za-z0-9_-]/g, "")}.json"`,
      "cache-control": "no-store",
    },
  });
});
