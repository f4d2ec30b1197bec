// The worker's projection cache (ADR 009): a recompute reads only the events written since its
// previous read and rewrites only changed rows. Whatever happens between recomputes — new events,
// events committed late by a slow transaction, rewritten or deleted events, rows deleted by
// erasure, another process's recompute — the stored rows must equal an uncached recompute's.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import {
  meetingEnded,
  meetingStarted,
  participantJoined,
  participantLeft,
  uniqueMeetingId,
  uniqueUuid,
} from "../helpers/zoom";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let store: typeof import("../../lib/events/store");
let payload: typeof import("../../lib/zoom/payload");
let projection: typeof import("../../lib/attendance/projection");
let sessions: typeof import("../../lib/services/sessions");
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("projection_cache");
  ({ prisma } = await import("../../lib/db"));
  store = await import("../../lib/events/store");
  payload = await import("../../lib/zoom/payload");
  projection = await import("../../lib/attendance/projection");
  sessions = await import("../../lib/services/sessions");
});

afterAll(() => projection.clearProjectionCache());

function parse(body: unknown) {
  const parsed = payload.parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.fields;
}

async function storeEvent(body: unknown) {
  return store.storeWebhookEvent(parse(body), body, { trackingId: null, requestId: null, headers: {}, bodyBytes: 0 });
}

/** The session's stored rows, without computedAt and liveVersion (an unchanged row keeps the time and version it was written at; a full write stamps every row). */
async function storedRows(sessionId: string) {
  const students = await prisma.attendanceRecord.findMany({
    where: { sessionId },
    orderBy: { studentId: "asc" },
    omit: { computedAt: true, liveVersion: true },
  });
  const guests = await prisma.guestAttendance.findMany({
    where: { sessionId },
    orderBy: { guestKey: "asc" },
    omit: { computedAt: true, liveVersion: true },
  });
  return { students, guests };
}

/** Recomputes from a cold cache at the same instant and checks that nothing changes. */
async function expectSameAsUncached(sessionId: string, now: Date) {
  const cached = await storedRows(sessionId);
  projection.clearProjectionCache();
  await projection.recomputeSession(sessionId, now);
  expect(await storedRows(sessionId)).toEqual(cached);
}

/** A deterministic pseudo-random sequence, so a failure can be replayed. */
function randomSequence(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function classFixture(name: string, studentCount: number) {
  const course = await prisma.course.create({ data: { name, timezone: "UTC" } });
  await prisma.student.createMany({
    data: Array.from({ length: studentCount }, (_, index) => ({
      courseId: course.id,
      name: `Student ${index}`,
      email: `s${index}@cache.test`,
      emailNormalized: `s${index}@cache.test`,
    })),
  });
  const meetingId = uniqueMeetingId();
  const uuid = uniqueUuid();
  const startsAt = new Date("2026-04-06T14:00:00Z");
  const session = await sessions.createSession(course.id, {
    zoomMeetingId: meetingId,
    startsAt,
    durationMinutes: 90,
    lateAfterMinutes: 5,
    requiredPercent: 90,
  });
  const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
  return { course, meetingId, uuid, session, at };
}

describe("projection cache", () => {
  it("matches an uncached recompute through joins, leaves, second devices, guests and redeliveries", async () => {
    const { meetingId, uuid, session, at } = await classFixture("Cache course", 25);
    const random = randomSequence(42);
    await storeEvent(meetingStarted(uuid, meetingId, at(-2)));
    const open = new Map<string, { student: number; joined: number }>();
    let nextUser = 1000;
    for (let round = 0; round < 12; round += 1) {
      for (let step = 0; step < 15; step += 1) {
        const minute = round * 7 + step * 0.4;
        const leaving = [...open.entries()][Math.floor(random() * open.size)];
        if (leaving && random() < 0.4) {
          const [userId, { student }] = leaving;
          open.delete(userId);
          const body = participantLeft({
            uuid,
            meetingId,
            userId,
            name: `Student ${student}`,
            email: `s${student}@cache.test`,
            leaveTime: at(minute),
          });
          await storeEvent(body);
          if (random() < 0.3) await storeEvent(body); // a redelivery
        } else {
          // Students 0-24 are on the roster; 25-29 are guests. Some join from a second device.
          const student = Math.floor(random() * 30);
          const userId = String(nextUser++);
          open.set(userId, { student, joined: minute });
          await storeEvent(
            participantJoined({
              uuid,
              meetingId,
              userId,
              name: `Student ${student}`,
              email: `s${student}@cache.test`,
              joinTime: at(minute),
            }),
          );
        }
      }
      const now = at(round * 7 + 6.5);
      await projection.recomputeSession(session.id, now);
      if (round % 3 === 2) await expectSameAsUncached(session.id, now);
    }
    await storeEvent(meetingEnded(uuid, meetingId, at(-2), at(92)));
    await projection.recomputeSession(session.id, at(120));
    await expectSameAsUncached(session.id, at(120));
    const rows = await storedRows(session.id);
    expect(rows.students).toHaveLength(25);
    expect(rows.guests.length).toBeGreaterThan(0);
    expect(rows.students.some((row) => row.joinCount > 1)).toBe(true);
  });

  it("takes in an event whose transaction committed after the previous read began", async () => {
    const { meetingId, uuid, session, at } = await classFixture("Late commit course", 3);
    await storeEvent(
      participantJoined({ uuid, meetingId, userId: "1", name: "Student 0", email: "s0@cache.test", joinTime: at(1) }),
    );
    await projection.recomputeSession(session.id, at(10));

    // A slow writer inserts a join and commits only after the next recompute has read.
    const slow = new pg.Client({ connectionString: databaseUrl });
    await slow.connect();
    const fields = parse(
      participantJoined({ uuid, meetingId, userId: "2", name: "Student 1", email: "s1@cache.test", joinTime: at(2) }),
    );
    await slow.query("BEGIN");
    await slow.query(
      `INSERT INTO events ("dedupeKey", source, "eventType", "eventTs", "zoomMeetingId", "meetingUuid", "occurredAt", "participantUserId",
         email, "emailNormalized", "displayName", "joinTime", payload)
       VALUES ($1, 'webhook', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '{}')`,
      [
        fields.dedupeKey,
        fields.eventType,
        fields.eventTs,
        fields.zoomMeetingId,
        fields.meetingUuid,
        fields.occurredAt,
        fields.participantUserId,
        fields.email,
        fields.emailNormalized,
        fields.displayName,
        fields.joinTime,
      ],
    );
    await storeEvent(
      participantJoined({ uuid, meetingId, userId: "3", name: "Student 2", email: "s2@cache.test", joinTime: at(3) }),
    );
    await projection.recomputeSession(session.id, at(11));
    expect((await storedRows(session.id)).students.filter((row) => row.joinCount > 0)).toHaveLength(2);
    await slow.query("COMMIT");
    await slow.end();

    await projection.recomputeSession(session.id, at(12));
    const rows = await storedRows(session.id);
    expect(rows.students.filter((row) => row.joinCount > 0)).toHaveLength(3);
    await expectSameAsUncached(session.id, at(12));
  });

  it("follows events rewritten or deleted in place, and rows deleted behind its back", async () => {
    const { meetingId, uuid, session, at, course } = await classFixture("Rewrite course", 4);
    for (let index = 0; index < 4; index += 1) {
      await storeEvent(
        participantJoined({
          uuid,
          meetingId,
          userId: String(index + 1),
          name: `Student ${index}`,
          email: `s${index}@cache.test`,
          joinTime: at(index),
        }),
      );
    }
    await projection.recomputeSession(session.id, at(20));
    expect((await storedRows(session.id)).guests).toHaveLength(0);

    // Erasure-style redaction: student 3's join loses its email, so it becomes a guest by name.
    await prisma.event.updateMany({
      where: { zoomMeetingId: meetingId, participantUserId: "4" },
      data: { email: null, emailNormalized: null, displayName: "Someone Else" },
    });
    await projection.recomputeSession(session.id, at(21));
    let rows = await storedRows(session.id);
    expect(rows.guests.map((guest) => guest.name)).toEqual(["Someone Else"]);
    expect(rows.students.find((row) => row.joinCount === 0)).toBeDefined();
    await expectSameAsUncached(session.id, at(21));

    // Deleted events (retention, erasure) are noticed by count.
    await projection.recomputeSession(session.id, at(22));
    await prisma.event.deleteMany({ where: { zoomMeetingId: meetingId, participantUserId: "1" } });
    await projection.recomputeSession(session.id, at(23));
    rows = await storedRows(session.id);
    expect(rows.students.filter((row) => row.joinCount > 0)).toHaveLength(2);
    await expectSameAsUncached(session.id, at(23));

    // A row deleted by someone else is written again even though its figures did not change.
    const victim = rows.students.find((row) => row.joinCount > 0);
    await projection.recomputeSession(session.id, at(23));
    await prisma.attendanceRecord.delete({
      where: { sessionId_studentId: { sessionId: session.id, studentId: victim!.studentId } },
    });
    await projection.recomputeSession(session.id, at(23));
    expect((await storedRows(session.id)).students).toHaveLength(4);

    // A student added to the roster gets a row; one removed loses it.
    const added = await prisma.student.create({
      data: {
        courseId: course.id,
        name: "Late Enrolment",
        email: "late@cache.test",
        emailNormalized: "late@cache.test",
      },
    });
    await projection.recomputeSession(session.id, at(24));
    expect((await storedRows(session.id)).students.map((row) => row.studentId)).toContain(added.id);
    await expectSameAsUncached(session.id, at(24));
  });

  it("leaves room on the projection tables' pages for in-place updates", async () => {
    const tables = await prisma.$queryRawUnsafe<{ relname: string; reloptions: string[] | null }[]>(
      `SELECT relname, reloptions FROM pg_class WHERE relname IN ('attendance_records', 'guest_attendance') ORDER BY relname`,
    );
    expect(tables).toEqual([
      { relname: "attendance_records", reloptions: ["fillfactor=50"] },
      { relname: "guest_attendance", reloptions: ["fillfactor=50"] },
    ]);
  });

  it("writes every row again after another process recomputed the session", async () => {
    const { meetingId, uuid, session, at } = await classFixture("Two workers course", 2);
    await storeEvent(
      participantJoined({ uuid, meetingId, userId: "1", name: "Student 0", email: "s0@cache.test", joinTime: at(1) }),
    );
    await projection.recomputeSession(session.id, at(5));
    // Another process (simulated: an edit of the stored row plus a session row write) got there
    // in between; this process's memory of the rows no longer describes what is stored.
    await prisma.attendanceRecord.updateMany({ where: { sessionId: session.id }, data: { attendedSeconds: 1 } });
    await prisma.session.update({ where: { id: session.id }, data: { computedEvents: 0 } });
    await projection.recomputeSession(session.id, at(5));
    expect((await storedRows(session.id)).students.every((row) => row.attendedSeconds !== 1)).toBe(true);
  });
});
