// The `send_notification` job: sends one recorded notification, at most once.
//
// The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED inside a transaction that stays open
// while the SMTP server is asked to take the message, and the outcome (sent, or failed with the
// error) is written in that same transaction. So two workers never send the same row at once (the
// second one skips the locked row), a row whose status is `sent` is never sent again, and a failed
// send is retried by graphile-worker (exponential backoff) because this function then throws.
// Residual risk (docs/decisions/005-exactly-once-notifications.md): if the process dies after the
// SMTP server accepted the message but before the commit, the row is still pending and a retry,
// hours later when graphile-worker's job lock expires, would send it again with the same
// Message-ID, unless the class is over by then (late-student reminders expire with the class).
import { prisma } from "../db";
import { errorMessage, log } from "../log";
import { appBaseUrl, mailSettings } from "../mail/settings";
import { sendMail, SMTP_TIMEOUTS, type OutgoingMail } from "../mail/transport";
import { loadCourseSummary } from "../attendance/summary";
import { atRiskDigestMail, instructorSummaryMail, invitationMail, lateStudentMail } from "./messages";

export type SendOutcome = "sent" | "not_configured" | "already_done" | "in_progress" | "expired" | "gone";

const TRANSACTION_TIMEOUT_MS =
  SMTP_TIMEOUTS.dnsTimeout +
  SMTP_TIMEOUTS.connectionTimeout +
  SMTP_TIMEOUTS.greetingTimeout +
  SMTP_TIMEOUTS.socketTimeout +
  30_000;
const MAX_ERROR_LENGTH = 1000;

export function notificationMessageId(notificationId: string): string {
  return `<${notificationId}@rollcall>`;
}

export class NotificationSendError extends Error {
  constructor(
    readonly notificationId: string,
    cause: unknown,
  ) {
    super(`Sending notification ${notificationId} failed: ${errorMessage(cause)}`, { cause });
    this.name = "NotificationSendError";
  }
}

async function loadNotification(id: string) {
  return prisma.notification.findUnique({
    where: { id },
    include: {
      student: { select: { name: true } },
      session: {
        select: {
          id: true,
          title: true,
          startsAt: true,
          durationMinutes: true,
          lateAfterMinutes: true,
          joinUrl: true,
          zoomMeetingId: true,
          courseId: true,
          cancelledAt: true,
          course: {
            select: {
              name: true,
              timezone: true,
              instructors: {
                where: { user: { disabledAt: null } },
                select: { user: { select: { id: true, name: true, email: true } } },
              },
            },
          },
        },
      },
      course: { select: { id: true, name: true } },
    },
  });
}

type LoadedNotification = NonNullable<Awaited<ReturnType<typeof loadNotification>>>;

/** The weekly at-risk digest: the course's at-risk students as of the send. */
async function buildDigestMail(
  notification: LoadedNotification,
  base: Pick<OutgoingMail, "messageId" | "headers">,
  now: Date,
): Promise<OutgoingMail> {
  const course = notification.course!;
  const [user, summary] = await Promise.all([
    notification.userId ? prisma.user.findUnique({ where: { id: notification.userId }, select: { name: true } }) : null,
    loadCourseSummary(course.id, now),
  ]);
  const instructorName = user?.name ?? notification.recipient;
  const atRisk = (summary?.students ?? []).filter((student) => student.atRisk);
  return {
    ...base,
    to: { name: instructorName, address: notification.recipient },
    ...atRiskDigestMail({
      instructorName,
      courseName: course.name,
      week: notification.periodKey?.split(":")[2] ?? "",
      requiredPercent: summary?.course.requiredPercent ?? 90,
      maxAbsences: summary?.course.maxAbsences ?? null,
      students: atRisk.map((student) => ({
        name: student.name,
        email: student.email,
        attendedPercent: student.attendedPercent,
        absent: student.absent,
      })),
      courseUrl: `${appBaseUrl()}/courses/${course.id}#term`,
    }),
  };
}

async function buildMail(notification: LoadedNotification, now: Date): Promise<OutgoingMail> {
  const base = {
    messageId: notificationMessageId(notification.id),
    headers: { "X-Rollcall-Notification": notification.id },
  };
  if (notification.kind === "at_risk_digest") return buildDigestMail(notification, base, now);
  const session = notification.session!;
  const { course } = session;
  const instructors = course.instructors.map((entry) => entry.user);
  // The student's personal Zoom link on this meeting (roster registration), when there is one.
  const personal = notification.studentId
    ? await prisma.zoomRegistrant.findUnique({
        where: { studentId_zoomMeetingId: { studentId: notification.studentId, zoomMeetingId: session.zoomMeetingId } },
        select: { joinUrl: true },
      })
    : null;
  if (notification.kind === "invitation") {
    const studentName = notification.student?.name ?? notification.recipient;
    const later = await prisma.session.findMany({
      where: { courseId: session.courseId, zoomMeetingId: session.zoomMeetingId, startsAt: { gt: session.startsAt } },
      select: { startsAt: true },
      orderBy: { startsAt: "asc" },
      take: 20,
    });
    return {
      ...base,
      to: { name: studentName, address: notification.recipient },
      replyTo: instructors.map((instructor) => instructor.email),
      ...invitationMail({
        studentName,
        courseName: course.name,
        sessionTitle: session.title,
        sessionStarts: [session.startsAt, ...later.map((row) => row.startsAt)],
        durationMinutes: session.durationMinutes,
        timezone: course.timezone,
        personalJoinUrl: personal?.joinUrl ?? session.joinUrl ?? "",
        instructorNames: instructors.map((instructor) => instructor.name),
      }),
    };
  }
  if (notification.kind === "late_student") {
    const studentName = notification.student?.name ?? notification.recipient;
    return {
      ...base,
      to: { name: studentName, address: notification.recipient },
      replyTo: instructors.map((instructor) => instructor.email),
      ...lateStudentMail({
        studentName,
        courseName: course.name,
        sessionTitle: session.title,
        startsAt: session.startsAt,
        lateAfterMinutes: session.lateAfterMinutes,
        timezone: course.timezone,
        joinUrl: personal?.joinUrl ?? session.joinUrl,
        instructorNames: instructors.map((instructor) => instructor.name),
      }),
    };
  }
  // Instructor summary: the students this session's late check recorded, and whether they joined since.
  const [user, lateRows, records] = await Promise.all([
    notification.userId ? prisma.user.findUnique({ where: { id: notification.userId }, select: { name: true } }) : null,
    prisma.notification.findMany({
      where: { sessionId: session.id, kind: "late_student" },
      select: { studentId: true, recipient: true, student: { select: { name: true, email: true } } },
    }),
    prisma.attendanceRecord.findMany({
      where: { sessionId: session.id },
      select: { studentId: true, firstJoinAt: true },
    }),
  ]);
  const joined = new Map(records.map((record) => [record.studentId, record.firstJoinAt]));
  const students = lateRows
    .map((row) => ({
      name: row.student?.name ?? row.recipient,
      email: row.student?.email ?? row.recipient,
      joinedAt: (row.studentId && joined.get(row.studentId)) || null,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const instructorName = user?.name ?? notification.recipient;
  return {
    ...base,
    to: { name: instructorName, address: notification.recipient },
    ...instructorSummaryMail({
      instructorName,
      courseName: course.name,
      sessionTitle: session.title,
      startsAt: session.startsAt,
      lateAfterMinutes: session.lateAfterMinutes,
      timezone: course.timezone,
      students,
      sessionUrl: `${appBaseUrl()}/sessions/${session.id}`,
    }),
  };
}

const OPEN = ["pending", "failed"] as const;

/** After the SMTP server took the message but the commit failed: record `sent` outside the transaction. */
async function recordSentAfterCommitFailure(id: string, error: unknown): Promise<void> {
  for (let attempt = 1; attempt <= 5; attempt += 1) {
    try {
      await prisma.notification.updateMany({
        where: { id, status: { in: [...OPEN] } },
        data: { status: "sent", sentAt: new Date(), attempts: { increment: 1 } },
      });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, attempt * 1000));
    }
  }
  // Not throwing: a retry of this job would send a second email. The row stays pending and visible.
  log.error("notification sent but not recorded as sent", { notificationId: id, error: errorMessage(error) });
}

export async function sendNotification(id: string, now: () => Date = () => new Date()): Promise<SendOutcome> {
  const notification = await loadNotification(id);
  if (!notification) return "gone";
  if (!OPEN.includes(notification.status as (typeof OPEN)[number])) return "already_done";

  if (!mailSettings().smtpUrl) {
    await prisma.notification.updateMany({
      where: { id, status: { in: [...OPEN] } },
      data: { status: "not_configured", lastError: "Email is not configured (SMTP_URL unset): recorded, not sent" },
    });
    return "not_configured";
  }

  const { session } = notification;
  if (!session && notification.kind !== "at_risk_digest") return "gone";
  if ((notification.kind === "late_student" || notification.kind === "invitation") && session?.cancelledAt) {
    await prisma.notification.updateMany({
      where: { id, status: { in: [...OPEN] } },
      data: { status: "failed", lastError: "Not sent: the session was cancelled" },
    });
    return "expired";
  }
  const classEnds = session ? session.startsAt.getTime() + session.durationMinutes * 60_000 : Infinity;
  if ((notification.kind === "late_student" || notification.kind === "invitation") && now().getTime() >= classEnds) {
    // A "you're not in class yet" email, or an invitation, after the class is over helps no one.
    const previous = notification.lastError ? ` (last error: ${notification.lastError})` : "";
    await prisma.notification.updateMany({
      where: { id, status: { in: [...OPEN] } },
      data: {
        status: "failed",
        lastError: `Not sent: the class ended before the email could be sent${previous}`.slice(0, MAX_ERROR_LENGTH),
      },
    });
    return "expired";
  }

  const mail = await buildMail(notification, now());
  const state: { outcome: SendOutcome | null; accepted: boolean; error: unknown } = {
    outcome: null,
    accepted: false,
    error: null,
  };
  try {
    await prisma.$transaction(
      async (tx) => {
        const claimed = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM notifications WHERE id = ${id} AND status IN ('pending', 'failed') FOR UPDATE SKIP LOCKED`;
        if (claimed.length === 0) {
          // Sent or given up meanwhile, or another worker is sending it right now (and records the outcome).
          state.outcome = "in_progress";
          return;
        }
        try {
          await sendMail(mail);
        } catch (error) {
          state.error = error;
          await tx.notification.update({
            where: { id },
            data: {
              status: "failed",
              attempts: { increment: 1 },
              lastError: errorMessage(error).slice(0, MAX_ERROR_LENGTH),
            },
          });
          return;
        }
        state.accepted = true;
        await tx.notification.update({
          where: { id },
          data: { status: "sent", sentAt: new Date(), attempts: { increment: 1 } },
        });
        state.outcome = "sent";
      },
      { timeout: TRANSACTION_TIMEOUT_MS, maxWait: 15_000 },
    );
  } catch (error) {
    if (!state.accepted) throw error;
    await recordSentAfterCommitFailure(id, error);
    state.outcome = "sent";
  }
  if (state.error !== null) {
    log.warn("notification email failed; will retry", {
      notificationId: id,
      kind: notification.kind,
      error: errorMessage(state.error),
    });
    throw new NotificationSendError(id, state.error);
  }
  if (state.outcome === "sent") log.info("notification email sent", { notificationId: id, kind: notification.kind });
  return state.outcome ?? "in_progress";
}
