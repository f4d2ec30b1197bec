// Registering a course's roster on a Zoom meeting (ADR 015,
// docs/decisions/015-registration-roster-on-zoom.md). Each student becomes a Zoom registrant once
// per meeting: Rollcall stores the registrant ID (which every webhook of theirs then carries) and
// the personal join link. What is stored is looked up first, then Zoom's own list of approved
// registrants (a registration made before, by Rollcall or by hand), and only the rest is sent to
// Zoom: batches of 30 when the meeting approves automatically, one call per student otherwise.
// Problems of the whole meeting (registration off, no such meeting) are reported once, per meeting.
import { normalizeEmail } from "../attendance/rules";
import { prisma } from "../db";
import { errorMessage, log } from "../log";
import {
  BATCH_REGISTRANTS_MAX,
  ZoomApiError,
  type ZoomClient,
  type ZoomMeeting,
  type ZoomRegistrantInput,
} from "../zoom/api";

export interface FailedRegistration {
  studentId: string;
  email: string;
  message: string;
}

export interface RegistrationResult {
  zoomMeetingId: string;
  /** registered on Zoom by this run */
  registered: number;
  /** had a registrant already (stored, or found in Zoom's list) */
  alreadyRegistered: number;
  failed: FailedRegistration[];
  /** left for the background job (a large roster, or Zoom asked us to wait) */
  pending: number;
}

/** Zoom refused the whole meeting: nothing per student helps; the message says what to change. */
export class MeetingRegistrationProblem extends Error {
  constructor(
    readonly zoomMeetingId: string,
    readonly code: "registration_not_enabled" | "meeting_not_found" | "zoom_refused",
    message: string,
  ) {
    super(message);
    this.name = "MeetingRegistrationProblem";
  }
}

/** Registration off in Zoom: what to change, said once per meeting. */
export function registrationOffMessage(zoomMeetingId: string): string {
  return (
    `Registration is not turned on for Zoom meeting ${zoomMeetingId}. In Zoom, edit the meeting, tick ` +
    `"Registration: Required", set Approval to "Automatically approve" (under Registration options), save, ` +
    `and register the roster again.`
  );
}

interface Student {
  id: string;
  name: string;
  email: string;
  emailNormalized: string;
}

export interface RegisterOptions {
  /** register at most this many new students now; the rest are counted as pending */
  limit?: number;
  now?: Date;
}

/** "Hana Sato" → first_name "Hana", last_name "Sato" (Zoom requires a first name). */
export function splitName(name: string): { first_name: string; last_name?: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length <= 1) return { first_name: parts[0] || "Student" };
  return { first_name: parts.slice(0, -1).join(" "), last_name: parts[parts.length - 1] };
}

/**
 * The occurrence IDs to register for, when the meeting registers per occurrence (recurring with
 * registration_type 2 or 3): the occurrences at the start of the course's upcoming sessions on this
 * meeting, else every upcoming occurrence. Empty when Zoom registers for the whole series at once.
 */
export function occurrencesToRegister(meeting: ZoomMeeting, sessionStarts: Date[], now: Date): string[] {
  const perOccurrence =
    meeting.type === 8 && (meeting.settings?.registration_type === 2 || meeting.settings?.registration_type === 3);
  if (!perOccurrence || !meeting.occurrences?.length) return [];
  const upcoming = meeting.occurrences.filter(
    (occurrence) => Date.parse(occurrence.start_time) >= now.getTime() - 24 * 3600_000,
  );
  const starts = new Set(sessionStarts.map((start) => start.getTime()));
  const ours = upcoming.filter((occurrence) => starts.has(Date.parse(occurrence.start_time)));
  return (ours.length > 0 ? ours : upcoming).map((occurrence) => occurrence.occurrence_id);
}

/** A Zoom error that concerns the meeting, not the student (registration off, meeting gone). */
function meetingWide(error: ZoomApiError): boolean {
  return (
    error.status === 404 ||
    error.zoomCode === 3001 ||
    /registration (has not been|is not) enabled|not enabled.*registration/i.test(error.message)
  );
}

async function recordProblem(
  courseId: string,
  zoomMeetingId: string,
  problem: string | null,
  approvalType: number | null,
  now: Date,
) {
  await prisma.meetingRegistration.upsert({
    where: { courseId_zoomMeetingId: { courseId, zoomMeetingId } },
    create: { courseId, zoomMeetingId, problem, approvalType, lastRunAt: now },
    update: { problem, approvalType, lastRunAt: now },
  });
}

/** Zoom's own words in an error ("POST /meetings/1/registrants: HTTP 400 Invalid email" → "Invalid email"). */
function zoomSaid(error: ZoomApiError): string {
  return error.message.replace(/^[A-Z]+ \S+: HTTP \d+ ?/, "") || `HTTP ${error.status}`;
}

/** Records and returns the problem of a meeting Zoom refused in the middle of a run. */
async function meetingRefused(
  courseId: string,
  zoomMeetingId: string,
  error: ZoomApiError,
  approvalType: number | null,
  now: Date,
): Promise<MeetingRegistrationProblem> {
  const off = /registration/i.test(error.message);
  const message = off
    ? `${registrationOffMessage(zoomMeetingId)} (Zoom said: ${zoomSaid(error)})`
    : `Zoom refused meeting ${zoomMeetingId}: ${zoomSaid(error)}`;
  await recordProblem(courseId, zoomMeetingId, message, approvalType, now);
  return new MeetingRegistrationProblem(zoomMeetingId, off ? "registration_not_enabled" : "zoom_refused", message);
}

async function store(
  studentId: string,
  zoomMeetingId: string,
  registrantId: string,
  joinUrl: string | null | undefined,
): Promise<void> {
  // The unique (student, meeting) index keeps one registrant per student and meeting, also if two runs raced.
  await prisma.zoomRegistrant.createMany({
    data: [{ studentId, zoomMeetingId, registrantId, joinUrl: joinUrl ?? null }],
    skipDuplicates: true,
  });
}

/**
 * Registers every student of `courseId` who has no registrant on `zoomMeetingId` yet. Throws
 * MeetingRegistrationProblem when Zoom refuses the meeting (recorded for the session page), and a
 * retryable ZoomApiError only when nothing could be done; a rate limit met midway ends the run
 * with the rest counted as `pending`.
 */
export async function registerRosterOnMeeting(
  client: ZoomClient,
  courseId: string,
  zoomMeetingId: string,
  options: RegisterOptions = {},
): Promise<RegistrationResult> {
  const now = options.now ?? new Date();
  const result: RegistrationResult = { zoomMeetingId, registered: 0, alreadyRegistered: 0, failed: [], pending: 0 };

  let meeting: ZoomMeeting;
  try {
    meeting = await client.getMeeting(zoomMeetingId);
  } catch (error) {
    if (error instanceof ZoomApiError && !error.retryable && meetingWide(error)) {
      const message = `Zoom has no meeting ${zoomMeetingId} that these credentials can see (${error.message}). Check the session's meeting ID, and that the meeting belongs to the account of the Zoom app.`;
      await recordProblem(courseId, zoomMeetingId, message, null, now);
      throw new MeetingRegistrationProblem(zoomMeetingId, "meeting_not_found", message);
    }
    throw error;
  }
  const approvalType = meeting.settings?.approval_type ?? null;
  if (approvalType === 2) {
    const message = registrationOffMessage(zoomMeetingId);
    await recordProblem(courseId, zoomMeetingId, message, approvalType, now);
    throw new MeetingRegistrationProblem(zoomMeetingId, "registration_not_enabled", message);
  }

  const [students, stored, sessions] = await Promise.all([
    prisma.student.findMany({
      where: { courseId },
      select: { id: true, name: true, email: true, emailNormalized: true },
      orderBy: [{ name: "asc" }, { id: "asc" }],
    }),
    prisma.zoomRegistrant.findMany({ where: { zoomMeetingId, student: { courseId } }, select: { studentId: true } }),
    prisma.session.findMany({ where: { courseId, zoomMeetingId, startsAt: { gte: now } }, select: { startsAt: true } }),
  ]);
  const registered = new Set(stored.map((row) => row.studentId));
  result.alreadyRegistered = registered.size;
  let todo: Student[] = students.filter((student) => !registered.has(student.id));

  if (todo.length > 0) {
    // Zoom's own list first: a registration made earlier (by hand, or a run cut short) is reused.
    let listed: Awaited<ReturnType<ZoomClient["listRegistrants"]>>;
    try {
      listed = await client.listRegistrants(zoomMeetingId, { status: "approved" });
    } catch (error) {
      if (error instanceof ZoomApiError && !error.retryable && meetingWide(error))
        throw await meetingRefused(courseId, zoomMeetingId, error, approvalType, now);
      throw error;
    }
    const byEmail = new Map(listed.map((registrant) => [normalizeEmail(registrant.email), registrant]));
    const remaining: Student[] = [];
    for (const student of todo) {
      const existing = byEmail.get(student.emailNormalized);
      if (existing) {
        await store(student.id, zoomMeetingId, existing.id, existing.join_url);
        result.alreadyRegistered += 1;
      } else remaining.push(student);
    }
    todo = remaining;
  }

  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const thisRun = todo.slice(0, limit);
  result.pending = todo.length - thisRun.length;
  const occurrenceIds = occurrencesToRegister(
    meeting,
    sessions.map((session) => session.startsAt),
    now,
  );
  const useBatch = approvalType === 0 && occurrenceIds.length === 0;
  const groups: Student[][] = [];
  for (let index = 0; index < thisRun.length; index += useBatch ? BATCH_REGISTRANTS_MAX : 1)
    groups.push(thisRun.slice(index, index + (useBatch ? BATCH_REGISTRANTS_MAX : 1)));

  const input = (student: Student): ZoomRegistrantInput => ({
    email: student.email.trim(),
    ...splitName(student.name),
  });
  for (const [index, group] of groups.entries()) {
    try {
      if (useBatch) {
        const answer = await client.addRegistrantsBatch(zoomMeetingId, group.map(input));
        const byEmail = new Map(answer.map((registrant) => [normalizeEmail(registrant.email), registrant]));
        for (const student of group) {
          const registrant = byEmail.get(student.emailNormalized);
          if (registrant?.registrant_id) {
            await store(student.id, zoomMeetingId, registrant.registrant_id, registrant.join_url);
            result.registered += 1;
          } else {
            result.failed.push({
              studentId: student.id,
              email: student.email,
              message: "Zoom's batch answer did not include this email; try again.",
            });
          }
        }
      } else {
        const registrant = await client.addRegistrant(zoomMeetingId, input(group[0]), occurrenceIds);
        await store(group[0].id, zoomMeetingId, registrant.registrant_id, registrant.join_url);
        result.registered += 1;
      }
    } catch (error) {
      if (!(error instanceof ZoomApiError)) throw error;
      if (!error.retryable && meetingWide(error))
        throw await meetingRefused(courseId, zoomMeetingId, error, approvalType, now);
      if (error.retryable) {
        // Rate limited beyond what we wait for in place, or Zoom is down: the rest waits for the job.
        const left = groups.slice(index).reduce((sum, rest) => sum + rest.length, 0);
        result.pending += left;
        log.warn("roster registration paused", { zoomMeetingId, pending: result.pending, error: errorMessage(error) });
        break;
      }
      if (useBatch) {
        // A refused batch (one address Zoom does not take fails all 30): register them one by one,
        // so only the students Zoom really refuses are reported.
        for (const student of group) {
          try {
            const registrant = await client.addRegistrant(zoomMeetingId, input(student));
            await store(student.id, zoomMeetingId, registrant.registrant_id, registrant.join_url);
            result.registered += 1;
          } catch (single) {
            if (!(single instanceof ZoomApiError) || single.retryable) throw single;
            result.failed.push({
              studentId: student.id,
              email: student.email,
              message: `Zoom refused: ${zoomSaid(single)}`,
            });
          }
        }
        continue;
      }
      // This student was refused (e.g. an email Zoom does not accept): say so for them.
      for (const student of group)
        result.failed.push({
          studentId: student.id,
          email: student.email,
          message: `Zoom refused: ${zoomSaid(error)}`,
        });
    }
  }
  await recordProblem(courseId, zoomMeetingId, null, approvalType, now);
  log.info("roster registered on Zoom", {
    courseId,
    zoomMeetingId,
    registered: result.registered,
    alreadyRegistered: result.alreadyRegistered,
    failed: result.failed.length,
    pending: result.pending,
  });
  return result;
}
