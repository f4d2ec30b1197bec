// Term figures per student and the at-risk rule (README "Corrections and the term record", ADR 014). Pure:
// the caller loads sessions, the roster, computed records and overrides; nothing here reads a
// clock or a database, so the same inputs always give the same summary.
import { finalRecord, type ComputedFigures, type FinalStatus, type OverrideInput } from "./final-record";
import type { AttendanceStatus } from "./types";

export interface TermSession {
  id: string;
  startsAt: Date;
  durationMinutes: number;
  cancelled: boolean;
  /** the class is over (only ended sessions count) */
  ended: boolean;
}

export interface TermStudent {
  id: string;
  enrolledAt: Date;
}

export interface TermComputed {
  status: AttendanceStatus;
  attendedSeconds: number;
  late: boolean;
  lateBySeconds: number;
}

export interface TermPolicy {
  /** term percent below which a student is at risk */
  requiredPercent: number;
  /** more unexcused absences than this puts a student at risk; null: no limit */
  maxAbsences: number | null;
}

export interface TermFigures {
  studentId: string;
  /** ended, not cancelled, enrolled and not excused */
  sessionsCounted: number;
  present: number;
  partial: number;
  absent: number;
  excused: number;
  late: number;
  attendedSeconds: number;
  windowSeconds: number;
  /** attended ÷ window over the counted sessions, one decimal; null when none is counted */
  attendedPercent: number | null;
  atRisk: boolean;
}

const ABSENT: TermComputed = { status: "absent", attendedSeconds: 0, late: false, lateBySeconds: 0 };

export const recordKey = (sessionId: string, studentId: string) => `${sessionId}\u0000${studentId}`;

export function isAtRisk(figures: Pick<TermFigures, "attendedPercent" | "absent">, policy: TermPolicy): boolean {
  if (figures.attendedPercent !== null && figures.attendedPercent < policy.requiredPercent) return true;
  return policy.maxAbsences !== null && figures.absent > policy.maxAbsences;
}

/**
 * One student's term figures. `computed` and `overrides` are keyed by recordKey(session, student);
 * a student without a computed record in an ended session was absent (as on the session page).
 */
export function studentTermFigures(
  student: TermStudent,
  sessions: TermSession[],
  computed: ReadonlyMap<string, TermComputed>,
  overrides: ReadonlyMap<string, OverrideInput>,
  policy: TermPolicy,
): TermFigures {
  const figures: TermFigures = {
    studentId: student.id,
    sessionsCounted: 0,
    present: 0,
    partial: 0,
    absent: 0,
    excused: 0,
    late: 0,
    attendedSeconds: 0,
    windowSeconds: 0,
    attendedPercent: null,
    atRisk: false,
  };
  for (const session of sessions) {
    if (!session.ended) continue;
    const key = recordKey(session.id, student.id);
    const record = finalRecord<ComputedFigures>(computed.get(key) ?? ABSENT, {
      session,
      enrolledAt: student.enrolledAt,
      override: overrides.get(key) ?? null,
    });
    if (!record.ofRecord) continue;
    if (record.status === "excused") {
      figures.excused += 1;
      continue;
    }
    figures.sessionsCounted += 1;
    figures[record.status satisfies Exclude<FinalStatus, "excused">] += 1;
    if (record.late) figures.late += 1;
    figures.attendedSeconds += record.creditedSeconds;
    figures.windowSeconds += session.durationMinutes * 60;
  }
  figures.attendedPercent =
    figures.windowSeconds > 0 ? Math.round((figures.attendedSeconds * 1000) / figures.windowSeconds) / 10 : null;
  figures.atRisk = isAtRisk(figures, policy);
  return figures;
}

/** Every student's figures, at-risk students first, then by the caller's order. */
export function termSummary(
  students: TermStudent[],
  sessions: TermSession[],
  computed: ReadonlyMap<string, TermComputed>,
  overrides: ReadonlyMap<string, OverrideInput>,
  policy: TermPolicy,
): TermFigures[] {
  const rows = students.map((student) => studentTermFigures(student, sessions, computed, overrides, policy));
  return rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => Number(b.row.atRisk) - Number(a.row.atRisk) || a.index - b.index)
    .map(({ row }) => row);
}
