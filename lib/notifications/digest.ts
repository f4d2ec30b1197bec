// The weekly at-risk digest (course setting `atRiskDigest`): a graphile-worker cron task
// (lib/worker/crontab.ts) records one notification per instructor per course per ISO week and
// queues its send, through the same exactly-once path as late-joiner emails (ADR 005): the row is
// claimed by its unique periodKey before anything is sent, so a rerun of the task, a second
// worker or a restart within the same week sends nothing more.
import { prisma } from "../db";
import { loadCourseSummary } from "../attendance/summary";
import { log } from "../log";
import { enqueueSends } from "./late-check";

/** ISO 8601 week of a UTC instant: "2026-W49". */
export function isoWeek(now: Date): string {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday); // the Thursday of this week decides the year
  const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((day.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

export const digestPeriodKey = (courseId: string, week: string, recipient: string) =>
  `digest:${courseId}:${week}:${recipient}`;

export interface DigestRunOutcome {
  week: string;
  courses: number;
  /** notifications recorded now (not those recorded by an earlier run this week) */
  created: number;
}

/** Records and queues this week's digests; a course with nobody at risk sends nothing. */
export async function runAtRiskDigests(now: Date = new Date()): Promise<DigestRunOutcome> {
  const week = isoWeek(now);
  const courses = await prisma.course.findMany({
    where: { atRiskDigest: true },
    select: {
      id: true,
      instructors: { where: { user: { disabledAt: null } }, select: { user: { select: { id: true, email: true } } } },
    },
  });
  let created = 0;
  for (const course of courses) {
    if (course.instructors.length === 0) continue;
    const summary = await loadCourseSummary(course.id, now);
    if (!summary || !summary.students.some((student) => student.atRisk)) continue;
    created += await prisma.$transaction(async (tx) => {
      const rows = await tx.notification.createManyAndReturn({
        data: course.instructors.map(({ user }) => {
          const recipient = user.email.toLowerCase();
          return {
            courseId: course.id,
            userId: user.id,
            kind: "at_risk_digest" as const,
            recipient,
            periodKey: digestPeriodKey(course.id, week, recipient),
          };
        }),
        skipDuplicates: true,
        select: { id: true },
      });
      await enqueueSends(
        rows.map((row) => row.id),
        tx,
      );
      return rows.length;
    });
  }
  log.info("at-risk digests recorded", { week, courses: courses.length, created });
  return { week, courses: courses.length, created };
}
