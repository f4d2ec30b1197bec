// The session page's registration panel: is the API configured, what Zoom said about the meeting,
// and per student whether they have a personal link on this meeting and were invited.
import { getConfig } from "../config";
import { prisma } from "../db";
import type { NotificationStatus } from "../generated/prisma/enums";

export interface RegistrationStudentView {
  studentId: string;
  name: string;
  email: string;
  registered: boolean;
  joinUrl: string | null;
  invitation: NotificationStatus | null;
}

export interface SessionRegistrationView {
  configured: boolean;
  zoomMeetingId: string;
  /** the course's sessions on this meeting (they share the registrants) */
  sessionsOnMeeting: number;
  /** what Zoom refused for the whole meeting at the last run, with what to change */
  problem: string | null;
  lastRunAt: Date | null;
  students: RegistrationStudentView[];
}

export async function readSessionRegistration(sessionId: string): Promise<SessionRegistrationView | null> {
  const session = await prisma.session.findUnique({
    where: { id: sessionId },
    select: { courseId: true, zoomMeetingId: true },
  });
  if (!session) return null;
  const [registration, sessionsOnMeeting, students, invitations] = await Promise.all([
    prisma.meetingRegistration.findUnique({
      where: { courseId_zoomMeetingId: { courseId: session.courseId, zoomMeetingId: session.zoomMeetingId } },
    }),
    prisma.session.count({ where: { courseId: session.courseId, zoomMeetingId: session.zoomMeetingId } }),
    prisma.student.findMany({
      where: { courseId: session.courseId },
      select: {
        id: true,
        name: true,
        email: true,
        registrations: { where: { zoomMeetingId: session.zoomMeetingId }, select: { joinUrl: true } },
      },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    prisma.notification.findMany({
      where: { sessionId, kind: "invitation", studentId: { not: null } },
      select: { studentId: true, status: true },
    }),
  ]);
  const invited = new Map(invitations.map((row) => [row.studentId!, row.status]));
  return {
    configured: getConfig().reportApiConfigured,
    zoomMeetingId: session.zoomMeetingId,
    sessionsOnMeeting,
    problem: registration?.problem ?? null,
    lastRunAt: registration?.lastRunAt ?? null,
    students: students.map((student) => ({
      studentId: student.id,
      name: student.name,
      email: student.email,
      registered: student.registrations.length > 0,
      joinUrl: student.registrations[0]?.joinUrl ?? null,
      invitation: invited.get(student.id) ?? null,
    })),
  };
}
