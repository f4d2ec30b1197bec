// Exports of the term record: the course term-summary CSV and Ed-Fi StudentSectionAttendanceEvent
// records (docs/api.md "Ed-Fi mapping"). The arithmetic is lib/attendance/term.ts and
// final-record.ts; this module only shapes it.
import { prisma } from "../db";
import { finalRecord, type FinalStatus } from "../attendance/final-record";
import { sessionHasEnded, type CourseSummary } from "../attendance/summary";
import type { AttendanceStatus } from "../attendance/types";
import { csvStream, type CsvRow } from "./csv";
import { slugify } from "./names";
import type { ExportRange } from "./range";
import { localDateRange, zonedFormatter } from "./time";
import type { ExportFile, ExportOptions } from "./attendance";

export const SUMMARY_COLUMNS = [
  "student_name",
  "student_email",
  "sis_id",
  "sessions_counted",
  "present",
  "partial",
  "absent",
  "excused",
  "late",
  "attended_percent",
  "at_risk",
] as const;

export function summaryCsv(summary: CourseSummary, options: ExportOptions = {}): ExportFile {
  const rows: CsvRow[] = summary.students.map((student) => [
    student.name,
    student.email,
    student.sisId,
    String(student.sessionsCounted),
    String(student.present),
    String(student.partial),
    String(student.absent),
    String(student.excused),
    String(student.late),
    student.attendedPercent === null ? null : student.attendedPercent.toFixed(1),
    student.atRisk ? "true" : "false",
  ]);
  async function* batches() {
    yield rows;
  }
  return {
    filename: `${slugify(summary.course.name)}_term-summary.csv`,
    stream: csvStream(SUMMARY_COLUMNS, batches(), options),
  };
}

const DESCRIPTOR = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#";

/**
 * The Ed-Fi attendance event category of a final record (README "Corrections and the term record", ADR 014):
 * excused → Excused Absence, absent → Unexcused Absence, partial → Partial, present and late →
 * Tardy, present → In Attendance. A late student who was only partly there stays Partial.
 */
export function edFiCategory(status: FinalStatus, late: boolean): string {
  const name =
    status === "excused"
      ? "Excused Absence"
      : status === "absent"
        ? "Unexcused Absence"
        : status === "partial"
          ? "Partial"
          : late
            ? "Tardy"
            : "In Attendance";
  return DESCRIPTOR + name;
}

export interface EdFiAttendanceEvent {
  studentReference: { studentUniqueId: string };
  sectionReference: { sectionIdentifier: string; localCourseCode: string };
  eventDate: string;
  attendanceEventCategoryDescriptor: string;
  arrivalTime: string | null;
  departureTime: string | null;
  sectionAttendanceDuration: number;
  attendanceEventReason: string | null;
}

/**
 * One event per student per session of record (ended, not cancelled, the student enrolled) whose
 * start falls in the local days [from, to], by session start then student name.
 */
export async function attendanceEvents(
  course: { id: string; name: string; timezone: string },
  range: ExportRange,
  now: Date = new Date(),
): Promise<EdFiAttendanceEvent[]> {
  const bounds = localDateRange(range.from, range.to, course.timezone);
  const [sessions, students] = await Promise.all([
    prisma.session.findMany({
      where: { courseId: course.id, startsAt: { gte: bounds.start, lt: bounds.end }, cancelledAt: null },
      select: { id: true, startsAt: true, durationMinutes: true },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    }),
    prisma.student.findMany({
      where: { courseId: course.id },
      select: { id: true, name: true, sisId: true, enrolledAt: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
  ]);
  const ended = sessions.filter((session) => sessionHasEnded(session, now));
  if (ended.length === 0) return [];
  const sessionIds = ended.map((session) => session.id);
  const [records, overrides] = await Promise.all([
    prisma.attendanceRecord.findMany({
      where: { sessionId: { in: sessionIds } },
      select: {
        sessionId: true,
        studentId: true,
        status: true,
        attendedSeconds: true,
        late: true,
        lateBySeconds: true,
        firstJoinAt: true,
        lastLeaveAt: true,
      },
    }),
    prisma.attendanceOverride.findMany({ where: { sessionId: { in: sessionIds } } }),
  ]);
  const key = (sessionId: string, studentId: string) => `${sessionId}:${studentId}`;
  const recordMap = new Map(records.map((record) => [key(record.sessionId, record.studentId), record]));
  const overrideMap = new Map(overrides.map((override) => [key(override.sessionId, override.studentId), override]));
  const zoned = zonedFormatter(course.timezone);
  const localTime = (value: Date | null) => (value ? zoned.instant(value).slice(11, 19) : null);
  const events: EdFiAttendanceEvent[] = [];
  for (const session of ended) {
    for (const student of students) {
      const record = recordMap.get(key(session.id, student.id));
      const stored = overrideMap.get(key(session.id, student.id));
      const computed = {
        status: (record?.status ?? "absent") as AttendanceStatus,
        attendedSeconds: record?.attendedSeconds ?? 0,
        late: record?.late ?? false,
        lateBySeconds: record?.lateBySeconds ?? 0,
      };
      const final = finalRecord(computed, {
        session: { ...session, cancelled: false },
        enrolledAt: student.enrolledAt,
        override: stored
          ? { status: stored.status, late: stored.late, note: stored.note, by: stored.byName, at: stored.at }
          : null,
      });
      if (!final.ofRecord) continue;
      const absent = final.status === "absent" || final.status === "excused";
      events.push({
        studentReference: { studentUniqueId: student.sisId ?? student.id },
        sectionReference: { sectionIdentifier: course.id, localCourseCode: course.name },
        eventDate: zoned.localDate(session.startsAt),
        attendanceEventCategoryDescriptor: edFiCategory(final.status, final.late),
        arrivalTime: absent ? null : localTime(record?.firstJoinAt ?? null),
        departureTime: absent ? null : localTime(record?.lastLeaveAt ?? null),
        sectionAttendanceDuration: Math.round(final.creditedSeconds / 60),
        attendanceEventReason: stored?.note ?? null,
      });
    }
  }
  return events;
}
