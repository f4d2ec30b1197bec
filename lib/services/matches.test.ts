import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../../test/helpers/db";
import { prisma } from "../db";
import { guestKeyToIdentity, matchGuest, MatchError } from "./matches";

describe("guestKeyToIdentity", () => {
  it("maps each kind of guest key to what a manual match keys on", () => {
    expect(guestKeyToIdentity("account:AbC123")).toEqual({ kind: "account_id", value: "abc123" });
    expect(guestKeyToIdentity("email: Ana@Example.EDU ")).toEqual({ kind: "email", value: "ana@example.edu" });
    expect(guestKeyToIdentity("name:ana   lima")).toEqual({ kind: "display_name", value: "ana lima" });
    // Display names may themselves contain colons.
    expect(guestKeyToIdentity("name:iphone: ana")).toEqual({ kind: "display_name", value: "iphone: ana" });
  });

  it("refuses keys it cannot match on", () => {
    expect(guestKeyToIdentity("name:")).toBeNull();
    expect(guestKeyToIdentity("phone:123")).toBeNull();
    expect(guestKeyToIdentity("nonsense")).toBeNull();
  });
});

// With the database (npm test sets TEST_CLUSTER_URL): one match per identity and course, applied
// from the session where it was made onwards.
describe("matchGuest", () => {
  const DAY = 24 * 3600_000;
  const guestKey = "name:hana (ipad)";
  let ids: {
    course: string;
    other: string;
    ana: string;
    hana: string;
    stranger: string;
    before: string;
    during: string;
    after: string;
  };

  const queuedRecomputes = async () =>
    (
      await prisma.$queryRawUnsafe<{ key: string }[]>(
        `SELECT key FROM graphile_worker.jobs WHERE task_identifier = 'recompute_session'`,
      )
    )
      .map((job) => job.key)
      .sort();
  const clearJobs = () => prisma.$executeRawUnsafe(`DELETE FROM graphile_worker._private_jobs`);

  beforeAll(async () => {
    await useFreshDatabase("manual_match");
    const course = await prisma.course.create({ data: { name: "Match course" } });
    const other = await prisma.course.create({ data: { name: "Other course" } });
    const student = (courseId: string, name: string, email: string) =>
      prisma.student.create({ data: { courseId, name, email, emailNormalized: email } });
    const [ana, hana, stranger] = await Promise.all([
      student(course.id, "Ana Lima", "ana@example.edu"),
      student(course.id, "Hana Sato", "hana@example.edu"),
      student(other.id, "Someone Else", "else@example.edu"),
    ]);
    const start = Date.UTC(2026, 10, 2, 17);
    const session = (offsetDays: number) =>
      prisma.session.create({
        data: {
          courseId: course.id,
          zoomMeetingId: "81234567890",
          startsAt: new Date(start + offsetDays * DAY),
          durationMinutes: 60,
        },
      });
    const [before, during, after] = await Promise.all([session(-7), session(0), session(7)]);
    await prisma.guestAttendance.create({
      data: {
        sessionId: during.id,
        guestKey,
        name: "Hana (iPad)",
        attendedSeconds: 600,
        attendedPercent: 16.7,
        joinCount: 1,
        inMeeting: false,
        openConnections: 0,
        intervals: [],
        computedAt: new Date(),
      },
    });
    ids = {
      course: course.id,
      other: other.id,
      ana: ana.id,
      hana: hana.id,
      stranger: stranger.id,
      before: before.id,
      during: during.id,
      after: after.id,
    };
  });

  afterAll(async () => {
    await prisma.$disconnect();
  });

  it("stores the match and recomputes this session and the later ones, not the earlier ones", async () => {
    await clearJobs();
    const result = await matchGuest(ids.during, guestKey, ids.hana, null);
    expect(result.studentName).toBe("Hana Sato");
    const matches = await prisma.manualMatch.findMany({ where: { courseId: ids.course } });
    expect(matches).toMatchObject([
      { kind: "display_name", value: "hana (ipad)", studentId: ids.hana, sessionId: ids.during },
    ]);
    expect(await queuedRecomputes()).toEqual([`recompute:${ids.after}`, `recompute:${ids.during}`].sort());
  });

  it("matching the same guest again replaces the student (one match per identity)", async () => {
    await matchGuest(ids.during, guestKey, ids.ana, null);
    const matches = await prisma.manualMatch.findMany({ where: { courseId: ids.course } });
    expect(matches).toHaveLength(1);
    expect(matches[0]).toMatchObject({ studentId: ids.ana, sessionId: ids.during });
  });

  it("refuses a student of another course and a guest the session does not have", async () => {
    await expect(matchGuest(ids.during, guestKey, ids.stranger, null)).rejects.toBeInstanceOf(MatchError);
    await expect(matchGuest(ids.during, "name:nobody here", ids.hana, null)).rejects.toThrow(/no longer listed/);
    await expect(matchGuest(ids.during, "nonsense", ids.hana, null)).rejects.toBeInstanceOf(MatchError);
  });
});
