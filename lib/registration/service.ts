// When roster registration runs (docs/decisions/015-registration-roster-on-zoom.md):
// - on request (API, session page): up to SYNC_LIMIT new students in the request itself, waiting
//   in place only for a short Retry-After; the rest goes to the `register_roster` job;
// - `register_roster` {courseId, zoomMeetingId}: the whole roster, honouring Retry-After up to a
//   minute in place and otherwise retried by graphile-worker with backoff;
// - students added to a course later: a `register_roster` job for each meeting of the course that
//   was registered and has a session still to come;
// - students removed: `cancel_registrants` cancels their registrants on Zoom, so the personal link
//   of someone no longer on the roster stops working.
// One run per course and meeting at a time (a transaction-scoped advisory lock): Zoom is never
// asked twice for the same student by two runs at once.
import { MAX_SESSION_MINUTES, sessionWindow } from "../attendance/rules";
import { prisma, type Tx } from "../db";
import { errorMessage, log } from "../log";
import { addJob, type CancelRegistrantsPayload, type Executor, type TaskHandlers } from "../queue/enqueue";
import { zoomClientFromConfig, ZoomApiError, type ZoomClient } from "../zoom/api";
import { MeetingRegistrationProblem, registerRosterOnMeeting, type RegistrationResult } from "./register";

/** New students registered within a request; a larger roster continues in the background. */
export const SYNC_LIMIT = 60;
/** In a request, wait in place for a Retry-After of at most this long. */
const SYNC_MAX_RETRY_AFTER_MS = 5_000;

export const ZOOM_API_NOT_CONFIGURED_MESSAGE =
  "Zoom API credentials are not configured: set ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (a Server-to-Server OAuth app with the scopes meeting:read:admin and meeting:write:admin) and restart Rollcall.";

export class RegistrationBusyError extends Error {}

const lockKey = (courseId: string, zoomMeetingId: string) => `registration:${courseId}:${zoomMeetingId}`;
/** Registration jobs of one meeting run one at a time (graphile-worker named queue). */
const registrationQueue = (zoomMeetingId: string) => `registration:${zoomMeetingId}`;

/** Queue a registration run of a course's roster on a meeting (one pending job per pair). */
export async function enqueueRegistration(
  courseId: string,
  zoomMeetingId: string,
  options: { db?: Executor; runAt?: Date } = {},
): Promise<void> {
  await addJob(
    "register_roster",
    { courseId, zoomMeetingId },
    {
      runAt: options.runAt ?? new Date(),
      jobKey: `register:${courseId}:${zoomMeetingId}`,
      jobKeyMode: "preserve_run_at",
      queueName: registrationQueue(zoomMeetingId),
      maxAttempts: 12,
    },
    options.db ?? prisma,
  );
}

/** Runs `work` holding the course+meeting registration lock; `wait: false` gives up if it is taken. */
async function withRegistrationLock<T>(
  courseId: string,
  zoomMeetingId: string,
  wait: boolean,
  work: () => Promise<T>,
): Promise<T> {
  return prisma.$transaction(
    async (tx: Tx) => {
      const key = lockKey(courseId, zoomMeetingId);
      if (wait) {
        await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtext(${key}))::text`;
      } else {
        const [row] = await tx.$queryRaw<
          { locked: boolean }[]
        >`SELECT pg_try_advisory_xact_lock(hashtext(${key})) AS locked`;
        if (!row?.locked)
          throw new RegistrationBusyError(
            "The roster is being registered on this meeting right now; try again in a minute.",
          );
      }
      return work();
    },
    { timeout: wait ? 15 * 60_000 : 3 * 60_000, maxWait: 15_000 },
  );
}

export interface SessionRegistrationResult extends RegistrationResult {
  /** the sessions of the course on this meeting: each gets the same registrants */
  sessions: number;
}

/**
 * "Register roster on Zoom" for a session: registers the course's roster on the session's
 * meeting (every session of the course on that meeting shares the registrants). Throws
 * MeetingRegistrationProblem, RegistrationBusyError, or Error when the API is not configured.
 */
export async function registerSessionRoster(
  sessionId: string,
  client: ZoomClient | null = zoomClientFromConfig(undefined, { maxDelayMs: SYNC_MAX_RETRY_AFTER_MS }),
): Promise<SessionRegistrationResult> {
  if (!client) throw new Error(ZOOM_API_NOT_CONFIGURED_MESSAGE);
  const session = await prisma.session.findUniqueOrThrow({
    where: { id: sessionId },
    select: { courseId: true, zoomMeetingId: true },
  });
  const { courseId, zoomMeetingId } = session;
  const sessions = await prisma.session.count({ where: { courseId, zoomMeetingId } });
  const result = await withRegistrationLock(courseId, zoomMeetingId, false, async () => {
    try {
      return await registerRosterOnMeeting(client, courseId, zoomMeetingId, { limit: SYNC_LIMIT });
    } catch (error) {
      if (!(error instanceof ZoomApiError) || !error.retryable) throw error;
      // Zoom is rate limiting or unavailable before anything could be done: the job does it all.
      const [students, stored] = await Promise.all([
        prisma.student.count({ where: { courseId } }),
        prisma.zoomRegistrant.count({ where: { zoomMeetingId, student: { courseId } } }),
      ]);
      log.warn("roster registration left to the job", { zoomMeetingId, error: errorMessage(error) });
      return { zoomMeetingId, registered: 0, alreadyRegistered: stored, failed: [], pending: students - stored };
    }
  });
  if (result.pending > 0) await enqueueRegistration(courseId, zoomMeetingId);
  return { ...result, sessions };
}

/**
 * After students were added to a course (in the caller's transaction): register them on every
 * meeting of the course whose roster was registered and that has a session still to come.
 */
export async function registerAddedStudents(
  courseId: string,
  db: Tx | typeof prisma = prisma,
  now: Date = new Date(),
): Promise<number> {
  // Rows exist only where a registration ran (with credentials); the job itself checks them again.
  const registrations = await db.meetingRegistration.findMany({
    where: { courseId, problem: null },
    select: { zoomMeetingId: true },
  });
  let queued = 0;
  for (const { zoomMeetingId } of registrations) {
    const upcoming = await db.session.findFirst({
      // A session still running started at most MAX_SESSION_MINUTES ago.
      where: { courseId, zoomMeetingId, startsAt: { gte: new Date(now.getTime() - MAX_SESSION_MINUTES * 60_000) } },
      select: { startsAt: true, durationMinutes: true },
      orderBy: { startsAt: "desc" },
    });
    if (!upcoming || sessionWindow(upcoming).end.getTime() < now.getTime()) continue;
    await enqueueRegistration(courseId, zoomMeetingId, { db });
    queued += 1;
  }
  return queued;
}

/**
 * Before students are deleted (in the caller's transaction): queue the cancellation of their
 * registrants on Zoom. The job carries the registrant IDs and emails Zoom needs, since the rows
 * go with the student.
 */
export async function cancelRegistrationsOf(studentIds: string[], db: Tx | typeof prisma = prisma): Promise<number> {
  if (studentIds.length === 0) return 0;
  const rows = await db.zoomRegistrant.findMany({
    where: { studentId: { in: studentIds } },
    select: { zoomMeetingId: true, registrantId: true, student: { select: { email: true } } },
  });
  const byMeeting = new Map<string, { id: string; email: string }[]>();
  for (const row of rows)
    byMeeting.set(row.zoomMeetingId, [
      ...(byMeeting.get(row.zoomMeetingId) ?? []),
      { id: row.registrantId, email: row.student.email.trim() },
    ]);
  for (const [zoomMeetingId, registrants] of byMeeting) {
    for (let index = 0; index < registrants.length; index += 30) {
      const payload: CancelRegistrantsPayload = { zoomMeetingId, registrants: registrants.slice(index, index + 30) };
      await addJob("cancel_registrants", payload, { queueName: registrationQueue(zoomMeetingId), maxAttempts: 12 }, db);
    }
  }
  return rows.length;
}

/** The registrant calls of the job: a registrant or meeting Zoom no longer has is already cancelled. */
export async function cancelRegistrants(
  client: ZoomClient,
  payload: CancelRegistrantsPayload,
): Promise<"cancelled" | "gone"> {
  try {
    await client.updateRegistrantStatus(payload.zoomMeetingId, "cancel", payload.registrants);
    return "cancelled";
  } catch (error) {
    if (error instanceof ZoomApiError && (error.status === 404 || error.zoomCode === 3001 || error.zoomCode === 3003))
      return "gone";
    throw error;
  }
}

export const registrationTasks = {
  async register_roster({ courseId, zoomMeetingId }) {
    const client = zoomClientFromConfig();
    if (!client) return;
    const course = await prisma.course.findUnique({ where: { id: courseId }, select: { id: true } });
    if (!course) return;
    try {
      const result = await withRegistrationLock(courseId, zoomMeetingId, true, () =>
        registerRosterOnMeeting(client, courseId, zoomMeetingId),
      );
      // Thrown: graphile-worker tries again later (exponential backoff) for the rest.
      if (result.pending > 0)
        throw new Error(
          `${result.pending} students still to register on meeting ${zoomMeetingId} (Zoom asked us to wait)`,
        );
    } catch (error) {
      // The meeting's problem is recorded for the session page; retrying cannot fix it.
      if (error instanceof MeetingRegistrationProblem) {
        log.warn("roster registration refused for the meeting", { zoomMeetingId, problem: error.message });
        return;
      }
      throw error;
    }
  },

  async cancel_registrants(payload) {
    const client = zoomClientFromConfig();
    if (!client) return;
    const outcome = await cancelRegistrants(client, payload);
    log.info("registrants cancelled on Zoom", {
      zoomMeetingId: payload.zoomMeetingId,
      count: payload.registrants.length,
      outcome,
    });
  },
} satisfies Partial<TaskHandlers>;
