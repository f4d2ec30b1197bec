// The live delta: a change sends only the rows that changed, and merging it gives exactly the
// new payload (rows by key, removals, order), whatever other fields and lists the payload has.
import { describe, expect, it } from "vitest";
import { applyLiveDelta, diffLivePayload, withClockFigures, type LivePayload } from "./live-delta";
import type { StudentRow } from "./read";

const startsAt = "2026-12-01T15:00:00.000Z";

function student(id: string, name: string, extra: Partial<StudentRow> = {}): StudentRow {
  return {
    studentId: id,
    name,
    email: `${id}@school.test`,
    status: "absent",
    computedStatus: "absent",
    override: null,
    inMeeting: false,
    attendedSeconds: 0,
    attendedPercent: 0,
    firstJoinAt: null,
    lastLeaveAt: null,
    late: false,
    lateBySeconds: 0,
    joinCount: 0,
    openConnections: 0,
    intervals: [],
    ...extra,
  } as StudentRow;
}

function payload(version: number, students: StudentRow[], extra: Partial<LivePayload> = {}): LivePayload {
  return {
    session: {
      id: "s1",
      courseId: "c1",
      zoomMeetingId: "123",
      startsAt,
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
      state: "live",
      cancelled: false,
      cancelNote: null,
    },
    course: { id: "c1", name: "Course", timezone: "UTC" },
    computedAt: "2026-12-01T15:10:00.000Z",
    now: "2026-12-01T15:10:00.500Z",
    students,
    guests: [],
    notifiedStudentIds: [],
    waiting: [],
    version,
    counts: { students: students.length, inMeeting: 0, joined: 0, late: 0, present: 0, partial: 0, guests: 0 },
    ...extra,
  } as LivePayload;
}

const joined = (extra: Partial<StudentRow> = {}) =>
  student("b", "Ben", {
    inMeeting: true,
    joinCount: 1,
    openConnections: 1,
    firstJoinAt: "2026-12-01T15:02:00.000Z",
    intervals: [{ from: "2026-12-01T15:02:00.000Z", to: null }],
    attendedSeconds: 480,
    attendedPercent: 13.3,
    ...extra,
  });

describe("diffLivePayload / applyLiveDelta", () => {
  it("sends only the changed row, and the merge equals the new payload", () => {
    const before = payload(3, [student("a", "Ana"), student("b", "Ben"), student("c", "Chen")]);
    const after = payload(4, [student("a", "Ana"), joined(), student("c", "Chen")], {
      now: "2026-12-01T15:10:01.000Z",
    });
    const delta = diffLivePayload(before, after)!;
    expect(delta.base).toBe(3);
    expect(delta.version).toBe(4);
    expect(delta.lists.students.upsert.map((row) => row.studentId)).toEqual(["b"]);
    expect(delta.lists.students.remove).toEqual([]);
    expect(delta.lists.students.order).toBeUndefined();
    expect(delta.lists.guests).toBeUndefined();
    expect(applyLiveDelta(before, delta)).toEqual(after);
    // A fraction of the whole payload.
    expect(JSON.stringify(delta).length).toBeLessThan(JSON.stringify(after).length);
  });

  it("carries removals, new rows and a changed order", () => {
    const before = payload(1, [student("a", "Ana"), student("b", "Ben"), student("c", "Chen")]);
    const after = payload(2, [student("aa", "Aaron"), student("a", "Ana"), student("c", "Chen")]);
    const delta = diffLivePayload(before, after)!;
    expect(delta.lists.students.remove).toEqual(["b"]);
    expect(delta.lists.students.upsert.map((row) => row.studentId)).toEqual(["aa"]);
    expect(delta.lists.students.order).toEqual(["aa", "a", "c"]);
    expect(applyLiveDelta(before, delta)).toEqual(after);
  });

  it("does not count figures that only follow the clock as a change", () => {
    const before = payload(5, [joined()]);
    const later = payload(5, [joined({ attendedSeconds: 540, attendedPercent: 15 })], {
      now: "2026-12-01T15:11:00.000Z",
    });
    expect(diffLivePayload(before, later)).toBeNull();
  });

  it("counts a device leaving as a change, though the intervals stay the same", () => {
    const before = payload(5, [joined({ openConnections: 2 })]);
    const after = payload(6, [joined({ openConnections: 1 })]);
    expect(diffLivePayload(before, after)!.lists.students.upsert).toEqual([joined({ openConnections: 1 })]);
  });

  it("sends other top-level fields and unregistered lists whole when they change", () => {
    const before = { ...payload(1, [student("a", "Ana")]), helpers: [{ name: "Dr. Ray" }] } as LivePayload;
    const after = {
      ...payload(2, [student("a", "Ana")], { notifiedStudentIds: ["a"] }),
      helpers: [{ name: "Dr. Ray" }, { name: "TA" }],
    } as LivePayload;
    const delta = diffLivePayload(before, after)!;
    expect(delta.fields.notifiedStudentIds).toEqual(["a"]);
    expect(delta.fields.helpers).toEqual([{ name: "Dr. Ray" }, { name: "TA" }]);
    expect(delta.lists).toEqual({});
    expect(applyLiveDelta(before, delta)).toEqual(after);
  });
});

describe("withClockFigures", () => {
  it("brings an open interval up to the clock, as the server's read does", () => {
    const shown = withClockFigures(payload(1, [joined(), student("a", "Ana")]), new Date("2026-12-01T15:32:00.000Z"));
    const ben = shown.students.find((row) => row.studentId === "b")!;
    expect(ben.attendedSeconds).toBe(30 * 60);
    expect(ben.attendedPercent).toBe(50);
    expect(ben.inMeeting).toBe(true);
    expect(shown.counts).toMatchObject({ students: 2, inMeeting: 1, joined: 1 });
    expect(shown.now).toBe("2026-12-01T15:32:00.000Z");
  });

  it("keeps an instructor's override as the status, and brings only the computed one up to the clock", () => {
    const override = { status: "excused" as const, late: null, note: "Doctor", by: "Teacher", at: startsAt };
    const shown = withClockFigures(
      payload(1, [joined({ status: "excused", computedStatus: "partial", override }), joined({ studentId: "c" })]),
      new Date("2026-12-01T15:59:00.000Z"),
    );
    const [overridden, plain] = shown.students;
    // 57 of 60 minutes: present by the clock, but the instructor excused the student.
    expect(overridden.computedStatus).toBe("present");
    expect(overridden.status).toBe("excused");
    expect(overridden.override).toEqual(override);
    expect(plain.computedStatus).toBe("present");
    expect(plain.status).toBe("present");
    expect(shown.counts).toMatchObject({ present: 1 });
  });
});
