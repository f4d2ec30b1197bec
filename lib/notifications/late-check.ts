// The `late_check` job (scheduled by lib/services/sessions.ts at startsAt + lateAfterMinutes, job
// key `late:<sessionId>`): records one notification per student who had not joined by then, and
// queues one `send_notification` job per new notification, in one transaction.
import { prisma } from "../db";
import { courseMaySeeMeeting } from "../attendance/load";
import { recomputeSession } from "../attendance/projection";
import type { Prisma } from "../generated/prisma/client";
import { log } from "../log";
import { lateDeadline } from "../attendance/rules";
import { addJobs, type Executor } from "../queue/enqueue";

/** A check that runs this long after its deadline (a session created for a past class) mails no one. */
export const STALE_AFTER_MS = 6 * 60 * 60 * 1000;
/** graphile-worker may start a job slightly before its run_at by the app's clock (clock skew). */
const EARLY_TOLERANCE_MS = 60_000;
export const SEND_MAX_ATTEMPTS = 10;

export type LateCheckOutcome =
  | { outcome: "no_session" }
  | { outcome: "disabled" }
  | { outcome: "cancelled" }
  | { outcome: "meeting_not_visible" }
  | { outcome: "early"; deadline: Date }
  | { outcome: "stale"; deadline: Date }
  | { outcome: "checked"; deadline: Date; lateStudents: number; created: number };

/** One send job per notification, in the caller's transaction; the job key makes a repeat a no-op. */
export async function enqueueSends(notificationIds: string[], db: Executor = prisma): Promise<void> {
  await addJobs(
    "send_notification",
    notificationIds.map((notificationId) => ({ payload: { notificationId }, jobKey: `notify:${notificationId}` })),
    { jobKeyMode: "unsafe_dedupe", maxAttempts: SEND_MAX_ATTEMPTS },
    db,
  );
}

export async function runLateCheck(sessionId: string, now: () => Date = () => new Date()): Promise<LateCheckOutcome> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      startsAt: true,
      lateAfterMinutes: true,
      cancelledAt: true,
      zoomMeetingId: true,
      course: { select: { id: true, notifyLateJoiners: true, notifyInstructorSummary: true } },
    },
  });
  if (!session) return { outcome: "no_session" };
  if (!session.course.notifyLateJoiners) return { outcome: "disabled" };
  // A cancelled class (snow day) has no late joiners.
  if (session.cancelledAt) return { outcome: "cancelled" };
  // A course that may not see its session's meeting sees no one join: "you have not joined" would
  // go to every student, wrongly (ADR 010).
  if (!(await courseMaySeeMeeting(prisma, session.course.id, session.zoomMeetingId))) {
    log.info("late check skipped: the course may not see the session's meeting", { sessionId });
    return { outcome: "meeting_not_visible" };
  }
  const deadline = lateDeadline(session);
  const early = deadline.getTime() - now().getTime();
  if (early > EARLY_TOLERANCE_MS) {
    // The session was moved later after this job started; its rescheduled job does the check.
    return { outcome: "early", deadline };
  }
  if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
  if (now().getTime() - deadline.getTime() > STALE_AFTER_MS) {
    log.info("late check skipped: deadline long past", { sessionId, deadline: deadline.toISOString() });
    return { outcome: "stale", deadline };
  }

  // Attendance from every event stored up to now (the projection may lag behind the webhooks).
  await recomputeSession(sessionId, now());

  const [students, records] = await Promise.all([
    prisma.student.findMany({ where: { courseId: session.course.id }, select: { id: true, emailNormalized: true } }),
    prisma.attendanceRecord.findMany({ where: { sessionId }, select: { studentId: true, firstJoinAt: true } }),
  ]);
  const firstJoin = new Map(records.map((record) => [record.studentId, record.firstJoinAt]));
  const late = students.filter((student) => {
    const joinedAt = firstJoin.get(student.id);
    return !joinedAt || joinedAt.getTime() > deadline.getTime();
  });
  if (late.length === 0) return { outcome: "checked", deadline, lateStudents: 0, created: 0 };

  const instructors = session.course.notifyInstructorSummary
    ? await prisma.courseInstructor.findMany({
        where: { courseId: session.course.id, user: { disabledAt: null } },
        select: { user: { select: { id: true, email: true } } },
      })
    : [];

  const created = await prisma.$transaction(async (tx) => {
    // One per student even if the student's email changed since an earlier check of this session.
    const already = await tx.notification.findMany({
      where: { sessionId, kind: "late_student", studentId: { not: null } },
      select: { studentId: true },
    });
    const notified = new Set(already.map((row) => row.studentId));
    const data: Prisma.NotificationCreateManyInput[] = [
      ...late
        .filter((student) => !notified.has(student.id))
        .map((student) => ({
          sessionId,
          studentId: student.id,
          kind: "late_student" as const,
          recipient: student.emailNormalized,
        })),
      ...instructors.map(({ user }) => ({
        sessionId,
        userId: user.id,
        kind: "instructor_summary" as const,
        recipient: user.email.toLowerCase(),
      })),
    ];
    // The unique (sessionId, kind, recipient) index is the guarantee: a row that exists already
    // (an earlier or a concurrent check) is skipped, and only rows inserted here get a send job.
    const rows = await tx.notification.createManyAndReturn({ data, skipDuplicates: true, select: { id: true } });
    await enqueueSends(
      rows.map((row) => row.id),
      tx,
    );
    return rows.length;
  });
  log.info("late check done", { sessionId, lateStudents: late.length, created });
  return { outcome: "checked", deadline, lateStudents: late.length, created };
}
