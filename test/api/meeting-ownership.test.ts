// "A meeting belongs to a course" (README "Who may see a meeting") over real HTTP on
// the shared test server: instructor B cannot schedule instructor A's Zoom meeting, and a session of
// B's on it that got in anyway (data from before the rule) receives none of A's participants
// through the API, the CSV, the live page's JSON, reconciliation or the student export — until an
// admin shares the meeting, which an admin can also undo.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../lib/db";
import { runLateCheck } from "../../lib/notifications/late-check";
import { enqueueRecompute } from "../../lib/queue/enqueue";
import { MeetingInUseError } from "../../lib/services/meetings";
import { createSessions, updateSession } from "../../lib/services/sessions";
import { baseUrl, waitFor } from "../helpers/server";
import {
  call,
  connectToServerDatabase,
  createUserWithToken,
  errorCode,
  playClass,
  randomMeetingId,
  signIn,
  unique,
  type TestUser,
} from "../helpers/fixtures";

connectToServerDatabase();

interface Attendance {
  students: { name: string; status: string; attendedSeconds: number }[];
  guests: { name: string; email: string | null }[];
}

// A's class: names and emails that must never reach course B unless the meeting is shared.
const A_ROSTER = [
  { name: "Philippa Quaternion", email: `philippa-${unique("a")}@a-school.example` },
  { name: "Octavio Brightwater", email: `octavio-${unique("a")}@a-school.example` },
  { name: "Ximena Halloran", email: `ximena-${unique("a")}@a-school.example` },
];
const VISITOR = { name: "Wilhelmina Outsider", email: `wilhelmina-${unique("v")}@elsewhere.example` };
const SECRET_NAMES = [...A_ROSTER, VISITOR].map((person) => person.name);

let teacherA: TestUser;
let teacherB: TestUser;
let admin: TestUser;
let courseA: { id: string; name: string };
let courseB: { id: string; name: string };
let meetingId: string;
let sessionA: string;
let startsAt: Date;
/** B's roster student with the same email as one of A's students (the same person in two courses) */
let studentB: string;

const attendanceOf = async (sessionId: string, token: string) => {
  const answer = await call("GET", `/api/v1/sessions/${sessionId}/attendance`, { token });
  expect(answer.status).toBe(200);
  return answer.json as Attendance;
};

const mentionsSecret = (text: string) =>
  SECRET_NAMES.filter((name) => text.includes(name) || text.includes(name.split(" ")[1]));

beforeAll(async () => {
  [teacherA, teacherB, admin] = await Promise.all([
    createUserWithToken("instructor", "owner-a"),
    createUserWithToken("instructor", "intruder-b"),
    createUserWithToken("admin", "meeting-admin"),
  ]);
  courseA = (
    await call("POST", "/api/v1/courses", {
      token: teacherA.token,
      body: { name: unique("Secret Seminar A"), timezone: "UTC" },
    })
  ).json as typeof courseA;
  courseB = (
    await call("POST", "/api/v1/courses", {
      token: teacherB.token,
      body: { name: unique("Course B"), timezone: "UTC" },
    })
  ).json as typeof courseB;
  expect(
    (
      await call("POST", `/api/v1/courses/${courseA.id}/students`, {
        token: teacherA.token,
        body: { students: A_ROSTER },
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await call("POST", `/api/v1/courses/${courseB.id}/students`, {
        token: teacherB.token,
        body: { students: [{ name: "Philippa in B", email: A_ROSTER[0].email }] },
      })
    ).status,
  ).toBe(200);
  studentB = (await prisma.student.findFirstOrThrow({ where: { courseId: courseB.id } })).id;

  meetingId = randomMeetingId();
  startsAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 4 * 3600_000);
  const created = await call("POST", `/api/v1/courses/${courseA.id}/sessions`, {
    token: teacherA.token,
    body: { zoomMeetingId: meetingId, startsAt: startsAt.toISOString(), durationMinutes: 60 },
  });
  expect(created.status).toBe(201);
  sessionA = (created.json as { id: string }).id;
  await playClass({
    sessionId: sessionA,
    meetingId,
    startsAt,
    durationMinutes: 60,
    participants: [...A_ROSTER, VISITOR],
  });
});

describe("scheduling another course's meeting", () => {
  it("is refused for an instructor with 409 meeting_in_use, a way forward, and no word of the other course", async () => {
    // The attack this guards against: one second after A's start, a whole day long; and the same ID as people paste it.
    for (const zoomMeetingId of [
      meetingId,
      `${meetingId.slice(0, 3)} ${meetingId.slice(3, 7)} ${meetingId.slice(7)}`,
    ]) {
      const answer = await call("POST", `/api/v1/courses/${courseB.id}/sessions`, {
        token: teacherB.token,
        body: { zoomMeetingId, startsAt: new Date(startsAt.getTime() + 1000).toISOString(), durationMinutes: 1440 },
      });
      expect(answer.status).toBe(409);
      expect(errorCode(answer)).toBe("meeting_in_use");
      expect(answer.text).toMatch(/an admin can share the meeting/i);
      expect(answer.text).not.toContain(courseA.name);
      expect(answer.text).not.toContain(courseA.id);
      expect(answer.text).not.toContain("Secret Seminar");
    }
    expect(await prisma.session.count({ where: { courseId: courseB.id } })).toBe(0);
  });

  it("does not let an instructor use the admin overrides", async () => {
    for (const override of [{ shareMeeting: true }, { skipHostCheck: true }]) {
      const answer = await call("POST", `/api/v1/courses/${courseB.id}/sessions`, {
        token: teacherB.token,
        body: { zoomMeetingId: meetingId, startsAt: startsAt.toISOString(), durationMinutes: 60, ...override },
      });
      expect(answer.status).toBe(403);
      expect(errorCode(answer)).toBe("forbidden");
      expect(answer.text).toMatch(/only admins/i);
    }
    expect(await prisma.session.count({ where: { courseId: courseB.id } })).toBe(0);
  });

  it("refuses moving an instructor's session onto the meeting, and a weekly series on it, writing nothing", async () => {
    const own = await call("POST", `/api/v1/courses/${courseB.id}/sessions`, {
      token: teacherB.token,
      body: {
        zoomMeetingId: randomMeetingId(),
        startsAt: new Date(startsAt.getTime() + 7 * 86400_000).toISOString(),
        durationMinutes: 60,
      },
    });
    expect(own.status).toBe(201);
    const ownSession = own.json as { id: string; zoomMeetingId: string };
    const actor = { id: teacherB.id, role: "instructor" as const };
    const input = { title: null, joinUrl: null, durationMinutes: 60, lateAfterMinutes: 5, requiredPercent: 90 };
    const moved = await updateSession(ownSession.id, { ...input, zoomMeetingId: meetingId, startsAt }, { actor }).catch(
      (error: unknown) => error,
    );
    expect(moved).toBeInstanceOf(MeetingInUseError);
    expect((moved as Error).message).not.toContain(courseA.name);
    // The same move through the API's PATCH: 409, no word of A's course, nothing changed.
    const patched = await call("PATCH", `/api/v1/sessions/${ownSession.id}`, {
      token: teacherB.token,
      body: { zoomMeetingId: meetingId },
    });
    expect(patched.status).toBe(409);
    expect(errorCode(patched)).toBe("meeting_in_use");
    expect(patched.text).toMatch(/an admin can share the meeting/i);
    expect(patched.text).not.toContain(courseA.name);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: ownSession.id } })).zoomMeetingId).toBe(
      ownSession.zoomMeetingId,
    );

    const series = [0, 1, 2].map((week) => ({
      ...input,
      zoomMeetingId: meetingId,
      startsAt: new Date(startsAt.getTime() + week * 7 * 86400_000),
    }));
    const refused = await createSessions(courseB.id, series, { actor }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(MeetingInUseError);
    expect(await prisma.session.count({ where: { courseId: courseB.id, zoomMeetingId: meetingId } })).toBe(0);
    await prisma.session.delete({ where: { id: ownSession.id } });
  });

  it("tells an admin which course uses the meeting, and asks for an explicit share", async () => {
    const answer = await call("POST", `/api/v1/courses/${courseB.id}/sessions`, {
      token: admin.token,
      body: { zoomMeetingId: meetingId, startsAt: startsAt.toISOString(), durationMinutes: 60 },
    });
    expect(answer.status).toBe(409);
    expect(errorCode(answer)).toBe("meeting_in_use");
    expect(answer.text).toContain(courseA.name);
    expect(answer.text).toMatch(/shareMeeting/);
    expect(await prisma.meetingCourse.count({ where: { zoomMeetingId: meetingId, courseId: courseB.id } })).toBe(0);
  });
});

describe("a session of B's on A's meeting that got in anyway (data from before the rule)", () => {
  let sessionB: string;

  // Leave no conflict behind in the shared server's database (start-up and db:migrate report them).
  afterAll(async () => {
    if (sessionB) await prisma.session.delete({ where: { id: sessionB } });
  });

  beforeAll(async () => {
    // Written straight to the database, as old data or a script would: nothing makes B a course of the meeting.
    const inserted = await prisma.session.create({
      data: {
        courseId: courseB.id,
        zoomMeetingId: meetingId,
        startsAt: new Date(startsAt.getTime() + 1000),
        durationMinutes: 1440,
      },
    });
    sessionB = inserted.id;
    expect(
      await prisma.meetingCourse.findMany({ where: { zoomMeetingId: meetingId }, select: { courseId: true } }),
    ).toEqual([{ courseId: courseA.id }]);
    await enqueueRecompute([sessionB, sessionA]);
    await waitFor(
      () => prisma.session.findFirst({ where: { id: sessionB, computedAt: { not: null } } }),
      60_000,
      "B's session to be computed",
    );
  });

  it("gets none of A's participants: JSON API, CSV, live JSON", async () => {
    const attendance = await attendanceOf(sessionB, teacherB.token);
    expect(attendance.guests).toEqual([]);
    expect(attendance.students).toEqual([
      expect.objectContaining({ name: "Philippa in B", status: "absent", attendedSeconds: 0 }),
    ]);
    expect(mentionsSecret(JSON.stringify(attendance))).toEqual([]);

    const csv = await fetch(`${baseUrl()}/api/v1/sessions/${sessionB}/attendance.csv`, {
      headers: { authorization: `Bearer ${teacherB.token}` },
    });
    expect(csv.status).toBe(200);
    expect(mentionsSecret(await csv.text())).toEqual([]);
    const courseCsv = await fetch(`${baseUrl()}/api/v1/courses/${courseB.id}/attendance.csv`, {
      headers: { authorization: `Bearer ${teacherB.token}` },
    });
    expect(courseCsv.status).toBe(200);
    expect(mentionsSecret(await courseCsv.text())).toEqual([]);

    const cookie = await signIn(teacherB.email, teacherB.password);
    const live = await fetch(`${baseUrl()}/api/sessions/${sessionB}/live`, { headers: { cookie } });
    expect(live.status).toBe(200);
    expect(mentionsSecret(await live.text())).toEqual([]);
  });

  it("while A's session keeps its whole class", async () => {
    const attendance = await attendanceOf(sessionA, teacherA.token);
    expect(attendance.students.filter((student) => student.attendedSeconds > 0).length).toBe(3);
    expect(attendance.guests.map((guest) => guest.name)).toContain(VISITOR.name);
  });

  it("cannot reconcile the meeting with Zoom, and the student export holds none of its events", async () => {
    const reconcile = await call("POST", `/api/v1/sessions/${sessionB}/reconcile`, { token: teacherB.token });
    expect(reconcile.status).toBe(409);
    expect(errorCode(reconcile)).toBe("meeting_not_shared");
    expect(reconcile.text).toMatch(/an admin can share the meeting/i);

    const exported = await call("GET", `/api/v1/students/${studentB}/export`, { token: admin.token });
    expect(exported.status).toBe(200);
    expect((exported.json as { events: unknown[] }).events).toEqual([]);
  });

  it('mails its students no "you have not joined" (it sees no one join)', async () => {
    expect(await runLateCheck(sessionB)).toEqual({ outcome: "meeting_not_visible" });
    expect(await prisma.notification.count({ where: { sessionId: sessionB } })).toBe(0);
  });

  it("is listed to admins as a conflicting meeting", async () => {
    const answer = await call("GET", "/api/v1/meetings/conflicts", { token: admin.token });
    expect(answer.status).toBe(200);
    const conflict = (
      answer.json as {
        conflicts: {
          zoomMeetingId: string;
          allowedCourses: { id: string }[];
          conflictingCourses: { id: string; sessions: number }[];
        }[];
      }
    ).conflicts.find((candidate) => candidate.zoomMeetingId === meetingId);
    expect(conflict).toMatchObject({
      allowedCourses: [{ id: courseA.id }],
      conflictingCourses: [{ id: courseB.id, sessions: 1 }],
    });
    const meeting = await call("GET", `/api/v1/meetings/${meetingId}`, { token: admin.token });
    expect(meeting.json).toMatchObject({
      zoomMeetingId: meetingId,
      courses: [
        { courseId: courseA.id, access: "first", allowed: true },
        { courseId: courseB.id, access: "conflicting", allowed: false, sessions: 1 },
      ],
    });
    expect((await call("GET", "/api/v1/meetings/conflicts", { token: teacherB.token })).status).toBe(403);
  });

  it("sees the meeting once an admin shares it, and loses it again when the admin takes it back", async () => {
    expect(
      (
        await call("POST", `/api/v1/meetings/${meetingId}/courses`, {
          token: teacherB.token,
          body: { courseId: courseB.id },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call("POST", `/api/v1/meetings/${meetingId}/courses`, {
          token: admin.token,
          body: { courseId: "no-such-course" },
        })
      ).status,
    ).toBe(404);
    expect((await call("POST", `/api/v1/meetings/${meetingId}/courses`, { token: admin.token, body: {} })).status).toBe(
      422,
    );
    expect((await call("GET", "/api/v1/meetings/12ab", { token: admin.token })).status).toBe(404);

    const shared = await call("POST", `/api/v1/meetings/${meetingId}/courses`, {
      token: admin.token,
      body: { courseId: courseB.id },
    });
    expect(shared.status).toBe(201);
    expect(shared.json).toMatchObject({
      courses: [
        { courseId: courseA.id, access: "first" },
        { courseId: courseB.id, access: "shared", sharedById: admin.id },
      ],
    });
    expect(
      (
        await call("POST", `/api/v1/meetings/${meetingId}/courses`, {
          token: admin.token,
          body: { courseId: courseB.id },
        })
      ).status,
    ).toBe(200);
    const conflicts = (await call("GET", "/api/v1/meetings/conflicts", { token: admin.token })).json as {
      conflicts: { zoomMeetingId: string }[];
    };
    expect(conflicts.conflicts.map((conflict) => conflict.zoomMeetingId)).not.toContain(meetingId);

    // Cross-listed sections: B's session (one second after A's) now sees the whole class, and A's
    // keeps it — sessions compete for a shared meeting's events only within their own course.
    const seen = await waitFor(
      async () => {
        const attendance = await attendanceOf(sessionB, teacherB.token);
        return attendance.guests.map((guest) => guest.name).includes(VISITOR.name) ? attendance : null;
      },
      60_000,
      "B to see the shared meeting's participants",
    );
    expect(seen.students[0].attendedSeconds).toBeGreaterThan(0);
    expect(seen.guests.map((guest) => guest.name)).toEqual(
      expect.arrayContaining([A_ROSTER[1].name, A_ROSTER[2].name, VISITOR.name]),
    );
    const whileShared = await attendanceOf(sessionA, teacherA.token);
    expect(whileShared.students.filter((student) => student.attendedSeconds > 0).length).toBe(3);
    expect(whileShared.guests.map((guest) => guest.name)).toContain(VISITOR.name);

    const removed = await call("DELETE", `/api/v1/meetings/${meetingId}/courses/${courseB.id}`, { token: admin.token });
    expect(removed.status).toBe(200);
    expect(removed.json).toMatchObject({
      courses: [{ courseId: courseA.id }, { courseId: courseB.id, access: "conflicting" }],
    });
    expect(
      (await call("DELETE", `/api/v1/meetings/${meetingId}/courses/${courseB.id}`, { token: admin.token })).status,
    ).toBe(404);
    await waitFor(
      async () => {
        const attendance = await attendanceOf(sessionB, teacherB.token);
        return attendance.guests.length === 0 && attendance.students.every((student) => student.attendedSeconds === 0)
          ? attendance
          : null;
      },
      60_000,
      "B to lose the meeting again",
    );
    const back = await waitFor(
      async () => {
        const attendance = await attendanceOf(sessionA, teacherA.token);
        return attendance.students.filter((student) => student.attendedSeconds > 0).length === 3 ? attendance : null;
      },
      60_000,
      "A to have its whole class again",
    );
    expect(back.guests.map((guest) => guest.name)).toContain(VISITOR.name);

    const audit = await prisma.auditEntry.findMany({
      where: { subject: `meeting:${meetingId}` },
      orderBy: { id: "asc" },
      select: { action: true, actorId: true },
    });
    expect(audit).toEqual([
      { action: "meeting.shared", actorId: admin.id },
      { action: "meeting.unshared", actorId: admin.id },
    ]);
  });
});
