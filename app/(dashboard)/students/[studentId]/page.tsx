import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { findVisibleStudent, requireUser } from "@/lib/access";
import { formatDate, formatDuration, formatPercent, formatTime, plural, zoneAbbreviation } from "@/lib/format";
import { StudentForm } from "@/components/student-form";
import { ConfirmAction } from "@/components/confirm-action";
import {
  BackLink,
  buttonClass,
  Card,
  EmptyState,
  LateBadge,
  PageHeader,
  Section,
  StateBadge,
  StatusBadge,
} from "@/components/ui";
import { RowHeader, Table, Td } from "@/components/table";
import { studentHistory } from "@/lib/attendance/course-read";
import { loadCourseSummary } from "@/lib/attendance/summary";
import { studentOverrideHistory } from "@/lib/services/overrides";
import { zonedFormatter } from "@/lib/exports/time";
import { OverrideHistoryList } from "@/components/override-history";
import { removeStudentAction, updateStudentAction } from "./actions";

type Props = { params: Promise<{ studentId: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const user = await requireUser();
  const student = await findVisibleStudent(user, (await params).studentId);
  return { title: student?.name ?? "Student" };
}

export default async function StudentPage({ params }: Props) {
  const { studentId } = await params;
  const user = await requireUser();
  const student = await findVisibleStudent(user, studentId);
  if (!student) notFound();
  const tz = student.course.timezone;
  const now = new Date();
  const [history, summary, corrections] = await Promise.all([
    studentHistory(student.id, student.courseId, now),
    loadCourseSummary(student.courseId, now),
    studentOverrideHistory(student.id),
  ]);
  // Term figures: ended sessions of record (not cancelled, enrolled), excused ones left out.
  const term = summary?.students.find((row) => row.studentId === student.id);
  const overall = term?.attendedPercent ?? null;
  const counted = term?.sessionsCounted ?? 0;
  const zone = zoneAbbreviation(now, tz);

  return (
    <div>
      <BackLink href={`/courses/${student.courseId}#roster`}>{student.course.name}</BackLink>
      <div className="mt-3">
        <PageHeader
          title={student.name}
          description={<span className="break-all">{student.email}</span>}
          actions={
            user.role === "admin" ? (
              <Link href={`/students/${student.id}/privacy`} className={buttonClass.secondary}>
                Stored data: export or erase
              </Link>
            ) : undefined
          }
        />
      </div>

      <dl className="mt-6 grid grid-cols-2 gap-3 sm:grid-cols-4">
        <Card>
          <dt className="text-xs font-medium text-slate-700">Term rate</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums" data-testid="term-rate">
            {overall === null ? "—" : formatPercent(overall)}
            {term?.atRisk ? (
              <span className="ml-2 rounded-full bg-red-100 px-2 py-0.5 align-middle text-xs font-semibold text-red-900 ring-1 ring-red-700/30">
                At risk
              </span>
            ) : null}
          </dd>
        </Card>
        <Card>
          <dt className="text-xs font-medium text-slate-700">Present</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">
            {term?.present ?? 0}
            <span className="text-sm font-normal text-slate-600"> / {counted}</span>
          </dd>
        </Card>
        <Card>
          <dt className="text-xs font-medium text-slate-700">Late</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">{term?.late ?? 0}</dd>
        </Card>
        <Card>
          <dt className="text-xs font-medium text-slate-700">Absent · excused</dt>
          <dd className="mt-1 text-2xl font-semibold tabular-nums">
            {term?.absent ?? 0} · {term?.excused ?? 0}
          </dd>
        </Card>
      </dl>
      <p className="mt-2 text-sm text-slate-600">
        {counted > 0
          ? `Over the ${plural(counted, "session")} counted: ended, not cancelled, enrolled and not excused. Required for the term: ${summary?.course.requiredPercent ?? 90}%.`
          : "No session of this course counts yet."}
        {student.sisId ? ` SIS ID ${student.sisId}.` : ""}
      </p>

      <Section id="history" title="Attendance by session" description={`Times in ${tz.replace(/_/g, " ")} (${zone}).`}>
        {history.length === 0 ? (
          <EmptyState>This course has no sessions yet.</EmptyState>
        ) : (
          <Table
            label="Attendance by session"
            columns={["Session", "State", "Status", "Attended", "Late", "First join", "Last leave"]}
          >
            {history.map((row) => (
              <tr key={row.sessionId}>
                <RowHeader className="text-left font-normal whitespace-nowrap">
                  <Link href={`/sessions/${row.sessionId}`} className="font-medium text-blue-800 hover:underline">
                    {formatDate(row.startsAt, tz)}
                  </Link>
                  <div className="text-xs text-slate-600">
                    {formatTime(row.startsAt, tz)} · {row.title ?? "Class"}
                  </div>
                </RowHeader>
                <Td>
                  <StateBadge state={row.state} />
                </Td>
                <Td>
                  {row.cancelled ? (
                    <span className="text-slate-700">Cancelled</span>
                  ) : !row.enrolled ? (
                    <span className="text-slate-700">Not enrolled</span>
                  ) : row.status ? (
                    <>
                      <StatusBadge status={row.status} provisional={row.state === "live" && !row.override} />
                      {row.override ? (
                        <div className="mt-1 text-xs text-slate-600">
                          computed: {row.computedStatus} · by {row.override.by}
                        </div>
                      ) : null}
                    </>
                  ) : (
                    <span className="text-slate-600">—</span>
                  )}
                </Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {row.state === "scheduled"
                    ? "—"
                    : `${formatPercent(row.attendedPercent)} (${formatDuration(row.attendedSeconds)})`}
                </Td>
                <Td className="whitespace-nowrap">
                  {row.late ? <LateBadge lateBySeconds={row.lateBySeconds} /> : row.firstJoinAt ? "On time" : "—"}
                </Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {row.firstJoinAt ? formatTime(row.firstJoinAt, tz, true) : "—"}
                </Td>
                <Td className="whitespace-nowrap tabular-nums">
                  {row.lastLeaveAt
                    ? formatTime(row.lastLeaveAt, tz, true)
                    : row.firstJoinAt && row.state === "live"
                      ? "still in"
                      : "—"}
                </Td>
              </tr>
            ))}
          </Table>
        )}
      </Section>

      <Section
        id="corrections"
        title="Corrections history"
        description="Every override, change and removal of this student's final status, newest first. Nobody can edit this history."
      >
        <OverrideHistoryList entries={corrections} timeZone={tz} />
      </Section>

      <Section id="edit" title="Edit student">
        <Card>
          <StudentForm
            action={updateStudentAction.bind(null, student.id)}
            initial={{
              name: student.name,
              email: student.email,
              zoomRegistrantId: student.zoomRegistrantId,
              enrolledAt: zonedFormatter(tz).localDate(student.enrolledAt),
              sisId: student.sisId,
              phone: student.phone,
            }}
            submitLabel="Save student"
          />
        </Card>
        <div className="mt-4">
          <ConfirmAction
            action={removeStudentAction.bind(null, student.id)}
            label="Remove from roster…"
            confirmLabel={`Remove ${student.name}`}
            question="Their attendance records are deleted too."
            pendingText="Removing…"
          />
        </div>
      </Section>
    </div>
  );
}
