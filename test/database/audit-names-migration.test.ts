// The migration that gives the audit log one vocabulary (ADR 018): rows written before it take the
// new action names and `student:` subjects; what they record is unchanged.
import { describe, expect, it } from "vitest";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { uniqueName } from "../helpers/postgres";

const BEFORE = "20261206140000_overrides_term_record";

async function emptyDatabase(): Promise<string> {
  const clusterUrl = process.env.TEST_CLUSTER_URL!;
  const name = uniqueName("audit_migration");
  const admin = new pg.Client({ connectionString: clusterUrl.replace(/\/[^/]+$/, "/postgres") });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return clusterUrl.replace(/\/[^/]+$/, `/${name}`);
}

describe("migration audit_action_names", () => {
  it("renames the old actions, prefixes bare student subjects, and keeps actors and details", async () => {
    const url = await emptyDatabase();
    await applyMigrations(url, { through: BEFORE });
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      const old: [string, string, string | null][] = [
        ["token_create", "token:t1", '{"owner":"a@school.test","scope":"read-write","expiresAt":null}'],
        ["token_revoke", "token:t1", null],
        ["user_role", "user:u1", '{"from":"instructor","to":"admin"}'],
        ["user_disable", "user:u1", null],
        ["user_enable", "user:u1", null],
        ["user_password_change", "user:u1", null],
        ["user_password_reset", "user:u1", null],
        ["meeting_share", "meeting:81234567890", '{"courseId":"c1"}'],
        ["meeting_unshare", "meeting:81234567890", '{"courseId":"c1"}'],
        ["manual_match", "session:s1", '{"guestKey":"[erased]","kind":"display_name","studentId":"st1"}'],
        ["session_reconcile", "session:s1", '{"rowsSeen":3}'],
        ["student.exported", "st1", '{"courseId":"c1","events":4}'],
        ["student.erased", "st1", '{"courseId":"c1","events":4}'],
      ];
      for (const [action, subject, details] of old) {
        await db.query(
          `INSERT INTO audit_entries ("actorId", action, subject, details) VALUES ('admin1', $1, $2, $3::jsonb)`,
          [action, subject, details],
        );
      }
      await applyMigrations(url);
      const { rows } = await db.query<{ actorId: string; action: string; subject: string; details: unknown }>(
        `SELECT "actorId", action, subject, details FROM audit_entries ORDER BY id`,
      );
      expect(rows.map((row) => [row.action, row.subject])).toEqual([
        ["token.created", "token:t1"],
        ["token.revoked", "token:t1"],
        ["user.role_changed", "user:u1"],
        ["user.disabled", "user:u1"],
        ["user.enabled", "user:u1"],
        ["user.password_changed", "user:u1"],
        ["user.password_reset", "user:u1"],
        ["meeting.shared", "meeting:81234567890"],
        ["meeting.unshared", "meeting:81234567890"],
        ["guest.matched", "session:s1"],
        ["session.reconciled", "session:s1"],
        ["student.exported", "student:st1"],
        ["student.erased", "student:st1"],
      ]);
      expect(rows.every((row) => row.actorId === "admin1")).toBe(true);
      expect(rows.map((row) => row.details)).toEqual(
        old.map(([, , details]) => (details === null ? null : JSON.parse(details))),
      );
    } finally {
      await db.end();
    }
  });
});
