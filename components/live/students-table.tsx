// The live page's roster: every student of the course with where they are now, their first join,
// lateness, attended share and status, filtered by the "Show" choice.
import Link from "next/link";
import type { LivePayload } from "@/lib/attendance/live-delta";
import type { StudentRow } from "@/lib/attendance/read";
import { formatTime, zoneAbbreviation } from "@/lib/format";
import { RowHeader, Table, Td } from "../table";
import { EmptyState, LateBadge, Section, StatusBadge } from "../ui";
import { Attended, Presence } from "./presence";
import { ROSTER_FILTERS, type RosterFilter } from "./roster-filter";

interface StudentsTableProps {
  data: LivePayload;
  /** the students the filter lets through */
  shown: StudentRow[];
  filter: RosterFilter;
  onFilter: (filter: RosterFilter) => void;
}

export function StudentsTable({ data, shown, filter, onFilter }: StudentsTableProps) {
  const { session, course, students } = data;
  const tz = course.timezone;
  const live = session.state === "live";
  const zone = zoneAbbreviation(session.startsAt, tz);
  const notified = new Set(data.notifiedStudentIds);
  return (
    <Section
      id="roster"
      title="Students"
      description={
        live
          ? "Attended % and status are provisional until the class ends."
          : `Times in ${tz.replace(/_/g, " ")} (${zone}).`
      }
      actions={
        <div className="flex items-center gap-2">
          <label htmlFor="roster-filter" className="text-sm font-medium text-slate-800">
            Show
          </label>
          <select
            id="roster-filter"
            value={filter}
            onChange={(event) => onFilter(event.target.value as RosterFilter)}
            className="rounded-md border border-slate-500 bg-white px-2 py-1.5 text-sm"
          >
            {ROSTER_FILTERS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label} ({students.filter(option.test).length})
              </option>
            ))}
          </select>
        </div>
      }
    >
      {students.length === 0 ? (
        <EmptyState>
          This course has no students yet.{" "}
          <Link href={`/courses/${course.id}/roster/import`} className="font-medium text-blue-800 underline">
            Import the roster
          </Link>{" "}
          and everyone who joined will be matched.
        </EmptyState>
      ) : shown.length === 0 ? (
        <EmptyState>No student matches this filter.</EmptyState>
      ) : (
        <Table
          label="Students"
          testId="live-roster"
          columns={[
            "Student",
            "Now",
            `First join (${zone})`,
            "Last leave",
            "Late",
            "Attended",
            live ? "Status so far" : "Status",
          ]}
        >
          {shown.map((student) => (
            <tr
              key={student.studentId}
              data-student={student.email}
              className={student.inMeeting ? "bg-green-50/60" : undefined}
            >
              <RowHeader className="min-w-[12rem] text-left font-normal">
                <Link href={`/students/${student.studentId}`} className="font-medium text-blue-800 hover:underline">
                  {student.name}
                </Link>
                <div className="text-xs break-all text-slate-600">{student.email}</div>
              </RowHeader>
              <Td className="whitespace-nowrap" data-col="now">
                <Presence student={student} state={session.state} />
              </Td>
              <Td className="whitespace-nowrap tabular-nums">
                {student.firstJoinAt ? formatTime(student.firstJoinAt, tz, true) : "—"}
              </Td>
              <Td className="whitespace-nowrap tabular-nums">
                {student.lastLeaveAt ? (
                  formatTime(student.lastLeaveAt, tz, true)
                ) : student.inMeeting ? (
                  <span className="text-slate-600">still in</span>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="whitespace-nowrap" data-col="late">
                {student.late ? (
                  <LateBadge lateBySeconds={student.lateBySeconds} />
                ) : student.joinCount > 0 ? (
                  <span className="text-slate-700">On time</span>
                ) : notified.has(student.studentId) ? (
                  <span className="text-slate-700">Emailed</span>
                ) : (
                  "—"
                )}
              </Td>
              <Td className="whitespace-nowrap" data-col="attended">
                <Attended percent={student.attendedPercent} seconds={student.attendedSeconds} provisional={live} />
              </Td>
              <Td data-col="status">
                {!student.enrolled ? (
                  <span className="text-slate-700">Not enrolled</span>
                ) : session.state === "scheduled" && !student.override ? (
                  <span className="text-slate-600">—</span>
                ) : (
                  <StatusBadge status={student.status} />
                )}
                {student.override ? (
                  <div className="text-xs text-slate-600">computed: {student.computedStatus} · overridden</div>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Section>
  );
}
