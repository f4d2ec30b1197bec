// What the live session page shows and polls: the session's attendance as of now (students with
// their presence intervals, hosts, guests), who is waiting in the waiting room, and which students
// were sent a late-joiner email. Shared by the page's first render and the polling route.
import { prisma } from "@/lib/db";
import { readSessionAttendance, type SessionView } from "@/lib/attendance/read";
import { readWaitingRoom, type WaitingRoomView } from "@/lib/attendance/waiting-room-read";

export interface LivePayload extends SessionView {
  /** students who were sent (or queued) a late-joiner email */
  notifiedStudentIds: string[];
  /** in the waiting room right now (never attendance); empty once the session has ended */
  waiting: WaitingRoomView[];
}

export async function loadLivePayload(sessionId: string, now: Date = new Date()): Promise<LivePayload | null> {
  const [view, notified] = await Promise.all([
    readSessionAttendance(sessionId, now),
    prisma.notification.findMany({ where: { sessionId, kind: "late_student", studentId: { not: null } }, select: { studentId: true } }),
  ]);
  if (!view) return null;
  const waiting = view.session.state === "ended" ? [] : await readWaitingRoom(view.session, view.students);
  return { ...view, notifiedStudentIds: notified.map((notification) => notification.studentId!), waiting };
}
