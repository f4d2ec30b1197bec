import Link from "next/link";
import type { Metadata } from "next";
import { findVisibleCourse, requireUser, requireVisibleCourse } from "@/lib/access";
import { prisma } from "@/lib/db";
import { ERASED_ACTION } from "@/lib/privacy/erase";
import { formatDate, formatPercent, formatTime, plural, zoneAbbreviation } from "@/lib/format";
import type { SessionState } from "@/lib/attendance/types";
import { StudentForm } from "@/components/student-form";
import { ConfirmAction } from "@/components/confirm-action";
import { BackLink, buttonClass, EmptyState, Notice, PageHeader, Section, StateBadge } from "@/components/ui";
import { actionsColumn, Table, Td } from "@/components/table";
import { sessionFigures, sessionStates, type SessionFigures } from "@/lib/attendance/course-read";
import { loadCourseSummary } from "@/lib/attendance/summary";
import { TermSummary } from "@/components/term-summary";
import { addStudentAction } from "./actions";
import { removeStudentAction } from "../../students/[studentId]/actions";

type Props = { params: Promise<{ courseId: string }>; searchParams: Promise<{ erased?: string | string[] }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await requireUser();
  const course = await findVisibleCourse(user, (await params).courseId);
  return { title: course?.name ?? "Course" };
}

/** After an erasure (students/[id]/privacy), what was removed — counts only, never who. */
async function erasureNotice(courseId: string, auditEntryId: string | undefined): Promise<string | null> {
  if (!auditEntryId || !/^\d{1,18}$/.test(auditEntryId)) return null;
  const entry = await prisma.auditEntry.findUnique({ where: { id: BigInt(auditEntryId) } });
  const details = entry?.details as {
    courseId?: string;
    attendanceRecords?: number;
    events?: number;
    notifications?: number;
  } | null;
  if (!entry || entry.action !== ERASED_ACTION || details?.courseId !== courseId) return null;
  return `The student was erased: removed from the roster with ${plural(details.attendanceRecords ?? 0, "attendance record")} and ${plural(details.notifications ?? 0, "notification")}, and their name, email and Zoom IDs cleared from ${plural(details.events ?? 0, "stored Zoom event")}. The audit log records that it happened.`;
}

export default async function CoursePage({ params, searchParams }: Props) {
  const { courseId } = await params;
  const user = await requireUser();
  const course = await requireVisibleCourse(user, courseId);
  const erased = (await searchParams).erased;
  const erasedNotice = await erasureNotice(courseId, Array.isArray(erased) ? erased[0] : erased);
  const now = new Date();
  const [sessions, students, instructors, figures, summary] = await Promise.all([
    prisma.session.findMany({ where: { courseId }, orderBy: { startsAt: "asc" } }),
    prisma.student.findMany({ where: { courseId }, orderBy: [{ name: "asc" }, { id: "asc" }] }),
    prisma.user.findMany({
      where: { courses: { some: { courseId } } },
      select: { name: true },
      orderBy: { name: "asc" },
    }),
    sessionFigures(courseId),
    loadCourseSummary(courseId, now),
  ]);
  const states = await sessionStates(sessions, now);
  // Rates are the term record's: cancelled sessions, excused absences and sessions before a
  // student enrolled are left out (lib/attendance/term.ts).
  const termRows = summary?.students ?? [];
  const rates = new Map(termRows.map((row) => [row.studentId, row]));
  const ended = summary?.sessionsEnded ?? 0;
  const live = sessions.filter((session) => states.get(session.id) === "live");
  const zone = zoneAbbreviation(now, course.timezone);

  return (
    <div>
      <BackLink href="/">Courses</BackLink>
      <div className="mt-3">
        <PageHeader
          title={course.name}
          description={
            <>
              {course.timezone.replace(/_/g, " ")} ({zone}) ·{" "}
              {instructors.length > 0
                ? `Taught by ${instructors.map((instructor) => instructor.name).join(", ")}`
                : "No instructor assigned"}{" "}
              · {course.notifyLateJoiners ? "Late-joiner emails on" : "Late-joiner emails off"}
            </>
          }
          actions={
            <>
              <Link href={`/courses/${course.id}/edit`} className={buttonClass.secondary}>
                Edit course
              </Link>
              <a href={`/api/v1/courses/${course.id}/attendance.csv`} className={buttonClass.secondary} download>
                Export attendance (CSV)
              </a>
              <a href={`/api/v1/courses/${course.id}/summary.csv`} className={buttonClass.secondary} download>
                Term summary (CSV)
              </a>
            </>
          }
        />
      </div>

      {erasedNotice ? (
        <div className="mt-6">
          <Notice tone="success" role="status">
            {erasedNotice}
          </Notice>
        </div>
      ) : null}

      {live.map((session) => (
        <Link
          key={session.id}
          href={`/sessions/${session.id}`}
          className="mt-6 flex flex-wrap items-center gap-3 rounded-lg border border-green-300 bg-green-50 px-4 py-3 text-green-950 hover:border-green-600"
        >
          <StateBadge state="live" />
          <span className="font-medium">{session.title ?? "Class"} is in progress</span>
          <span className="text-sm">
            {figures.get(session.id)?.inMeeting ?? 0} of {students.length} students in the meeting
          </span>
          <span className="ml-auto text-sm font-semibold underline">Open live roster →</span>
        </Link>
      ))}

      <Section
        id="sessions"
        title="Sessions"
        description={`Times in ${course.timezone.replace(/_/g, " ")} (${zone}).`}
        actions={
          <Link href={`/courses/${course.id}/sessions/new`} className={buttonClass.primary}>
            New session
          </Link>
        }
      >
        {sessions.length === 0 ? (
          <EmptyState>
            No sessions yet.{" "}
            <Link href={`/courses/${course.id}/sessions/new`} className={buttonClass.link}>
              Schedule one
            </Link>{" "}
            or a weekly series; attendance is taken from the Zoom meeting ID you give it.
          </EmptyState>
        ) : (
          <Table label="Sessions" columns={["Date", "Time", "Session", "State", "Attendance", actionsColumn]}>
            {sessions.map((session) => {
              const state = states.get(session.id) ?? "scheduled";
              const end = new Date(session.startsAt.getTime() + session.durationMinutes * 60_000);
              return (
                <tr key={session.id} className={state === "live" ? "bg-green-50" : undefined}>
                  <Td className="whitespace-nowrap">{formatDate(session.startsAt, course.timezone)}</Td>
                  <Td className="whitespace-nowrap">
                    {formatTime(session.startsAt, course.timezone)} – {formatTime(end, course.timezone)}
                  </Td>
                  <Td>
                    <Link href={`/sessions/${session.id}`} className="font-medium text-blue-800 hover:underline">
                      {session.title ?? "Class"}
                    </Link>
                    <div className="text-xs text-slate-600">Meeting {session.zoomMeetingId}</div>
                  </Td>
                  <Td>
                    <StateBadge state={state} />
                    {session.cancelledAt ? (
                      <div
                        className="mt-1 text-xs font-semibold text-amber-900"
                        title={session.cancelNote ?? undefined}
                      >
                        Cancelled{session.cancelNote ? `: ${session.cancelNote}` : ""}
                      </div>
                    ) : null}
                  </Td>
                  <Td>
                    <HeadlineFigures state={state} figures={figures.get(session.id)} rosterSize={students.length} />
                  </Td>
                  <Td className="whitespace-nowrap text-right">
                    <Link
                      href={`/sessions/${session.id}/edit`}
                      className={buttonClass.link}
                      aria-label={`Edit session of ${formatDate(session.startsAt, course.timezone)}`}
                    >
                      Edit
                    </Link>
                  </Td>
                </tr>
              );
            })}
          </Table>
        )}
      </Section>

      <Section
        id="term"
        title="Term record"
        description={`Per student over the sessions that count (ended, not cancelled, enrolled, not excused). At risk: below ${course.termRequiredPercent}%${course.maxAbsences === null ? "" : ` or more than ${plural(course.maxAbsences, "unexcused absence")}`}.`}
      >
        <TermSummary rows={termRows} />
      </Section>

      <Section
        id="roster"
        title={`Roster (${students.length})`}
        description={
          ended > 0
            ? `Overall rate: share of class time attended over the sessions that count for each student (${plural(ended, "session")} ended and not cancelled).`
            : "Overall rates appear once a session has ended."
        }
        actions={
          <Link href={`/courses/${course.id}/roster/import`} className={buttonClass.secondary}>
            Import CSV
          </Link>
        }
      >
        <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
          <h3 className="mb-2 text-sm font-semibold text-slate-800">Add a student</h3>
          <StudentForm action={addStudentAction.bind(null, course.id)} submitLabel="Add student" inline />
        </div>
        <div className="mt-4">
          {students.length === 0 ? (
            <EmptyState>
              The roster is empty. Add students above or{" "}
              <Link href={`/courses/${course.id}/roster/import`} className={buttonClass.link}>
                import a CSV
              </Link>{" "}
              with the header name,email[,zoom_registrant_id][,enrolled_at][,sis_id][,phone].
            </EmptyState>
          ) : (
            <Table label="Roster" columns={["Student", "Email", "Overall rate", "Present", "Late", actionsColumn]}>
              {students.map((student) => {
                const rate = rates.get(student.id);
                return (
                  <tr key={student.id}>
                    <Td>
                      <Link href={`/students/${student.id}`} className="font-medium text-blue-800 hover:underline">
                        {student.name}
                      </Link>
                      {student.zoomRegistrantId ? (
                        <div className="text-xs text-slate-600">Registrant {student.zoomRegistrantId}</div>
                      ) : null}
                      {student.phone ? <div className="text-xs text-slate-600">Dial-in {student.phone}</div> : null}
                    </Td>
                    <Td className="break-all">{student.email}</Td>
                    <Td>
                      {rate && rate.attendedPercent !== null ? (
                        <RateBar percent={rate.attendedPercent} />
                      ) : (
                        <span className="text-slate-600">—</span>
                      )}
                    </Td>
                    <Td className="whitespace-nowrap">
                      {rate && rate.sessionsCounted > 0 ? `${rate.present} of ${rate.sessionsCounted}` : "—"}
                    </Td>
                    <Td className="whitespace-nowrap">{rate && rate.sessionsCounted > 0 ? rate.late : "—"}</Td>
                    <Td className="text-right">
                      <div className="flex flex-wrap justify-end gap-2">
                        <Link
                          href={`/students/${student.id}`}
                          className={`${buttonClass.secondary} px-2 py-1 text-xs`}
                          aria-label={`Edit ${student.name}`}
                        >
                          Edit
                        </Link>
                        <ConfirmAction
                          action={removeStudentAction.bind(null, student.id)}
                          label="Remove"
                          confirmLabel={`Remove ${student.name}`}
                          question="Remove from roster?"
                          pendingText="Removing…"
                          compact
                        />
                      </div>
                    </Td>
                  </tr>
                );
              })}
            </Table>
          )}
        </div>
      </Section>
    </div>
  );
}

function HeadlineFigures({
  state,
  figures,
  rosterSize,
}: {
  state: SessionState;
  figures: SessionFigures | undefined;
  rosterSize: number;
}) {
  if (state === "scheduled") return <span className="text-slate-600">Not started</span>;
  const f = figures ?? {
    present: 0,
    partial: 0,
    absent: rosterSize,
    excused: 0,
    late: 0,
    joined: 0,
    inMeeting: 0,
    guests: 0,
  };
  const guests = f.guests > 0 ? ` · ${plural(f.guests, "guest")}` : "";
  if (state === "live") {
    return (
      <span>
        <strong>{f.inMeeting}</strong> in meeting · {f.joined} of {rosterSize} joined · {f.late} late{guests}
      </span>
    );
  }
  return (
    <span>
      <strong>{f.present}</strong> present · {f.partial} partial · {f.absent} absent
      {f.excused > 0 ? ` · ${f.excused} excused` : ""} · {f.late} late{guests}
    </span>
  );
}

function RateBar({ percent }: { percent: number }) {
  const tone = percent >= 90 ? "bg-green-700" : percent >= 50 ? "bg-amber-600" : "bg-red-700";
  return (
    <div className="flex items-center gap-2">
      <div className="h-2 w-20 overflow-hidden rounded-full bg-slate-200" aria-hidden="true">
        <div className={`h-full ${tone}`} style={{ width: `${Math.min(100, percent)}%` }} />
      </div>
      <span className="tabular-nums">{formatPercent(percent)}</span>
    </div>
  );
}
