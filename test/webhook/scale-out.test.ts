// Scale-out: two web processes (WORKER=off) and two workers (`npm run worker`) on one Postgres.
// Deliveries and their redeliveries land on either web process; every event is stored once and
// the attendance equals what one process would compute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { useFreshDatabase } from "../helpers/db";
import { postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { meetingEnded, meetingStarted, participantJoined, participantLeft, uniqueUuid } from "../helpers/zoom";

let databaseUrl: string;
let db: pg.Pool;
const processes: RunningServer[] = [];

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("scaleout");
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const started = await Promise.all([
    startServer({ databaseUrl, env: { WORKER: "off" } }),
    startServer({ databaseUrl, env: { WORKER: "off" } }),
    startServer({ databaseUrl, script: "scripts/worker.ts" }),
    startServer({ databaseUrl, script: "scripts/worker.ts" }),
  ]);
  processes.push(...started);
});

afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop()));
  await db?.end();
});

describe("two web processes and two workers", () => {
  it("store each event once and compute the same attendance", async () => {
    const meetingId = "84412345678";
    const startsAt = new Date(Math.floor((Date.now() - 60 * 60_000) / 60_000) * 60_000);
    await db.query(
      `INSERT INTO courses (id, name, timezone, "updatedAt") VALUES ('scale_course', 'Scale', 'UTC', now())`,
    );
    await db.query(
      `INSERT INTO students (id, "courseId", name, email, "emailNormalized", "updatedAt")
       SELECT 'scale_student_' || n, 'scale_course', 'Student ' || n, 's' || n || '@scale.test', 's' || n || '@scale.test', now()
       FROM generate_series(1, 20) AS n`,
    );
    await db.query(
      `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt")
       VALUES ('scale_session', 'scale_course', $1, $2, 50, now())`,
      [meetingId, startsAt],
    );
    const uuid = uniqueUuid();
    const minute = (n: number) => new Date(startsAt.getTime() + n * 60_000);
    const bodies: unknown[] = [meetingStarted(uuid, meetingId, minute(-1))];
    for (let student = 1; student <= 20; student += 1) {
      const spec = { uuid, meetingId, name: `Student ${student}`, email: `s${student}@scale.test` };
      // Everyone joins at minute 0, drops at minute 10+student/2 and rejoins a minute later.
      bodies.push(participantJoined({ ...spec, userId: `${student}01`, joinTime: minute(0) }));
      bodies.push(participantLeft({ ...spec, userId: `${student}01`, leaveTime: minute(10 + student / 2) }));
      bodies.push(participantJoined({ ...spec, userId: `${student}02`, joinTime: minute(11 + student / 2) }));
    }
    bodies.push(meetingEnded(uuid, meetingId, minute(-1), minute(50)));
    // Each delivery goes to one web process and its redelivery to the other, all at once.
    const [webA, webB] = processes;
    const answers = await Promise.all(
      bodies.flatMap((body, index) => [
        postWebhook(index % 2 ? webA.url : webB.url, body),
        postWebhook(index % 2 ? webB.url : webA.url, body),
      ]),
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const outcomes = await Promise.all(answers.map((answer) => answer.json()));
    expect(outcomes.filter((outcome) => outcome.status === "stored")).toHaveLength(bodies.length);
    const stored = await db.query('SELECT count(*)::int AS n FROM events WHERE "meetingUuid" = $1', [uuid]);
    expect(stored.rows[0].n).toBe(bodies.length);

    // Each student missed exactly one minute: 49 of 50 minutes = 98.0 %, present, not in the meeting.
    const records = await waitFor(
      async () => {
        const result = await db.query(
          `SELECT "attendedSeconds", "attendedPercent", status::text, "inMeeting", "joinCount" FROM attendance_records WHERE "sessionId" = 'scale_session'`,
        );
        return result.rows.length === 20 && result.rows.every((row) => row.joinCount === 2 && row.inMeeting === false)
          ? result.rows
          : null;
      },
      30_000,
      "both workers to finish the recomputes",
    );
    for (const record of records) {
      expect(record).toEqual({
        attendedSeconds: 49 * 60,
        attendedPercent: 98,
        status: "present",
        inMeeting: false,
        joinCount: 2,
      });
    }
    // A recompute can see the last events before a dispatcher pass has taken them from the outbox
    // (it reads the events table): the next pass, at most 100 ms later, empties it.
    const undispatched = await waitFor(
      async () => {
        const result = await db.query("SELECT count(*)::int AS n FROM event_outbox");
        return result.rows[0].n === 0 ? result.rows[0] : null;
      },
      5_000,
      "the dispatchers to empty the outbox",
    ).catch(async () => (await db.query("SELECT count(*)::int AS n FROM event_outbox")).rows[0]);
    expect(undispatched.n).toBe(0);
  });
});
