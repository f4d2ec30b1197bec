// Invitation emails: each registered student of a session gets their personal Zoom join link, once
// (a `invitation` notification, sent by the exactly-once path of lib/notifications/send.ts,
// docs/decisions/005-exactly-once-notifications.md). Per series: the email lists this session and
// the course's later sessions on the same meeting, which the same personal link opens.
import { prisma } from "../db";
import { enqueueSends } from "../notifications/late-check";

export interface InvitationResult {
  /** emails queued now */
  invited: number;
  /** students who had been invited to this session before (not emailed again) */
  alreadyInvited: number;
  /** students without a personal link on this meeting: register the roster first */
  notRegistered: number;
}

export async function inviteRegisteredStudents(sessionId: string): Promise<InvitationResult> {
  const session = await prisma.session.findUniqueOrThrow({
    where: { id: sessionId },
    select: { id: true, courseId: true, zoomMeetingId: true },
  });
  const students = await prisma.student.findMany({
    where: { courseId: session.courseId },
    select: {
      id: true,
      emailNormalized: true,
      registrations: { where: { zoomMeetingId: session.zoomMeetingId }, select: { joinUrl: true } },
    },
  });
  const withLink = students.filter((student) => student.registrations.some((registration) => registration.joinUrl));
  return prisma.$transaction(async (tx) => {
    const already = await tx.notification.findMany({
      where: { sessionId, kind: "invitation", studentId: { not: null } },
      select: { studentId: true },
    });
    const invitedBefore = new Set(already.map((row) => row.studentId));
    const data = withLink
      .filter((student) => !invitedBefore.has(student.id))
      .map((student) => ({
        sessionId,
        studentId: student.id,
        kind: "invitation" as const,
        recipient: student.emailNormalized,
      }));
    // The unique (sessionId, kind, recipient) index makes a concurrent second click a no-op.
    const rows = await tx.notification.createManyAndReturn({ data, skipDuplicates: true, select: { id: true } });
    await enqueueSends(
      rows.map((row) => row.id),
      tx,
    );
    return {
      invited: rows.length,
      alreadyInvited: withLink.length - rows.length,
      notRegistered: students.length - withLink.length,
    };
  });
}
