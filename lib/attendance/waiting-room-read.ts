// Reads the waiting-room events of a session's meeting and says who is waiting now (waiting-room.ts).
import { prisma } from "../db";
import { normalizeEmail, WAITING_ROOM_EVENT_TYPES, widenedSessionWindow } from "./rules";
import { WAIT_ENDING_EVENT_TYPES, waitingNow } from "./waiting-room";

export interface WaitingRoomView {
  name: string;
  email: string | null;
  /** ISO time they entered the waiting room */
  since: string;
  /** the roster student with that email, when there is one */
  studentId: string | null;
}

export async function readWaitingRoom(
  session: { zoomMeetingId: string; startsAt: string | Date; durationMinutes: number },
  students: { studentId: string; email: string }[],
): Promise<WaitingRoomView[]> {
  const widened = widenedSessionWindow({ startsAt: new Date(session.startsAt), durationMinutes: session.durationMinutes });
  const rows = await prisma.event.findMany({
    where: {
      zoomMeetingId: session.zoomMeetingId,
      occurredAt: { gte: widened.start, lt: widened.end },
      eventType: { in: [...WAITING_ROOM_EVENT_TYPES, ...WAIT_ENDING_EVENT_TYPES] },
    },
    select: { id: true, eventType: true, meetingUuid: true, occurredAt: true, participantUserId: true, participantUuid: true, email: true, displayName: true },
  });
  const byEmail = new Map(students.map((student) => [normalizeEmail(student.email), student.studentId]));
  return waitingNow(rows.map((row) => ({ ...row, id: row.id.toString().padStart(20, "0") }))).map((entry) => ({
    name: entry.name,
    email: entry.email,
    since: entry.since.toISOString(),
    studentId: entry.email === null ? null : (byEmail.get(normalizeEmail(entry.email)) ?? null),
  }));
}
