// The stored projection: events that arrive before their session exists are counted once it is
// created; moving a session re-attaches events; recomputing twice, or concurrently, is harmless.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { participantJoined, participantLeft, meetingEnded, uniqueUuid } from "../helpers/zoom";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let store: typeof import("../../lib/events/store");
let payload: typeof import("../../lib/zoom/payload");
let projection: typeof import("../../lib/attendance/projection");
let sessions: typeof import("../../lib/services/sessions");

beforeAll(async () => {
  await useFreshDatabase("projection");
  ({ prisma } = await import("../../lib/db"));
  store = await import("../../lib/events/store");
  payload = await import("../../lib/zoom/payload");
  projection = await import("../../lib/attendance/projection");
  sessions = await import("../../lib/services/sessions");
});

async function storeEvent(body: unknown) {
  const parsed = payload.parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return store.storeWebhookEvent(parsed.fields, body, { trackingId: null, requestId: null, headers: {}, bodyBytes: 0 });
}

describe("stored attendance", () => {
  it("counts events that arrived before the session existed, and follows a moved session", async () => {
    const course = await prisma.course.create({ data: { name: "Projection course", timezone: "UTC" } });
    const student = await prisma.student.create({
      data: { courseId: course.id, name: "Ana Lima", email: "Ana@Example.edu", emailNormalized: "ana@example.edu" },
    });
    const meetingId = "84455500011";
    const uuid = uniqueUuid();
    const startsAt = new Date("2026-03-02T15:00:00Z");
    const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
    const spec = { uuid, meetingId, name: "Ana", email: " ANA@example.edu " };
    await storeEvent(participantJoined({ ...spec, userId: "1", joinTime: at(2) }));
    await storeEvent(participantLeft({ ...spec, userId: "1", leaveTime: at(50) }));
    await storeEvent(meetingEnded(uuid, meetingId, at(-1), at(61)));

    const session = await sessions.createSession(course.id, {
      zoomMeetingId: meetingId,
      startsAt,
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    await projection.recomputeSession(session.id, at(120));
    const record = await prisma.attendanceRecord.findUniqueOrThrow({
      where: { sessionId_studentId: { sessionId: session.id, studentId: student.id } },
    });
    expect(record).toMatchObject({
      attendedSeconds: 48 * 60,
      attendedPercent: 80,
      status: "partial",
      late: false,
      joinCount: 1,
      inMeeting: false,
    });

    // Moved three hours later, the events no longer fall in its widened window.
    await sessions.updateSession(session.id, {
      zoomMeetingId: meetingId,
      startsAt: at(180),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    await projection.recomputeSession(session.id, at(300));
    const moved = await prisma.attendanceRecord.findUniqueOrThrow({
      where: { sessionId_studentId: { sessionId: session.id, studentId: student.id } },
    });
    expect(moved).toMatchObject({ attendedSeconds: 0, status: "absent", joinCount: 0 });
  });

  it("gives the same rows when recomputed twice at once", async () => {
    const course = await prisma.course.create({ data: { name: "Concurrent course", timezone: "UTC" } });
    await prisma.student.createMany({
      data: Array.from({ length: 30 }, (_, index) => ({
        courseId: course.id,
        name: `S${index}`,
        email: `s${index}@x.edu`,
        emailNormalized: `s${index}@x.edu`,
      })),
    });
    const meetingId = "84455500022";
    const uuid = uniqueUuid();
    const startsAt = new Date("2026-03-03T15:00:00Z");
    for (let index = 0; index < 30; index += 1) {
      await storeEvent(
        participantJoined({
          uuid,
          meetingId,
          userId: String(index),
          name: `S${index}`,
          email: `s${index}@x.edu`,
          joinTime: new Date(startsAt.getTime() + index * 60_000),
        }),
      );
    }
    const session = await sessions.createSession(course.id, {
      zoomMeetingId: meetingId,
      startsAt,
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    const now = new Date(startsAt.getTime() + 30 * 60_000);
    const [first, second] = await Promise.all([
      projection.recomputeSession(session.id, now),
      projection.recomputeSession(session.id, now),
    ]);
    expect(first?.students).toBe(30);
    expect(second?.students).toBe(30);
    const rows = await prisma.attendanceRecord.findMany({
      where: { sessionId: session.id },
      orderBy: { firstJoinAt: "asc" },
    });
    expect(rows).toHaveLength(30);
    expect(rows.filter((row) => row.late)).toHaveLength(24); // joined after minute 5
    expect(rows.every((row) => row.inMeeting)).toBe(true);
  });

  it("gives an event to the nearer session even when that one starts after the other's widened window", async () => {
    // S 15:00–16:00 and N 17:05–18:05 on one meeting. A join at 16:50 lies in both widened windows
    // (S's ends 17:00, N's opens 16:05) and is nearer N's start, so it is N's alone — also when S is
    // recomputed, although N starts after S's widened window ends.
    const course = await prisma.course.create({ data: { name: "Neighbour course", timezone: "UTC" } });
    const student = await prisma.student.create({
      data: { courseId: course.id, name: "Bea Neri", email: "bea@example.edu", emailNormalized: "bea@example.edu" },
    });
    const meetingId = "84455500033";
    const uuid = uniqueUuid();
    const day = new Date("2026-03-04T15:00:00Z");
    const at = (minutes: number) => new Date(day.getTime() + minutes * 60_000);
    const spec = { uuid, meetingId, name: "Bea Neri", email: "bea@example.edu", userId: "7" };
    await storeEvent(participantJoined({ ...spec, joinTime: at(110) }));
    await storeEvent(participantLeft({ ...spec, leaveTime: at(115) }));
    const timing = { zoomMeetingId: meetingId, durationMinutes: 60, lateAfterMinutes: 5, requiredPercent: 90 };
    const early = await sessions.createSession(course.id, { ...timing, startsAt: at(0) });
    const later = await sessions.createSession(course.id, { ...timing, startsAt: at(125) });
    await projection.recomputeSession(early.id, at(300));
    await projection.recomputeSession(later.id, at(300));
    const record = (sessionId: string) =>
      prisma.attendanceRecord.findUniqueOrThrow({
        where: { sessionId_studentId: { sessionId, studentId: student.id } },
      });
    expect(await record(early.id)).toMatchObject({ joinCount: 0, firstJoinAt: null, status: "absent" });
    expect(await record(later.id)).toMatchObject({ joinCount: 1, firstJoinAt: at(110) });
  });
});
