import type { Metadata } from "next";
import { requireUser, requireVisibleCourse } from "@/lib/access";
import { prisma } from "@/lib/db";
import { supportedTimeZones } from "@/lib/timezone";
import { CourseForm } from "@/components/course-form";
import { BackLink, PageHeader } from "@/components/ui";
import { updateCourseAction } from "../../actions";

export const metadata: Metadata = { title: "Edit course" };

export default async function EditCoursePage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  const user = await requireUser();
  const course = await requireVisibleCourse(user, courseId);
  const [assigned, instructors] = await Promise.all([
    prisma.courseInstructor.findMany({ where: { courseId }, select: { userId: true } }),
    user.role === "admin"
      ? prisma.user.findMany({
          // Keep currently assigned users listed even if they were disabled or made admin since.
          where: { OR: [{ role: "instructor", disabledAt: null }, { courses: { some: { courseId } } }] },
          select: { id: true, name: true, email: true },
          orderBy: { name: "asc" },
        })
      : null,
  ]);
  return (
    <div className="space-y-6">
      <BackLink href={`/courses/${course.id}`}>{course.name}</BackLink>
      <PageHeader
        title="Edit course"
        description={user.role === "admin" ? undefined : "Ask an admin to change who teaches this course."}
      />
      <CourseForm
        action={updateCourseAction.bind(null, course.id)}
        initial={{
          name: course.name,
          timezone: course.timezone,
          notifyLateJoiners: course.notifyLateJoiners,
          notifyInstructorSummary: course.notifyInstructorSummary,
          termRequiredPercent: course.termRequiredPercent,
          maxAbsences: course.maxAbsences,
          atRiskDigest: course.atRiskDigest,
          instructorIds: assigned.map((entry) => entry.userId),
        }}
        timeZones={supportedTimeZones()}
        instructors={instructors}
        submitLabel="Save changes"
        cancelHref={`/courses/${course.id}`}
      />
    </div>
  );
}
