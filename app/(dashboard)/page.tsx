import Link from "next/link";
import type { Metadata } from "next";
import { requireUser, visibleCourses } from "@/lib/access";
import { prisma } from "@/lib/db";

export const metadata: Metadata = { title: "Courses" };

export default async function CoursesPage() {
  const user = await requireUser();
  const courses = await prisma.course.findMany({
    where: visibleCourses(user),
    orderBy: { name: "asc" },
    include: { _count: { select: { students: true, sessions: true } } },
  });
  return (
    <div>
      <div className="flex flex-wrap items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold">Courses</h1>
        {user.role === "admin" ? (
          <Link href="/courses/new" className="rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800">
            New course
          </Link>
        ) : null}
      </div>
      {courses.length === 0 ? (
        <p className="mt-6 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-slate-600">
          {user.role === "admin" ? "No courses yet. Create the first one." : "You are not an instructor of any course yet. Ask an admin to add you."}
        </p>
      ) : (
        <ul className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {courses.map((course) => (
            <li key={course.id}>
              <Link href={`/courses/${course.id}`} className="block rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-blue-400">
                <span className="font-medium">{course.name}</span>
                <span className="mt-1 block text-sm text-slate-600">
                  {course._count.students} students · {course._count.sessions} sessions · {course.timezone}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
