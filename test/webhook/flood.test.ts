// Unauthenticated requests cannot grow the database without bound (docs/SECURITY.md, ADR 011), against a
// production server of its own with the default budget of 60 rejected rows a minute: a flood of
// 3,000 unsigned deliveries (and probes of unknown paths) leaves a bounded number of rows plus
// per-minute counts, the admin webhook log shows those counts, and genuine signed deliveries sent
// during and right after the flood are stored and answered fast.
import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { useFreshDatabase } from "../helpers/db";
import { credentialsSignIn, postWebhook, startServer, waitFor, type RunningServer } from "../helpers/server";
import { participantJoined, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import { hashPassword } from "../../lib/passwords";
import { DIAGNOSTIC_HEADERS } from "../../lib/webhook/rejections";

const FLOOD = 3000;
const CONCURRENCY = 40;
const ROWS_PER_MINUTE = 60;
const ADMIN = { email: "flood-admin@school.example", password: "flood-admin-password-1" };

let server: RunningServer;
let db: pg.Pool;

beforeAll(async () => {
  const databaseUrl = await useFreshDatabase("webhook_flood");
  db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  await db.query(
    `INSERT INTO users (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, $2, 'Flood Admin', 'admin', $3, now())`,
    [crypto.randomUUID(), ADMIN.email, await hashPassword(ADMIN.password)],
  );
  server = await startServer({
    databaseUrl,
    env: { WORKER: "off", WEBHOOK_REJECTED_ROWS_PER_MINUTE: String(ROWS_PER_MINUTE) },
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  await db?.end();
});

/** An unsigned delivery dressed up with every header a rejected row must not keep. */
async function unsigned(index: number): Promise<number> {
  const response = await fetch(`${server.url}/api/zoom/webhook`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "flood/1.0",
      "x-zm-trackingid": `flood_${index}`,
      "x-zm-request-timestamp": String(Math.floor(Date.now() / 1000)),
      "x-forwarded-for": "198.51.100.9",
      cookie: "secret=1",
      "x-attacker-padding": "x".repeat(2000),
    },
    body: JSON.stringify({ event: "meeting.participant_joined", event_ts: Date.now(), payload: { n: index } }),
  });
  await response.text();
  return response.status;
}

async function genuine(): Promise<{ status: number; body: unknown; ms: number; uuid: string }> {
  const uuid = uniqueUuid();
  const body = participantJoined({
    uuid,
    meetingId: uniqueMeetingId(),
    userId: "1001",
    name: "Ana Lima",
    email: "ana@school.example",
    joinTime: new Date(),
  });
  const started = performance.now();
  const response = await postWebhook(server.url, body);
  return { status: response.status, body: await response.json(), ms: performance.now() - started, uuid };
}

describe("a flood of unsigned deliveries", () => {
  it("is answered 401, stored as at most 60 rows a minute plus counts, and does not hold up genuine deliveries", async () => {
    const floodStarted = Date.now();
    const statuses: number[] = [];
    const duringFlood: Awaited<ReturnType<typeof genuine>>[] = [];
    let next = 0;
    const senders = Array.from({ length: CONCURRENCY }, async () => {
      while (next < FLOOD) {
        const index = next++;
        statuses.push(await unsigned(index));
        // Zoom keeps delivering real events in the middle of it.
        if (index % 500 === 250) duringFlood.push(await genuine());
      }
    });
    // Probes of paths that do not exist under the webhook: 404/405, bounded the same way.
    const probes = await Promise.all([
      fetch(`${server.url}/api/zoom/webhook/admin`, { method: "POST", body: "x" }),
      fetch(`${server.url}/api/zoom/webhook`, { method: "GET" }),
      fetch(`${server.url}/api/zoom/other`, { method: "PUT", body: "{}" }),
    ]);
    await Promise.all(senders);
    const floodEnded = Date.now();

    expect(statuses).toHaveLength(FLOOD);
    expect(new Set(statuses)).toEqual(new Set([401]));
    expect(probes.map((response) => response.status)).toEqual([404, 405, 404]);
    expect(probes[1].headers.get("allow")).toBe("POST");

    // Every rejected request is either a row or a count; the counts are flushed within seconds.
    const minutesSpanned = Math.floor(floodEnded / 60_000) - Math.floor(floodStarted / 60_000) + 1;
    const totals = await waitFor(
      async () => {
        const rows = await db.query(
          `SELECT count(*)::int AS n FROM webhook_deliveries WHERE outcome IN ('rejected_signature', 'rejected_path')`,
        );
        const counted = await db.query(`SELECT coalesce(sum(count), 0)::int AS n FROM webhook_rejection_counts`);
        const total = rows.rows[0].n + counted.rows[0].n;
        return total === FLOOD + probes.length
          ? { rows: rows.rows[0].n as number, counted: counted.rows[0].n as number }
          : null;
      },
      15_000,
      "rejected rows and counts to add up to the flood",
    );
    expect(totals.rows).toBeGreaterThanOrEqual(ROWS_PER_MINUTE);
    expect(totals.rows).toBeLessThanOrEqual(ROWS_PER_MINUTE * minutesSpanned);
    expect(totals.counted).toBeGreaterThanOrEqual(FLOOD + probes.length - ROWS_PER_MINUTE * minutesSpanned);

    // Counts are per minute and outcome; no minute holds more rows than the budget.
    const perMinute = await db.query(
      `SELECT date_trunc('minute', "receivedAt") AS minute, count(*)::int AS n FROM webhook_deliveries WHERE outcome::text LIKE 'rejected_%' GROUP BY 1`,
    );
    for (const row of perMinute.rows) expect(row.n).toBeLessThanOrEqual(ROWS_PER_MINUTE);
    const counters = await db.query(
      `SELECT minute, outcome::text, count FROM webhook_rejection_counts ORDER BY minute`,
    );
    expect(counters.rows.length).toBeLessThanOrEqual(minutesSpanned * 2);
    for (const counter of counters.rows) {
      expect(counter.minute.getUTCSeconds()).toBe(0);
      expect(["rejected_signature", "rejected_path"]).toContain(counter.outcome);
    }

    // Rejected rows keep only the diagnostic headers: no cookie, address or padding.
    const kept = await db.query(
      `SELECT headers, "trackingId", reason FROM webhook_deliveries WHERE outcome = 'rejected_signature' LIMIT 5`,
    );
    for (const row of kept.rows) {
      expect(Object.keys(row.headers).every((name) => (DIAGNOSTIC_HEADERS as readonly string[]).includes(name))).toBe(
        true,
      );
      expect(row.headers["user-agent"]).toBe("flood/1.0");
      expect(row.trackingId).toMatch(/^flood_\d+$/);
    }

    // Genuine deliveries during the flood were stored and answered promptly.
    expect(duringFlood.length).toBeGreaterThan(0);
    for (const delivery of duringFlood) {
      expect(delivery.status).toBe(200);
      expect(delivery.body).toEqual({ status: "stored" });
      expect(delivery.ms).toBeLessThan(2000);
    }

    // And right after: stored, fast, the event in PostgreSQL.
    const after = await genuine();
    expect(after.status).toBe(200);
    expect(after.body).toEqual({ status: "stored" });
    expect(after.ms).toBeLessThan(500);
    const stored = await db.query(`SELECT count(*)::int AS n FROM events WHERE "meetingUuid" = $1`, [after.uuid]);
    expect(stored.rows[0].n).toBe(1);
  }, 180_000);

  it("shows the counts in the admin webhook log", async () => {
    const cookies = await credentialsSignIn(server.url, ADMIN.email, ADMIN.password);
    const session = cookies.map((cookie) => cookie.split(";")[0]).join("; ");
    expect(session).toContain("session-token=");
    const html = await (await fetch(`${server.url}/admin/deliveries`, { headers: { cookie: session } })).text();
    const counted = await db.query(
      `SELECT count FROM webhook_rejection_counts WHERE outcome = 'rejected_signature' ORDER BY count DESC LIMIT 1`,
    );
    const expected = `+${new Intl.NumberFormat("en-US").format(counted.rows[0].count)}`;
    expect(html).toContain("Rejected deliveries counted, not stored");
    expect(html.replace(/<!-- -->/g, "")).toMatch(
      new RegExp(`${expected.replace("+", "\\+")}</span> rejected signatures in this minute`),
    );
  }, 60_000);
});
