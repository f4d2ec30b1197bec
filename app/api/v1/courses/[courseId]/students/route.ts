import { requireApiCaller, requireCourse } from "@/lib/api/auth";
import { publicStudent, readRosterBody } from "@/lib/api/resources";
import { apiRoute, jsonResponse, type ApiRouteContext } from "@/lib/api/route";
import { prisma } from "@/lib/db";
import { upsertStudents } from "@/lib/services/students";

export const dynamic = "force-dynamic";

type Context = ApiRouteContext<{ courseId: string }>;

/** The roster, by name. */
export const GET = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const students = await prisma.student.findMany({
    where: { courseId: course.id },
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return jsonResponse({ students: students.map(publicStudent) });
});

/** Roster import (JSON or CSV), upserting by email: 200 {created, updated}; a CSV with bad rows stores nothing. */
export const POST = apiRoute(async (request: Request, context: Context) => {
  const caller = await requireApiCaller(request);
  const course = await requireCourse(caller, (await context.params).courseId);
  const students = await readRosterBody(request);
  return jsonResponse(await upsertStudents(course.id, students));
});
