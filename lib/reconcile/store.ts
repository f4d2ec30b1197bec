// Writing reconciliation results into the event store. Report events go in with source "report"
// and an "rp1:" identity key (ON CONFLICT DO NOTHING through skipDuplicates). Like a stored
// webhook, they are inserted undispatched: the worker's dispatcher (lib/worker/dispatcher.ts)
// queues the recompute of every session they attach to.
import { isJoinEvent, JOIN_EVENT_TYPES, LEAVE_EVENT_TYPES, normalizeEmail } from "../attendance/rules";
import { prisma } from "../db";
import type { Prisma } from "../generated/prisma/client";
import type { ReportEventInsert, StoredParticipantEvent } from "./merge";

export interface InsertedEvent {
  eventType: string;
  zoomMeetingId: string | null;
  occurredAt: Date;
}

/** Inserts the planned report events; returns the ones that were new (a rerun inserts none). */
export async function insertReportEvents(inserts: ReportEventInsert[]): Promise<InsertedEvent[]> {
  if (inserts.length === 0) return [];
  return prisma.event.createManyAndReturn({
    data: inserts.map((insert) => ({
      dedupeKey: insert.dedupeKey,
      source: "report" as const,
      eventType: insert.eventType,
      eventTs: null,
      zoomMeetingId: insert.zoomMeetingId,
      meetingUuid: insert.meetingUuid,
      occurredAt: insert.occurredAt,
      participantUserId: insert.participantUserId,
      participantAccountId: insert.participantAccountId,
      registrantId: insert.registrantId,
      email: insert.email,
      emailNormalized: insert.emailNormalized,
      displayName: insert.displayName,
      joinTime: insert.joinTime,
      leaveTime: insert.leaveTime,
      breakoutRoomUuid: insert.breakoutRoomUuid,
      payload: insert.payload as Prisma.InputJsonValue,
    })),
    skipDuplicates: true,
    select: { eventType: true, zoomMeetingId: true, occurredAt: true },
  });
}

/** Stored participant joins and leaves of one meeting instance, from any source. */
export async function storedParticipantEvents(meetingUuid: string): Promise<StoredParticipantEvent[]> {
  const events = await prisma.event.findMany({
    // Breakout-room joins and leaves are joins and leaves of the meeting (breakout time is class time).
    where: { meetingUuid, eventType: { in: [...JOIN_EVENT_TYPES, ...LEAVE_EVENT_TYPES] } },
    select: {
      eventType: true,
      occurredAt: true,
      joinTime: true,
      leaveTime: true,
      participantUserId: true,
      participantAccountId: true,
      registrantId: true,
      emailNormalized: true,
      email: true,
      displayName: true,
      breakoutRoomUuid: true,
    },
  });
  return events.map((event) => {
    const kind = isJoinEvent(event.eventType) ? ("join" as const) : ("leave" as const);
    return {
      kind,
      time: (kind === "join" ? event.joinTime : event.leaveTime) ?? event.occurredAt,
      participantUserId: event.participantUserId,
      participantAccountId: event.participantAccountId,
      registrantId: event.registrantId,
      emailNormalized: event.emailNormalized ?? (event.email === null ? null : normalizeEmail(event.email)),
      displayName: event.displayName,
      breakoutRoomUuid: event.breakoutRoomUuid,
    };
  });
}
