// Attendance JSON and CSV exports end to end: a class is played to the server as signed Zoom
// webhooks, the worker computes attendance, and the exports are read back through a CSV parser
// (names with commas, quotes, newlines, non-ASCII text and formula starts), by token, by the
// dashboard's cookie, and from the CLI.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { COURSE_COLUMNS, SESSION_COLUMNS } from "../../lib/exports/attendance";
import { baseUrl } from "../helpers/server";
import {
  call,
  createUserWithToken,
  playClass,
  randomMeetingId,
  signIn,
  unique,
  connectToServerDatabase,
  type TestUser,
} from "../helpers/fixtures";

connectToServerDatabase();
const run = promisify(execFile);

const ROSTER = [
  { name: "Lima, Ana", email: "ana@school.example" }, // laptop and phone: present
  { name: 'Ben "Benny" Okafor', email: "ben@school.example" }, // drops and rejoins: present
  { name: "Chen\nWei", email: "chen@school.example" }, // email in upper case: present
  { name: "Zoë Ñandú 李雷", email: "zoe@school.example" }, // 8 minutes late: partial
  { name: '=HYPERLINK("http://evil.example","x")', email: "formula@school.example" }, // 15 minutes late
  { name: "-Fatima Zahra", email: "fatima@school.example" }, // leaves early
  { name: "@Gabriel Souza", email: "gabriel@school.example" }, // never joins
  { name: "Hana Sato", email: "hana@school.example" }, // joins without email: a guest
];
/** Students come by name in the database's collation (C or a locale's): tests take the order from the JSON answer. */
const namesInOrder = () => attendance.students.map((student) => student.name as string);

/** What a spreadsheet sees in a name cell. */
const neutralised = (name: string) => (/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);

interface PublicAttendance {
  session: Record<string, unknown>;
  students: Record<string, unknown>[];
  guests: Record<string, unknown>[];
}

let teacher: TestUser;
let otherTeacher: TestUser;
let admin: TestUser;
let course: { id: string; name: string };
let berlinCourse: { id: string; name: string };
const sessionIds: Record<"a" | "b" | "c" | "berlin" | "berlinNextDay", string> = {
  a: "",
  b: "",
  c: "",
  berlin: "",
  berlinNextDay: "",
};
let attendance: PublicAttendance;

async function createSession(token: string, courseId: string, body: Record<string, unknown>): Promise<string> {
  const answer = await call("POST", `/api/v1/courses/${courseId}/sessions`, { token, body });
  expect(answer.status).toBe(201);
  return (answer.json as { id: string }).id;
}

async function download(pathAndQuery: string, headers: Record<string, string>) {
  const response = await fetch(`${baseUrl()}${pathAndQuery}`, { headers });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);

beforeAll(async () => {
  [teacher, otherTeacher, admin] = await Promise.all([
    createUserWithToken("instructor", "export-teacher"),
    createUserWithToken("instructor", "export-other"),
    createUserWithToken("admin", "export-admin"),
  ]);
  const created = await call("POST", "/api/v1/courses", {
    token: teacher.token,
    body: { name: unique("Data Science 101"), timezone: "America/Los_Angeles" },
  });
  course = created.json as typeof course;
  const roster = await call("POST", `/api/v1/courses/${course.id}/students`, {
    token: teacher.token,
    body: { students: ROSTER },
  });
  expect(roster.json).toEqual({ created: 8, updated: 0 });
  const meetingId = randomMeetingId();
  // Friday before the 2025 change to daylight-saving time (-08:00), and the Monday after (-07:00);
  // C starts at 23:30 on Tuesday in Los Angeles, which is Wednesday in UTC.
  sessionIds.a = await createSession(teacher.token, course.id, {
    zoomMeetingId: meetingId,
    startsAt: "2025-03-07T09:00:00-08:00",
    durationMinutes: 60,
  });
  sessionIds.b = await createSession(teacher.token, course.id, {
    zoomMeetingId: meetingId,
    startsAt: "2025-03-10T09:00:00-07:00",
    durationMinutes: 60,
  });
  sessionIds.c = await createSession(teacher.token, course.id, {
    zoomMeetingId: meetingId,
    startsAt: "2025-03-11T23:30:00-07:00",
    durationMinutes: 60,
  });

  const berlin = await call("POST", "/api/v1/courses", {
    token: otherTeacher.token,
    body: { name: unique("Chemie 200"), timezone: "Europe/Berlin" },
  });
  berlinCourse = berlin.json as typeof berlinCourse;
  await call("POST", `/api/v1/courses/${berlinCourse.id}/students`, {
    token: otherTeacher.token,
    body: { students: [{ name: "Jürgen Groß", email: "juergen@school.example" }] },
  });
  const berlinMeeting = randomMeetingId();
  sessionIds.berlin = await createSession(otherTeacher.token, berlinCourse.id, {
    zoomMeetingId: berlinMeeting,
    startsAt: "2025-03-08T10:00:00+01:00",
    durationMinutes: 60,
  });
  // 00:30 on 2025-03-12 in Berlin: 2025-03-11 in UTC, but outside a range that ends on the 11th.
  sessionIds.berlinNextDay = await createSession(otherTeacher.token, berlinCourse.id, {
    zoomMeetingId: berlinMeeting,
    startsAt: "2025-03-12T00:30:00+01:00",
    durationMinutes: 60,
  });

  await playClass({
    sessionId: sessionIds.a,
    meetingId,
    startsAt: new Date("2025-03-07T17:00:00Z"),
    durationMinutes: 60,
    participants: ROSTER.map((student) => ({ name: student.name.replace(/\n/g, " "), email: student.email })),
  });
  const answer = await call("GET", `/api/v1/sessions/${sessionIds.a}/attendance`, { token: teacher.token });
  expect(answer.status).toBe(200);
  attendance = answer.json as PublicAttendance;
});

describe("GET /api/v1/sessions/{sessionId}/attendance", () => {
  it("answers exactly the documented fields", () => {
    expect(attendance.session).toEqual({
      id: sessionIds.a,
      courseId: course.id,
      zoomMeetingId: expect.stringMatching(/^\d+$/),
      startsAt: "2025-03-07T17:00:00.000Z",
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
      state: "ended",
      cancelled: false,
      cancelNote: null,
    });
    expect([...namesInOrder()].sort()).toEqual(ROSTER.map((student) => student.name).sort());
    for (const student of attendance.students) {
      expect(Object.keys(student).sort()).toEqual(
        [
          "studentId",
          "name",
          "email",
          "status",
          "computedStatus",
          "override",
          "enrolled",
          "inMeeting",
          "attendedSeconds",
          "attendedPercent",
          "firstJoinAt",
          "lastLeaveAt",
          "late",
          "lateBySeconds",
          "joinCount",
        ].sort(),
      );
    }
    for (const guest of attendance.guests) {
      expect(Object.keys(guest).sort()).toEqual(
        [
          "name",
          "email",
          "inMeeting",
          "attendedSeconds",
          "attendedPercent",
          "firstJoinAt",
          "lastLeaveAt",
          "joinCount",
          "suggestions",
        ].sort(),
      );
    }
    const byName = new Map(attendance.students.map((student) => [student.name, student]));
    expect(byName.get("Lima, Ana")).toMatchObject({
      status: "present",
      attendedSeconds: 3600,
      attendedPercent: 100,
      firstJoinAt: "2025-03-07T16:59:00.000Z",
      late: false,
      joinCount: 2,
      inMeeting: false,
    });
    expect(byName.get("Zoë Ñandú 李雷")).toMatchObject({ status: "partial", late: true, lateBySeconds: 480 });
    expect(byName.get("@Gabriel Souza")).toMatchObject({
      status: "absent",
      attendedSeconds: 0,
      firstJoinAt: null,
      joinCount: 0,
    });
    expect(attendance.guests.map((guest) => guest.name)).toEqual(["Hana (iPad)", "Visiting parent"]);
  });
});

describe("GET /api/v1/sessions/{sessionId}/attendance.csv", () => {
  it("is a CSV attachment named after the course and local day", async () => {
    const { response } = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, {
      authorization: `Bearer ${teacher.token}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/csv; charset=utf-8/);
    const slug = course.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${slug}_2025-03-07_attendance.csv"`,
    );
  });

  it("round-trips through a CSV parser: one row per student by name, then the guests", async () => {
    const { bytes } = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, {
      authorization: `Bearer ${teacher.token}`,
    });
    const text = decode(bytes);
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text).toContain("\r\n");
    const [header, ...rows]: string[][] = parse(text);
    expect(header).toEqual([...SESSION_COLUMNS]);
    expect(rows).toHaveLength(ROSTER.length + attendance.guests.length);
    // Names and emails come back exactly, formula starts with a leading apostrophe.
    expect(rows.slice(0, ROSTER.length).map((row) => row[0])).toEqual(namesInOrder().map(neutralised));
    expect(rows.find((row) => row[1] === "formula@school.example")?.[0]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    // Every figure matches the JSON answer.
    attendance.students.forEach((student, index) => {
      const row = rows[index];
      const first = student.firstJoinAt as string | null;
      expect(row[1]).toBe(student.email);
      expect(row[2]).toBe(student.status);
      expect(row[3]).toBe((Math.round((student.attendedSeconds as number) / 6) / 10).toFixed(1));
      expect(row[4]).toBe((student.attendedPercent as number).toFixed(1));
      expect(row[5] ? new Date(row[5]).toISOString() : null).toBe(first);
      expect(row[6] ? new Date(row[6]).toISOString() : null).toBe(student.lastLeaveAt);
      expect(row[7]).toBe(String(student.late));
      expect(row[8]).toBe((Math.round((student.lateBySeconds as number) / 6) / 10).toFixed(1));
      expect(row[9]).toBe(String(student.joinCount));
    });
    const ana = rows.find((row) => row[1] === "ana@school.example");
    expect(ana).toEqual([
      "Lima, Ana",
      "ana@school.example",
      "present",
      "60.0",
      "100.0",
      "2025-03-07T08:59:00-08:00",
      "2025-03-07T10:01:00-08:00",
      "false",
      "0.0",
      "2",
      "present",
      "",
      "",
    ]);
    const guests = rows.slice(ROSTER.length);
    expect(guests.map((row) => [row[0], row[2], row[7], row[8]])).toEqual([
      ["Hana (iPad)", "guest", "", ""],
      ["Visiting parent", "guest", "", ""],
    ]);
  });

  it("starts with a UTF-8 byte-order mark with ?bom=1", async () => {
    const { bytes } = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv?bom=1`, {
      authorization: `Bearer ${teacher.token}`,
    });
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const parsed: string[][] = parse(decode(bytes), { bom: true });
    expect(parsed[0][0]).toBe("student_name");
  });

  it("is also served to the dashboard's signed-in browser (cookie, no token)", async () => {
    const cookie = await signIn(teacher.email, teacher.password);
    const byCookie = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, { cookie });
    expect(byCookie.response.status).toBe(200);
    const byToken = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, {
      authorization: `Bearer ${teacher.token}`,
    });
    expect(decode(byCookie.bytes)).toBe(decode(byToken.bytes));
    // The cookie opens the exports only; other routes want a token.
    expect((await download(`/api/v1/sessions/${sessionIds.a}/attendance`, { cookie })).response.status).toBe(401);
    // An instructor's cookie does not open another instructor's course.
    expect((await download(`/api/v1/sessions/${sessionIds.berlin}/attendance.csv`, { cookie })).response.status).toBe(
      404,
    );
  });
});

describe("GET /api/v1/courses/{courseId}/attendance.csv", () => {
  async function courseRows(query: string, token = teacher.token) {
    const { response, bytes } = await download(`/api/v1/courses/${course.id}/attendance.csv${query}`, {
      authorization: `Bearer ${token}`,
    });
    expect(response.status).toBe(200);
    const [header, ...rows]: string[][] = parse(decode(bytes));
    expect(header).toEqual([...COURSE_COLUMNS]);
    return { response, rows };
  }

  it("has one row per student per session starting in [from 00:00, to 24:00) of the course's zone", async () => {
    const { response, rows } = await courseRows("?from=2025-03-07&to=2025-03-11");
    const slug = course.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${slug}_2025-03-07_to_2025-03-11_attendance.csv"`,
    );
    expect(rows).toHaveLength(3 * ROSTER.length);
    // Sessions in start order, each with its roster by name; times carry the offset of their day.
    expect(rows.map((row) => row[1])).toEqual([
      ...ROSTER.map(() => sessionIds.a),
      ...ROSTER.map(() => sessionIds.b),
      ...ROSTER.map(() => sessionIds.c),
    ]);
    expect([...new Set(rows.map((row) => row[2]))]).toEqual([
      "2025-03-07T09:00:00-08:00",
      "2025-03-10T09:00:00-07:00",
      "2025-03-11T23:30:00-07:00",
    ]);
    expect(new Set(rows.map((row) => row[0]))).toEqual(new Set([course.name]));
    expect(rows.slice(0, ROSTER.length).map((row) => row[3])).toEqual(namesInOrder().map(neutralised));
    // Sessions without anyone are all absent.
    expect(new Set(rows.slice(ROSTER.length).map((row) => row[5]))).toEqual(new Set(["absent"]));
  });

  it("agrees with the session export for a finished class (students only)", async () => {
    const { rows } = await courseRows("?from=2025-03-07&to=2025-03-07");
    const { bytes } = await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, {
      authorization: `Bearer ${teacher.token}`,
    });
    const sessionRows: string[][] = parse(decode(bytes)).slice(1, 1 + ROSTER.length);
    expect(rows.map((row) => row.slice(3))).toEqual(sessionRows);
  });

  it("counts days in the course's time zone, not UTC", async () => {
    // C starts on the 11th in Los Angeles (the 12th in UTC).
    expect((await courseRows("?from=2025-03-11&to=2025-03-11")).rows.map((row) => row[1])).toEqual(
      ROSTER.map(() => sessionIds.c),
    );
    expect((await courseRows("?from=2025-03-12&to=2025-03-12")).rows).toEqual([]);
    expect(new Set((await courseRows("?from=2025-03-08&to=2025-03-10")).rows.map((row) => row[1]))).toEqual(
      new Set([sessionIds.b]),
    );
  });

  it("without from/to has every session so far (the dashboard's button)", async () => {
    const { response, rows } = await courseRows("");
    const slug = course.name.toLowerCase().replace(/[^a-z0-9]+/g, "-");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="${slug}_all-sessions_attendance.csv"`,
    );
    expect([...new Set(rows.map((row) => row[1]))]).toEqual([sessionIds.a, sessionIds.b, sessionIds.c]);
  });

  it("leaves out sessions that have not started yet", async () => {
    const future = await createSession(teacher.token, course.id, {
      zoomMeetingId: randomMeetingId(),
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
      durationMinutes: 60,
    });
    const { rows } = await courseRows(
      `?from=2025-01-01&to=${new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10)}`,
    );
    expect(rows.some((row) => row[1] === future)).toBe(false);
    expect((await courseRows("")).rows.some((row) => row[1] === future)).toBe(false);
  });

  it("starts with a byte-order mark with ?bom=1, and is served to an admin too", async () => {
    const { bytes } = await download(
      `/api/v1/courses/${course.id}/attendance.csv?from=2025-03-07&to=2025-03-07&bom=1`,
      { authorization: `Bearer ${admin.token}` },
    );
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});

describe("GET /api/v1/attendance.csv", () => {
  it("gives admins every course, each counted in its own time zone", async () => {
    const { response, bytes } = await download("/api/v1/attendance.csv?from=2025-03-07&to=2025-03-11", {
      authorization: `Bearer ${admin.token}`,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toBe(
      'attachment; filename="all-courses_2025-03-07_to_2025-03-11_attendance.csv"',
    );
    const [header, ...rows]: string[][] = parse(decode(bytes));
    expect(header).toEqual([...COURSE_COLUMNS]);
    const ours = new Set(Object.values(sessionIds));
    const mine = rows.filter((row) => ours.has(row[1]));
    // Ordered by session start across courses: A (7th), Berlin (8th), B (10th), C (11th).
    expect([...new Set(mine.map((row) => row[1]))]).toEqual([
      sessionIds.a,
      sessionIds.berlin,
      sessionIds.b,
      sessionIds.c,
    ]);
    expect(mine.filter((row) => row[1] === sessionIds.berlin)).toEqual([
      [
        berlinCourse.name,
        sessionIds.berlin,
        "2025-03-08T10:00:00+01:00",
        "Jürgen Groß",
        "juergen@school.example",
        "absent",
        "0.0",
        "0.0",
        "",
        "",
        "false",
        "0.0",
        "0",
        "absent",
        "",
        "",
      ],
    ]);
    // Start times in the whole file are in order.
    const starts = rows.map((row) => Date.parse(row[2]));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it("is for admins only: 403 for an instructor, by token or cookie", async () => {
    const byToken = await call("GET", "/api/v1/attendance.csv?from=2025-03-07&to=2025-03-11", { token: teacher.token });
    expect(byToken.status).toBe(403);
    expect((byToken.json as { error: { code: string } }).error.code).toBe("forbidden");
    const cookie = await signIn(otherTeacher.email, otherTeacher.password);
    expect((await download("/api/v1/attendance.csv?from=2025-03-07&to=2025-03-11", { cookie })).response.status).toBe(
      403,
    );
    const adminCookie = await signIn(admin.email, admin.password);
    expect(
      (await download("/api/v1/attendance.csv?from=2025-03-07&to=2025-03-11", { cookie: adminCookie })).response.status,
    ).toBe(200);
  });
});

describe("npm run rollcall -- export", () => {
  const cli = (args: string[]) =>
    run(process.execPath, ["--import", "tsx", "scripts/cli.ts", "export", ...args], {
      env: { ...process.env, DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL },
      maxBuffer: 64 * 1024 * 1024,
    });

  it("writes the same CSV as the API, to stdout or to a file", async () => {
    const api = decode(
      (await download(`/api/v1/sessions/${sessionIds.a}/attendance.csv`, { authorization: `Bearer ${teacher.token}` }))
        .bytes,
    );
    const session = await cli(["--session", sessionIds.a]);
    expect(session.stdout).toBe(api);

    const courseApi = decode(
      (
        await download(`/api/v1/courses/${course.id}/attendance.csv?from=2025-03-07&to=2025-03-11&bom=1`, {
          authorization: `Bearer ${teacher.token}`,
        })
      ).bytes,
    );
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "rollcall-export-")), "course.csv");
    const written = await cli([
      "--course",
      course.id,
      "--from",
      "2025-03-07",
      "--to",
      "2025-03-11",
      "--bom",
      "--out",
      out,
    ]);
    expect(written.stdout).toBe("");
    expect(written.stderr).toContain(out);
    expect(decode(fs.readFileSync(out))).toBe(courseApi);
    expect(fs.readdirSync(path.dirname(out))).toEqual(["course.csv"]);

    const wholeCourse = await cli(["--course", course.id]);
    expect(wholeCourse.stdout).toBe(
      decode(
        (await download(`/api/v1/courses/${course.id}/attendance.csv`, { authorization: `Bearer ${teacher.token}` }))
          .bytes,
      ),
    );

    const all = await cli(["--all", "--from", "2025-03-08", "--to", "2025-03-08"]);
    const allRows: string[][] = parse(all.stdout);
    expect(allRows[0]).toEqual([...COURSE_COLUMNS]);
    expect(allRows.some((row) => row[1] === sessionIds.berlin)).toBe(true);
  });

  it("explains what is wrong and exits 1", async () => {
    await expect(cli(["--all"])).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("from") });
    await expect(cli(["--course", course.id, "--from", "2025-03-07"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("neither"),
    });
    await expect(cli(["--session", "no-such-session"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("No session"),
    });
    await expect(cli(["--session", sessionIds.a, "--all"])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining("one of"),
    });
  });
});
