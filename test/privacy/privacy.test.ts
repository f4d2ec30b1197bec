// Privacy (docs/privacy.md), in-process against a fresh database: the retention purge clears raw
// payloads and delivery bodies/addresses past RETENTION_DAYS while attendance stays; erasing a
// student leaves nothing that names them anywhere in the database, with an audit record; the
// export holds everything stored about them.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { participantJoined, participantLeft, meetingStarted, meetingEnded, uniqueUuid } from "../helpers/zoom";

let prisma: typeof import("../../lib/db").prisma;
let storeWebhookEvent: typeof import("../../lib/events/store").storeWebhookEvent;
let recordDelivery: typeof import("../../lib/events/store").recordDelivery;
let parseStoredEvent: typeof import("../../lib/zoom/payload").parseStoredEvent;
let recomputeSession: typeof import("../../lib/attendance/projection").recomputeSession;
let purgeExpiredPayloads: typeof import("../../lib/privacy/retention").purgeExpiredPayloads;
let eraseStudent: typeof import("../../lib/privacy/erase").eraseStudent;
let exportStudentData: typeof import("../../lib/privacy/export").exportStudentData;

const MEETING = "81234567890";
const START = new Date(Math.floor((Date.now() - 3 * 3600_000) / 60_000) * 60_000);
const ANA = { name: "Ana Lima", email: "Ana.Lima@Students.Example", registrantId: "regAnaLima001" };
const BEN = { name: "Ben Okafor", email: "ben.okafor@students.example" };
let courseId: string;
let sessionIds: string[];
let anaId: string;
let benId: string;
let adminId: string;

async function deliver(body: unknown, headers: Record<string, string> = {}) {
  const parsed = parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return storeWebhookEvent(parsed.fields, body, {
    trackingId: `Webhook_${uniqueUuid()}`,
    requestId: null,
    headers,
    bodyBytes: JSON.stringify(body).length,
  });
}

async function attendanceSnapshot(sessionId: string) {
  const rows = await prisma.attendanceRecord.findMany({ where: { sessionId }, orderBy: { studentId: "asc" } });
  return rows.map(({ computedAt: _computedAt, ...row }) => row);
}

beforeAll(async () => {
  await useFreshDatabase("privacy");
  ({ prisma } = await import("../../lib/db"));
  ({ storeWebhookEvent, recordDelivery } = await import("../../lib/events/store"));
  ({ parseStoredEvent } = await import("../../lib/zoom/payload"));
  ({ recomputeSession } = await import("../../lib/attendance/projection"));
  ({ purgeExpiredPayloads } = await import("../../lib/privacy/retention"));
  ({ eraseStudent } = await import("../../lib/privacy/erase"));
  ({ exportStudentData } = await import("../../lib/privacy/export"));

  const admin = await prisma.user.create({
    data: { email: "privacy-admin@school.example", name: "Privacy Admin", role: "admin" },
  });
  adminId = admin.id;
  const course = await prisma.course.create({ data: { name: "Privacy 101", timezone: "UTC" } });
  courseId = course.id;
  const ana = await prisma.student.create({
    data: {
      courseId,
      name: ANA.name,
      email: ANA.email,
      emailNormalized: ANA.email.toLowerCase(),
      zoomRegistrantId: ANA.registrantId,
    },
  });
  const ben = await prisma.student.create({
    data: { courseId, name: BEN.name, email: BEN.email, emailNormalized: BEN.email },
  });
  anaId = ana.id;
  benId = ben.id;
  // Two sessions of the same recurring meeting, a week apart.
  const sessions = await Promise.all(
    [0, 7].map((days) =>
      prisma.session.create({
        data: {
          courseId,
          zoomMeetingId: MEETING,
          startsAt: new Date(START.getTime() - days * 86_400_000),
          durationMinutes: 60,
        },
      }),
    ),
  );
  sessionIds = sessions.map((session) => session.id);

  for (const [index, session] of sessions.entries()) {
    const uuid = uniqueUuid();
    const at = (n: number) => new Date(session.startsAt.getTime() + n * 60_000);
    const forwarded = {
      "x-forwarded-for": "203.0.113.7",
      "x-real-ip": "203.0.113.7",
      "user-agent": "Zoom Marketplace/1.0a",
    };
    await deliver(meetingStarted(uuid, MEETING, at(-2)), forwarded);
    // Ana: laptop by registrant + email (carries her account ID, so it is learned), then a
    // phone with only the account ID, then a tablet a manual match ties to her.
    await deliver(
      participantJoined({
        uuid,
        meetingId: MEETING,
        userId: `${index}01`,
        name: ANA.name,
        email: ANA.email,
        registrantId: ANA.registrantId,
        accountId: "accAnaLima",
        joinTime: at(0),
      }),
      forwarded,
    );
    await deliver(
      participantLeft({
        uuid,
        meetingId: MEETING,
        userId: `${index}01`,
        name: ANA.name,
        email: ANA.email,
        registrantId: ANA.registrantId,
        accountId: "accAnaLima",
        leaveTime: at(40),
      }),
      forwarded,
    );
    await deliver(
      participantJoined({
        uuid,
        meetingId: MEETING,
        userId: `${index}02`,
        name: "Ana phone",
        accountId: "accAnaLima",
        joinTime: at(39),
      }),
      forwarded,
    );
    await deliver(
      participantLeft({
        uuid,
        meetingId: MEETING,
        userId: `${index}02`,
        name: "Ana phone",
        accountId: "accAnaLima",
        leaveTime: at(50),
      }),
      forwarded,
    );
    await deliver(
      participantJoined({ uuid, meetingId: MEETING, userId: `${index}03`, name: "Lima iPad", joinTime: at(49) }),
      forwarded,
    );
    // Ben, and a guest.
    await deliver(
      participantJoined({
        uuid,
        meetingId: MEETING,
        userId: `${index}04`,
        name: BEN.name,
        email: BEN.email,
        joinTime: at(1),
      }),
      forwarded,
    );
    await deliver(
      participantJoined({ uuid, meetingId: MEETING, userId: `${index}05`, name: "Visitor", joinTime: at(5) }),
      forwarded,
    );
    await deliver(meetingEnded(uuid, MEETING, at(-2), at(60)), forwarded);
  }
  // The manual match "Lima iPad is Ana", made in the earlier session.
  await prisma.manualMatch.create({
    data: {
      courseId,
      sessionId: sessionIds[1],
      studentId: anaId,
      kind: "display_name",
      value: "lima ipad",
      createdById: adminId,
    },
  });
  await prisma.auditEntry.create({
    data: {
      actorId: adminId,
      action: "guest.matched",
      subject: `session:${sessionIds[1]}`,
      details: { guestKey: "name:lima ipad", kind: "display_name", studentId: anaId },
    },
  });
  await prisma.notification.create({
    data: {
      sessionId: sessionIds[0],
      studentId: anaId,
      kind: "late_student",
      recipient: ANA.email.toLowerCase(),
      status: "sent",
    },
  });
  // A rejected delivery whose body names Ana, and one that does not.
  await recordDelivery({
    outcome: "rejected_body",
    httpStatus: 400,
    reason: "test",
    body: JSON.stringify({ event: "x", payload: { email: ANA.email } }),
    meta: { trackingId: "t1", requestId: null, headers: { "x-forwarded-for": "203.0.113.7" }, bodyBytes: 10 },
  });
  await recordDelivery({
    outcome: "rejected_body",
    httpStatus: 400,
    reason: "test",
    body: '{"event":"y"}',
    meta: { trackingId: "t2", requestId: null, headers: {}, bodyBytes: 10 },
  });
  for (const sessionId of sessionIds) await recomputeSession(sessionId);
});

describe("retention purge", () => {
  it("clears payloads, delivery bodies and client addresses older than RETENTION_DAYS, and leaves attendance as it was", async () => {
    const before = await Promise.all(sessionIds.map(attendanceSnapshot));
    expect(before[0].find((row) => row.studentId === anaId)).toMatchObject({ joinCount: 3, attendedSeconds: 3600 });
    // Events and deliveries of the older session arrived 200 days ago; the newer ones 10 days ago.
    const oldEvents = await prisma.$executeRawUnsafe(
      `UPDATE events SET "receivedAt" = now() - interval '200 days' WHERE "occurredAt" < $1::timestamptz`,
      new Date(START.getTime() - 3 * 86_400_000).toISOString(),
    );
    await prisma.$executeRawUnsafe(
      `UPDATE events SET "receivedAt" = now() - interval '10 days' WHERE "receivedAt" > now() - interval '1 day'`,
    );
    const oldDeliveries = await prisma.$executeRawUnsafe(
      `UPDATE webhook_deliveries SET "receivedAt" = now() - interval '200 days' WHERE "trackingId" IN ('t1', 't2') OR "eventTs" < $1::timestamptz`,
      new Date(START.getTime() - 3 * 86_400_000).toISOString(),
    );
    expect(oldEvents).toBe(9);
    expect(oldDeliveries).toBe(11);

    // Sign-in counters (keyed by the email tried): an old one goes, a current one stays.
    await prisma.rateLimit.createMany({
      data: [
        {
          key: `sign-in:email:${ANA.email.toLowerCase()}`,
          windowStart: new Date(Date.now() - 3 * 86_400_000),
          count: 3,
        },
        { key: "sign-in:email:current@school.example", windowStart: new Date(), count: 1 },
      ],
    });
    // Counts of rejected deliveries: the old minute goes, the current one stays.
    await prisma.webhookRejectionCount.createMany({
      data: [
        { minute: new Date(Date.now() - 200 * 86_400_000), outcome: "rejected_signature", count: 2940 },
        { minute: new Date(Math.floor(Date.now() / 60_000) * 60_000), outcome: "rejected_signature", count: 7 },
      ],
    });
    const now = new Date();
    const result = await purgeExpiredPayloads(now, 180);
    expect(result.rejectionCounts).toBe(1);
    expect(await prisma.webhookRejectionCount.count()).toBe(1);
    expect(result.rateLimitRows).toBe(1);
    expect(await prisma.rateLimit.count()).toBe(1);
    expect(result.eventPayloads).toBe(9);
    expect(result.deliveryRows).toBe(11); // the 9 stored events' deliveries, t1 and t2

    const purged = await prisma.event.findMany({ where: { receivedAt: { lt: result.cutoff } } });
    expect(purged).toHaveLength(9);
    for (const event of purged) {
      expect(event.payload).toBeNull();
      expect(event.payloadPurgedAt?.getTime()).toBe(now.getTime());
    }
    const kept = await prisma.event.findMany({ where: { receivedAt: { gte: result.cutoff } } });
    expect(kept).toHaveLength(9);
    for (const event of kept) {
      expect(event.payload).not.toBeNull();
      expect(event.payloadPurgedAt).toBeNull();
    }
    // The webhook log's rows older than the retention are gone, with their bodies and addresses.
    expect(await prisma.webhookDelivery.count({ where: { receivedAt: { lt: result.cutoff } } })).toBe(0);
    const newRows = await prisma.webhookDelivery.findMany({ where: { receivedAt: { gte: result.cutoff } } });
    expect(newRows.some((row) => (row.headers as Record<string, string>)["x-forwarded-for"] === "203.0.113.7")).toBe(
      true,
    );

    // Attendance is computed from the event rows, not the raw payloads: unchanged after a recompute.
    for (const sessionId of sessionIds) await recomputeSession(sessionId);
    expect(await Promise.all(sessionIds.map(attendanceSnapshot))).toEqual(before);

    // A second run finds nothing more to do.
    const again = await purgeExpiredPayloads(new Date(), 180);
    expect(again).toMatchObject({ eventPayloads: 0, deliveryRows: 0, rejectionCounts: 0, rateLimitRows: 0 });
  });

  it("is a worker task scheduled daily", async () => {
    const { tasks } = await import("../../lib/worker");
    const { crontab } = await import("../../lib/worker");
    expect(typeof tasks.purge_expired_payloads).toBe("function");
    expect(crontab()).toMatch(/^\S+ \S+ \* \* \* purge_expired_payloads\b/m);
    // Runs with the configured RETENTION_DAYS (here from the payload) without failing.
    await (tasks.purge_expired_payloads as (payload: unknown, helpers: unknown) => Promise<void>)(
      { retentionDays: 365 },
      {},
    );
  });

  it("refuses a retention of less than one day", async () => {
    await expect(purgeExpiredPayloads(new Date(), 0)).rejects.toThrow(/at least 1/);
  });
});

describe("export", () => {
  it("holds the roster entry, attendance per session, attributed events, links, matches, notifications and deliveries naming the student", async () => {
    const data = await exportStudentData(anaId);
    expect(data).not.toBeNull();
    expect(data!.student).toMatchObject({
      id: anaId,
      name: ANA.name,
      email: ANA.email,
      zoomRegistrantId: ANA.registrantId,
      course: { id: courseId },
    });
    expect(data!.attendance).toHaveLength(2);
    expect(data!.attendance.every((row) => row.record !== null && row.record.joinCount === 3)).toBe(true);
    // Per session: laptop join + leave, phone join + leave, tablet join (the manual match applies
    // from the earlier session on) = 5; two sessions = 10. Ben's, the visitor's and the meeting's are not hers.
    expect(data!.events).toHaveLength(10);
    expect(new Set(data!.events.map((event) => event.sessionId))).toEqual(new Set(sessionIds));
    expect(data!.events.map((event) => event.participantUserId).sort()).toEqual([
      "001",
      "001",
      "002",
      "002",
      "003",
      "101",
      "101",
      "102",
      "102",
      "103",
    ]);
    expect(data!.identityLinks.map((link) => link.zoomAccountId)).toEqual(["accAnaLima"]);
    expect(data!.manualMatches).toEqual([expect.objectContaining({ kind: "display_name", value: "lima ipad" })]);
    expect(data!.notifications).toEqual([expect.objectContaining({ recipient: ANA.email.toLowerCase() })]);
    // The delivery body naming her was older than the retention and purged above; none is left.
    expect(data!.webhookDeliveries).toEqual([]);
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
    expect(await exportStudentData("no-such-student")).toBeNull();
  });
});

describe("erasure", () => {
  it("removes every trace of the student in one transaction, records it, and leaves the other students' attendance alone", async () => {
    // A fresh delivery body naming Ana (the old one was purged by retention).
    await recordDelivery({
      outcome: "ignored",
      httpStatus: 200,
      reason: "test",
      body: JSON.stringify({ event: "meeting.chat", payload: { email: ANA.email } }),
      meta: { trackingId: "t3", requestId: null, headers: {}, bodyBytes: 10 },
    });
    const benBefore = await prisma.attendanceRecord.findMany({
      where: { studentId: benId },
      orderBy: { sessionId: "asc" },
    });

    const result = await eraseStudent(anaId, adminId);
    expect(result).not.toBeNull();
    expect(result!.counts).toMatchObject({
      events: 10,
      identityLinks: 1,
      manualMatches: 1,
      notifications: 1,
      attendanceRecords: 2,
      deliveryBodies: 1,
      auditRedactions: 1,
    });

    const entry = await prisma.auditEntry.findFirstOrThrow({
      where: { action: "student.erased", subject: `student:${anaId}` },
    });
    expect(entry.actorId).toBe(adminId);
    expect(entry.details).toMatchObject({ courseId, events: 10 });

    for (const sessionId of sessionIds) await recomputeSession(sessionId);
    // Nothing in any table names her any more: not her email, name, registrant ID or Zoom account.
    const tables = await prisma.$queryRawUnsafe<{ table_name: string }[]>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const needle of [
      ANA.email.toLowerCase(),
      "ana lima",
      "lima ipad",
      "ana phone",
      ANA.registrantId.toLowerCase(),
      "accanalima",
    ]) {
      for (const { table_name } of tables) {
        const rows = await prisma.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM "${table_name}" t WHERE strpos(lower(t::text), $1) > 0`,
          needle,
        );
        expect(rows[0].n, `${table_name} still mentions ${needle}`).toBe(0);
      }
    }
    expect(await prisma.student.findUnique({ where: { id: anaId } })).toBeNull();
    expect(await prisma.student.findUnique({ where: { id: benId } })).not.toBeNull();
    // Ben's attendance is exactly what it was; her connections are now one anonymous participant.
    const benAfter = await prisma.attendanceRecord.findMany({
      where: { studentId: benId },
      orderBy: { sessionId: "asc" },
    });
    expect(benAfter.map(({ computedAt: _c, ...row }) => row)).toEqual(
      benBefore.map(({ computedAt: _c, ...row }) => row),
    );
    const guests = await prisma.guestAttendance.findMany({ where: { sessionId: sessionIds[0] } });
    expect(guests.map((guest) => guest.name).sort()).toEqual(["", "Visitor"]);
    // The manual-match audit entry is kept, without who was matched.
    const matchEntry = await prisma.auditEntry.findFirstOrThrow({ where: { action: "guest.matched" } });
    expect(matchEntry.details).toMatchObject({ guestKey: "[erased]", kind: "display_name" });

    // A second erasure finds nothing.
    expect(await eraseStudent(anaId, adminId)).toBeNull();
  });
});
