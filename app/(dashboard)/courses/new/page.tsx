import type { Metadata } from "next";
import { requireUser } from "@/lib/access";
import { prisma } from "@/lib/db";
import { supportedTimeZones } from "@/lib/timezone";
import { CourseForm } from "@/components/course-form";
import { BackLink, PageHeader } from "@/components/ui";
import { createCourseAction } from "../actions";

export const metadata: Metadata = { title: "New course" };

export default async function NewCoursePage() {
  const user = await requireUser();
  const [instructors, latest] = await Promise.all([
    user.role === "admin"
      ? prisma.user.findMany({
          where: { role: "instructor", disabledAt: null },
          select: { id: true, name: true, email: true },
          orderBy: { name: "asc" },
        })
      : null,
    // Schools usually teach in one zone: start from the zone of the newest course.
    prisma.course.findFirst({ orderBy: { createdAt: "desc" }, select: { timezone: true } }),
  ]);
  return (
    <div className="space-y-6">
      <BackLink href="/">Courses</BackLink>
      <PageHeader
        title="New course"
        description={
          user.role === "admin"
            ? "Create the course, then add its roster and sessions."
            : "You will be the course's instructor. Add its roster and sessions next."
        }
      />
      <CourseForm
        action={createCourseAction}
        initial={{
          name: "",
          timezone: latest?.timezone ?? "UTC",
          notifyLateJoiners: true,
          notifyInstructorSummary: false,
          instructorIds: [],
        }}
        timeZones={supportedTimeZones()}
        instructors={instructors}
        submitLabel="Create course"
        cancelHref="/"
      />
    </div>
  );
}
