// Privacy (docs/privacy.md), in-process against a fresh database: after RETENTION_DAYS event rows
// lose names and emails (pseudonyms) while every attendance figure stays the same; the student
// export and erasure also find events and delivery bodies that name the student only by display
// name or by a linked Zoom account ID, and events of sessions since deleted — and leave a
// namesake in another course alone.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import {
  meetingEnded,
  meetingStarted,
  participantJoined,
  participantLeft,
  uniqueMeetingId,
  uniqueUuid,
} from "../helpers/zoom";

let prisma: typeof import("../../lib/db").prisma;
let storeWebhookEvent: typeof import("../../lib/events/store").storeWebhookEvent;
let recordDelivery: typeof import("../../lib/events/store").recordDelivery;
let parseStoredEvent: typeof import("../../lib/zoom/payload").parseStoredEvent;
let recomputeSession: typeof import("../../lib/attendance/projection").recomputeSession;
let purgeExpiredPayloads: typeof import("../../lib/privacy/retention").purgeExpiredPayloads;
let eraseStudent: typeof import("../../lib/privacy/erase").eraseStudent;
let exportStudentData: typeof import("../../lib/privacy/export").exportStudentData;
let PSEUDONYMISED_GUEST_NAME: string;

const MINUTE = 60_000;
const START = new Date(Math.floor((Date.now() - 3 * 3600_000) / MINUTE) * MINUTE);
const ZED = { name: "Zed Quinn", email: "zed.quinn@school.example", account: "accZedQuinn01" };
const BEN = { name: "Ben Okafor", email: "ben.okafor@school.example" };
const M1 = uniqueMeetingId();
const M2 = uniqueMeetingId();
const M3 = uniqueMeetingId();
const M9 = uniqueMeetingId();
let zedId: string;
let benId: string;
let namesakeId: string;
let s1: string;
let live: string;
let namesakeSession: string;
let adminId: string;

async function deliver(body: unknown) {
  const parsed = parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  await storeWebhookEvent(parsed.fields, body, {
    trackingId: `Webhook_${uniqueUuid()}`,
    requestId: null,
    headers: {},
    bodyBytes: 100,
  });
}

const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * MINUTE);

async function snapshot(sessionId: string) {
  const students = await prisma.attendanceRecord.findMany({ where: { sessionId }, orderBy: { studentId: "asc" } });
  const guests = await prisma.guestAttendance.findMany({ where: { sessionId }, orderBy: { attendedSeconds: "asc" } });
  return {
    students: students.map(({ computedAt: _c, ...row }) => row),
    guests: guests.map((guest) => ({
      attendedSeconds: guest.attendedSeconds,
      attendedPercent: guest.attendedPercent,
      joinCount: guest.joinCount,
    })),
  };
}

beforeAll(async () => {
  await useFreshDatabase("privacy_trust");
  ({ prisma } = await import("../../lib/db"));
  ({ storeWebhookEvent, recordDelivery } = await import("../../lib/events/store"));
  ({ parseStoredEvent } = await import("../../lib/zoom/payload"));
  ({ recomputeSession } = await import("../../lib/attendance/projection"));
  ({ purgeExpiredPayloads } = await import("../../lib/privacy/retention"));
  ({ eraseStudent } = await import("../../lib/privacy/erase"));
  ({ exportStudentData } = await import("../../lib/privacy/export"));
  ({ PSEUDONYMISED_GUEST_NAME } = await import("../../lib/attendance/engine"));

  adminId = (await prisma.user.create({ data: { email: "pt-admin@school.example", name: "Admin", role: "admin" } })).id;
  const course = await prisma.course.create({ data: { name: "Privacy 201", timezone: "UTC" } });
  const other = await prisma.course.create({ data: { name: "Another course", timezone: "UTC" } });
  zedId = (
    await prisma.student.create({
      data: { courseId: course.id, name: ZED.name, email: ZED.email, emailNormalized: ZED.email },
    })
  ).id;
  benId = (
    await prisma.student.create({
      data: { courseId: course.id, name: BEN.name, email: BEN.email, emailNormalized: BEN.email },
    })
  ).id;
  namesakeId = (
    await prisma.student.create({
      data: { courseId: other.id, name: ZED.name, email: "zq@other.example", emailNormalized: "zq@other.example" },
    })
  ).id;
  await prisma.identityLink.create({ data: { courseId: course.id, studentId: zedId, zoomAccountId: ZED.account } });

  s1 = (
    await prisma.session.create({
      data: { courseId: course.id, zoomMeetingId: M1, startsAt: START, durationMinutes: 60 },
    })
  ).id;
  const s2 = (
    await prisma.session.create({
      data: { courseId: course.id, zoomMeetingId: M2, startsAt: at(START, -7 * 24 * 60), durationMinutes: 60 },
    })
  ).id;
  live = (
    await prisma.session.create({
      data: { courseId: course.id, zoomMeetingId: M3, startsAt: at(new Date(), -10), durationMinutes: 60 },
    })
  ).id;
  namesakeSession = (
    await prisma.session.create({
      data: { courseId: other.id, zoomMeetingId: M9, startsAt: START, durationMinutes: 60 },
    })
  ).id;

  // Session 1: Zed by email (laptop), Zed's tablet matched by hand, Ben, and a visitor.
  const uuid = uniqueUuid();
  await deliver(meetingStarted(uuid, M1, at(START, -1)));
  await deliver(
    participantJoined({ uuid, meetingId: M1, userId: "1", name: ZED.name, email: ZED.email, joinTime: at(START, 0) }),
  );
  await deliver(
    participantLeft({ uuid, meetingId: M1, userId: "1", name: ZED.name, email: ZED.email, leaveTime: at(START, 30) }),
  );
  await deliver(participantJoined({ uuid, meetingId: M1, userId: "2", name: "Zed  Tablet", joinTime: at(START, 29) }));
  await deliver(participantLeft({ uuid, meetingId: M1, userId: "2", name: "Zed  Tablet", leaveTime: at(START, 50) }));
  await deliver(
    participantJoined({ uuid, meetingId: M1, userId: "3", name: BEN.name, email: BEN.email, joinTime: at(START, 2) }),
  );
  await deliver(
    participantJoined({
      uuid,
      meetingId: M1,
      userId: "4",
      name: "Visitor Vera",
      email: "vera@visitors.example",
      joinTime: at(START, 5),
    }),
  );
  await deliver(
    participantLeft({
      uuid,
      meetingId: M1,
      userId: "4",
      name: "Visitor Vera",
      email: "vera@visitors.example",
      leaveTime: at(START, 20),
    }),
  );
  await deliver(meetingEnded(uuid, M1, at(START, -1), at(START, 60)));
  await prisma.manualMatch.create({
    data: {
      courseId: course.id,
      sessionId: s1,
      studentId: zedId,
      kind: "display_name",
      value: "zed tablet",
      createdById: adminId,
    },
  });

  // Session 2 (deleted below): Zed by linked account only, and by email only.
  const uuid2 = uniqueUuid();
  await deliver(
    participantJoined({
      uuid: uuid2,
      meetingId: M2,
      userId: "5",
      name: "ZQ phone",
      accountId: ZED.account,
      joinTime: at(START, -7 * 24 * 60 + 1),
    }),
  );
  await deliver(
    participantJoined({
      uuid: uuid2,
      meetingId: M2,
      userId: "6",
      name: "Laptop",
      email: ZED.email,
      joinTime: at(START, -7 * 24 * 60 + 2),
    }),
  );
  await prisma.session.delete({ where: { id: s2 } });
  // Meeting 1, three days before session 1 (no session there): only the display name says it is Zed.
  await deliver(
    participantJoined({
      uuid: uniqueUuid(),
      meetingId: M1,
      userId: "7",
      name: "zed quinn",
      joinTime: at(START, -3 * 24 * 60),
    }),
  );
  // The live session's event, and the namesake in the other course.
  await deliver(
    participantJoined({
      uuid: uniqueUuid(),
      meetingId: M3,
      userId: "8",
      name: "Live Lara",
      email: "lara@school.example",
      joinTime: at(new Date(), -5),
    }),
  );
  await deliver(
    participantJoined({ uuid: uniqueUuid(), meetingId: M9, userId: "9", name: ZED.name, joinTime: at(START, 1) }),
  );
  // Ignored deliveries whose bodies name Zed only by display name, or only by account ID.
  const meta = (trackingId: string) => ({ trackingId, requestId: null, headers: {}, bodyBytes: 10 });
  await recordDelivery({
    outcome: "ignored",
    httpStatus: 200,
    reason: "t",
    body: JSON.stringify({ event: "meeting.chat", payload: { user_name: "Zed Quinn" } }),
    meta: meta("pt1"),
  });
  await recordDelivery({
    outcome: "ignored",
    httpStatus: 200,
    reason: "t",
    body: JSON.stringify({ event: "meeting.chat", payload: { id: ZED.account } }),
    meta: meta("pt2"),
  });
  await recordDelivery({
    outcome: "ignored",
    httpStatus: 200,
    reason: "t",
    body: JSON.stringify({ event: "meeting.chat", payload: { user_name: "Someone Else" } }),
    meta: meta("pt3"),
  });
  for (const sessionId of [s1, live, namesakeSession]) await recomputeSession(sessionId);
});

describe("pseudonymisation after RETENTION_DAYS", () => {
  it("replaces names and emails of events of ended sessions, and no attendance figure changes", async () => {
    const before = await snapshot(s1);
    expect(before.students.find((row) => row.studentId === zedId)).toMatchObject({
      attendedSeconds: 50 * 60,
      joinCount: 2,
    });
    expect(before.guests).toHaveLength(1);
    await prisma.$executeRawUnsafe(
      `UPDATE events SET "receivedAt" = now() - interval '200 days' WHERE "zoomMeetingId" = ANY($1::text[])`,
      [M1, M3],
    );

    const result = await purgeExpiredPayloads(new Date(), 180);
    expect(result.eventsPseudonymised).toBe(8); // session 1's 7 participant events and the name-only one; not the live one

    const old = await prisma.event.findMany({ where: { zoomMeetingId: M1 } });
    for (const event of old) {
      expect(event.email).toBeNull();
      for (const value of [event.emailNormalized, event.displayName])
        if (value !== null) expect(value).toMatch(/^pseudonym:[0-9a-f]{64}$/);
    }
    const stored = JSON.stringify(old, (_key, value) =>
      typeof value === "bigint" ? value.toString() : value,
    ).toLowerCase();
    const named = /zed quinn|zed\.quinn|zed +tablet|vera|ben okafor|school\.example|visitors/.exec(stored);
    expect(named && stored.slice(Math.max(0, named.index - 120), named.index + 40)).toBeNull();
    const liveEvent = await prisma.event.findFirstOrThrow({ where: { zoomMeetingId: M3 } });
    expect(liveEvent).toMatchObject({ displayName: "Live Lara", email: "lara@school.example" });

    // Recomputed from pseudonymised rows: the same figures (email, manual match by name, guests).
    await recomputeSession(s1);
    expect(await snapshot(s1)).toEqual(before);
    const guest = await prisma.guestAttendance.findFirstOrThrow({ where: { sessionId: s1 } });
    expect(guest.name).toBe(PSEUDONYMISED_GUEST_NAME);
    expect(guest.email).toBeNull();
    // The sessions were queued for a recompute so stored guest rows lose names too.
    const queued = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM graphile_worker._private_jobs WHERE key = $1`,
      `recompute:${s1}`,
    );
    expect(queued[0].n).toBe(1);
    expect((await purgeExpiredPayloads(new Date(), 180)).eventsPseudonymised).toBe(0);
  });
});

describe("export and erasure", () => {
  it("the export finds events by linked account, by name, of a deleted session, and bodies naming the student", async () => {
    const data = await exportStudentData(zedId);
    expect(data).not.toBeNull();
    const byMeeting = (meeting: string) => data!.events.filter((event) => event.zoomMeetingId === meeting);
    expect(byMeeting(M1)).toHaveLength(5); // laptop join+leave, tablet join+leave (pseudonymised, still hers), the name-only join
    expect(
      byMeeting(M2)
        .map((event) => event.participantUserId)
        .sort(),
    ).toEqual(["5", "6"]); // the deleted session's
    expect(byMeeting(M9)).toEqual([]); // the namesake in another course
    expect(
      data!.webhookDeliveries
        .map((delivery) => JSON.parse(delivery.body).payload)
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([{ id: ZED.account }, { user_name: "Zed Quinn" }]);
  });

  it("erasure clears all of them, and leaves Ben and the namesake in the other course alone", async () => {
    const benBefore = await prisma.attendanceRecord.findMany({
      where: { studentId: benId },
      orderBy: { sessionId: "asc" },
    });
    const result = await eraseStudent(zedId, adminId);
    expect(result!.counts).toMatchObject({ events: 7, deliveryBodies: 2 });
    const leftover = await prisma.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM events WHERE "participantAccountId" = $1 OR email = $2 OR "emailNormalized" = $2 OR (lower("displayName") = 'zed quinn' AND "zoomMeetingId" <> $3)`,
      ZED.account,
      ZED.email,
      M9,
    );
    expect(leftover[0].n).toBe(0);
    const bodies = await prisma.webhookDelivery.findMany({
      where: { trackingId: { in: ["pt1", "pt2", "pt3"] } },
      orderBy: { trackingId: "asc" },
    });
    expect(bodies.map((row) => row.body === null)).toEqual([true, true, false]);
    const namesakeEvent = await prisma.event.findFirstOrThrow({ where: { zoomMeetingId: M9 } });
    expect(namesakeEvent.displayName).toBe(ZED.name);
    expect(await prisma.student.findUnique({ where: { id: namesakeId } })).not.toBeNull();
    await recomputeSession(s1);
    const benAfter = await prisma.attendanceRecord.findMany({
      where: { studentId: benId },
      orderBy: { sessionId: "asc" },
    });
    expect(benAfter.map(({ computedAt: _c, ...row }) => row)).toEqual(
      benBefore.map(({ computedAt: _c, ...row }) => row),
    );
  });
});
