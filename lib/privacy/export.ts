// "Everything stored about this student", as one JSON document (a subject access request): the
// roster entry, attendance per session, the Zoom events attributed to them (with the raw payload
// while it is kept), identity links, manual matches, notifications, rejected or ignored webhook
// deliveries whose body names them, and their Zoom registrations (registrant IDs, personal links).
import { prisma } from "../db";
import { findStudentEvents } from "./student-events";

export const EXPORT_FORMAT = "rollcall.student-export.v1";

const iso = (value: Date | null | undefined) => (value ? value.toISOString() : null);

export async function exportStudentData(studentId: string, now: Date = new Date()) {
  const student = await prisma.student.findUnique({ where: { id: studentId }, include: { course: true } });
  if (!student) return null;
  const [overrides, overrideHistory] = await Promise.all([
    prisma.attendanceOverride.findMany({ where: { studentId }, orderBy: { at: "asc" } }),
    prisma.overrideHistory.findMany({ where: { studentId }, orderBy: [{ at: "asc" }, { id: "asc" }] }),
  ]);
  const [found, attendance, sessions, identityLinks, manualMatches, notifications, zoomRegistrations] =
    await Promise.all([
      findStudentEvents(prisma, studentId),
      prisma.attendanceRecord.findMany({ where: { studentId } }),
      prisma.session.findMany({ where: { courseId: student.courseId }, orderBy: [{ startsAt: "asc" }, { id: "asc" }] }),
      prisma.identityLink.findMany({ where: { studentId }, orderBy: { createdAt: "asc" } }),
      prisma.manualMatch.findMany({ where: { studentId }, orderBy: { createdAt: "asc" } }),
      prisma.notification.findMany({ where: { studentId }, orderBy: { createdAt: "asc" } }),
      prisma.zoomRegistrant.findMany({ where: { studentId }, orderBy: { createdAt: "asc" } }),
    ]);
  const eventSessions = found?.eventSessions ?? new Map<string, string | null>();
  const events = eventSessions.size
    ? await prisma.event.findMany({
        where: { id: { in: [...eventSessions.keys()].map((id) => BigInt(id)) } },
        orderBy: [{ occurredAt: "asc" }, { id: "asc" }],
      })
    : [];
  const needles = found?.needles ?? [];
  const deliveries = needles.length
    ? await prisma.$queryRawUnsafe<
        {
          id: string;
          receivedAt: Date;
          outcome: string;
          httpStatus: number;
          eventType: string | null;
          reason: string | null;
          body: string;
        }[]
      >(
        `SELECT id::text AS id, "receivedAt", outcome::text AS outcome, "httpStatus", "eventType", reason, body FROM webhook_deliveries
         WHERE body IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS needle WHERE strpos(lower(body), lower(needle)) > 0)
         ORDER BY id`,
        needles,
      )
    : [];
  const byId = new Map(attendance.map((record) => [record.sessionId, record]));

  return {
    format: EXPORT_FORMAT,
    exportedAt: now.toISOString(),
    student: {
      id: student.id,
      name: student.name,
      email: student.email,
      zoomRegistrantId: student.zoomRegistrantId,
      sisId: student.sisId,
      enrolledAt: iso(student.enrolledAt),
      createdAt: iso(student.createdAt),
      updatedAt: iso(student.updatedAt),
      course: { id: student.course.id, name: student.course.name, timezone: student.course.timezone },
    },
    attendance: sessions.map((session) => {
      const record = byId.get(session.id);
      return {
        sessionId: session.id,
        title: session.title,
        zoomMeetingId: session.zoomMeetingId,
        startsAt: iso(session.startsAt),
        durationMinutes: session.durationMinutes,
        record: record
          ? {
              status: record.status,
              attendedSeconds: record.attendedSeconds,
              attendedPercent: record.attendedPercent,
              firstJoinAt: iso(record.firstJoinAt),
              lastLeaveAt: iso(record.lastLeaveAt),
              late: record.late,
              lateBySeconds: record.lateBySeconds,
              joinCount: record.joinCount,
              inMeeting: record.inMeeting,
              intervals: record.intervals,
              computedAt: iso(record.computedAt),
            }
          : null,
      };
    }),
    events: events.map((event) => ({
      id: event.id.toString(),
      sessionId: eventSessions.get(event.id.toString()) ?? null,
      source: event.source,
      eventType: event.eventType,
      eventTs: iso(event.eventTs),
      occurredAt: iso(event.occurredAt),
      receivedAt: iso(event.receivedAt),
      zoomMeetingId: event.zoomMeetingId,
      meetingUuid: event.meetingUuid,
      participantUserId: event.participantUserId,
      participantAccountId: event.participantAccountId,
      participantUuid: event.participantUuid,
      registrantId: event.registrantId,
      email: event.email,
      displayName: event.displayName,
      joinTime: iso(event.joinTime),
      leaveTime: iso(event.leaveTime),
      leaveReason: event.leaveReason,
      payload: event.payload,
      payloadPurgedAt: iso(event.payloadPurgedAt),
    })),
    identityLinks: identityLinks.map((link) => ({
      zoomAccountId: link.zoomAccountId,
      source: link.source,
      createdAt: iso(link.createdAt),
    })),
    manualMatches: manualMatches.map((match) => ({
      sessionId: match.sessionId,
      kind: match.kind,
      value: match.value,
      createdById: match.createdById,
      createdAt: iso(match.createdAt),
    })),
    notifications: notifications.map((notification) => ({
      id: notification.id,
      sessionId: notification.sessionId,
      kind: notification.kind,
      recipient: notification.recipient,
      status: notification.status,
      attempts: notification.attempts,
      lastError: notification.lastError,
      createdAt: iso(notification.createdAt),
      sentAt: iso(notification.sentAt),
    })),
    // Instructors' overrides of the student's final status, and their append-only history.
    overrides: overrides.map((override) => ({
      sessionId: override.sessionId,
      status: override.status,
      late: override.late,
      note: override.note,
      by: override.byName,
      byUserId: override.byId,
      at: iso(override.at),
    })),
    overrideHistory: overrideHistory.map((entry) => ({
      id: entry.id.toString(),
      sessionId: entry.sessionId,
      sessionStartsAt: iso(entry.sessionStartsAt),
      action: entry.action,
      before: entry.before,
      after: entry.after,
      note: entry.note,
      by: entry.byName,
      byUserId: entry.byId,
      at: iso(entry.at),
    })),
    webhookDeliveries: deliveries.map((delivery) => ({ ...delivery, receivedAt: iso(delivery.receivedAt) })),
    zoomRegistrations: zoomRegistrations.map((registration) => ({
      zoomMeetingId: registration.zoomMeetingId,
      registrantId: registration.registrantId,
      joinUrl: registration.joinUrl,
      createdAt: iso(registration.createdAt),
    })),
  };
}

export type StudentExport = NonNullable<Awaited<ReturnType<typeof exportStudentData>>>;
