// Erasing a student (an admin's "right to be forgotten"): in one transaction, the personal fields
// of the events that were theirs are cleared, and their identity links, manual matches,
// notifications, roster entry and attendance are deleted. An audit entry records that it
// happened, by whom, and how much was removed — never who the student was.
import { recordAudit, type AuditAction } from "../audit";
import { cancelRegistrationsOf } from "../registration/service";
import { prisma } from "../db";
import { enqueueRecompute } from "../queue/enqueue";
import { findStudentEvents } from "./student-events";

export const ERASED_ACTION = "student.erased" satisfies AuditAction;

export interface ErasureCounts {
  events: number;
  identityLinks: number;
  manualMatches: number;
  notifications: number;
  attendanceRecords: number;
  overrides: number;
  overrideHistory: number;
  guestRows: number;
  deliveryBodies: number;
  auditRedactions: number;
}

export interface ErasureResult {
  studentId: string;
  courseId: string;
  counts: ErasureCounts;
  auditEntryId: string;
}

/** Erases the student; null when there is no such student (already erased, or never existed). */
export async function eraseStudent(studentId: string, actorId: string | null): Promise<ErasureResult | null> {
  return prisma.$transaction(
    async (tx) => {
      // Lock the roster row: two erasures of the same student run one after the other.
      const locked = await tx.$queryRawUnsafe<{ id: string }[]>(
        `SELECT id FROM students WHERE id = $1 FOR UPDATE`,
        studentId,
      );
      if (locked.length === 0) return null;
      const student = await tx.student.findUniqueOrThrow({ where: { id: studentId } });
      const found = await findStudentEvents(tx, studentId);
      const eventIds = [...(found?.eventSessions.keys() ?? [])];

      const events = eventIds.length
        ? await tx.$executeRawUnsafe(
            `UPDATE events SET email = NULL, "emailNormalized" = NULL, "displayName" = NULL, "registrantId" = NULL,
               "participantAccountId" = NULL, "participantUuid" = NULL, "phoneNumber" = NULL, "parentUserId" = NULL, payload = NULL,
               "payloadPurgedAt" = coalesce("payloadPurgedAt", now())
             WHERE id = ANY($1::bigint[])`,
            eventIds,
          )
        : 0;
      // Rejected and ignored deliveries keep their body for a while: drop the ones naming the student.
      const needles = found?.needles ?? [];
      const deliveryBodies = needles.length
        ? await tx.$executeRawUnsafe(
            `UPDATE webhook_deliveries SET body = NULL
             WHERE body IS NOT NULL AND EXISTS (SELECT 1 FROM unnest($1::text[]) AS needle WHERE strpos(lower(body), lower(needle)) > 0)`,
            needles,
          )
        : 0;
      const sessions = await tx.session.findMany({ where: { courseId: student.courseId }, select: { id: true } });
      const sessionIds = sessions.map((session) => session.id);
      // Guest rows are a projection: drop any that carry the student's email (rebuilt by the recompute below).
      const guestRows = (
        await tx.guestAttendance.deleteMany({
          where: { sessionId: { in: sessionIds }, email: { equals: student.emailNormalized, mode: "insensitive" } },
        })
      ).count;
      // Earlier audit entries about this student (manual matches) keep what happened, not who.
      const auditRedactions = await tx.$executeRawUnsafe(
        `UPDATE audit_entries SET details = jsonb_set(details, '{guestKey}', '"[erased]"')
         WHERE jsonb_typeof(details) = 'object' AND details ? 'guestKey' AND details->>'studentId' = $1`,
        studentId,
      );
      const identityLinks = (await tx.identityLink.deleteMany({ where: { studentId } })).count;
      const manualMatches = (await tx.manualMatch.deleteMany({ where: { studentId } })).count;
      const notifications = (await tx.notification.deleteMany({ where: { studentId } })).count;
      const attendanceRecords = (await tx.attendanceRecord.deleteMany({ where: { studentId } })).count;
      const overrides = (await tx.attendanceOverride.deleteMany({ where: { studentId } })).count;
      // The override history is append-only (a trigger refuses deletes); it goes with the student
      // row, by the foreign key's cascade.
      const overrideHistory = await tx.overrideHistory.count({ where: { studentId } });
      // Their Zoom registrants (personal links) are cancelled on Zoom, then go with the student.
      await cancelRegistrationsOf([studentId], tx);
      await tx.student.delete({ where: { id: studentId } });

      const counts: ErasureCounts = {
        events,
        identityLinks,
        manualMatches,
        notifications,
        attendanceRecords,
        overrides,
        overrideHistory,
        guestRows,
        deliveryBodies,
        auditRedactions,
      };
      const entry = await recordAudit(tx, {
        action: ERASED_ACTION,
        actorId,
        subject: { type: "student", id: studentId },
        detail: { courseId: student.courseId, ...counts },
      });
      // The erased student's events are now an anonymous participant: recompute the course.
      await enqueueRecompute(sessionIds, tx);
      return { studentId, courseId: student.courseId, counts, auditEntryId: entry.id.toString() };
    },
    { timeout: 120_000, maxWait: 10_000 },
  );
}
