// The record a school keeps, through the real HTTP API and Postgres: overrides with
// their append-only history, cancelled sessions, enrolment dates and SIS IDs, term figures and
// at-risk flags, the CSV columns and the Ed-Fi attendance events.
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "csv-parse/sync";
import { prisma } from "../../lib/db";
import { eraseStudent } from "../../lib/privacy/erase";
import { baseUrl } from "../helpers/server";
import {
  call,
  connectToServerDatabase,
  createUserWithToken,
  errorCode,
  playClass,
  randomMeetingId,
  unique,
  type TestUser,
} from "../helpers/fixtures";

connectToServerDatabase();

interface Row {
  studentId: string;
  name: string;
  status: string;
  computedStatus: string;
  override: null | { status: string; late: boolean | null; note: string | null; by: string; at: string };
  enrolled: boolean;
  late: boolean;
  attendedSeconds: number;
}
interface SummaryRow {
  studentId: string;
  name: string;
  sisId: string | null;
  sessionsCounted: number;
  present: number;
  partial: number;
  absent: number;
  excused: number;
  late: number;
  attendedPercent: number | null;
  atRisk: boolean;
}

let teacher: TestUser;
let other: TestUser;
let course: { id: string; name: string };
const ids = { a: "", b: "" };
const student: Record<"ana" | "ben" | "chen", string> = { ana: "", ben: "", chen: "" };

async function attendance(sessionId: string) {
  const answer = await call("GET", `/api/v1/sessions/${sessionId}/attendance`, { token: teacher.token });
  expect(answer.status).toBe(200);
  return answer.json as { session: { cancelled: boolean; cancelNote: string | null }; students: Row[] };
}

async function summary() {
  const answer = await call("GET", `/api/v1/courses/${course.id}/summary`, { token: teacher.token });
  expect(answer.status).toBe(200);
  const body = answer.json as {
    course: { requiredPercent: number; maxAbsences: number | null };
    students: SummaryRow[];
  };
  return { ...body, by: new Map(body.students.map((row) => [row.name, row])) };
}

async function csv(path: string) {
  const response = await fetch(`${baseUrl()}${path}`, { headers: { authorization: `Bearer ${teacher.token}` } });
  expect(response.status).toBe(200);
  return parse(await response.text()) as string[][];
}

beforeAll(async () => {
  [teacher, other] = await Promise.all([
    createUserWithToken("instructor", "term-teacher"),
    createUserWithToken("instructor", "term-other"),
  ]);
  const created = await call("POST", "/api/v1/courses", {
    token: teacher.token,
    body: { name: unique("Biology 110"), timezone: "America/Chicago" },
  });
  course = created.json as typeof course;
  // Chen enrolled on 2025-03-08 (course time zone), after session A ended and before B.
  const roster = await call("POST", `/api/v1/courses/${course.id}/students`, {
    token: teacher.token,
    contentType: "text/csv",
    body: "name,email,enrolled_at,sis_id\nAna Lima,ana@term.example,2025-01-06,\nBen Okafor,ben@term.example,2025-01-06,\nChen Wei,chen@term.example,2025-03-08,SIS-3\n",
  });
  expect(roster.json).toEqual({ created: 3, updated: 0 });
  const listed = await call("GET", `/api/v1/courses/${course.id}/students`, { token: teacher.token });
  for (const row of (listed.json as { students: { id: string; name: string }[] }).students)
    student[row.name.split(" ")[0]!.toLowerCase() as "ana"] = row.id;
  const meetingId = randomMeetingId();
  const make = async (startsAt: string) => {
    const answer = await call("POST", `/api/v1/courses/${course.id}/sessions`, {
      token: teacher.token,
      body: { zoomMeetingId: meetingId, startsAt, durationMinutes: 60 },
    });
    expect(answer.status).toBe(201);
    return (answer.json as { id: string }).id;
  };
  ids.a = await make("2025-03-07T15:00:00Z");
  ids.b = await make("2025-03-10T15:00:00Z");
  // In A, Ana is there throughout (laptop + phone); Ben and Chen never join.
  await playClass({
    sessionId: ids.a,
    meetingId,
    startsAt: new Date("2025-03-07T15:00:00Z"),
    durationMinutes: 60,
    participants: [{ name: "Ana Lima", email: "ana@term.example" }],
  });
});

describe("roster: enrolment dates and SIS IDs", () => {
  it("stores enrolled_at (a local day of the course) and sis_id from the CSV, and answers them", async () => {
    const listed = await call("GET", `/api/v1/courses/${course.id}/students`, { token: teacher.token });
    const chen = (
      listed.json as { students: { name: string; enrolledAt: string; sisId: string | null }[] }
    ).students.find((row) => row.name === "Chen Wei");
    // 2025-03-08 00:00 in Chicago (UTC-6)
    expect(chen).toMatchObject({ enrolledAt: "2025-03-08T06:00:00.000Z", sisId: "SIS-3" });
  });

  it("refuses a bad enrolled_at with the row and stores nothing", async () => {
    const answer = await call("POST", `/api/v1/courses/${course.id}/students`, {
      token: teacher.token,
      contentType: "text/csv",
      body: "name,email,enrolled_at\nDee,dee@term.example,2025-02-30\n",
    });
    expect(answer.status).toBe(422);
    expect(answer.json).toMatchObject({
      error: { code: "invalid_roster", rows: [{ row: 2, message: expect.stringContaining("enrolledAt") }] },
    });
    expect(await prisma.student.count({ where: { courseId: course.id, emailNormalized: "dee@term.example" } })).toBe(0);
  });

  it("takes enrolledAt and sisId in JSON too", async () => {
    const answer = await call("POST", `/api/v1/courses/${course.id}/students`, {
      token: teacher.token,
      body: {
        students: [
          { name: "Eve Adams", email: "eve@term.example", enrolledAt: "2026-01-05T08:00:00Z", sisId: "SIS-5" },
        ],
      },
    });
    expect(answer.json).toEqual({ created: 1, updated: 0 });
    const eve = await prisma.student.findFirstOrThrow({
      where: { courseId: course.id, emailNormalized: "eve@term.example" },
    });
    expect(eve.enrolledAt.toISOString()).toBe("2026-01-05T08:00:00.000Z");
    expect(eve.sisId).toBe("SIS-5");
    await prisma.student.delete({ where: { id: eve.id } });
  });
});

describe("attendance rows carry the final record", () => {
  it("status, computedStatus, override and enrolled; a session before enrolment is 'not enrolled'", async () => {
    const a = await attendance(ids.a);
    expect(a.session.cancelled).toBe(false);
    const by = new Map(a.students.map((row) => [row.name, row]));
    expect(by.get("Ana Lima")).toMatchObject({
      status: "present",
      computedStatus: "present",
      override: null,
      enrolled: true,
    });
    expect(by.get("Ben Okafor")).toMatchObject({
      status: "absent",
      computedStatus: "absent",
      override: null,
      enrolled: true,
    });
    expect(by.get("Chen Wei")).toMatchObject({ enrolled: false });
    const b = await attendance(ids.b);
    expect(b.students.find((row) => row.name === "Chen Wei")).toMatchObject({ enrolled: true, status: "absent" });
  });
});

describe("PUT / DELETE /api/v1/sessions/{id}/overrides/{studentId}", () => {
  it("refuses bad input with 422 and a message, and other instructors with 404", async () => {
    const path = `/api/v1/sessions/${ids.a}/overrides/${student.ben}`;
    const bad = await call("PUT", path, { token: teacher.token, body: { status: "sick" } });
    expect(bad.status).toBe(422);
    expect(errorCode(bad)).toBe("validation_failed");
    expect((bad.json as { error: { message: string } }).error.message).toContain(
      "status: must be one of present, partial, absent, excused",
    );
    const missing = await call("PUT", path, { token: teacher.token, body: { note: "no status" } });
    expect(missing.status).toBe(422);
    expect(
      (missing.json as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path),
    ).toContain("status");
    const badLate = await call("PUT", path, { token: teacher.token, body: { status: "present", late: "yes" } });
    expect(badLate.status).toBe(422);
    expect(
      (await call("PUT", path, { token: teacher.token, body: "status=excused", contentType: "text/plain" })).status,
    ).toBe(415);
    expect((await call("PUT", path, { token: other.token, body: { status: "excused" } })).status).toBe(404);
    expect((await call("DELETE", path, { token: other.token })).status).toBe(404);
    expect(
      (
        await call("PUT", `/api/v1/sessions/${ids.a}/overrides/no-such-student`, {
          token: teacher.token,
          body: { status: "excused" },
        })
      ).status,
    ).toBe(404);
    expect(await prisma.attendanceOverride.count({ where: { sessionId: ids.a } })).toBe(0);
  });

  it("sets the final status with a note; the computed figures stay beside it; removing restores them", async () => {
    const path = `/api/v1/sessions/${ids.a}/overrides/${student.ben}`;
    const set = await call("PUT", path, { token: teacher.token, body: { status: "excused", note: "doctor's note" } });
    expect(set.status).toBe(200);
    expect(set.json).toMatchObject({
      studentId: student.ben,
      status: "excused",
      computedStatus: "absent",
      attendedSeconds: 0,
      enrolled: true,
      override: {
        status: "excused",
        late: null,
        note: "doctor's note",
        by: "term-teacher (API tests)",
        at: expect.any(String),
      },
    });
    // A student Zoom never saw, present by phone and late: the late flag is corrected too.
    const ana = await call("PUT", `/api/v1/sessions/${ids.a}/overrides/${student.ana}`, {
      token: teacher.token,
      body: { status: "present", late: true, note: "joined by phone" },
    });
    expect(ana.json).toMatchObject({
      status: "present",
      computedStatus: "present",
      late: true,
      override: { late: true },
    });
    const removed = await call("DELETE", `/api/v1/sessions/${ids.a}/overrides/${student.ana}`, {
      token: teacher.token,
    });
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({ status: "present", computedStatus: "present", late: false, override: null });

    const history = await prisma.overrideHistory.findMany({ where: { sessionId: ids.a }, orderBy: { id: "asc" } });
    expect(history.map((entry) => [entry.studentId, entry.action, entry.before, entry.after, entry.note])).toEqual([
      [student.ben, "set", null, { status: "excused", late: null, note: "doctor's note" }, "doctor's note"],
      [student.ana, "set", null, { status: "present", late: true, note: "joined by phone" }, "joined by phone"],
      [student.ana, "remove", { status: "present", late: true, note: "joined by phone" }, null, null],
    ]);
    expect(history.every((entry) => entry.byId === teacher.id && entry.byName === "term-teacher (API tests)")).toBe(
      true,
    );
  });

  it("keeps the history append-only: the database refuses UPDATE and DELETE", async () => {
    const entry = await prisma.overrideHistory.findFirstOrThrow({ where: { sessionId: ids.a } });
    await expect(
      prisma.$executeRaw`UPDATE override_history SET note = 'edited' WHERE id = ${entry.id}`,
    ).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRaw`DELETE FROM override_history WHERE id = ${entry.id}`).rejects.toThrow(
      /append-only/,
    );
    expect((await prisma.overrideHistory.findUniqueOrThrow({ where: { id: entry.id } })).note).toBe(entry.note);
  });
});

describe("term figures, cancellation and exports", () => {
  it("GET /summary: counted sessions leave out excused ones and sessions before enrolment", async () => {
    const { by, course: policy } = await summary();
    expect(policy).toMatchObject({ requiredPercent: 90, maxAbsences: null });
    // Ana: A present, B absent → 50 %. Ben: A excused, B absent. Chen: only B counts.
    expect(by.get("Ana Lima")).toMatchObject({
      sessionsCounted: 2,
      present: 1,
      absent: 1,
      excused: 0,
      attendedPercent: 50,
      atRisk: true,
    });
    expect(by.get("Ben Okafor")).toMatchObject({
      sessionsCounted: 1,
      present: 0,
      absent: 1,
      excused: 1,
      attendedPercent: 0,
      atRisk: true,
    });
    expect(by.get("Chen Wei")).toMatchObject({ sessionsCounted: 1, absent: 1, attendedPercent: 0, sisId: "SIS-3" });
    expect(Object.keys((await summary()).students[0]!).sort()).toEqual(
      [
        "studentId",
        "name",
        "email",
        "sisId",
        "sessionsCounted",
        "present",
        "partial",
        "absent",
        "excused",
        "late",
        "attendedPercent",
        "atRisk",
      ].sort(),
    );
    expect((await call("GET", `/api/v1/courses/${course.id}/summary`, { token: other.token })).status).toBe(404);
  });

  it("PATCH cancelled: the session stays listed, leaves every rate, and comes back when un-cancelled", async () => {
    const path = `/api/v1/sessions/${ids.b}`;
    expect((await call("PATCH", path, { token: other.token, body: { cancelled: true } })).status).toBe(404);
    expect((await call("PATCH", path, { token: teacher.token, body: { cancelled: "yes" } })).status).toBe(422);
    expect((await call("PATCH", path, { token: teacher.token, body: {} })).status).toBe(422);
    expect((await call("PATCH", path, { token: teacher.token, body: { cancelNote: "no cancel" } })).status).toBe(422);
    const cancelled = await call("PATCH", path, {
      token: teacher.token,
      body: { cancelled: true, cancelNote: "snow day" },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({
      id: ids.b,
      cancelled: true,
      cancelNote: "snow day",
      cancelledAt: expect.any(String),
    });
    const listed = await call("GET", `/api/v1/courses/${course.id}/sessions`, { token: teacher.token });
    expect((listed.json as { sessions: { id: string }[] }).sessions.map((session) => session.id)).toContain(ids.b);
    expect((await attendance(ids.b)).session).toMatchObject({ cancelled: true, cancelNote: "snow day" });
    // Overrides on a cancelled session are refused: it is no one's record.
    expect(
      (
        await call("PUT", `/api/v1/sessions/${ids.b}/overrides/${student.ana}`, {
          token: teacher.token,
          body: { status: "present" },
        })
      ).status,
    ).toBe(409);

    const { by } = await summary();
    expect(by.get("Ana Lima")).toMatchObject({
      sessionsCounted: 1,
      present: 1,
      absent: 0,
      attendedPercent: 100,
      atRisk: false,
    });
    expect(by.get("Ben Okafor")).toMatchObject({
      sessionsCounted: 0,
      excused: 1,
      attendedPercent: null,
      atRisk: false,
    });
    expect(by.get("Chen Wei")).toMatchObject({ sessionsCounted: 0, attendedPercent: null, atRisk: false });

    const restored = await call("PATCH", path, { token: teacher.token, body: { cancelled: false } });
    expect(restored.json).toMatchObject({ cancelled: false, cancelNote: null, cancelledAt: null });
    expect((await summary()).by.get("Ana Lima")).toMatchObject({ sessionsCounted: 2, attendedPercent: 50 });
  });

  it("PATCH changes create fields through the session service, validated like a creation", async () => {
    const path = `/api/v1/sessions/${ids.b}`;
    const bad = await call("PATCH", path, { token: teacher.token, body: { lateAfterMinutes: 90 } });
    expect(bad.status).toBe(422);
    expect((bad.json as { error: { message: string } }).error.message).toContain("lateAfterMinutes");
    const unknown = await call("PATCH", path, { token: teacher.token, body: { colour: "red" } });
    expect(unknown.status).toBe(422);
    const deleted = await call("DELETE", path, { token: teacher.token });
    expect(deleted.status).toBe(405);
    expect(errorCode(deleted)).toBe("method_not_allowed");
    expect(await prisma.session.count({ where: { id: ids.b } })).toBe(1);
    const changed = await call("PATCH", path, { token: teacher.token, body: { title: "Lab", requiredPercent: 75 } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({
      id: ids.b,
      title: "Lab",
      requiredPercent: 75,
      durationMinutes: 60,
      startsAt: "2025-03-10T15:00:00.000Z",
    });
  });

  it("at risk follows the course policy: maxAbsences", async () => {
    // 50 % is under the 90 % default; with a 40 % requirement Ana is safe until her absences exceed 0.
    await prisma.course.update({ where: { id: course.id }, data: { termRequiredPercent: 40, maxAbsences: 0 } });
    try {
      const { by } = await summary();
      expect(by.get("Ana Lima")).toMatchObject({ attendedPercent: 50, absent: 1, atRisk: true });
      await prisma.course.update({ where: { id: course.id }, data: { maxAbsences: 1 } });
      expect((await summary()).by.get("Ana Lima")).toMatchObject({ atRisk: false });
      // at-risk students are listed first
      const rows = (await summary()).students;
      expect(rows.findIndex((row) => !row.atRisk)).toBeGreaterThanOrEqual(rows.filter((row) => row.atRisk).length);
    } finally {
      await prisma.course.update({ where: { id: course.id }, data: { termRequiredPercent: 90, maxAbsences: null } });
    }
  });

  it("CSV exports append computed_status, override_note, override_by; status is the final one", async () => {
    const session = await csv(`/api/v1/sessions/${ids.a}/attendance.csv`);
    expect(session[0]!.slice(-4)).toEqual(["join_count", "computed_status", "override_note", "override_by"]);
    const ben = session.find((row) => row[1] === "ben@term.example")!;
    expect([ben[2], ...ben.slice(-3)]).toEqual(["excused", "absent", "doctor's note", "term-teacher (API tests)"]);
    const courseRows = await csv(`/api/v1/courses/${course.id}/attendance.csv?from=2025-03-07&to=2025-03-10`);
    expect(courseRows[0]!.slice(0, 3)).toEqual(["course", "session_id", "session_start"]);
    const benA = courseRows.find((row) => row[1] === ids.a && row[4] === "ben@term.example")!;
    expect([benA[5], ...benA.slice(-3)]).toEqual(["excused", "absent", "doctor's note", "term-teacher (API tests)"]);
    const ana = courseRows.find((row) => row[1] === ids.a && row[4] === "ana@term.example")!;
    expect([ana[5], ...ana.slice(-3)]).toEqual(["present", "present", "", ""]);
  });

  it("the term-summary CSV has one row per student with the at-risk flag", async () => {
    const rows = await csv(`/api/v1/courses/${course.id}/summary.csv`);
    expect(rows[0]).toEqual([
      "student_name",
      "student_email",
      "sis_id",
      "sessions_counted",
      "present",
      "partial",
      "absent",
      "excused",
      "late",
      "attended_percent",
      "at_risk",
    ]);
    expect(rows.find((row) => row[0] === "Ben Okafor")).toEqual([
      "Ben Okafor",
      "ben@term.example",
      "",
      "1",
      "0",
      "0",
      "1",
      "1",
      "0",
      "0.0",
      "true",
    ]);
    expect(rows.find((row) => row[0] === "Chen Wei")![2]).toBe("SIS-3");
  });

  it("GET /attendance-events gives Ed-Fi StudentSectionAttendanceEvent records", async () => {
    const missing = await call("GET", `/api/v1/courses/${course.id}/attendance-events`, { token: teacher.token });
    expect(missing.status).toBe(400);
    const answer = await call("GET", `/api/v1/courses/${course.id}/attendance-events?from=2025-03-07&to=2025-03-10`, {
      token: teacher.token,
    });
    expect(answer.status).toBe(200);
    const events = (answer.json as { events: Record<string, unknown>[] }).events;
    const D = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#";
    // A: Ana, Ben (Chen not enrolled yet); B: all three.
    expect(events).toHaveLength(5);
    expect(events[0]).toEqual({
      studentReference: { studentUniqueId: student.ana },
      sectionReference: { sectionIdentifier: course.id, localCourseCode: course.name },
      eventDate: "2025-03-07",
      attendanceEventCategoryDescriptor: `${D}In Attendance`,
      arrivalTime: expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/),
      departureTime: expect.stringMatching(/^\d{2}:\d{2}:\d{2}$/),
      sectionAttendanceDuration: 60,
      attendanceEventReason: null,
    });
    expect(events[1]).toMatchObject({
      studentReference: { studentUniqueId: student.ben },
      attendanceEventCategoryDescriptor: `${D}Excused Absence`,
      attendanceEventReason: "doctor's note",
      arrivalTime: null,
      sectionAttendanceDuration: 0,
    });
    expect(
      events
        .slice(2)
        .map((event) => [
          (event.studentReference as { studentUniqueId: string }).studentUniqueId,
          event.eventDate,
          event.attendanceEventCategoryDescriptor,
        ]),
    ).toEqual([
      [student.ana, "2025-03-10", `${D}Unexcused Absence`],
      [student.ben, "2025-03-10", `${D}Unexcused Absence`],
      ["SIS-3", "2025-03-10", `${D}Unexcused Absence`],
    ]);
    // A cancelled session has no events.
    await call("PATCH", `/api/v1/sessions/${ids.b}`, { token: teacher.token, body: { cancelled: true } });
    const after = await call("GET", `/api/v1/courses/${course.id}/attendance-events?from=2025-03-07&to=2025-03-10`, {
      token: teacher.token,
    });
    expect((after.json as { events: unknown[] }).events).toHaveLength(2);
    await call("PATCH", `/api/v1/sessions/${ids.b}`, { token: teacher.token, body: { cancelled: false } });
    expect(
      (
        await call("GET", `/api/v1/courses/${course.id}/attendance-events?from=2025-03-07&to=2025-03-10`, {
          token: other.token,
        })
      ).status,
    ).toBe(404);
  });
});

describe("erasure and the privacy export", () => {
  it("export lists a student's overrides and history; erasure takes the history with the student", async () => {
    const admin = await createUserWithToken("admin", "term-admin");
    const exported = await call("GET", `/api/v1/students/${student.ben}/export`, { token: admin.token });
    expect(exported.status).toBe(200);
    const data = exported.json as {
      student: { sisId: string | null; enrolledAt: string };
      overrides: { status: string; note: string }[];
      overrideHistory: { action: string; by: string }[];
    };
    expect(data.student.enrolledAt).toBe("2025-01-06T06:00:00.000Z");
    expect(data.overrides).toEqual([
      expect.objectContaining({
        sessionId: ids.a,
        status: "excused",
        note: "doctor's note",
        by: "term-teacher (API tests)",
      }),
    ]);
    expect(data.overrideHistory.map((entry) => entry.action)).toEqual(["set"]);
    const erased = await eraseStudent(student.ben, admin.id);
    expect(erased?.counts).toMatchObject({ overrides: 1, overrideHistory: 1 });
    expect(await prisma.overrideHistory.count({ where: { studentId: student.ben } })).toBe(0);
    // Other students' history stays.
    expect(await prisma.overrideHistory.count({ where: { studentId: student.ana } })).toBe(2);
  });
});
