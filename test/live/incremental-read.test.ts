// The live push's reads after its first (ADR 021): a recompute stamps the rows it writes with the
// session's new live version, and the hub reads only the rows written since the version it holds,
// merges them into what it read before and rebuilds only the rows they touch. Whatever happens
// between two reads — joins, a guest whose suggestions change because a student joined, an
// override, an instructor, a rename, an erasure, a session edit — the merged payload must equal a
// full read's at the same instant.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { meetingStarted, participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import type { LiveRead } from "../../lib/attendance/live";
import type { StoredSession } from "../../lib/attendance/read";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let store: typeof import("../../lib/events/store");
let payload: typeof import("../../lib/zoom/payload");
let projection: typeof import("../../lib/attendance/projection");
let sessions: typeof import("../../lib/services/sessions");
let live: typeof import("../../lib/attendance/live");
let read: typeof import("../../lib/attendance/read");

beforeAll(async () => {
  await useFreshDatabase("live_incremental");
  ({ prisma } = await import("../../lib/db"));
  store = await import("../../lib/events/store");
  payload = await import("../../lib/zoom/payload");
  projection = await import("../../lib/attendance/projection");
  sessions = await import("../../lib/services/sessions");
  live = await import("../../lib/attendance/live");
  read = await import("../../lib/attendance/read");
});

afterAll(() => projection.clearProjectionCache());

async function storeEvent(body: unknown) {
  const parsed = payload.parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  await store.storeWebhookEvent(parsed.fields, body, { trackingId: null, requestId: null, headers: {}, bodyBytes: 0 });
}

async function rowVersions(sessionId: string) {
  const [records, guests, hosts] = await Promise.all([
    prisma.attendanceRecord.findMany({ where: { sessionId }, select: { studentId: true, liveVersion: true } }),
    prisma.guestAttendance.findMany({ where: { sessionId }, select: { guestKey: true, liveVersion: true } }),
    prisma.hostAttendance.findMany({ where: { sessionId }, select: { hostKey: true, liveVersion: true } }),
  ]);
  return {
    records: new Map(records.map((row) => [row.studentId, row.liveVersion])),
    guests: new Map(guests.map((row) => [row.guestKey, row.liveVersion])),
    hosts: new Map(hosts.map((row) => [row.hostKey, row.liveVersion])),
  };
}

const sessionVersion = async (sessionId: string) =>
  (await prisma.session.findUniqueOrThrow({ where: { id: sessionId }, select: { liveVersion: true } })).liveVersion;

describe("the live push's incremental reads", () => {
  it("equal a full read after every kind of change, and rebuild only the rows that changed", async () => {
    const course = await prisma.course.create({ data: { name: "Incremental course", timezone: "UTC" } });
    const students = await Promise.all(
      ["Ana Lima", "Ben Okafor", "Chiara Rossi", "Dev Patel", "Eun-ji Park"].map((name, index) =>
        prisma.student.create({
          data: {
            courseId: course.id,
            name,
            email: `s${index}@incremental.test`,
            emailNormalized: `s${index}@incremental.test`,
          },
        }),
      ),
    );
    const { createUser } = await import("../../lib/services/users");
    const instructor = await createUser({
      email: "teacher@incremental.test",
      name: "Teacher",
      role: "instructor",
      password: "incremental-password-1",
    });
    await prisma.courseInstructor.create({ data: { courseId: course.id, userId: instructor.id } });
    const meetingId = uniqueMeetingId();
    const uuid = uniqueUuid();
    const startsAt = new Date("2026-05-04T14:00:00Z");
    const session = await sessions.createSession(course.id, {
      zoomMeetingId: meetingId,
      startsAt,
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    const at = (minutes: number) => new Date(startsAt.getTime() + minutes * 60_000);
    // One instant for every read and recompute: the class is live, and a full read's clock figures
    // are then exactly the incremental read's.
    const now = at(50);
    const join = (userId: string, name: string, email: string, minute: number) =>
      storeEvent(participantJoined({ uuid, meetingId, userId, name, email, joinTime: at(minute) }));
    const student = (index: number) => ({ name: students[index].name, email: students[index].email });

    await storeEvent(meetingStarted(uuid, meetingId, at(-3)));
    await projection.recomputeSession(session.id, now);
    let previous = (await live.loadLiveRead(session.id, null, now))!;
    expect(previous.payload.session.state).toBe("live");

    /** Reads incrementally from `previous`, checks it against a full read, and moves on. */
    const step = async (expectChangedRows: number | null): Promise<LiveRead> => {
      const changes = await read.loadStoredSessionChanges(session.id, previous.payload.version);
      const changedRows = changes!.stored.records.length + changes!.stored.guests.length + changes!.stored.hosts.length;
      if (expectChangedRows !== null) expect(changedRows).toBe(expectChangedRows);
      const next = (await live.loadLiveRead(session.id, previous, now))!;
      expect(next.payload).toEqual(await live.loadLivePayload(session.id, now));
      previous = next;
      return next;
    };
    const rowOf = (result: LiveRead, studentId: string) =>
      result.payload.students.find((row) => row.studentId === studentId)!;

    // A student joins: one row is read, and every other student's row is the earlier object.
    const before = previous;
    await join("1001", student(0).name, student(0).email, 1);
    await projection.recomputeSession(session.id, now);
    const afterJoin = await step(1);
    expect(rowOf(afterJoin, students[0].id).inMeeting).toBe(true);
    expect(rowOf(afterJoin, students[0].id)).not.toBe(rowOf(before, students[0].id));
    for (const other of students.slice(1)) expect(rowOf(afterJoin, other.id)).toBe(rowOf(before, other.id));
    const versions = await rowVersions(session.id);
    expect(versions.records.get(students[0].id)).toBe(await sessionVersion(session.id));

    // A recompute that changes nothing moves no version and rewrites no row.
    await projection.recomputeSession(session.id, now);
    expect(await rowVersions(session.id)).toEqual(versions);
    await step(0);

    // A recompute a minute later rewrites the connected student's row ("attended so far" grew),
    // but that alone is no change for the live page: the row keeps its version and is not read.
    await projection.recomputeSession(session.id, at(51));
    const later = await prisma.attendanceRecord.findUniqueOrThrow({
      where: { sessionId_studentId: { sessionId: session.id, studentId: students[0].id } },
    });
    expect(later.attendedSeconds).toBe(50 * 60);
    expect(later.liveVersion).toBe(versions.records.get(students[0].id));
    await step(0);

    // A guest whose name is close to Chiara's: suggested her while she has not joined.
    await join("1002", "chiara r", "", 4);
    await projection.recomputeSession(session.id, now);
    const withGuest = await step(1);
    expect(withGuest.payload.guests[0].suggestions.map((suggestion) => suggestion.studentId)).toContain(students[2].id);
    // Chiara joins: the guest's stored row does not change, but its suggestions must.
    await join("1003", student(2).name, student(2).email, 6);
    await projection.recomputeSession(session.id, now);
    const chiaraIn = await step(1);
    expect(chiaraIn.payload.guests[0].suggestions.map((suggestion) => suggestion.studentId)).not.toContain(
      students[2].id,
    );

    // An override writes no projection row; the next read (after any change) shows it.
    const { setOverrides } = await import("../../lib/services/overrides");
    await setOverrides(
      session.id,
      [students[1].id],
      { status: "excused", late: null, note: "Doctor" },
      {
        id: instructor.id,
        name: "Teacher",
      },
    );
    await join("1004", student(3).name, student(3).email, 8);
    await projection.recomputeSession(session.id, now);
    const overridden = await step(1);
    expect(rowOf(overridden, students[1].id).status).toBe("excused");

    // The instructor joins: listed among hosts, not guests.
    await join("1005", "Teacher", "teacher@incremental.test", 2);
    await projection.recomputeSession(session.id, now);
    const withHost = await step(1);
    expect(withHost.payload.hosts.map((host) => host.name)).toEqual(["Teacher"]);

    // A leave and a second device.
    await storeEvent(participantLeft({ uuid, meetingId, userId: "1001", ...student(0), leaveTime: at(20) }));
    await join("1006", student(3).name, student(3).email, 21);
    await projection.recomputeSession(session.id, now);
    await step(2);

    // A rename changes no projection row: the next read shows it.
    const { updateStudent } = await import("../../lib/services/students");
    const { studentInputSchema } = await import("../../lib/validations/student");
    await updateStudent(
      students[4].id,
      studentInputSchema.parse({ name: "Eun-ji Park-Kim", email: students[4].email }),
    );
    await join("1007", student(4).name, student(4).email, 25);
    await projection.recomputeSession(session.id, now);
    const renamed = await step(1);
    expect(rowOf(renamed, students[4].id).name).toBe("Eun-ji Park-Kim");

    // An erasure deletes a student's row without a new version: the read drops it by its key.
    const { eraseStudent } = await import("../../lib/privacy/erase");
    await eraseStudent(students[0].id, null);
    const erased = await step(0);
    expect(erased.payload.students.map((row) => row.studentId)).not.toContain(students[0].id);

    // A session edit changes what every row is built from: all are built again.
    const { sessionInputSchema } = await import("../../lib/validations/session");
    await sessions.updateSession(
      session.id,
      sessionInputSchema.parse({
        zoomMeetingId: meetingId,
        startsAt: startsAt.toISOString(),
        durationMinutes: 60,
        lateAfterMinutes: 5,
        requiredPercent: 50,
      }),
    );
    await projection.recomputeSession(session.id, now);
    const edited = await step(null);
    expect(rowOf(edited, students[3].id)).not.toBe(rowOf(renamed, students[3].id));
  });

  it("merge by key, keep unchanged rows and roster entries as the same objects, and give up on a key in neither read", () => {
    const row = (studentId: string) =>
      ({ studentId, status: "absent", late: false, lateBySeconds: 0 }) as unknown as StoredSession["records"][number];
    const entry = (id: string, name: string) => ({ id, name, email: `${id}@merge.test`, enrolledAt: new Date(0) });
    const stored = {
      records: [row("a"), row("b")],
      guests: [],
      hosts: [],
      students: [entry("a", "Ana"), entry("b", "Ben"), entry("c", "Cy")],
      overrides: [],
    } as unknown as StoredSession;
    const changes = {
      stored: {
        ...stored,
        records: [row("c")],
        students: [entry("a", "Ana"), entry("b", "Benjamin"), entry("c", "Cy")],
      },
      // the keys in another order than before: rows are found by key, not by place
      keys: { records: ["c", "a"], guests: [], hosts: [] },
    };
    const merged = read.mergeStoredChanges(stored, changes)!;
    expect(merged.records.map((record) => record.studentId)).toEqual(["c", "a"]);
    expect(merged.records[1]).toBe(stored.records[0]);
    expect(merged.students[0]).toBe(stored.students[0]);
    expect(merged.students[1]).toBe(changes.stored.students[1]);
    expect(merged.students[1].name).toBe("Benjamin");
    expect(merged.students[2]).toBe(stored.students[2]);
    expect(read.mergeStoredChanges(stored, { ...changes, keys: { ...changes.keys, records: ["a", "d"] } })).toBeNull();
  });
});
