// A full class for reconciliation tests: the simulator's realistic webhooks (two devices, a drop
// and rejoin with a redelivered leave, late joiners, guests), a roster, a session, and Zoom's
// participant report for the same class (one row per join segment, as Zoom builds it).
import { prisma } from "../../lib/db";
import { storeWebhookEvent } from "../../lib/events/store";
import { classScenario, type SimulatedParticipant } from "../../lib/simulator/scenario";
import { parseStoredEvent, type StoredEventFields } from "../../lib/zoom/payload";
import type { ZoomReportParticipant, ZoomWebhookLog } from "../../lib/zoom/api";

export const PEOPLE: SimulatedParticipant[] = [
  { name: "Ana Lima", email: "ana@example.edu", registrantId: "regAnaLima01" },
  { name: "Ben Okafor", email: "ben@example.edu" },
  { name: "Chen Wei", email: "chen@example.edu" },
  { name: "Dana Cruz", email: "dana@example.edu", registrantId: "regDanaCruz1" },
  { name: "Emil Berg", email: "emil@example.edu" },
  { name: "Fatima Noor", email: "fatima@example.edu" },
  { name: "Gabriel Roy", email: "gabriel@example.edu" },
  { name: "Hana Sato", email: "hana@example.edu" },
];

export interface ClassEvent {
  body: Record<string, unknown>;
  fields: StoredEventFields;
}

export interface BuiltClass {
  meetingId: string;
  uuid: string;
  startsAt: Date;
  durationMinutes: number;
  /** every distinct event Zoom sent (a redelivery appears twice, as sent) */
  events: ClassEvent[];
}

export function buildClass(options: {
  meetingId: string;
  uuid: string;
  startsAt: Date;
  durationMinutes: number;
  breakoutRound?: boolean;
}): BuiltClass {
  // With a breakout round, the instructor (not on the roster) joins as host and visits a room too.
  const extras = options.breakoutRound ? { host: { name: "Terry Teacher", email: "teacher@example.edu" } } : {};
  const deliveries = classScenario({ ...options, ...extras, participants: PEOPLE, topic: "Reconciliation class" });
  const events = deliveries.map((delivery) => {
    const parsed = parseStoredEvent(delivery.body);
    if (!parsed.ok) throw new Error(parsed.message);
    return { body: delivery.body, fields: parsed.fields };
  });
  return { ...options, events };
}

/** Zoom's participant report of the class: one row per connection (join segment). */
export function reportRows(built: BuiltClass): ZoomReportParticipant[] {
  const rows = new Map<string, ZoomReportParticipant>();
  for (const { body, fields } of built.events) {
    if (!fields.eventType.startsWith("meeting.participant_")) continue;
    const participant = (body.payload as { object: { participant: Record<string, string> } }).object.participant;
    const userId = participant.user_id;
    let row = rows.get(userId);
    if (!row) {
      row = {
        id: participant.id ?? "",
        user_id: userId,
        participant_user_id: "",
        name: participant.user_name,
        user_email: participant.email ?? "",
        registrant_id: participant.registrant_id ?? "",
        customer_key: "",
        status: "in_meeting",
        failover: false,
        bo_mtg_id: "",
      };
      rows.set(userId, row);
    }
    // A segment in a breakout room carries the room as bo_mtg_id.
    if (fields.breakoutRoomUuid) row.bo_mtg_id = fields.breakoutRoomUuid;
    if (fields.joinTime) row.join_time = fields.joinTime.toISOString().replace(/\.\d{3}Z$/, "Z");
    if (fields.leaveTime) row.leave_time = fields.leaveTime.toISOString().replace(/\.\d{3}Z$/, "Z");
  }
  return [...rows.values()].map((row) => ({
    ...row,
    duration: Math.round((Date.parse(row.leave_time!) - Date.parse(row.join_time!)) / 1000),
  }));
}

/** Failed-delivery log entries for events, as Zoom's webhook-logs API lists them (one per attempt). */
export function failedDeliveryLogs(events: ClassEvent[], attempts = 4): ZoomWebhookLog[] {
  const retryOffsetsMs = [1_000, 5 * 60_000, 25 * 60_000, 85 * 60_000];
  const logs: ZoomWebhookLog[] = [];
  for (const { body, fields } of events) {
    const requestId = `req_${fields.dedupeKey.slice(4, 24)}`;
    for (let attempt = 0; attempt < attempts; attempt++) {
      logs.push({
        event: fields.eventType,
        status: -1,
        failed_reason_type: 2,
        user_id: "HOSTuserID",
        endpoint: "https://rollcall.example.edu/api/zoom/webhook",
        subscription_id: "9qwt8mkBEW2O6fPuxBpXpA",
        request_headers: "N/A",
        request_body: JSON.stringify(body),
        response_headers: "",
        response_body: "Connection refused",
        date_time: new Date(fields.occurredAt.getTime() + retryOffsetsMs[attempt])
          .toISOString()
          .replace(/\.\d{3}Z$/, "Z"),
        trace_id: `WEB_${fields.dedupeKey.slice(4, 36)}`,
        request_id: requestId,
        retry_num: attempt,
      });
    }
  }
  return logs;
}

export async function createClassSession(label: string, built: BuiltClass) {
  const course = await prisma.course.create({ data: { name: `Course ${label}`, timezone: "America/Los_Angeles" } });
  await prisma.student.createMany({
    data: PEOPLE.map((person) => ({
      courseId: course.id,
      name: person.name,
      email: person.email!,
      emailNormalized: person.email!.toLowerCase(),
      zoomRegistrantId: person.registrantId ?? null,
    })),
  });
  const session = await prisma.session.create({
    data: {
      courseId: course.id,
      zoomMeetingId: built.meetingId,
      startsAt: built.startsAt,
      durationMinutes: built.durationMinutes,
    },
  });
  return { course, session };
}

export async function storeEvents(events: ClassEvent[]): Promise<void> {
  for (const { body, fields } of events) {
    await storeWebhookEvent(fields, body, {
      trackingId: `Webhook_${crypto.randomUUID()}`,
      requestId: null,
      headers: {},
      bodyBytes: JSON.stringify(body).length,
    });
  }
}

/** A session's attendance, keyed by student email and guest key, without ids or computation times. */
export async function attendanceOf(sessionId: string) {
  const [records, guests] = await Promise.all([
    prisma.attendanceRecord.findMany({ where: { sessionId }, include: { student: { select: { email: true } } } }),
    prisma.guestAttendance.findMany({ where: { sessionId } }),
  ]);
  const students = Object.fromEntries(
    records
      .map(
        (record) =>
          [
            record.student.email,
            {
              status: record.status,
              attendedSeconds: record.attendedSeconds,
              attendedPercent: record.attendedPercent,
              firstJoinAt: record.firstJoinAt?.toISOString() ?? null,
              lastLeaveAt: record.lastLeaveAt?.toISOString() ?? null,
              late: record.late,
              lateBySeconds: record.lateBySeconds,
              joinCount: record.joinCount,
              inMeeting: record.inMeeting,
              openConnections: record.openConnections,
              intervals: record.intervals,
            },
          ] as const,
      )
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const guestRows = Object.fromEntries(
    guests
      .map(
        (guest) =>
          [
            guest.guestKey,
            {
              name: guest.name,
              attendedSeconds: guest.attendedSeconds,
              firstJoinAt: guest.firstJoinAt?.toISOString() ?? null,
              lastLeaveAt: guest.lastLeaveAt?.toISOString() ?? null,
              joinCount: guest.joinCount,
              inMeeting: guest.inMeeting,
              intervals: guest.intervals,
            },
          ] as const,
      )
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return { students, guests: guestRows };
}
