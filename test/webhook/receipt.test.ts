// Webhook receipt against the real route of a production server and its real Postgres.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { baseUrl, postWebhook, waitFor } from "../helpers/server";
import { TEST_WEBHOOK_OLD_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { participantJoined, participantLeft, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import { signBody } from "../../lib/zoom/signature";

let db: pg.Pool;

beforeAll(() => {
  db = new pg.Pool({ connectionString: process.env.TEST_SERVER_DATABASE_URL, max: 3 });
});
afterAll(async () => {
  await db.end();
});

async function eventCount(meetingUuid: string): Promise<number> {
  const result = await db.query('SELECT count(*)::int AS n FROM events WHERE "meetingUuid" = $1', [meetingUuid]);
  return result.rows[0].n;
}

async function deliveries(trackingIds: string[]) {
  const result = await db.query(
    'SELECT "trackingId", outcome::text, "httpStatus" FROM webhook_deliveries WHERE "trackingId" = ANY($1) ORDER BY id',
    [trackingIds],
  );
  return result.rows as { trackingId: string; outcome: string; httpStatus: number }[];
}

function joinedBody() {
  const uuid = uniqueUuid();
  return {
    uuid,
    body: participantJoined({
      uuid,
      meetingId: uniqueMeetingId(),
      userId: "16778240",
      name: "Ana Lima",
      email: "ana@example.edu",
      joinTime: new Date(),
    }),
  };
}

describe("signature and timestamp", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: {
    name: string;
    secret?: string;
    timestamp?: () => number;
    signature?: string | null;
    status: number;
    stored: boolean;
  }[] = [
    { name: "current secret", status: 200, stored: true },
    { name: "previous secret during a rotation", secret: TEST_WEBHOOK_OLD_SECRET, status: 200, stored: true },
    { name: "unknown secret", secret: "not-our-secret", status: 401, stored: false },
    { name: "missing signature", signature: null, status: 401, stored: false },
    { name: "garbage signature", signature: "v0=deadbeef", status: 401, stored: false },
    {
      name: "1 h 59 min old (a Zoom retry keeping its timestamp)",
      timestamp: () => now() - (2 * 3600 - 60),
      status: 200,
      stored: true,
    },
    { name: "more than 2 hours old", timestamp: () => now() - (2 * 3600 + 60), status: 401, stored: false },
    { name: "4 minutes ahead", timestamp: () => now() + 4 * 60, status: 200, stored: true },
    { name: "6 minutes ahead", timestamp: () => now() + 6 * 60, status: 401, stored: false },
  ];
  for (const testCase of cases) {
    it(`${testCase.name} -> ${testCase.status}`, async () => {
      const { uuid, body } = joinedBody();
      const trackingId = `Webhook_sig_${crypto.randomUUID()}`;
      const raw = JSON.stringify(body);
      const timestamp = testCase.timestamp?.() ?? now();
      const headers: Record<string, string> = {};
      if (testCase.signature !== undefined) {
        if (testCase.signature === null) headers["x-zm-signature"] = "";
        else headers["x-zm-signature"] = testCase.signature;
      }
      const response = await postWebhook(baseUrl(), raw, {
        secret: testCase.secret ?? TEST_WEBHOOK_SECRET,
        timestamp,
        trackingId,
        headers,
      });
      expect(response.status).toBe(testCase.status);
      const answer = await response.json();
      if (testCase.status === 401) expect(answer.error.message).toMatch(/signature|timestamp/);
      expect(await eventCount(uuid)).toBe(testCase.stored ? 1 : 0);
      const audit = await deliveries([trackingId]);
      expect(audit).toHaveLength(1);
      expect(audit[0].httpStatus).toBe(testCase.status);
      if (!testCase.stored) expect(audit[0].outcome).toMatch(/^rejected_/);
    });
  }

  it("a body altered after signing is rejected", async () => {
    const { uuid, body } = joinedBody();
    const timestamp = now();
    const signature = signBody(TEST_WEBHOOK_SECRET, timestamp, JSON.stringify(body));
    const tampered = JSON.stringify({ ...body, event_ts: body.event_ts + 1 });
    const response = await postWebhook(baseUrl(), tampered, { timestamp, headers: { "x-zm-signature": signature } });
    expect(response.status).toBe(401);
    expect(await eventCount(uuid)).toBe(0);
  });
});

describe("endpoint.url_validation", () => {
  it("answers with the HMAC of plainToken under the secret that signed it", async () => {
    const body = {
      payload: { plainToken: "qgg8vlvZRS6UYooatFL8Aw" },
      event_ts: Date.now(),
      event: "endpoint.url_validation",
    };
    for (const secret of [TEST_WEBHOOK_SECRET, TEST_WEBHOOK_OLD_SECRET]) {
      const response = await postWebhook(baseUrl(), body, { secret });
      expect(response.status).toBe(200);
      const crypto = await import("node:crypto");
      expect(await response.json()).toEqual({
        plainToken: "qgg8vlvZRS6UYooatFL8Aw",
        encryptedToken: crypto.createHmac("sha256", secret).update("qgg8vlvZRS6UYooatFL8Aw").digest("hex"),
      });
    }
  });

  it("is refused when unsigned", async () => {
    const body = { payload: { plainToken: "abc" }, event_ts: Date.now(), event: "endpoint.url_validation" };
    const response = await postWebhook(baseUrl(), body, { secret: "wrong" });
    expect(response.status).toBe(401);
  });
});

describe("deduplication", () => {
  it("stores the seed's redelivered participant_left once (new tracking ID, same event)", async () => {
    const uuid = uniqueUuid();
    // The school's real payload, delivered twice 5 minutes apart with different tracking IDs.
    const body = {
      event: "meeting.participant_left",
      event_ts: 1626301284427,
      payload: {
        account_id: "REDACTED",
        object: {
          uuid,
          id: "97711976001",
          type: 2,
          topic: "Week 1 - Day 3 - 6pm to 9pm",
          host_id: "REDACTED",
          duration: 180,
          start_time: "2021-07-14T21:53:42Z",
          timezone: "America/Los_Angeles",
          participant: {
            leave_time: "2021-07-14T22:21:22Z",
            user_id: "33555456",
            user_name: "REDACTED",
            registrant_id: "lyF4h08rRuq8APkkzh5n1Q",
            id: "lyF4h08rRuq8APkkzh5n1Q",
            email: "REDACTED",
          },
        },
      },
    };
    const first = "Webhook_0f9fdb3d5c2d4ea0b5b422d3d9f3c32e" + uuid.slice(0, 6);
    const second = "Webhook_4f937d099f2c4b278b12d127ccfa2341" + uuid.slice(0, 6);
    const one = await postWebhook(baseUrl(), body, { trackingId: first });
    // A redelivery may be re-serialised and carry other headers: only the identity counts.
    const two = await postWebhook(baseUrl(), JSON.stringify(body, null, 2), {
      trackingId: second,
      headers: { "x-zm-request-id": "other" },
    });
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(await one.json()).toEqual({ status: "stored" });
    expect(await two.json()).toEqual({ status: "duplicate" });
    expect(await eventCount(uuid)).toBe(1);
    expect((await deliveries([first, second])).map((row) => row.outcome)).toEqual(["stored", "duplicate"]);
  });

  it("stores one event for 50 concurrent copies and answers 200 to all", async () => {
    const { uuid, body } = joinedBody();
    const responses = await Promise.all(Array.from({ length: 50 }, () => postWebhook(baseUrl(), body)));
    expect(responses.map((response) => response.status)).toEqual(Array(50).fill(200));
    const outcomes = await Promise.all(responses.map((response) => response.json()));
    expect(outcomes.filter((outcome) => outcome.status === "stored")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "duplicate")).toHaveLength(49);
    expect(await eventCount(uuid)).toBe(1);
  });

  it("keeps two people's events that share an event_ts", async () => {
    const uuid = uniqueUuid();
    const meetingId = uniqueMeetingId();
    const joinTime = new Date();
    const eventTs = Date.now();
    const ana = participantJoined({ uuid, meetingId, userId: "16778240", name: "Ana", joinTime, eventTs });
    const ben = participantJoined({ uuid, meetingId, userId: "16779264", name: "Ben", joinTime, eventTs });
    const answers = await Promise.all([postWebhook(baseUrl(), ana), postWebhook(baseUrl(), ben)]);
    expect(await Promise.all(answers.map((answer) => answer.json()))).toEqual([
      { status: "stored" },
      { status: "stored" },
    ]);
    expect(await eventCount(uuid)).toBe(2);
  });

  it("keeps a leave and a later rejoin of the same person apart", async () => {
    const uuid = uniqueUuid();
    const meetingId = uniqueMeetingId();
    const at = new Date(Date.now() - 60_000);
    await postWebhook(baseUrl(), participantLeft({ uuid, meetingId, userId: "1", name: "Ana", leaveTime: at }));
    await postWebhook(
      baseUrl(),
      participantJoined({ uuid, meetingId, userId: "2", name: "Ana", joinTime: new Date(at.getTime() + 30_000) }),
    );
    expect(await eventCount(uuid)).toBe(2);
  });
});

describe("bad requests", () => {
  it("refuses a body over 1 MiB with 413 and keeps answering", async () => {
    const { body } = joinedBody();
    const huge = JSON.stringify({ ...body, padding: "x".repeat(1024 * 1024 + 10) });
    const trackingId = `Webhook_big_${crypto.randomUUID()}`;
    const response = await postWebhook(baseUrl(), huge, { trackingId });
    expect(response.status).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large");
    expect((await deliveries([trackingId]))[0].outcome).toBe("rejected_size");
    const after = joinedBody();
    expect((await postWebhook(baseUrl(), after.body)).status).toBe(200);
  });

  it("answers 400 with a clear message for malformed JSON, and logs it", async () => {
    const trackingId = `Webhook_bad_${crypto.randomUUID()}`;
    const response = await postWebhook(baseUrl(), '{"event": "meeting.participant_joined", ', { trackingId });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: "malformed_json", message: "The body is not valid JSON." },
    });
    const result = await db.query('SELECT outcome::text, body FROM webhook_deliveries WHERE "trackingId" = $1', [
      trackingId,
    ]);
    expect(result.rows[0]).toEqual({ outcome: "rejected_body", body: '{"event": "meeting.participant_joined", ' });
  });

  it("answers 400 for a signed participant event without its participant", async () => {
    const body = {
      event: "meeting.participant_joined",
      event_ts: Date.now(),
      payload: { object: { uuid: uniqueUuid(), id: "123456789" } },
    };
    const response = await postWebhook(baseUrl(), body);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toMatch(/participant/);
  });

  it("answers 400 for JSON that is not a Zoom event", async () => {
    const response = await postWebhook(baseUrl(), [1, 2, 3]);
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_event");
  });

  it("accepts a signed unknown event type with 200, keeps it for audit and changes nothing", async () => {
    const trackingId = `Webhook_unknown_${crypto.randomUUID()}`;
    const body = {
      event: "meeting.sharing_started",
      event_ts: Date.now(),
      payload: { object: { uuid: uniqueUuid(), id: "123456789" } },
    };
    const response = await postWebhook(baseUrl(), body, { trackingId });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ignored", event: "meeting.sharing_started" });
    const result = await db.query(
      'SELECT outcome::text, "eventType", body FROM webhook_deliveries WHERE "trackingId" = $1',
      [trackingId],
    );
    expect(result.rows[0].outcome).toBe("ignored");
    expect(JSON.parse(result.rows[0].body)).toEqual(body);
  });
});

describe("processing after the answer", () => {
  it("a stored join shows in the session's attendance without any further request", async () => {
    // Uses the demo course seeded by the test harness: its session runs now, meeting 97711976001.
    const session = await db.query(
      `SELECT s.id, s."startsAt" FROM sessions s JOIN courses c ON c.id = s."courseId"
       WHERE c.name = 'Data Science 101 (demo)' ORDER BY s."startsAt" DESC LIMIT 1`,
    );
    const { id: sessionId } = session.rows[0];
    const uuid = uniqueUuid();
    const response = await postWebhook(
      baseUrl(),
      participantJoined({
        uuid,
        meetingId: "97711976001",
        userId: "777",
        name: "Emil Novak",
        email: "EMIL.NOVAK@students.rollcall.test ",
        joinTime: new Date(),
      }),
    );
    expect(response.status).toBe(200);
    const record = await waitFor(
      async () => {
        const result = await db.query(
          `SELECT a."inMeeting", a."joinCount" FROM attendance_records a JOIN students st ON st.id = a."studentId"
         WHERE a."sessionId" = $1 AND st."emailNormalized" = 'emil.novak@students.rollcall.test' AND a."inMeeting"`,
          [sessionId],
        );
        return result.rows[0];
      },
      15_000,
      "the join to be reflected in attendance",
    );
    expect(record.inMeeting).toBe(true);
  });
});
