// The projection reads its session, the course's identity and the competing sessions in one SQL
// statement (loadProjectionInputs, ADR 018); student export/erasure and reconciliation read them
// through Prisma (loadCourseIdentity, competingSessions). Both must read the same thing, or a
// student's export would attribute events differently from their attendance.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { competitorStartRange } from "../../lib/attendance/rules";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let load: typeof import("../../lib/attendance/load");
let db: typeof import("../../lib/db");
let sessions: typeof import("../../lib/services/sessions");

beforeAll(async () => {
  await useFreshDatabase("projection_inputs");
  db = await import("../../lib/db");
  ({ prisma } = db);
  load = await import("../../lib/attendance/load");
  sessions = await import("../../lib/services/sessions");
});

const HOUR = 3600_000;
const byId = <Row extends { id: string }>(rows: Row[]) => [...rows].sort((a, b) => a.id.localeCompare(b.id));
const byJson = <Row>(rows: Row[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("the projection's inputs", () => {
  it("are the roster, links, manual matches, instructors and competing sessions the Prisma loaders read", async () => {
    const teacher = await prisma.user.create({ data: { email: "inputs-teacher@example.edu", name: "Teacher Inputs" } });
    const course = await prisma.course.create({
      data: { name: "Inputs course", timezone: "UTC", instructors: { create: [{ userId: teacher.id }] } },
    });
    const meetingId = "84455500077";
    const startsAt = new Date("2026-03-02T15:00:00Z");
    const spec = (offsetHours: number, durationMinutes = 60) => ({
      zoomMeetingId: meetingId,
      startsAt: new Date(startsAt.getTime() + offsetHours * HOUR),
      durationMinutes,
      lateAfterMinutes: 7,
      requiredPercent: 80,
    });
    const session = await sessions.createSession(course.id, spec(0, 90));
    // Siblings before, after, and far outside any competitor range; another meeting; another course.
    for (const offset of [-30, -20, -3, 2, 20, 50]) await sessions.createSession(course.id, spec(offset));
    await sessions.createSession(course.id, { ...spec(1), zoomMeetingId: "84455500078" });
    // Names that sort differently by code point and by collation, and equal names.
    const names = ["bea Souza", "Ana Lima", "Ana Lima", "Émile Zola", "zed Zhou", "Ómar Ali"];
    const students = [];
    for (const [index, name] of names.entries()) {
      students.push(
        await prisma.student.create({
          data: {
            courseId: course.id,
            name,
            email: `Inputs${index}@Example.edu`,
            emailNormalized: `inputs${index}@example.edu`,
            zoomRegistrantId: index === 1 ? "reg-legacy-1" : null,
            phone: index === 2 ? "+15551230002" : null,
          },
        }),
      );
    }
    await prisma.zoomRegistrant.create({
      data: { studentId: students[0].id, zoomMeetingId: meetingId, registrantId: "reg-a" },
    });
    await prisma.zoomRegistrant.create({
      data: { studentId: students[0].id, zoomMeetingId: "84455500078", registrantId: "reg-b" },
    });
    await prisma.identityLink.create({
      data: { courseId: course.id, zoomAccountId: "acct-1", studentId: students[3].id },
    });
    await prisma.identityLink.create({
      data: { courseId: course.id, zoomAccountId: "acct-2", studentId: students[4].id },
    });
    const earlier = await prisma.session.findFirstOrThrow({
      where: { courseId: course.id, startsAt: new Date(startsAt.getTime() - 3 * HOUR) },
    });
    await prisma.manualMatch.create({
      data: {
        courseId: course.id,
        sessionId: earlier.id,
        studentId: students[5].id,
        kind: "display_name",
        value: "omar ipad",
      },
    });
    await prisma.manualMatch.create({
      data: {
        courseId: course.id,
        sessionId: session.id,
        studentId: students[1].id,
        kind: "email",
        value: "ana.home@example.com",
      },
    });

    const inputs = await load.loadProjectionInputs(db.getPool(), session.id);
    expect(inputs).not.toBeNull();
    const identity = await load.loadCourseIdentity(prisma, course.id);
    // The roster's order is the engine's (name, then id); the other lists have none.
    expect(inputs!.identity.roster).toEqual(identity.roster);
    expect(byJson(inputs!.identity.links)).toEqual(byJson(identity.links));
    expect(byJson(inputs!.identity.manualMatches)).toEqual(byJson(identity.manualMatches));
    expect(byId(inputs!.identity.instructors)).toEqual(byId(identity.instructors));

    const widenedStart = new Date(startsAt.getTime() - HOUR);
    const widenedEnd = new Date(startsAt.getTime() + 90 * 60_000 + HOUR);
    const competing = await load.competingSessions(prisma, course.id, meetingId, {
      start: widenedStart,
      end: widenedEnd,
    });
    const range = competitorStartRange({ start: widenedStart, end: widenedEnd });
    const narrowed = inputs!.siblingCandidates.filter(
      (sibling) => sibling.startsAt >= range.start && sibling.startsAt < range.end,
    );
    expect(byId(narrowed)).toEqual(byId(competing));
    // The session itself and the siblings 20 h and 3 h before and 2 h after it; the candidates also hold those 30 h before and 20 h after.
    expect(competing.length).toBe(4);
    expect(inputs!.siblingCandidates.length).toBe(6);

    const row = await prisma.session.findUniqueOrThrow({ where: { id: session.id } });
    expect(inputs!.session).toEqual({
      id: row.id,
      courseId: row.courseId,
      zoomMeetingId: row.zoomMeetingId,
      startsAt: row.startsAt,
      durationMinutes: row.durationMinutes,
      lateAfterMinutes: row.lateAfterMinutes,
      requiredPercent: row.requiredPercent,
      computedEvents: row.computedEvents,
    });
    expect(inputs!.stored).toMatchObject({ students: 0, guests: 0, hosts: 0, liveVersion: row.liveVersion });
  });

  it("are empty of competing sessions when the course may not see the meeting", async () => {
    const course = await prisma.course.create({ data: { name: "Unshared course", timezone: "UTC" } });
    const session = await sessions.createSession(course.id, {
      zoomMeetingId: "84455500079",
      startsAt: new Date("2026-03-03T15:00:00Z"),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    await prisma.meetingCourse.deleteMany({ where: { courseId: course.id } });
    const inputs = await load.loadProjectionInputs(db.getPool(), session.id);
    expect(inputs!.siblingCandidates).toEqual([]);
    expect(
      await load.competingSessions(prisma, course.id, "84455500079", {
        start: new Date("2026-03-01T00:00:00Z"),
        end: new Date("2026-03-05T00:00:00Z"),
      }),
    ).toEqual([]);
    expect(await load.loadProjectionInputs(db.getPool(), "no-such-session")).toBeNull();
  });
});
