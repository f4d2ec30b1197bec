// The App Router route handler (used under plain `next start`) answers exactly like the
// production server's fast path: both are thin over lib/webhook/receive.ts.
import { beforeAll, describe, expect, it } from "vitest";
import { TEST_WEBHOOK_SECRET, testServerEnv } from "../helpers/env";
import { participantJoined, uniqueMeetingId, uniqueUuid } from "../helpers/zoom";
import { signBody } from "../../lib/zoom/signature";

let POST: (request: Request) => Promise<Response>;

beforeAll(async () => {
  Object.assign(process.env, testServerEnv({ DATABASE_URL: process.env.TEST_SERVER_DATABASE_URL! }));
  ({ POST } = await import("../../app/api/zoom/webhook/route"));
});

function signedRequest(body: unknown, secret = TEST_WEBHOOK_SECRET): Request {
  const raw = JSON.stringify(body);
  const timestamp = Math.floor(Date.now() / 1000);
  return new Request("http://localhost/api/zoom/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-zm-request-timestamp": String(timestamp),
      "x-zm-signature": signBody(secret, timestamp, raw),
    },
    body: raw,
  });
}

describe("app/api/zoom/webhook route handler", () => {
  it("stores, deduplicates and rejects like the fast path", async () => {
    const body = participantJoined({
      uuid: uniqueUuid(),
      meetingId: uniqueMeetingId(),
      userId: "5",
      name: "Ana",
      joinTime: new Date(),
    });
    const first = await POST(signedRequest(body));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: "stored" });
    const again = await POST(signedRequest(body));
    expect(await again.json()).toEqual({ status: "duplicate" });
    const forged = await POST(signedRequest(body, "wrong-secret"));
    expect(forged.status).toBe(401);
  });
});
