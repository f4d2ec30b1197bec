// What the live session page shows and polls: the session's attendance as of now (students with
// their presence intervals, guests) and which students were sent a late-joiner email. Shared by
// the page's first render and the polling route.
import { prisma } from "@/lib/db";
import { readSessionAttendance, type SessionView } from "@/lib/attendance/read";

export interface LivePayload extends SessionView {
  /** students who were sent (or queued) a late-joiner email */
  notifiedStudentIds: string[];
}

export async function loadLivePayload(sessionId: string, now: Date = new Date()): Promise<LivePayload | null> {
  const [view, notified] = await Promise.all([
    readSessionAttendance(sessionId, now),
    prisma.notification.findMany({ where: { sessionId, kind: "late_student", studentId: { not: null } }, select: { studentId: true } }),
  ]);
  if (!view) return null;
  return { ...view, notifiedStudentIds: notified.map((notification) => notification.studentId!) };
}
