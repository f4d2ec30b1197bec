import Link from "next/link";
import type { Metadata } from "next";
import { requireUser, visibleCourses } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatDateTime, plural } from "@/lib/format";
import { listMeetingConflicts } from "@/lib/services/meetings";
import { buttonClass, EmptyState, Notice, PageHeader, StateBadge } from "@/components/ui";
import { sessionStates } from "@/lib/attendance/course-read";

export const metadata: Metadata = { title: "Courses" };

/** Sessions are at most a day long, plus the hour a meeting may run over. */
const LIVE_LOOKBACK_MS = 25 * 3600_000;

export default async function CoursesPage() {
  const user = await requireUser();
  const now = new Date();
  const [courses, recent] = await Promise.all([
    prisma.course.findMany({
      where: visibleCourses(user),
      orderBy: { name: "asc" },
      include: { _count: { select: { students: true, sessions: true } } },
    }),
    prisma.session.findMany({
      where: {
        course: visibleCourses(user),
        startsAt: { gte: new Date(now.getTime() - LIVE_LOOKBACK_MS), lte: new Date(now.getTime() + 3600_000) },
      },
      include: { course: { select: { name: true, timezone: true } } },
      orderBy: { startsAt: "asc" },
    }),
  ]);
  const states = await sessionStates(recent, now);
  // Admins are told of meetings scheduled by courses that may not see them until they resolve them.
  const conflicts = user.role === "admin" ? await listMeetingConflicts() : [];
  const live = recent.filter((session) => states.get(session.id) === "live");
  const liveCourses = new Set(live.map((session) => session.courseId));

  return (
    <div>
      <PageHeader
        title="Courses"
        actions={
          <Link href="/courses/new" className={buttonClass.primary}>
            New course
          </Link>
        }
      />
      {conflicts.length > 0 ? (
        <div className="mt-6">
          <Notice tone="warning" role="status">
            {plural(conflicts.length, "Zoom meeting")} {conflicts.length === 1 ? "is" : "are"} scheduled by courses that
            may not see {conflicts.length === 1 ? "it" : "them"}:{" "}
            <Link href="/admin/meetings#conflicts" className="font-medium underline">
              review conflicting meetings
            </Link>
            .
          </Notice>
        </div>
      ) : null}
      {live.length > 0 ? (
        <section aria-labelledby="live-now" className="mt-6">
          <h2 id="live-now" className="text-lg font-semibold">
            Live now
          </h2>
          <ul className="mt-2 space-y-2">
            {live.map((session) => (
              <li
                key={session.id}
                className="flex flex-wrap items-center gap-3 rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-green-950"
              >
                <StateBadge state="live" />
                <span className="font-medium">{session.course.name}</span>
                <span className="text-sm">
                  {session.title ?? "Class"} · started {formatDateTime(session.startsAt, session.course.timezone)}
                </span>
                {/* The link names the class, not the course: the course card below is the course's link. */}
                <Link
                  href={`/sessions/${session.id}`}
                  className="ml-auto text-sm font-semibold text-green-950 underline hover:text-green-800"
                >
                  Open live roster
                  <span className="sr-only">
                    : {session.title ?? "class"} started {formatDateTime(session.startsAt, session.course.timezone)}
                  </span>{" "}
                  →
                </Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <div className="mt-6">
        {courses.length === 0 ? (
          <EmptyState>
            {user.role === "admin"
              ? "No courses yet. Create the first one."
              : "You do not teach any course yet. Create one, or ask an admin to add you to yours."}
          </EmptyState>
        ) : (
          <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {courses.map((course) => (
              <li key={course.id}>
                <Link
                  href={`/courses/${course.id}`}
                  className="block h-full rounded-lg border border-slate-200 bg-white p-4 shadow-sm hover:border-blue-500"
                >
                  <span className="flex items-start justify-between gap-2">
                    <span className="font-medium text-slate-900">{course.name}</span>
                    {liveCourses.has(course.id) ? <StateBadge state="live" /> : null}
                  </span>
                  <span className="mt-1 block text-sm text-slate-700">
                    {plural(course._count.students, "student")} · {plural(course._count.sessions, "session")}
                  </span>
                  <span className="block text-xs text-slate-600">{course.timezone.replace(/_/g, " ")}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
