// Recomputes a session's stored attendance from its stored events (the I/O around the pure engine).
// Safe to run twice at once: a per-session advisory lock serialises recomputes, and each one reads
// the events only after taking the lock, so a later recompute never loses to an earlier one.
import { prisma } from "../db";
import { enqueueRecompute } from "../queue/enqueue";
import { attachEventsToSessions, computeSessionAttendance, widenedSessionWindow } from "./engine";
import { loadCourseIdentity, readMeetingEvents, SESSION_INPUT_SELECT } from "./load";
import type { EngineEvent, MeetingInstanceTimes, SessionInput } from "./types";

/** Sessions are at most a day long, so siblings that can compete for an event start within this. */
const MAX_SESSION_MS = 24 * 60 * 60 * 1000;
const RECOMPUTE_TIMEOUT_MS = 60_000;

export interface RecomputeResult {
  sessionId: string;
  events: number;
  students: number;
  guests: number;
  newLinks: number;
}

/**
 * `now` defaults to the moment the session's lock is granted, just before the events are read:
 * the projection's `computedAt` is then the time of the snapshot it was computed from (a
 * recompute that waited for another one's lock does not claim an earlier snapshot).
 */
export async function recomputeSession(sessionId: string, fixedNow?: Date): Promise<RecomputeResult | null> {
  const result = await prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(hashtextextended('recompute:' || $1, 0))", sessionId);
      const now = fixedNow ?? new Date();
      const session = await tx.session.findUnique({ where: { id: sessionId } });
      if (!session) return null;
      const widened = widenedSessionWindow(session);

      // Events of this meeting near the session, and the sibling sessions that may claim them.
      const [events, siblings, identity] = await Promise.all([
        readMeetingEvents(session.zoomMeetingId, widened.start, widened.end),
        tx.session.findMany({
          where: {
            zoomMeetingId: session.zoomMeetingId,
            startsAt: { gte: new Date(widened.start.getTime() - MAX_SESSION_MS), lt: widened.end },
          },
          select: SESSION_INPUT_SELECT,
        }),
        loadCourseIdentity(tx, session.courseId),
      ]);

      const attached = attachEventsToSessions(events, siblings as SessionInput[]).get(session.id) ?? [];
      const instances = await loadInstances(tx, attached);

      const computed = computeSessionAttendance({
        session,
        ...identity,
        events: attached,
        instances,
        now,
      });

      await tx.attendanceRecord.deleteMany({ where: { sessionId } });
      await tx.guestAttendance.deleteMany({ where: { sessionId } });
      // One statement per table: rows travel as one JSON document (createMany was ~10x slower).
      await tx.$executeRawUnsafe(
        "INSERT INTO attendance_records SELECT * FROM jsonb_populate_recordset(NULL::attendance_records, $1::jsonb)",
        JSON.stringify(
          computed.students.map((student) => ({
            sessionId,
            studentId: student.studentId,
            status: student.status,
            attendedSeconds: student.attendedSeconds,
            attendedPercent: student.attendedPercent,
            firstJoinAt: student.firstJoinAt,
            lastLeaveAt: student.lastLeaveAt,
            late: student.late,
            lateBySeconds: student.lateBySeconds,
            joinCount: student.joinCount,
            inMeeting: student.inMeeting,
            openConnections: student.openConnections,
            intervals: student.intervals,
            computedAt: now,
          })),
        ),
      );
      await tx.$executeRawUnsafe(
        "INSERT INTO guest_attendance SELECT * FROM jsonb_populate_recordset(NULL::guest_attendance, $1::jsonb)",
        JSON.stringify(
          computed.guests.map((guest) => ({
            sessionId,
            guestKey: guest.guestKey,
            name: guest.name,
            email: guest.email,
            attendedSeconds: guest.attendedSeconds,
            attendedPercent: guest.attendedPercent,
            firstJoinAt: guest.firstJoinAt,
            lastLeaveAt: guest.lastLeaveAt,
            joinCount: guest.joinCount,
            inMeeting: guest.inMeeting,
            openConnections: guest.openConnections,
            intervals: guest.intervals,
            computedAt: now,
          })),
        ),
      );
      const newLinks = await tx.identityLink.createMany({
        data: computed.learnedLinks.map((link) => ({ courseId: session.courseId, zoomAccountId: link.zoomAccountId, studentId: link.studentId })),
        skipDuplicates: true,
      });
      await tx.session.update({ where: { id: sessionId }, data: { computedAt: now, computedEvents: attached.length } });
      for (const instance of instances) {
        await tx.meetingInstance.upsert({
          where: { uuid: instance.uuid },
          create: { uuid: instance.uuid, zoomMeetingId: session.zoomMeetingId, startedAt: instance.startedAt, endedAt: instance.endedAt },
          update: { startedAt: instance.startedAt, endedAt: instance.endedAt },
        });
      }
      if (newLinks.count > 0) {
        // A newly learned account ID can identify a "guest" in the course's other sessions.
        const others = await tx.session.findMany({ where: { courseId: session.courseId, id: { not: sessionId } }, select: { id: true } });
        await enqueueRecompute(others.map((other) => other.id), tx);
      }
      return {
        sessionId,
        events: attached.length,
        students: computed.students.length,
        guests: computed.guests.length,
        newLinks: newLinks.count,
      };
    },
    { timeout: RECOMPUTE_TIMEOUT_MS, maxWait: RECOMPUTE_TIMEOUT_MS },
  );
  return result;
}

type Transaction = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/** Start/end of every meeting instance the session's events belong to, from their start/end events. */
async function loadInstances(tx: Transaction, events: EngineEvent[]): Promise<MeetingInstanceTimes[]> {
  const uuids = [...new Set(events.map((event) => event.meetingUuid).filter((uuid): uuid is string => uuid !== null))];
  if (uuids.length === 0) return [];
  const boundaries = await tx.event.findMany({
    where: { meetingUuid: { in: uuids }, eventType: { in: ["meeting.started", "meeting.ended", "webinar.started", "webinar.ended"] } },
    select: { meetingUuid: true, meetingStartedAt: true, meetingEndedAt: true },
  });
  return uuids.map((uuid) => {
    let startedAt: Date | null = null;
    let endedAt: Date | null = null;
    for (const boundary of boundaries) {
      if (boundary.meetingUuid !== uuid) continue;
      if (boundary.meetingStartedAt && (!startedAt || boundary.meetingStartedAt < startedAt)) startedAt = boundary.meetingStartedAt;
      if (boundary.meetingEndedAt && (!endedAt || boundary.meetingEndedAt > endedAt)) endedAt = boundary.meetingEndedAt;
    }
    return { uuid, startedAt, endedAt };
  });
}
