// The event store's batching (ADR 009): deliveries that arrive while earlier ones are being
// written share one statement. A batch must store each event once, give every delivery its own
// outcome and audit row, and never let one event the database refuses fail its neighbours.
import { beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";
import { participantJoined, uniqueUuid } from "../helpers/zoom";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let store: typeof import("../../lib/events/store");
let payload: typeof import("../../lib/zoom/payload");

beforeAll(async () => {
  await useFreshDatabase("event_store");
  ({ prisma } = await import("../../lib/db"));
  store = await import("../../lib/events/store");
  payload = await import("../../lib/zoom/payload");
});

function joinedEvent(uuid: string, meetingId: string, userId: string, name: string) {
  const body = participantJoined({
    uuid,
    meetingId,
    userId,
    name,
    email: `${userId}@store.test`,
    joinTime: new Date("2026-03-02T15:00:00Z"),
  });
  const parsed = payload.parseStoredEvent(body);
  if (!parsed.ok) throw new Error(parsed.message);
  return { fields: parsed.fields, body };
}

const meta = (trackingId: string) => ({
  trackingId,
  requestId: null,
  headers: { "x-zm-trackingid": trackingId },
  bodyBytes: 10,
});

describe("event store batches", () => {
  it("stores each event once when copies arrive together, with one audit row per delivery", async () => {
    const meetingId = "84466600001";
    const uuid = uniqueUuid();
    const distinct = Array.from({ length: 40 }, (_, index) =>
      joinedEvent(uuid, meetingId, String(100 + index), `Person ${index}`),
    );
    // Every event three times, interleaved, all started in the same tick: most share a batch.
    const deliveries = [0, 1, 2].flatMap((copy) =>
      distinct.map((event, index) => ({ event, trackingId: `copy${copy}-${index}` })),
    );
    const results = await Promise.all(
      deliveries.map(({ event, trackingId }) => store.storeWebhookEvent(event.fields, event.body, meta(trackingId))),
    );

    for (let index = 0; index < distinct.length; index += 1) {
      const outcomes = [0, 1, 2].map((copy) => results[copy * distinct.length + index].outcome).sort();
      expect(outcomes).toEqual(["duplicate", "duplicate", "stored"]);
    }
    expect(await prisma.event.count({ where: { zoomMeetingId: meetingId } })).toBe(40);
    const audit = await prisma.webhookDelivery.findMany({
      where: { zoomMeetingId: meetingId },
      select: { trackingId: true, outcome: true, dedupeKey: true },
    });
    expect(audit).toHaveLength(120);
    expect(audit.filter((row) => row.outcome === "stored")).toHaveLength(40);
    // Each delivery's audit row carries its own tracking ID and the outcome it was answered with.
    const answered = new Map(deliveries.map((delivery, index) => [delivery.trackingId, results[index].outcome]));
    for (const row of audit) expect(row.outcome).toBe(answered.get(row.trackingId ?? ""));
  });

  it("keeps the fields and payload of every event in a batch", async () => {
    const meetingId = "84466600002";
    const uuid = uniqueUuid();
    const names = ['O\'Brien, "Pat"', "Zoë Ærø", "back\\slash", "emoji 🎓", "tab\there"];
    const events = names.map((name, index) => joinedEvent(uuid, meetingId, String(200 + index), name));
    await Promise.all(
      events.map((event, index) => store.storeWebhookEvent(event.fields, event.body, meta(`fields-${index}`))),
    );
    const stored = await prisma.event.findMany({
      where: { zoomMeetingId: meetingId },
      orderBy: { participantUserId: "asc" },
    });
    expect(stored.map((event) => event.displayName)).toEqual(names);
    for (const [index, event] of stored.entries()) {
      expect(event.payload).toEqual(events[index].body);
      expect(event.joinTime?.toISOString()).toBe("2026-03-02T15:00:00.000Z");
      expect(event.occurredAt.toISOString()).toBe("2026-03-02T15:00:00.000Z");
      expect(event.emailNormalized).toBe(`${200 + index}@store.test`);
      expect(event.source).toBe("webhook");
    }
  });

  it("fails only the event the database refuses, not the others in its batch", async () => {
    const meetingId = "84466600003";
    const uuid = uniqueUuid();
    const events = Array.from({ length: 12 }, (_, index) =>
      joinedEvent(uuid, meetingId, String(300 + index), `Member ${index}`),
    );
    // Receipt replaces NUL before storing; called directly, Postgres refuses it in a text column.
    const poisoned = { ...events[6], fields: { ...events[6].fields, displayName: "bad\u0000name" } };
    const calls = events.map((event, index) =>
      index === 6
        ? store.storeWebhookEvent(poisoned.fields, poisoned.body, meta("poison"))
        : store.storeWebhookEvent(event.fields, event.body, meta(`ok-${index}`)),
    );
    const settled = await Promise.allSettled(calls);
    expect(settled.map((result) => result.status)).toEqual(
      events.map((_, index) => (index === 6 ? "rejected" : "fulfilled")),
    );
    expect(await prisma.event.count({ where: { zoomMeetingId: meetingId } })).toBe(11);
    expect(await prisma.webhookDelivery.count({ where: { zoomMeetingId: meetingId, outcome: "stored" } })).toBe(11);
  });
});
