// Meetings that break "a meeting belongs to its courses" (README "Who may see a meeting", ADR 010):
// sessions of a course not allowed to see their meeting. Plain SQL, so that the migration runner
// (lib/db/migrate.ts) can report them with its own connection.
export interface MeetingConflict {
  zoomMeetingId: string;
  /** courses allowed to see the meeting */
  allowedCourses: { id: string; name: string }[];
  /** courses with sessions on the meeting that may not see it: they receive none of its events */
  conflictingCourses: { id: string; name: string; sessions: number }[];
}

/**
 * Meetings with sessions of a course that may not see them: data from before meetings belonged to
 * courses (the migration keeps the first course), or a course an admin removed. Never changed
 * silently: admins see them (admin pages, migration warning) and share, move or delete.
 */
export async function queryMeetingConflicts(query: (sql: string) => Promise<unknown[]>): Promise<MeetingConflict[]> {
  const rows = (await query(
    `WITH conflicting AS (
       SELECT s."zoomMeetingId", s."courseId", count(*)::int AS sessions FROM sessions s
       WHERE NOT EXISTS (SELECT 1 FROM meeting_courses m WHERE m."zoomMeetingId" = s."zoomMeetingId" AND m."courseId" = s."courseId")
       GROUP BY s."zoomMeetingId", s."courseId"
     )
     SELECT c."zoomMeetingId", c."courseId", co.name AS "courseName", c.sessions, false AS allowed
     FROM conflicting c JOIN courses co ON co.id = c."courseId"
     UNION ALL
     SELECT m."zoomMeetingId", m."courseId", co.name, 0, true
     FROM meeting_courses m JOIN courses co ON co.id = m."courseId"
     WHERE m."zoomMeetingId" IN (SELECT "zoomMeetingId" FROM conflicting)
     ORDER BY 1, 3`,
  )) as { zoomMeetingId: string; courseId: string; courseName: string; sessions: number; allowed: boolean }[];
  const byMeeting = new Map<string, MeetingConflict>();
  for (const row of rows) {
    let conflict = byMeeting.get(row.zoomMeetingId);
    if (!conflict)
      byMeeting.set(
        row.zoomMeetingId,
        (conflict = { zoomMeetingId: row.zoomMeetingId, allowedCourses: [], conflictingCourses: [] }),
      );
    if (row.allowed) conflict.allowedCourses.push({ id: row.courseId, name: row.courseName });
    else conflict.conflictingCourses.push({ id: row.courseId, name: row.courseName, sessions: row.sessions });
  }
  return [...byMeeting.values()];
}

/** One line per conflicting meeting, for the migration-time warning. */
export function describeMeetingConflicts(conflicts: MeetingConflict[]): string[] {
  return conflicts.map((conflict) => {
    const allowed =
      conflict.allowedCourses.map((course) => `"${course.name}" (${course.id})`).join(", ") || "no course";
    const others = conflict.conflictingCourses
      .map((course) => `"${course.name}" (${course.id}, ${course.sessions} session${course.sessions === 1 ? "" : "s"})`)
      .join(", ");
    return `meeting ${conflict.zoomMeetingId}: belongs to ${allowed}; also scheduled by ${others}, which receive none of its events until an admin shares the meeting`;
  });
}
