// The Report API client against the fake Zoom: OAuth token caching and refresh, pagination,
// double-encoded UUIDs, 429 with Retry-After, 5xx backoff, webhook logs.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  clearZoomTokenCache,
  encodeMeetingUuid,
  parseRetryAfter,
  ZoomApiError,
  ZoomClient,
  type ZoomCredentials,
  type ZoomReportParticipant,
} from "../../lib/zoom/api";
import { FakeZoom } from "../helpers/fake-zoom";

const fake = new FakeZoom({ accountId: "acct-1", clientId: "client-1", clientSecret: "secret-1" });
let credentials: ZoomCredentials;

function rows(count: number): ZoomReportParticipant[] {
  return Array.from({ length: count }, (_, index) => ({
    id: "",
    user_id: String(16778240 + index),
    participant_user_id: "",
    name: `Student ${index}`,
    user_email: `s${index}@example.edu`,
    registrant_id: `reg${index}`,
    join_time: "2026-11-20T18:00:00Z",
    leave_time: "2026-11-20T19:00:00Z",
    duration: 3600,
    status: "in_meeting",
  }));
}

const sleeps: number[] = [];
const client = (options: ConstructorParameters<typeof ZoomClient>[1] = {}) =>
  new ZoomClient(credentials, {
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });

beforeAll(async () => {
  await fake.start();
  credentials = {
    accountId: "acct-1",
    clientId: "client-1",
    clientSecret: "secret-1",
    apiUrl: fake.apiUrl,
    oauthUrl: fake.oauthUrl,
  };
  fake.addInstance({
    uuid: "plain+uuid/AB==",
    meetingId: "81234567890",
    startTime: "2026-11-20T17:58:00Z",
    participants: rows(7),
  });
  fake.addInstance({
    uuid: "/slash//start==",
    meetingId: "81234567890",
    startTime: "2026-11-13T17:58:00Z",
    participants: rows(2),
  });
});

beforeEach(() => {
  clearZoomTokenCache();
  sleeps.length = 0;
});

afterAll(async () => {
  await fake.stop();
});

describe("encodeMeetingUuid", () => {
  it("encodes once, or twice when the UUID begins with / or contains //", () => {
    expect(encodeMeetingUuid("UFl5dhENRIaQEw6yvhNihw==")).toBe("UFl5dhENRIaQEw6yvhNihw%3D%3D");
    expect(encodeMeetingUuid("ab+c/d==")).toBe("ab%2Bc%2Fd%3D%3D");
    expect(encodeMeetingUuid("/abc==")).toBe("%252Fabc%253D%253D");
    expect(encodeMeetingUuid("ab//c==")).toBe("ab%252F%252Fc%253D%253D");
  });
});

describe("parseRetryAfter", () => {
  it("reads seconds and HTTP dates", () => {
    expect(parseRetryAfter("2", 0)).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter(null, 0)).toBeNull();
    expect(parseRetryAfter("soon", 0)).toBeNull();
  });
});

describe("ZoomClient against the fake Zoom", () => {
  it("fetches a Server-to-Server token once and reuses it until shortly before it expires", async () => {
    const zoom = client();
    const before = fake.tokensIssued;
    await zoom.reportParticipants("plain+uuid/AB==");
    await zoom.pastInstances("81234567890");
    expect(fake.tokensIssued).toBe(before + 1);
    const tokenRequest = fake.requestsTo(/^\/oauth\/token$/).at(-1)!;
    expect(tokenRequest.query).toEqual({ grant_type: "account_credentials", account_id: "acct-1" });
  });

  it("refreshes the token when its lifetime is nearly over", async () => {
    let now = Date.now();
    const zoom = client({ now: () => now });
    const before = fake.tokensIssued;
    await zoom.accessToken();
    now += 3599_000 - 30_000; // within the last minute of Zoom's expires_in
    await zoom.accessToken();
    expect(fake.tokensIssued).toBe(before + 2);
  });

  it("gets a new token when Zoom says the cached one is invalid (401, code 124)", async () => {
    const zoom = client();
    await zoom.pastInstances("81234567890");
    const before = fake.tokensIssued;
    fake.expireTokens();
    const instances = await zoom.pastInstances("81234567890");
    expect(instances).toHaveLength(2);
    expect(fake.tokensIssued).toBe(before + 1);
    const statuses = fake
      .requestsTo(/past_meetings/)
      .slice(-2)
      .map((request) => request.status);
    expect(statuses).toEqual([401, 200]);
  });

  it("follows next_page_token until it is empty", async () => {
    const zoom = client();
    const all = await zoom.reportParticipants("plain+uuid/AB==", { pageSize: 3 });
    expect(all.map((row) => row.user_id)).toEqual(rows(7).map((row) => row.user_id));
    const pages = fake.requestsTo(/participants$/).slice(-3);
    expect(pages.map((page) => page.query.page_size)).toEqual(["3", "3", "3"]);
    expect(pages[0].query.next_page_token).toBeUndefined();
    expect(pages[1].query.next_page_token).toBeTruthy();
    expect(all[0].registrant_id).toBe("reg0");
  });

  it("double-encodes a UUID that begins with / (Zoom does not find it encoded once)", async () => {
    const zoom = client();
    expect(await zoom.reportParticipants("/slash//start==")).toHaveLength(2);
    // Encoded once, Zoom's gateway splits the path: the fake answers as Zoom does.
    const once = await zoom
      .get(`/report/meetings/${encodeURIComponent("/slash//start==")}/participants`)
      .catch((error: unknown) => error);
    expect(once).toBeInstanceOf(ZoomApiError);
    expect((once as ZoomApiError).status).toBe(404);
    expect((once as ZoomApiError).retryable).toBe(false);
  });

  it("waits as long as Retry-After says on 429, then succeeds", async () => {
    fake.failNext(/participants$/, [
      { status: 429, retryAfter: "3" },
      { status: 429, retryAfter: "1" },
    ]);
    const zoom = client();
    expect(await zoom.reportParticipants("plain+uuid/AB==")).toHaveLength(7);
    expect(sleeps).toEqual([3000, 1000]);
  });

  it("backs off on 5xx and gives up after maxAttempts with a retryable error", async () => {
    fake.failNext(/instances$/, [{ status: 502 }, { status: 503 }]);
    expect(await client({ baseDelayMs: 100 }).pastInstances("81234567890")).toHaveLength(2);
    expect(sleeps.length).toBe(2);
    expect(sleeps[1]).toBeGreaterThan(sleeps[0]);

    fake.failNext(/instances$/, [{ status: 500 }, { status: 500 }, { status: 500 }]);
    const error = await client({ maxAttempts: 3 })
      .pastInstances("81234567890")
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ZoomApiError);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  it("does not sleep through a Retry-After longer than the limit: the job retries later", async () => {
    fake.failNext(/instances$/, [{ status: 429, retryAfter: "3600" }]);
    const error = await client({ maxDelayMs: 60_000 })
      .pastInstances("81234567890")
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, retryable: true });
    expect(sleeps).toEqual([]);
  });

  it("reports wrong credentials as a non-retryable error", async () => {
    const zoom = new ZoomClient({ ...credentials, clientSecret: "wrong" });
    const error = await zoom.pastInstances("81234567890").catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, retryable: false });
    expect(String((error as Error).message)).toMatch(/Invalid client_id or client_secret/);
  });

  it("reads the webhook logs of a time range, page by page", async () => {
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    fake.addWebhookLogs("app-1", [
      { event: "meeting.participant_joined", status: -1, date_time: at(50), request_body: "{}", retry_num: 0 },
      { event: "meeting.participant_joined", status: 502, date_time: at(45), request_body: "{}", retry_num: 1 },
      { event: "meeting.participant_left", status: 200, date_time: at(40), request_body: "{}", retry_num: 0 },
      { event: "meeting.participant_left", status: -1, date_time: at(30), request_body: "{}", retry_num: 0 },
      { event: "meeting.ended", status: -1, date_time: at(5), request_body: "{}", retry_num: 0 },
    ]);
    const logs = await client().webhookLogs("app-1", {
      from: new Date(now - 60 * 60_000),
      to: new Date(now - 10 * 60_000),
      pageSize: 2,
    });
    expect(logs.map((entry) => entry.status)).toEqual([-1, 502, -1]);
    const requests = fake.requestsTo(/webhook_logs$/);
    expect(requests[0].query).toMatchObject({ type: "2", page_size: "2" });
    expect(requests[0].query.from).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(requests.length).toBe(2);
  });
});
