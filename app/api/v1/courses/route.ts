import { visibleCourses } from "@/lib/access";
import { requireApiCaller } from "@/lib/api/auth";
import { parseJsonBody } from "@/lib/api/body";
import { publicCourse } from "@/lib/api/resources";
import { apiRoute, jsonResponse } from "@/lib/api/route";
import { prisma } from "@/lib/db";
import { createCourse } from "@/lib/services/courses";
import { courseInputSchema } from "@/lib/validations/course";

export const dynamic = "force-dynamic";

/** The courses the caller may see: every course for an admin, their own for an instructor. */
export const GET = apiRoute(async (request: Request) => {
  const caller = await requireApiCaller(request);
  const courses = await prisma.course.findMany({
    where: visibleCourses(caller.user),
    orderBy: [{ name: "asc" }, { id: "asc" }],
  });
  return jsonResponse({ courses: courses.map(publicCourse) });
});

/** Creates a course; an instructor who creates one teaches it (an admin's course starts without instructors). */
export const POST = apiRoute(async (request: Request) => {
  const caller = await requireApiCaller(request);
  const input = await parseJsonBody(request, courseInputSchema);
  const course = await createCourse(input, caller.user.role === "instructor" ? [caller.user.id] : []);
  return jsonResponse(publicCourse(course), { status: 201, headers: { location: `/api/v1/courses/${course.id}` } });
});
