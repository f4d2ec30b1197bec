// A course cannot hold two sessions of one Zoom meeting at the same start (the unique index that
// keeps event attachment unambiguous). Creating, scheduling a series over, or moving onto an
// existing start is refused with a DuplicateSessionError naming the clash, and writes nothing.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";

let sessions: typeof import("../../lib/services/sessions");
let prisma: (typeof import("../../lib/db"))["prisma"];

beforeAll(async () => {
  await useFreshDatabase("session_duplicates");
  sessions = await import("../../lib/services/sessions");
  ({ prisma } = await import("../../lib/db"));
});

const base = {
  title: null,
  zoomMeetingId: "97711976555",
  joinUrl: null,
  durationMinutes: 60,
  lateAfterMinutes: 5,
  requiredPercent: 90,
};
const at = (iso: string, zoomMeetingId = base.zoomMeetingId) => ({ ...base, zoomMeetingId, startsAt: new Date(iso) });

describe("duplicate sessions", () => {
  it("refuses a second session of the same meeting at the same start, naming it", async () => {
    const course = await prisma.course.create({ data: { name: "Dupes", timezone: "UTC" } });
    await sessions.createSession(course.id, at("2026-12-01T17:00:00Z"));
    const refused = await sessions
      .createSession(course.id, at("2026-12-01T17:00:00Z"))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(sessions.DuplicateSessionError);
    expect((refused as InstanceType<typeof sessions.DuplicateSessionError>).startsAt.toISOString()).toBe(
      "2026-12-01T17:00:00.000Z",
    );
    // Another meeting at the same time is fine, and so is the same meeting in another course once
    // an admin shares it (tested in test/api/meeting-ownership.test.ts).
    await sessions.createSession(course.id, { ...at("2026-12-01T17:00:00Z"), zoomMeetingId: "97711976556" });
    const other = await prisma.course.create({ data: { name: "Other", timezone: "UTC" } });
    await sessions.createSession(other.id, at("2026-12-01T17:00:00Z"), {
      actor: { id: null, role: "admin" },
      shareMeeting: true,
      skipHostCheck: true,
    });
    expect(await prisma.session.count({ where: { courseId: course.id } })).toBe(2);
  });

  it("refuses a whole series that runs over an existing session, creating none of it", async () => {
    const course = await prisma.course.create({ data: { name: "Series", timezone: "UTC" } });
    // Each course its own meeting: a meeting belongs to the course that first scheduled it.
    await sessions.createSession(course.id, at("2026-12-08T17:00:00Z", "97711976557"));
    const series = ["2026-12-01T17:00:00Z", "2026-12-08T17:00:00Z", "2026-12-15T17:00:00Z"].map((iso) =>
      at(iso, "97711976557"),
    );
    const refused = await sessions.createSessions(course.id, series).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(sessions.DuplicateSessionError);
    expect((refused as InstanceType<typeof sessions.DuplicateSessionError>).startsAt.toISOString()).toBe(
      "2026-12-08T17:00:00.000Z",
    );
    expect(await prisma.session.count({ where: { courseId: course.id } })).toBe(1);
  });

  it("refuses moving a session onto another's start, and leaves it where it was", async () => {
    const course = await prisma.course.create({ data: { name: "Move", timezone: "UTC" } });
    const meeting = "97711976558";
    await sessions.createSession(course.id, at("2026-12-02T17:00:00Z", meeting));
    const moving = await sessions.createSession(course.id, at("2026-12-03T17:00:00Z", meeting));
    const refused = await sessions
      .updateSession(moving.id, at("2026-12-02T17:00:00Z", meeting))
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(sessions.DuplicateSessionError);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: moving.id } })).startsAt.toISOString()).toBe(
      "2026-12-03T17:00:00.000Z",
    );
    // Saving a session unchanged is not a clash with itself.
    await expect(
      sessions.updateSession(moving.id, { ...at("2026-12-03T17:00:00Z", meeting), title: "Renamed" }),
    ).resolves.toMatchObject({ title: "Renamed" });
  });
});
