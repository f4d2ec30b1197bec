// A recompute job whose session is being recomputed elsewhere waits only briefly for that
// recompute's lock (under load, waiting jobs would fill every job slot): then it queues the next
// recompute for when one may start, and returns (ADR 020). A direct recompute still waits its turn.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useFreshDatabase } from "../helpers/db";

type Prisma = (typeof import("../../lib/db"))["prisma"];
let prisma: Prisma;
let projection: typeof import("../../lib/attendance/projection");
let worker: typeof import("../../lib/worker");
let sessions: typeof import("../../lib/services/sessions");
let databaseUrl: string;
let holder: pg.Client;

beforeAll(async () => {
  databaseUrl = await useFreshDatabase("recompute_busy");
  ({ prisma } = await import("../../lib/db"));
  projection = await import("../../lib/attendance/projection");
  worker = await import("../../lib/worker");
  sessions = await import("../../lib/services/sessions");
  holder = new pg.Client({ connectionString: databaseUrl });
  await holder.connect();
});

afterAll(async () => {
  await holder.end();
});

const lockKey = "hashtextextended('recompute:' || $1, 0)";

describe("a recompute job whose session is busy", () => {
  it("queues the next recompute a moment later instead of waiting, and runs when the session is free", async () => {
    const course = await prisma.course.create({ data: { name: "Busy course", timezone: "UTC" } });
    const session = await sessions.createSession(course.id, {
      zoomMeetingId: "84455500091",
      startsAt: new Date("2026-03-04T15:00:00Z"),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    await prisma.$executeRawUnsafe(`DELETE FROM graphile_worker._private_jobs`);

    // Another recompute of the session holds its lock.
    await holder.query(`SELECT pg_advisory_lock(${lockKey})`, [session.id]);
    expect(await projection.recomputeSessionUnlessBusy(session.id)).toBe("busy");
    const started = Date.now();
    await worker.tasks.recompute_session!({ sessionId: session.id }, {} as never);
    expect(Date.now() - started).toBeLessThan(5_000);
    const queued = await prisma.$queryRawUnsafe<{ inMs: number }[]>(
      `SELECT (extract(epoch FROM run_at - now()) * 1000)::float8 AS "inMs" FROM graphile_worker.jobs WHERE key = 'recompute:' || $1`,
      session.id,
    );
    expect(queued).toHaveLength(1);
    expect(queued[0].inMs).toBeGreaterThan(0);
    expect(queued[0].inMs).toBeLessThanOrEqual(1_000);
    expect((await prisma.session.findUniqueOrThrow({ where: { id: session.id } })).computedAt).toBeNull();

    // A direct recompute waits for the lock, then runs.
    const direct = projection.recomputeSession(session.id);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await holder.query(`SELECT pg_advisory_unlock(${lockKey})`, [session.id]);
    expect(await direct).toMatchObject({ sessionId: session.id });
    expect(await projection.recomputeSessionUnlessBusy(session.id)).toMatchObject({ sessionId: session.id });

    // A recompute that ends within the brief wait is waited for: the job runs, nothing is requeued.
    await prisma.$executeRawUnsafe(`DELETE FROM graphile_worker._private_jobs`);
    await holder.query(`SELECT pg_advisory_lock(${lockKey})`, [session.id]);
    const waiting = projection.recomputeSessionUnlessBusy(session.id);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await holder.query(`SELECT pg_advisory_unlock(${lockKey})`, [session.id]);
    expect(await waiting).toMatchObject({ sessionId: session.id });
    const requeued = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT 1 FROM graphile_worker.jobs WHERE key = 'recompute:' || $1`,
      session.id,
    );
    expect(requeued).toHaveLength(0);
  });

  it("fails, and does not end the process, when its database connection is lost (Postgres restarting)", async () => {
    const course = await prisma.course.create({ data: { name: "Lost connection course", timezone: "UTC" } });
    const session = await sessions.createSession(course.id, {
      zoomMeetingId: "84455500092",
      startsAt: new Date("2026-03-05T15:00:00Z"),
      durationMinutes: 60,
      lateAfterMinutes: 5,
      requiredPercent: 90,
    });
    // The recompute waits for its session's lock; its backend is then terminated, as a restarting
    // Postgres does. The checked-out client's 'error' event must be heard (unheard, it would end
    // the process, and vitest would report it as an unhandled error).
    await holder.query(`SELECT pg_advisory_lock(${lockKey})`, [session.id]);
    // Its failure is taken at once (it comes while this test is still looking for the backend).
    const outcome = projection.recomputeSession(session.id).then(
      () => null,
      (error: Error) => error,
    );
    let terminated = 0;
    for (let attempt = 0; attempt < 100 && terminated === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const { rows } = await holder.query(
        `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity
         WHERE wait_event_type = 'Lock' AND wait_event = 'advisory' AND pid <> pg_backend_pid()`,
      );
      terminated = rows[0].terminated;
    }
    expect(terminated).toBe(1);
    expect((await outcome)?.message).toMatch(/terminat/);
    await holder.query(`SELECT pg_advisory_unlock(${lockKey})`, [session.id]);
    // The pool replaces the lost connection: the next recompute runs.
    expect(await projection.recomputeSession(session.id)).toMatchObject({ sessionId: session.id });
  });
});
