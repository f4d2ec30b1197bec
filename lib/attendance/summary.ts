// Loads a course's term record (lib/attendance/term.ts does the arithmetic): the sessions whose
// window is over, each student's computed records and the instructors' overrides, in four queries
// whatever the course's size.
import { prisma } from "../db";
import { sessionEnd, type OverrideInput } from "./final-record";
import { recordKey, termSummary, type TermComputed, type TermFigures, type TermPolicy, type TermSession } from "./term";
import type { AttendanceStatus } from "./types";

export interface SummaryStudent extends TermFigures {
  name: string;
  email: string;
  sisId: string | null;
  enrolledAt: Date;
}

export interface CourseSummary {
  course: { id: string; name: string; timezone: string; requiredPercent: number; maxAbsences: number | null };
  /** sessions whose window is over and that are not cancelled */
  sessionsEnded: number;
  sessionsCancelled: number;
  students: SummaryStudent[];
}

/** A session counts once its scheduled window is over (the figures are final by then). */
export const sessionHasEnded = (session: { startsAt: Date; durationMinutes: number }, now: Date) =>
  sessionEnd(session).getTime() <= now.getTime();

export async function loadCourseSummary(courseId: string, now: Date = new Date()): Promise<CourseSummary | null> {
  const course = await prisma.course.findUnique({
    where: { id: courseId },
    select: { id: true, name: true, timezone: true, termRequiredPercent: true, maxAbsences: true },
  });
  if (!course) return null;
  const [sessionRows, students, records, overrides] = await Promise.all([
    prisma.session.findMany({
      where: { courseId },
      select: { id: true, startsAt: true, durationMinutes: true, cancelledAt: true },
      orderBy: [{ startsAt: "asc" }, { id: "asc" }],
    }),
    prisma.student.findMany({
      where: { courseId },
      select: { id: true, name: true, email: true, sisId: true, enrolledAt: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    prisma.$queryRaw<
      {
        sessionId: string;
        studentId: string;
        status: AttendanceStatus;
        attendedSeconds: number;
        late: boolean;
        lateBySeconds: number;
      }[]
    >`
      SELECT ar."sessionId", ar."studentId", ar.status::text AS status, ar."attendedSeconds", ar.late, ar."lateBySeconds"
      FROM attendance_records ar JOIN sessions s ON s.id = ar."sessionId"
      WHERE s."courseId" = ${courseId} AND s."startsAt" + make_interval(mins => s."durationMinutes") <= ${now}`,
    prisma.attendanceOverride.findMany({
      where: { session: { courseId } },
      select: { sessionId: true, studentId: true, status: true, late: true, note: true, byName: true, at: true },
    }),
  ]);
  const sessions: TermSession[] = sessionRows.map((session) => ({
    id: session.id,
    startsAt: session.startsAt,
    durationMinutes: session.durationMinutes,
    cancelled: session.cancelledAt !== null,
    ended: sessionHasEnded(session, now),
  }));
  const computed = new Map<string, TermComputed>(
    records.map((record) => [recordKey(record.sessionId, record.studentId), record]),
  );
  const overrideMap = new Map<string, OverrideInput>(
    overrides.map((override) => [
      recordKey(override.sessionId, override.studentId),
      { status: override.status, late: override.late, note: override.note, by: override.byName, at: override.at },
    ]),
  );
  const policy: TermPolicy = { requiredPercent: course.termRequiredPercent, maxAbsences: course.maxAbsences };
  const byId = new Map(students.map((student) => [student.id, student]));
  const figures = termSummary(students, sessions, computed, overrideMap, policy);
  return {
    course: {
      id: course.id,
      name: course.name,
      timezone: course.timezone,
      requiredPercent: course.termRequiredPercent,
      maxAbsences: course.maxAbsences,
    },
    sessionsEnded: sessions.filter((session) => session.ended && !session.cancelled).length,
    sessionsCancelled: sessions.filter((session) => session.cancelled).length,
    students: figures.map((row) => {
      const student = byId.get(row.studentId)!;
      return { ...row, name: student.name, email: student.email, sisId: student.sisId, enrolledAt: student.enrolledAt };
    }),
  };
}

/** The API's shape (docs/api.md): the documented fields, plus sisId. */
export function toPublicSummary(summary: CourseSummary) {
  return {
    course: { ...summary.course, sessionsEnded: summary.sessionsEnded, sessionsCancelled: summary.sessionsCancelled },
    students: summary.students.map((student) => ({
      studentId: student.studentId,
      name: student.name,
      email: student.email,
      sisId: student.sisId,
      sessionsCounted: student.sessionsCounted,
      present: student.present,
      partial: student.partial,
      absent: student.absent,
      excused: student.excused,
      late: student.late,
      attendedPercent: student.attendedPercent,
      atRisk: student.atRisk,
    })),
  };
}
