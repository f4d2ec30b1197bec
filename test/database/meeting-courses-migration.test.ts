// The migration that makes a Zoom meeting belong to a course, on data of the schema before it:
// each meeting goes to the course that first scheduled it; a second course on the same meeting is
// kept (sessions, events) but loses its stored attendance and is named, with the meeting, in a
// warning every time migrations run (`npm run db:migrate`, start-up), until an admin resolves it.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { uniqueName } from "../helpers/postgres";

const BEFORE = "20261129041500_projection_fillfactor";

async function emptyDatabase(): Promise<string> {
  const clusterUrl = process.env.TEST_CLUSTER_URL!;
  const name = uniqueName("meetings_migration");
  const admin = new pg.Client({ connectionString: clusterUrl.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

function migrate(url: string) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/migrate.ts", "deploy"], {
    env: { ...process.env, DATABASE_URL: url },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("migration meeting_courses", () => {
  it("gives each meeting to its first course, reports a second course on it, and changes no session or event", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url, { through: BEFORE });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query(
        `INSERT INTO courses (id, name, "updatedAt") VALUES ('c-first', 'Statistics 200', now()), ('c-second', 'Poetry 101', now()), ('c-alone', 'Chemistry 300', now())`,
      );
      await db.query(
        `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "createdAt", "updatedAt", "computedAt") VALUES
           ('s-first', 'c-first', '81234567890', '2026-11-02T17:00:00', 60, '2026-10-01T00:00:00', now(), now()),
           ('s-second', 'c-second', '81234567890', '2026-11-02T17:00:01', 1440, '2026-11-03T00:00:00', now(), now()),
           ('s-alone', 'c-alone', '89999999999', '2026-11-02T17:00:00', 60, '2026-10-05T00:00:00', now(), now())`,
      );
      await db.query(
        `INSERT INTO guest_attendance ("sessionId", "guestKey", name, "attendedSeconds", "attendedPercent", "joinCount", "inMeeting", "openConnections", intervals, "computedAt") VALUES
           ('s-second', 'name:ana', 'Ana of Statistics', 3600, 100, 1, false, 0, '[]', now()),
           ('s-first', 'name:ana', 'Ana of Statistics', 3600, 100, 1, false, 0, '[]', now())`,
      );
      await db.query(
        `INSERT INTO events ("dedupeKey", "eventType", "zoomMeetingId", "occurredAt") VALUES ('k1', 'meeting.participant_joined', '81234567890', '2026-11-02T17:01:00')`,
      );

      const result = migrate(url);
      expect(result.status, result.stderr).toBe(0);
      // On stderr: a command's stdout may carry data (the CLI's CSV export).
      const warning = result.stderr
        .split("\n")
        .find((line) => line.includes('"level":"warn"') && line.includes("scheduled by courses that may not see"));
      expect(warning, result.stderr).toBeDefined();
      expect(result.stdout).not.toContain("scheduled by courses that may not see");
      const fields = JSON.parse(warning!) as { message: string; meetingConflicts: string[] };
      expect(fields.message).toMatch(/^1 Zoom meeting is scheduled/);
      expect(fields.meetingConflicts).toEqual([
        'meeting 81234567890: belongs to "Statistics 200" (c-first); also scheduled by "Poetry 101" (c-second, 1 session), which receive none of its events until an admin shares the meeting',
      ]);

      const owners = await db.query(`SELECT "zoomMeetingId", "courseId", "sharedById" FROM meeting_courses ORDER BY 1`);
      expect(owners.rows).toEqual([
        { zoomMeetingId: "81234567890", courseId: "c-first", sharedById: null },
        { zoomMeetingId: "89999999999", courseId: "c-alone", sharedById: null },
      ]);
      // Data stays; only the second course's derived attendance (which held the first's class) goes.
      expect((await db.query(`SELECT id FROM sessions ORDER BY id`)).rows.map((row) => row.id)).toEqual([
        "s-alone",
        "s-first",
        "s-second",
      ]);
      expect((await db.query(`SELECT count(*)::int AS n FROM events`)).rows[0].n).toBe(1);
      expect((await db.query(`SELECT "sessionId" FROM guest_attendance`)).rows).toEqual([{ sessionId: "s-first" }]);
      expect((await db.query(`SELECT "computedAt" FROM sessions WHERE id = 's-second'`)).rows[0].computedAt).toBeNull();

      // From now on whatever writes a session, a free meeting becomes its course's, a taken one does not.
      await db.query(
        `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt") VALUES ('s-new', 'c-second', '87777777777', now(), 60, now())`,
      );
      await db.query(
        `INSERT INTO sessions (id, "courseId", "zoomMeetingId", "startsAt", "durationMinutes", "updatedAt") VALUES ('s-again', 'c-alone', '81234567890', now(), 60, now())`,
      );
      expect(
        (await db.query(`SELECT "courseId" FROM meeting_courses WHERE "zoomMeetingId" = '87777777777'`)).rows,
      ).toEqual([{ courseId: "c-second" }]);
      expect(
        (await db.query(`SELECT "courseId" FROM meeting_courses WHERE "zoomMeetingId" = '81234567890'`)).rows,
      ).toEqual([{ courseId: "c-first" }]);

      // The second course resolved (shared by an admin): only the third course's new session on the
      // meeting is reported now; once it is gone, nothing is.
      await db.query(
        `INSERT INTO meeting_courses ("zoomMeetingId", "courseId", "sharedById") VALUES ('81234567890', 'c-second', 'admin')`,
      );
      const again = migrate(url);
      expect(again.status, again.stderr).toBe(0);
      const resolved = again.stderr.split("\n").find((line) => line.includes("scheduled by courses that may not see"));
      expect((JSON.parse(resolved!) as { meetingConflicts: string[] }).meetingConflicts).toEqual([
        'meeting 81234567890: belongs to "Poetry 101" (c-second), "Statistics 200" (c-first); also scheduled by "Chemistry 300" (c-alone, 1 session), which receive none of its events until an admin shares the meeting',
      ]);
      await db.query(`DELETE FROM sessions WHERE id = 's-again'`);
      const clean = migrate(url);
      expect(clean.stderr).not.toContain("scheduled by courses that may not see");
    } finally {
      await db.end();
    }
  });
});
