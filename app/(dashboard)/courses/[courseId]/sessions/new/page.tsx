import type { Metadata } from "next";
import { requireUser, requireVisibleCourse } from "@/lib/access";
import { prisma } from "@/lib/db";
import { instantToLocalInput } from "@/lib/timezone";
import { SessionForm } from "@/components/session-form";
import { BackLink, PageHeader } from "@/components/ui";
import { MAX_SERIES_COUNT } from "../../../../_lib/forms";
import { createSessionsAction } from "../../actions";

export const metadata: Metadata = { title: "New session" };

export default async function NewSessionPage({ params }: { params: Promise<{ courseId: string }> }) {
  const { courseId } = await params;
  const user = await requireUser();
  const course = await requireVisibleCourse(user, courseId);
  // A course usually meets in one recurring Zoom meeting: start from its latest session's settings.
  const latest = await prisma.session.findFirst({ where: { courseId }, orderBy: { startsAt: "desc" } });
  const nextHour = new Date();
  nextHour.setUTCMinutes(60, 0, 0); // the next full hour
  return (
    <div className="space-y-6">
      <BackLink href={`/courses/${course.id}`}>{course.name}</BackLink>
      <PageHeader
        title="New session"
        description="Attendance is taken from the Zoom meeting with this ID during the session's window."
      />
      <SessionForm
        action={createSessionsAction.bind(null, course.id)}
        initial={{
          title: "",
          zoomMeetingId: latest?.zoomMeetingId ?? "",
          joinUrl: latest?.joinUrl ?? "",
          startsAtLocal: instantToLocalInput(nextHour, course.timezone),
          durationMinutes: latest?.durationMinutes ?? 60,
          lateAfterMinutes: latest?.lateAfterMinutes ?? 5,
          requiredPercent: latest?.requiredPercent ?? 90,
        }}
        timeZone={course.timezone}
        allowSeries
        submitLabel="Create session"
        cancelHref={`/courses/${course.id}`}
        maxSeriesCount={MAX_SERIES_COUNT}
        adminOverrides={user.role === "admin"}
      />
    </div>
  );
}
