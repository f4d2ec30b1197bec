// Finds the stored events that belong to one roster student (for erasure and export): every
// session of the student's course is attributed as the attendance engine does it
// (lib/privacy/attribution.ts). Events that attach to no session are matched on evidence:
// registrant ID, email or linked Zoom account ID in any meeting (so events of sessions since
// deleted are found too; no session counts them, so no other attendance depends on them), and the
// student's name or a display name matched to them, within the course's own meetings.
import { attachEventsToSessions } from "../attendance/engine";
import { isPseudonym, pseudonymOf } from "../attendance/pseudonym";
import { competingSessions, loadCourseIdentity, readMeetingEvents, SESSION_INPUT_SELECT } from "../attendance/load";
import { normalizeName, widenedSessionWindow } from "../attendance/rules";
import type { EngineEvent, SessionInput } from "../attendance/types";
import { attributeSessionEvents, isDirectlyTheStudents } from "./attribution";
import type { PrismaClient } from "../generated/prisma/client";

type Db = Pick<
  PrismaClient,
  "$queryRawUnsafe" | "student" | "session" | "meetingCourse" | "identityLink" | "manualMatch" | "courseInstructor"
>;

export interface StudentEvents {
  /** event id → the session it counts for (null: attached to no session) */
  eventSessions: Map<string, string | null>;
  /** lower-cased strings that name the student in raw bodies (email, registrant ID, account IDs, names) */
  needles: string[];
}

const EVENT_COLUMNS = `id::text AS id, "eventType", source::text AS source, "eventTs", "zoomMeetingId", "meetingUuid",
  "occurredAt", "participantUserId", "participantAccountId", "registrantId", email, "emailNormalized",
  "displayName", "joinTime", "leaveTime"`;

export async function findStudentEvents(db: Db, studentId: string): Promise<StudentEvents | null> {
  const student = await db.student.findUnique({
    where: { id: studentId },
    select: { id: true, courseId: true, name: true, email: true, emailNormalized: true, zoomRegistrantId: true },
  });
  if (!student) return null;
  const [courseSessions, { roster, links, manualMatches }] = await Promise.all([
    // Only sessions on meetings the course may see: the others hold none of the meeting's events.
    Promise.all([
      db.session.findMany({ where: { courseId: student.courseId }, select: SESSION_INPUT_SELECT }),
      db.meetingCourse.findMany({ where: { courseId: student.courseId }, select: { zoomMeetingId: true } }),
    ]).then(([sessions, meetings]) => {
      const visible = new Set(meetings.map((meeting) => meeting.zoomMeetingId));
      return sessions.filter((session) => visible.has(session.zoomMeetingId));
    }),
    loadCourseIdentity(db, student.courseId),
  ]);
  const linkedAccounts = new Set(
    links.filter((link) => link.studentId === student.id).map((link) => link.zoomAccountId.trim()),
  );
  // Registrant IDs from registering the roster on Zoom meetings (one per meeting) are direct evidence too.
  const registrantIds = roster.find((entry) => entry.id === student.id)?.zoomRegistrantIds ?? [];
  const withRegistrations = { ...student, zoomRegistrantIds: registrantIds };
  const ownMatches = manualMatches.filter((match) => match.studentId === student.id);
  for (const match of ownMatches) if (match.kind === "account_id") linkedAccounts.add(match.value.trim());
  // Names that stand for the student: their roster name and display names matched to them.
  const names = new Set([
    normalizeName(student.name),
    ...ownMatches.filter((match) => match.kind === "display_name").map((match) => normalizeName(match.value)),
  ]);
  names.delete("");
  // Events past RETENTION_DAYS carry pseudonyms of names and emails instead.
  for (const name of [...names]) names.add(pseudonymOf(name));
  const byName = (event: Pick<EngineEvent, "displayName">) =>
    event.displayName !== null && names.has(normalizeName(event.displayName));
  const eventSessions = new Map<string, string | null>();
  const courseSessionIds = new Set(courseSessions.map((session) => session.id));

  // One pass per meeting ID of the course: its events over the span of its sessions, attached
  // exactly as the projection attaches them (among the course's own sessions; a course not allowed
  // to see the meeting gets none of them).
  const meetingIds = [...new Set(courseSessions.map((session) => session.zoomMeetingId))];
  for (const meetingId of meetingIds) {
    const ofMeeting = courseSessions.filter((session) => session.zoomMeetingId === meetingId);
    const from = new Date(Math.min(...ofMeeting.map((session) => widenedSessionWindow(session).start.getTime())));
    const to = new Date(Math.max(...ofMeeting.map((session) => widenedSessionWindow(session).end.getTime())));
    const [events, siblings] = await Promise.all([
      readMeetingEvents(meetingId, from, to),
      competingSessions(db, student.courseId, meetingId, { start: from, end: to }),
    ]);
    const attached = attachEventsToSessions(events, siblings as SessionInput[]);
    const attachedIds = new Set<string>();
    for (const [sessionId, sessionEvents] of attached) {
      for (const event of sessionEvents) attachedIds.add(event.id);
      if (!courseSessionIds.has(sessionId)) continue;
      const session = ofMeeting.find((candidate) => candidate.id === sessionId)!;
      const owners = attributeSessionEvents(sessionEvents, { session, roster, links, manualMatches });
      for (const id of owners.get(student.id) ?? []) eventSessions.set(id, sessionId);
    }
    for (const event of events) {
      if (
        !attachedIds.has(event.id) &&
        (isDirectlyTheStudents(event, withRegistrations, linkedAccounts) || byName(event))
      )
        eventSessions.set(event.id, null);
    }
  }

  // Events attached to no session at all (outside every session's span, or of a session since
  // deleted): by registrant ID, email or linked account in any meeting, by name in the course's.
  {
    const values: unknown[] = [meetingIds, [...names], [student.emailNormalized, pseudonymOf(student.emailNormalized)]];
    const conditions: string[] = [
      `(e."zoomMeetingId" = ANY($1::text[]) AND lower(regexp_replace(btrim(e."displayName"), '\\s+', ' ', 'g')) = ANY($2::text[]))`,
      `e."emailNormalized" = ANY($3::text[])`,
    ];
    const registrants = [student.zoomRegistrantId, ...registrantIds].filter((id): id is string => Boolean(id));
    if (registrants.length > 0) {
      values.push(registrants);
      conditions.push(`e."registrantId" = ANY($${values.length}::text[])`);
    }
    if (linkedAccounts.size > 0) {
      values.push([...linkedAccounts]);
      conditions.push(`e."participantAccountId" = ANY($${values.length}::text[])`);
    }
    const loose = await db.$queryRawUnsafe<EngineEvent[]>(
      `SELECT ${EVENT_COLUMNS} FROM events e
       WHERE (${conditions.join(" OR ")})
         AND NOT EXISTS (
           SELECT 1 FROM sessions s WHERE s."zoomMeetingId" = e."zoomMeetingId"
             AND e."occurredAt" >= s."startsAt" - interval '60 minutes'
             AND e."occurredAt" < s."startsAt" + make_interval(mins => s."durationMinutes") + interval '60 minutes')`,
      ...values,
    );
    const courseMeetings = new Set(meetingIds);
    for (const event of loose) {
      if (eventSessions.has(event.id)) continue;
      if (
        isDirectlyTheStudents(event, withRegistrations, linkedAccounts) ||
        (courseMeetings.has(event.zoomMeetingId ?? "") && byName(event))
      )
        eventSessions.set(event.id, null);
    }
  }
  // What names the student in a raw delivery body: 6 characters at least, so that a short name
  // does not match every body.
  const needles = [
    ...new Set(
      [
        student.emailNormalized,
        student.zoomRegistrantId?.trim() ?? "",
        ...registrantIds,
        ...linkedAccounts,
        ...[...names].filter((name) => !isPseudonym(name)),
      ].map((needle) => needle.toLowerCase()),
    ),
  ].filter((needle) => needle.length >= 6);
  return { eventSessions, needles };
}
