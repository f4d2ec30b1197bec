// Reconciliation: a class where the server was "down" for 20 minutes (those webhooks never arrived) is
// restored by reconciliation to the same attendance as the class with every webhook, from Zoom's
// participant report or from Zoom's webhook logs; a second reconciliation changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { participantJoined, uniqueMeetingId } from "../helpers/zoom";
import { prisma } from "../../lib/db";
import { recomputeSession } from "../../lib/attendance/projection";
import { randomMeetingUuid } from "../../lib/simulator/scenario";
import { parseStoredEvent } from "../../lib/zoom/payload";
import { reconcileSession } from "../../lib/reconcile/run";
import { getReconciliationStatus } from "../../lib/reconcile/read";
import { findSessionsDueAfterMeeting, reconcileTasks } from "../../lib/reconcile/tasks";
import { clearZoomTokenCache, zoomClientFromConfig } from "../../lib/zoom/api";
import { createApiToken } from "../../lib/services/tokens";
import { POST } from "../../app/api/v1/sessions/[sessionId]/reconcile/route";
import { ReconciliationPanel } from "../../components/reconciliation-panel";
import { renderToStaticMarkup } from "react-dom/server";
import { startWorker } from "../../lib/worker";
import { waitFor } from "../helpers/server";
import { FakeZoom } from "../helpers/fake-zoom";
import {
  attendanceOf,
  buildClass,
  createClassSession,
  failedDeliveryLogs,
  reportRows,
  storeEvents,
  type BuiltClass,
} from "./class-fixture";

const MINUTE = 60_000;
const fake = new FakeZoom();
// Four hours ago, on a whole minute, 90 minutes long: ended, and inside every Zoom window.
const startsAt = new Date(Math.floor((Date.now() - 4 * 3600_000) / MINUTE) * MINUTE);
const durationMinutes = 90;
const outageFrom = startsAt.getTime() + 5 * MINUTE;
const outageTo = outageFrom + 20 * MINUTE;
const inOutage = (time: Date) => time.getTime() >= outageFrom && time.getTime() < outageTo;

function newClass(uuid = randomMeetingUuid()): BuiltClass {
  return buildClass({ meetingId: uniqueMeetingId(), uuid, startsAt, durationMinutes });
}

const client = () => {
  const zoom = zoomClientFromConfig(undefined, { baseDelayMs: 50 });
  if (!zoom) throw new Error("the Report API should be configured in this test");
  return zoom;
};

async function participantEventCount(uuid: string) {
  return prisma.event.count({ where: { meetingUuid: uuid } });
}

function distinctLost(built: BuiltClass) {
  const lost = new Map(
    built.events.filter((event) => inOutage(event.fields.occurredAt)).map((event) => [event.fields.dedupeKey, event]),
  );
  const values = [...lost.values()];
  return {
    events: values,
    joins: values.filter((event) => event.fields.eventType === "meeting.participant_joined").length,
    leaves: values.filter((event) => event.fields.eventType === "meeting.participant_left").length,
  };
}

let full: BuiltClass;
let fullSessionId: string;

beforeAll(async () => {
  await fake.start();
  Object.assign(process.env, fake.env(), {
    ZOOM_WEBHOOK_SECRET_TOKEN: TEST_WEBHOOK_SECRET,
    AUTH_SECRET: TEST_AUTH_SECRET,
    RECONCILE_DELAY_MINUTES: "10",
  });
  delete process.env.ZOOM_WEBHOOK_LOGS_APP_ID;
  clearZoomTokenCache();
  await useFreshDatabase("reconcile_outage");

  // The reference: every webhook arrived.
  full = newClass();
  const { session } = await createClassSession("full", full);
  fullSessionId = session.id;
  await storeEvents(full.events);
  await recomputeSession(session.id);
});

afterAll(async () => {
  await fake.stop();
  await prisma.$disconnect();
});

describe("a 20-minute outage during class", () => {
  it("is restored from Zoom's participant report, and a second reconciliation changes nothing", async () => {
    // A UUID that begins with "/" and contains "//": it must be double-encoded in the report path.
    const outage = newClass(`/${randomMeetingUuid().slice(1, 10)}//${randomMeetingUuid().slice(0, 10)}==`);
    const { session } = await createClassSession("outage", outage);
    await storeEvents(outage.events.filter((event) => !inOutage(event.fields.occurredAt)));
    await recomputeSession(session.id);
    const reference = await attendanceOf(fullSessionId);
    const before = await attendanceOf(session.id);
    expect(before).not.toEqual(reference);

    fake.addInstance({
      uuid: outage.uuid,
      meetingId: outage.meetingId,
      startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
      participants: reportRows(outage),
    });
    // Zoom's rate limit answers the first report request; the client waits as told and retries.
    fake.failNext(/\/participants$/, [{ status: 429, retryAfter: "1" }]);

    const lost = distinctLost(outage);
    expect(lost.joins).toBeGreaterThan(2);
    expect(lost.leaves).toBeGreaterThan(1);

    const first = await reconcileSession(session.id, "after_meeting", {
      client: client(),
      webhookLogsAppId: null,
      pageSize: 4,
    });
    expect(first.status).toBe("succeeded");
    expect(first.meetingUuids).toEqual([outage.uuid]);
    expect(first.instancesFrom).toBe("events");
    expect(first.rowsSeen).toBe(reportRows(outage).length);
    expect(first.report.joinsAdded).toBe(lost.joins);
    expect(first.report.leavesAdded).toBe(lost.leaves);
    expect(first.joinsAdded).toBe(lost.joins);
    expect(first.leavesAdded).toBe(lost.leaves);
    expect(first.webhookLogs.status).toBe("off");

    // The report was paged (page_size 4), fetched by the double-encoded UUID, after one 429.
    const reportRequests = fake.requestsTo(/^\/v2\/report\/meetings\//);
    expect(reportRequests[0].status).toBe(429);
    expect(reportRequests.slice(1).every((request) => request.status === 200)).toBe(true);
    expect(reportRequests.length).toBe(1 + Math.ceil(first.rowsSeen / 4));
    expect(reportRequests[0].rawPath).toBe(
      `/v2/report/meetings/${encodeURIComponent(encodeURIComponent(outage.uuid))}/participants`,
    );
    expect(reportRequests[1].query).toMatchObject({ page_size: "4", include_fields: "registrant_id" });

    expect(await attendanceOf(session.id)).toEqual(reference);
    const reportEvents = await prisma.event.findMany({
      where: { meetingUuid: outage.uuid, source: "report" },
      select: { dedupeKey: true },
    });
    expect(reportEvents).toHaveLength(lost.joins + lost.leaves);
    expect(reportEvents.every((event) => event.dedupeKey.startsWith("rp1:"))).toBe(true);

    const status = await getReconciliationStatus(session.id);
    expect(status.configured).toBe(true);
    expect(status.lastReconciledAt).not.toBeNull();
    expect(status.lastSucceeded?.changes).toBe(`added ${lost.leaves} leaves, ${lost.joins} joins`);
    expect(status.lastSucceeded?.meetingUuids).toEqual([outage.uuid]);

    const eventsAfterFirst = await participantEventCount(outage.uuid);
    const second = await reconcileSession(session.id, "manual", { client: client(), webhookLogsAppId: null });
    expect(second.status).toBe("succeeded");
    expect(second.joinsAdded + second.leavesAdded).toBe(0);
    expect(second.report.joinsMatched + second.report.leavesMatched).toBe(2 * second.rowsSeen);
    expect(await participantEventCount(outage.uuid)).toBe(eventsAfterFirst);
    expect(await attendanceOf(session.id)).toEqual(reference);
    expect((await getReconciliationStatus(session.id)).lastSucceeded?.changes).toBe("no changes");
  });

  it("adds nothing to a class whose webhooks all arrived", async () => {
    fake.addInstance({
      uuid: full.uuid,
      meetingId: full.meetingId,
      startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
      participants: reportRows(full),
    });
    const before = await participantEventCount(full.uuid);
    const summary = await reconcileSession(fullSessionId, "manual", { client: client(), webhookLogsAppId: null });
    expect(summary.status).toBe("succeeded");
    expect(summary.joinsAdded + summary.leavesAdded).toBe(0);
    expect(await participantEventCount(full.uuid)).toBe(before);
  });

  it("recovers the lost deliveries from Zoom's webhook logs through the webhook dedupe (expired token refreshed)", async () => {
    const outage = newClass();
    const { session } = await createClassSession("logs", outage);
    await storeEvents(outage.events.filter((event) => !inOutage(event.fields.occurredAt)));
    await recomputeSession(session.id);
    fake.addInstance({
      uuid: outage.uuid,
      meetingId: outage.meetingId,
      startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
      participants: reportRows(outage),
    });
    const lost = distinctLost(outage);
    // Every lost event was tried four times (retry_num 0..3); a successful delivery is listed too.
    const logs = failedDeliveryLogs(lost.events);
    logs.push({ ...failedDeliveryLogs(outage.events.slice(0, 1), 1)[0], status: 200, response_body: "" });
    fake.addWebhookLogs("rollcall-app-id", logs);
    // The cached token expires at Zoom: the next call gets 401 code 124, and a new token is fetched.
    const tokensBefore = fake.tokensIssued;
    fake.expireTokens();

    const first = await reconcileSession(session.id, "after_meeting", {
      client: client(),
      webhookLogsAppId: "rollcall-app-id",
      pageSize: 300,
    });
    expect(first.status).toBe("succeeded");
    expect(fake.tokensIssued).toBe(tokensBefore + 1);
    expect(first.webhookLogs).toMatchObject({
      status: "done",
      joinsRecovered: lost.joins,
      leavesRecovered: lost.leaves,
    });
    // Every event came back as a webhook: the report had nothing left to add.
    expect(first.report.joinsAdded + first.report.leavesAdded).toBe(0);
    expect(first.joinsAdded).toBe(lost.joins);
    expect(first.leavesAdded).toBe(lost.leaves);
    expect(await attendanceOf(session.id)).toEqual(await attendanceOf(fullSessionId));
    expect(await prisma.event.count({ where: { meetingUuid: outage.uuid, source: "report" } })).toBe(0);
    const recoveredDeliveries = await prisma.webhookDelivery.count({
      where: { trackingId: "webhook-logs", meetingUuid: outage.uuid },
    });
    expect(recoveredDeliveries).toBe(lost.events.length);

    const second = await reconcileSession(session.id, "nightly", {
      client: client(),
      webhookLogsAppId: "rollcall-app-id",
    });
    expect(second.status).toBe("succeeded");
    expect(second.joinsAdded + second.leavesAdded).toBe(0);
    expect(
      second.webhookLogs.joinsRecovered + second.webhookLogs.leavesRecovered + second.webhookLogs.otherRecovered,
    ).toBe(0);
    expect(
      await prisma.webhookDelivery.count({ where: { trackingId: "webhook-logs", meetingUuid: outage.uuid } }),
    ).toBe(recoveredDeliveries);
  });

  it("finds the meeting instance through Zoom when every webhook was lost", async () => {
    const lostAll = newClass();
    const { session } = await createClassSession("all-lost", lostAll);
    fake.addInstance({
      uuid: lostAll.uuid,
      meetingId: lostAll.meetingId,
      startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
      participants: reportRows(lostAll),
    });
    // Last week's instance of the same recurring meeting is not this session's.
    fake.addInstance({
      uuid: randomMeetingUuid(),
      meetingId: lostAll.meetingId,
      startTime: new Date(startsAt.getTime() - 7 * 24 * 3600_000).toISOString(),
      participants: reportRows(lostAll).slice(0, 2),
    });

    const summary = await reconcileSession(session.id, "nightly", { client: client(), webhookLogsAppId: null });
    expect(summary.status).toBe("succeeded");
    expect(summary.instancesFrom).toBe("zoom");
    expect(summary.meetingUuids).toEqual([lostAll.uuid]);
    expect(summary.joinsAdded).toBe(summary.rowsSeen);
    expect(summary.leavesAdded).toBe(summary.rowsSeen);
    const reference = await attendanceOf(fullSessionId);
    const restored = await attendanceOf(session.id);
    expect(restored.students).toEqual(reference.students);
    expect(restored.guests).toEqual(reference.guests);
  });

  it("reconciles a webinar from Zoom's webinar report", async () => {
    const webinar: BuiltClass = {
      meetingId: uniqueMeetingId(),
      uuid: randomMeetingUuid(),
      startsAt,
      durationMinutes,
      events: [],
    };
    const { session } = await createClassSession("webinar", webinar);
    const joinedAt = new Date(startsAt.getTime() + MINUTE);
    const leftAt = new Date(startsAt.getTime() + 80 * MINUTE);
    const joined = participantJoined({
      uuid: webinar.uuid,
      meetingId: webinar.meetingId,
      userId: "16778240",
      name: "Ana Lima",
      email: "ana@example.edu",
      joinTime: joinedAt,
    });
    const parsed = parseStoredEvent({ ...joined, event: "webinar.participant_joined" });
    if (!parsed.ok) throw new Error(parsed.message);
    await storeEvents([{ body: { ...joined, event: "webinar.participant_joined" }, fields: parsed.fields }]);
    fake.addInstance({
      kind: "webinar",
      uuid: webinar.uuid,
      meetingId: webinar.meetingId,
      startTime: startsAt.toISOString(),
      participants: [
        {
          user_id: "16778240",
          name: "Ana Lima",
          user_email: "ana@example.edu",
          join_time: joinedAt.toISOString(),
          leave_time: leftAt.toISOString(),
          status: "in_meeting",
        },
      ],
    });
    const summary = await reconcileSession(session.id, "manual", { client: client(), webhookLogsAppId: null });
    expect(summary.status).toBe("succeeded");
    expect(summary.report).toMatchObject({ joinsAdded: 0, leavesAdded: 1, joinsMatched: 1 });
    expect(fake.requestsTo(/^\/v2\/report\/webinars\//).at(-1)?.status).toBe(200);
    expect(
      await prisma.event.count({
        where: { meetingUuid: webinar.uuid, eventType: "webinar.participant_left", source: "report" },
      }),
    ).toBe(1);
    expect((await attendanceOf(session.id)).students["ana@example.edu"]).toMatchObject({
      attendedSeconds: 79 * 60,
      joinCount: 1,
      inMeeting: false,
    });
  });

  it("schedules an after-meeting reconciliation once the meeting has ended, and not again after it ran", async () => {
    const later = newClass();
    const { session } = await createClassSession("scheduled", later);
    await storeEvents(later.events);
    await recomputeSession(session.id);
    fake.addInstance({
      uuid: later.uuid,
      meetingId: later.meetingId,
      startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
      participants: reportRows(later),
    });
    const instance = await prisma.meetingInstance.findUniqueOrThrow({ where: { uuid: later.uuid } });
    expect(instance.endedAt).not.toBeNull();

    // Before end + delay: not due; after: due.
    expect(await findSessionsDueAfterMeeting(new Date(instance.endedAt!.getTime() + 5 * MINUTE), 10)).not.toContain(
      session.id,
    );
    expect(await findSessionsDueAfterMeeting(new Date(), 10)).toContain(session.id);

    await reconcileTasks.reconcile_recent();
    const jobs = await prisma.$queryRawUnsafe<{ payload: { sessionId: string; trigger: string } }[]>(
      `SELECT payload FROM graphile_worker._private_jobs WHERE key = $1`,
      `reconcile:${session.id}`,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0].payload).toMatchObject({ sessionId: session.id, trigger: "after_meeting" });
    expect((await getReconciliationStatus(session.id)).pending).not.toBeNull();

    // The worker runs it (here: the task function itself).
    await reconcileTasks.reconcile_session({ sessionId: session.id, trigger: "after_meeting" });
    const runs = await prisma.reconciliation.findMany({ where: { sessionId: session.id } });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: "after_meeting", status: "succeeded", joinsAdded: 0, leavesAdded: 0 });
    expect(await findSessionsDueAfterMeeting(new Date(), 10)).not.toContain(session.id);
  });

  it("records a failure with its error and lets the job retry when Zoom is not ready", async () => {
    const failing = newClass();
    const { session } = await createClassSession("failing", failing);
    await storeEvents(failing.events);
    fake.failNext(
      /\/participants$/,
      Array.from({ length: 3 }, () => ({ status: 503 })),
    );
    const zoom = zoomClientFromConfig(undefined, { baseDelayMs: 10, maxAttempts: 3 })!;
    const summary = await reconcileSession(session.id, "after_meeting", { client: zoom, webhookLogsAppId: null });
    expect(summary.status).toBe("failed");
    expect(summary.retryable).toBe(true);
    expect(summary.error).toMatch(/HTTP 503/);
    const status = await getReconciliationStatus(session.id);
    expect(status.lastReconciledAt).toBeNull();
    expect(status.recent[0]).toMatchObject({ status: "failed", trigger: "after_meeting" });
    expect(status.recent[0].error).toMatch(/503/);

    // Zoom has no report for the instance yet (404, a few hours after class): the task throws, so
    // graphile-worker retries it later with backoff.
    await expect(reconcileTasks.reconcile_session({ sessionId: session.id, trigger: "after_meeting" })).rejects.toThrow(
      /no participant report .* yet/,
    );
    expect((await getReconciliationStatus(session.id)).recent).toHaveLength(2);

    // Once Zoom has it, the next attempt succeeds.
    fake.addInstance({
      uuid: failing.uuid,
      meetingId: failing.meetingId,
      startTime: startsAt.toISOString(),
      participants: reportRows(failing),
    });
    await reconcileTasks.reconcile_session({ sessionId: session.id, trigger: "after_meeting" });
    expect((await getReconciliationStatus(session.id)).lastSucceeded).toMatchObject({
      trigger: "after_meeting",
      changes: "no changes",
    });
  });
});

describe("on demand", () => {
  const post = (sessionId: string, token: string | null) =>
    POST(
      new Request(`http://localhost/api/v1/sessions/${sessionId}/reconcile`, {
        method: "POST",
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }),
      { params: Promise.resolve({ sessionId }) },
    );

  it("POST /api/v1/sessions/{id}/reconcile queues a manual reconciliation and answers 202", async () => {
    const admin = await prisma.user.create({
      data: { email: "admin-reconcile@example.edu", name: "Admin", role: "admin" },
    });
    const stranger = await prisma.user.create({
      data: { email: "other-instructor@example.edu", name: "Other", role: "instructor" },
    });
    const adminToken = (await createApiToken(admin.id)).token;
    const strangerToken = (await createApiToken(stranger.id)).token;

    const response = await post(fullSessionId, adminToken);
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({
      reconciliationQueued: true,
      sessionId: fullSessionId,
      trigger: "manual",
    });
    const jobs = await prisma.$queryRawUnsafe<{ payload: Record<string, unknown>; run_at: Date }[]>(
      `SELECT payload, run_at FROM graphile_worker._private_jobs WHERE key = $1`,
      `reconcile:${fullSessionId}`,
    );
    expect(jobs).toHaveLength(1);
    expect(jobs[0].payload).toEqual({ sessionId: fullSessionId, trigger: "manual", actorId: admin.id });
    expect(jobs[0].run_at.getTime()).toBeLessThanOrEqual(Date.now());

    // Asked again within 5 minutes: 429 with Retry-After, and still one pending job.
    const again = await post(fullSessionId, adminToken);
    expect(again.status).toBe(429);
    expect(Number(again.headers.get("retry-after"))).toBeGreaterThan(290);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("reconcile_cooldown");
    const count = await prisma.$queryRawUnsafe<{ count: number }[]>(
      `SELECT count(*)::int AS count FROM graphile_worker._private_jobs WHERE key = $1`,
      `reconcile:${fullSessionId}`,
    );
    expect(count[0].count).toBe(1);

    const hidden = await post(fullSessionId, strangerToken);
    expect(hidden.status).toBe(404);
    expect(((await hidden.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await post(fullSessionId, null)).status).toBe(401);
  });

  it("the session panel shows when the session was last reconciled and what changed", async () => {
    const outage = newClass();
    const { session } = await createClassSession("panel", outage);
    await storeEvents(outage.events.filter((event) => !inOutage(event.fields.occurredAt)));
    fake.addInstance({
      uuid: outage.uuid,
      meetingId: outage.meetingId,
      startTime: startsAt.toISOString(),
      participants: reportRows(outage),
    });
    const neverHtml = renderToStaticMarkup(
      await ReconciliationPanel({ sessionId: session.id, reconcileNow: async () => {} }),
    );
    expect(neverHtml).toContain("Never reconciled.");
    expect(neverHtml).toContain("Reconcile now");
    expect(neverHtml).toContain("ZOOM_WEBHOOK_LOGS_APP_ID");

    const summary = await reconcileSession(session.id, "manual", { client: client(), webhookLogsAppId: null });
    const lost = distinctLost(outage);
    const html = renderToStaticMarkup(
      await ReconciliationPanel({ sessionId: session.id, reconcileNow: async () => {} }),
    );
    expect(html).toMatch(
      new RegExp(
        `Last reconciled <time[^>]*>[^<]+</time>: added ${lost.leaves} leaves, ${lost.joins} joins \\(${summary.rowsSeen} report rows\\)`,
      ),
    );
  });

  it("the background worker runs a queued reconciliation (tasks and crontab registered)", async () => {
    const admin = await prisma.user.create({
      data: { email: "admin-worker@example.edu", name: "Admin", role: "admin" },
    });
    const token = (await createApiToken(admin.id)).token;
    const queued = newClass();
    const { session } = await createClassSession("worker", queued);
    await storeEvents(queued.events.filter((event) => !inOutage(event.fields.occurredAt)));
    fake.addInstance({
      uuid: queued.uuid,
      meetingId: queued.meetingId,
      startTime: startsAt.toISOString(),
      participants: reportRows(queued),
    });
    const worker = await startWorker({ connectionString: process.env.DATABASE_URL!, concurrency: 2 });
    try {
      expect((await post(session.id, token)).status).toBe(202);
      const run = await waitFor(
        () => prisma.reconciliation.findFirst({ where: { sessionId: session.id, status: { not: "running" } } }),
        30_000,
        "the worker to reconcile the session",
      );
      const lost = distinctLost(queued);
      expect(run).toMatchObject({
        trigger: "manual",
        status: "succeeded",
        joinsAdded: lost.joins,
        leavesAdded: lost.leaves,
      });
      const audit = await prisma.auditEntry.findFirst({
        where: { action: "session.reconciled", subject: `session:${session.id}` },
      });
      expect(audit?.actorId).toBe(admin.id);
      expect(await attendanceOf(session.id)).toEqual(await attendanceOf(fullSessionId));
    } finally {
      await worker.stop();
    }
  });
});
