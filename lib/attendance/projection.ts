// Recomputes a session's stored attendance from its stored events (the I/O around the pure engine).
// Safe to run twice at once: a per-session advisory lock serialises recomputes, and each one reads
// the events only after taking the lock, so a later recompute never loses to an earlier one.
import { getPool, prisma } from "../db";
import { enqueueRecompute } from "../queue/enqueue";
import { attachEventsToSessions, computeSessionAttendance, widenedSessionWindow } from "./engine";
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
      const [events, siblings, roster, links, manualMatches] = await Promise.all([
        readSessionEvents(session.zoomMeetingId, widened.start, widened.end),
        tx.session.findMany({
          where: {
            zoomMeetingId: session.zoomMeetingId,
            startsAt: { gte: new Date(widened.start.getTime() - MAX_SESSION_MS), lt: widened.end },
          },
          select: { id: true, zoomMeetingId: true, startsAt: true, durationMinutes: true, lateAfterMinutes: true, requiredPercent: true },
        }),
        tx.student.findMany({
          where: { courseId: session.courseId },
          select: { id: true, name: true, email: true, emailNormalized: true, zoomRegistrantId: true },
          orderBy: [{ name: "asc" }, { id: "asc" }],
        }),
        tx.identityLink.findMany({ where: { courseId: session.courseId }, select: { zoomAccountId: true, studentId: true } }),
        tx.manualMatch.findMany({
          where: { courseId: session.courseId },
          select: { kind: true, value: true, studentId: true, session: { select: { startsAt: true } } },
        }),
      ]);

      const attached = attachEventsToSessions(events, siblings as SessionInput[]).get(session.id) ?? [];
      const instances = await loadInstances(tx, attached);

      const computed = computeSessionAttendance({
        session,
        roster,
        links,
        manualMatches: manualMatches.map((match) => ({
          kind: match.kind,
          value: match.value,
          studentId: match.studentId,
          madeInSessionStartsAt: match.session.startsAt,
        })),
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

/**
 * The events of a meeting in a time range. A class can have thousands, and per-row mapping
 * dominated the recompute: they are read as arrays, with times as epoch milliseconds, through a
 * statement prepared once per connection. Read on a pool connection of its own, after the
 * transaction has taken the session's lock: it sees every event committed before that moment,
 * which is all the serialisation of recomputes needs.
 */
async function readSessionEvents(zoomMeetingId: string, from: Date, to: Date): Promise<EngineEvent[]> {
  const result = await getPool().query<unknown[]>({
    name: "rollcall_session_events",
    rowMode: "array",
    text: `SELECT id::text, "eventType", source::text, (extract(epoch FROM "eventTs") * 1000)::float8, "zoomMeetingId", "meetingUuid",
             (extract(epoch FROM "occurredAt") * 1000)::float8, "participantUserId", "participantAccountId", "registrantId", email,
             "emailNormalized", "displayName", (extract(epoch FROM "joinTime") * 1000)::float8, (extract(epoch FROM "leaveTime") * 1000)::float8
           FROM events WHERE "zoomMeetingId" = $1 AND "occurredAt" >= $2::timestamp AND "occurredAt" < $3::timestamp`,
    // The columns are UTC timestamps without a zone (Prisma's DateTime).
    values: [zoomMeetingId, from.toISOString().replace("Z", ""), to.toISOString().replace("Z", "")],
  });
  const time = (value: unknown) => (value === null ? null : new Date(value as number));
  return result.rows.map((row) => ({
    id: row[0] as string,
    eventType: row[1] as string,
    source: row[2] as EngineEvent["source"],
    eventTs: time(row[3]),
    zoomMeetingId: row[4] as string | null,
    meetingUuid: row[5] as string | null,
    occurredAt: new Date(row[6] as number),
    participantUserId: row[7] as string | null,
    participantAccountId: row[8] as string | null,
    registrantId: row[9] as string | null,
    email: row[10] as string | null,
    emailNormalized: row[11] as string | null,
    displayName: row[12] as string | null,
    joinTime: time(row[13]),
    leaveTime: time(row[14]),
  }));
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
