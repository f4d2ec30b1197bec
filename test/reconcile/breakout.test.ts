// Reconciliation of a class with a breakout round (report rows with bo_mtg_id) agrees with its
// webhooks: the report alone gives the same attendance as every webhook, a class whose breakout
// round was lost to an outage is restored, and a class whose webhooks all arrived gains nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { TEST_AUTH_SECRET, TEST_WEBHOOK_SECRET } from "../helpers/env";
import { uniqueMeetingId } from "../helpers/zoom";
import { prisma } from "../../lib/db";
import { recomputeSession } from "../../lib/attendance/projection";
import { randomMeetingUuid } from "../../lib/simulator/scenario";
import { reconcileSession } from "../../lib/reconcile/run";
import { clearZoomTokenCache, zoomClientFromConfig } from "../../lib/zoom/api";
import { FakeZoom } from "../helpers/fake-zoom";
import {
  attendanceOf,
  buildClass,
  createClassSession,
  reportRows,
  storeEvents,
  type BuiltClass,
} from "./class-fixture";

const MINUTE = 60_000;
const fake = new FakeZoom();
const startsAt = new Date(Math.floor((Date.now() - 4 * 3600_000) / MINUTE) * MINUTE);
const durationMinutes = 60;
const isParticipantEvent = (eventType: string) => eventType.startsWith("meeting.participant_");
const isBreakoutEvent = (eventType: string) => eventType.includes("breakout_room");

const newClass = () =>
  buildClass({
    meetingId: uniqueMeetingId(),
    uuid: randomMeetingUuid(),
    startsAt,
    durationMinutes,
    breakoutRound: true,
  });
const client = () => zoomClientFromConfig(undefined, { baseDelayMs: 50 })!;
const addToReport = (built: BuiltClass) =>
  fake.addInstance({
    uuid: built.uuid,
    meetingId: built.meetingId,
    startTime: new Date(startsAt.getTime() - 2 * MINUTE).toISOString(),
    participants: reportRows(built),
  });

let reference: Awaited<ReturnType<typeof attendanceOf>>;

beforeAll(async () => {
  await fake.start();
  Object.assign(process.env, fake.env(), {
    ZOOM_WEBHOOK_SECRET_TOKEN: TEST_WEBHOOK_SECRET,
    AUTH_SECRET: TEST_AUTH_SECRET,
    RECONCILE_DELAY_MINUTES: "10",
  });
  delete process.env.ZOOM_WEBHOOK_LOGS_APP_ID;
  clearZoomTokenCache();
  await useFreshDatabase("reconcile_breakout");
  // The reference: every webhook arrived.
  const full = newClass();
  const { session } = await createClassSession("breakout-full", full);
  await storeEvents(full.events);
  await recomputeSession(session.id);
  reference = await attendanceOf(session.id);
  // Sanity: breakout time counted (Ana in class from before the start to the end, one room).
  expect(reference.students["ana@example.edu"]).toMatchObject({ attendedPercent: 100 });
  expect(reference.students["dana@example.edu"]).toMatchObject({ attendedSeconds: 52 * 60, joinCount: 1 });
  expect(reportRows(full).some((row) => row.bo_mtg_id)).toBe(true);

  addToReport(full);
  const eventsBefore = await prisma.event.count({ where: { meetingUuid: full.uuid } });
  const summary = await reconcileSession(session.id, "manual", { client: client(), webhookLogsAppId: null });
  expect(summary.status).toBe("succeeded");
  // Every report half, breakout segments included, matched a stored webhook.
  expect(summary.joinsAdded + summary.leavesAdded).toBe(0);
  expect(await prisma.event.count({ where: { meetingUuid: full.uuid } })).toBe(eventsBefore);
});

afterAll(async () => {
  await fake.stop();
  await prisma.$disconnect();
});

describe("reconciling a class with breakout rooms", () => {
  it("from the report alone gives the attendance of every webhook", async () => {
    const built = newClass();
    const { session } = await createClassSession("breakout-report-only", built);
    await storeEvents(built.events.filter((event) => !isParticipantEvent(event.fields.eventType)));
    addToReport(built);
    const summary = await reconcileSession(session.id, "after_meeting", { client: client(), webhookLogsAppId: null });
    expect(summary.status).toBe("succeeded");
    await recomputeSession(session.id);
    const breakoutRows = await prisma.event.count({
      where: { meetingUuid: built.uuid, source: "report", eventType: { contains: "breakout_room" } },
    });
    expect(breakoutRows).toBe(2 * reportRows(built).filter((row) => row.bo_mtg_id).length);
    expect(await attendanceOf(session.id)).toEqual(reference);
  });

  it("restores a breakout round lost to an outage, and a second reconciliation changes nothing", async () => {
    const built = newClass();
    const { session } = await createClassSession("breakout-outage", built);
    const roundFrom = startsAt.getTime() + 19 * MINUTE;
    const roundTo = startsAt.getTime() + 41 * MINUTE;
    const lost = (time: Date) => time.getTime() >= roundFrom && time.getTime() < roundTo;
    await storeEvents(built.events.filter((event) => !lost(event.fields.occurredAt)));
    await recomputeSession(session.id);
    expect(await attendanceOf(session.id)).not.toEqual(reference);
    expect(
      built.events.filter((event) => lost(event.fields.occurredAt) && isBreakoutEvent(event.fields.eventType)).length,
    ).toBeGreaterThan(3);

    addToReport(built);
    const first = await reconcileSession(session.id, "after_meeting", { client: client(), webhookLogsAppId: null });
    expect(first.status).toBe("succeeded");
    expect(first.joinsAdded).toBeGreaterThan(0);
    await recomputeSession(session.id);
    expect(await attendanceOf(session.id)).toEqual(reference);

    const second = await reconcileSession(session.id, "manual", { client: client(), webhookLogsAppId: null });
    expect(second.joinsAdded + second.leavesAdded).toBe(0);
  });
});
