// Says who is waiting in a session's waiting room now (waiting-room.ts), from the stored
// waiting-room events the live page's read returns with the session (loadStoredSession).
import { normalizeEmail } from "./rules";
import { waitingNow, type WaitingRoomEvent } from "./waiting-room";

export interface WaitingRoomView {
  name: string;
  email: string | null;
  /** ISO time they entered the waiting room */
  since: string;
  /** the roster student with that email, when there is one */
  studentId: string | null;
}

export function waitingRoomView(
  events: WaitingRoomEvent[],
  students: { studentId: string; email: string }[],
): WaitingRoomView[] {
  const byEmail = new Map(students.map((student) => [normalizeEmail(student.email), student.studentId]));
  return waitingNow(events.map((event) => ({ ...event, id: event.id.padStart(20, "0") }))).map((entry) => ({
    name: entry.name,
    email: entry.email,
    since: entry.since.toISOString(),
    studentId: entry.email === null ? null : (byEmail.get(normalizeEmail(entry.email)) ?? null),
  }));
}
