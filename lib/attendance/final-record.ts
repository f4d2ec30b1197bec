// The final record: what a school keeps for one student in one session, derived after the engine's
// computed figures from three inputs the engine never sees — an instructor's override, the
// session's cancellation and the student's enrolment date. Pure: no I/O, no Prisma, no clock.
// The computed figures pass through untouched, so removing an override restores them exactly.
import { sessionWindow } from "./rules";
import type { AttendanceStatus } from "./types";

export type FinalStatus = AttendanceStatus | "excused";
export const FINAL_STATUSES = ["present", "partial", "absent", "excused"] as const satisfies readonly FinalStatus[];

export interface OverrideInput {
  status: FinalStatus;
  /** null: keep the computed late flag */
  late: boolean | null;
  note: string | null;
  by: string;
  at: Date;
}

export interface ComputedFigures {
  status: AttendanceStatus;
  attendedSeconds: number;
  late: boolean;
  lateBySeconds: number;
}

export interface RecordContext {
  session: { startsAt: Date; durationMinutes: number; cancelled: boolean };
  enrolledAt: Date;
  override: OverrideInput | null;
}

export interface FinalRecord<C extends ComputedFigures = ComputedFigures> {
  computed: C;
  status: FinalStatus;
  late: boolean;
  override: OverrideInput | null;
  /** false when the session ended before the student enrolled */
  enrolled: boolean;
  cancelled: boolean;
  /** whether the session is part of the student's record at all (enrolled, not cancelled) */
  ofRecord: boolean;
  /** the seconds the term rate credits: the override's word when there is one */
  creditedSeconds: number;
}

export const sessionEnd = (session: { startsAt: Date; durationMinutes: number }) => sessionWindow(session).end;

/** Enrolled unless the whole session was over before the student was added. */
export function isEnrolled(session: { startsAt: Date; durationMinutes: number }, enrolledAt: Date): boolean {
  return enrolledAt.getTime() < sessionEnd(session).getTime();
}

/**
 * Credited seconds: an override to present credits the whole window (the instructor vouches for
 * the student; Zoom did not see them), to absent or excused nothing, to partial what Zoom measured
 * (capped below the window).
 */
export function creditedSeconds(
  status: FinalStatus,
  computedSeconds: number,
  windowSeconds: number,
  overridden: boolean,
): number {
  if (!overridden) return Math.min(computedSeconds, windowSeconds);
  if (status === "present") return windowSeconds;
  if (status === "partial") return Math.min(computedSeconds, windowSeconds);
  return 0;
}

/**
 * The final status and late flag: the override's, else the computed ones. Overriding to absent or
 * excused clears the computed late flag unless the override sets one.
 */
export function finalStatusAndLate(
  computed: { status: AttendanceStatus; late: boolean },
  override: Pick<OverrideInput, "status" | "late"> | null,
): { status: FinalStatus; late: boolean } {
  if (!override) return { status: computed.status, late: computed.late };
  const late =
    override.status === "absent" || override.status === "excused"
      ? (override.late ?? false)
      : (override.late ?? computed.late);
  return { status: override.status, late };
}

export function finalRecord<C extends ComputedFigures>(computed: C, context: RecordContext): FinalRecord<C> {
  const { override } = context;
  const { status, late } = finalStatusAndLate(computed, override);
  const enrolled = isEnrolled(context.session, context.enrolledAt);
  const windowSeconds = context.session.durationMinutes * 60;
  return {
    computed,
    status,
    late,
    override,
    enrolled,
    cancelled: context.session.cancelled,
    ofRecord: enrolled && !context.session.cancelled,
    creditedSeconds: creditedSeconds(status, computed.attendedSeconds, windowSeconds, override !== null),
  };
}
