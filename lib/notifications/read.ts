// Reads for the live session page: who was notified, when, and how the sending went.
import { prisma } from "../db";
import type { NotificationKind, NotificationStatus } from "../generated/prisma/enums";
import { emailConfigured } from "../mail/settings";
import { lateDeadline } from "../attendance/rules";

export interface NotificationRow {
  id: string;
  kind: NotificationKind;
  /** student or instructor name (the address if the person is gone) */
  name: string;
  recipient: string;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

/** Students first (by name), then instructor summaries. */
export async function listSessionNotifications(sessionId: string): Promise<NotificationRow[]> {
  const rows = await prisma.notification.findMany({
    where: { sessionId },
    include: { student: { select: { name: true } } },
  });
  const userIds = rows.map((row) => row.userId).filter((id): id is string => id !== null);
  const users = userIds.length
    ? await prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true } })
    : [];
  const userNames = new Map(users.map((user) => [user.id, user.name]));
  return rows
    .map((row) => ({
      id: row.id,
      kind: row.kind,
      name: row.student?.name ?? (row.userId ? userNames.get(row.userId) : undefined) ?? row.recipient,
      recipient: row.recipient,
      status: row.status,
      attempts: row.attempts,
      lastError: row.lastError,
      createdAt: row.createdAt,
      sentAt: row.sentAt,
    }))
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === "late_student" ? -1 : 1));
}

export interface SessionNotificationsView {
  notifications: NotificationRow[];
  emailConfigured: boolean;
  notifyLateJoiners: boolean;
  notifyInstructorSummary: boolean;
  /** when the late check runs (ran): startsAt + lateAfterMinutes */
  checkAt: Date;
  /** whether checkAt has passed */
  checkDue: boolean;
}

export async function readSessionNotifications(
  sessionId: string,
  now: Date = new Date(),
): Promise<SessionNotificationsView | null> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: {
      startsAt: true,
      lateAfterMinutes: true,
      course: { select: { notifyLateJoiners: true, notifyInstructorSummary: true } },
    },
  });
  if (!session) return null;
  return {
    notifications: await listSessionNotifications(sessionId),
    emailConfigured: emailConfigured(),
    notifyLateJoiners: session.course.notifyLateJoiners,
    notifyInstructorSummary: session.course.notifyInstructorSummary,
    checkAt: lateDeadline(session),
    checkDue: lateDeadline(session).getTime() <= now.getTime(),
  };
}
