// Instructors' overrides of a student's final status in a session, each change appended to the
// override history in the same transaction (the history table refuses edits: see the migration
// 20261206140000_overrides_term_record and docs/decisions/014-overrides-final-record.md).
import { prisma, type Tx } from "../db";
import type { Prisma } from "../generated/prisma/client";
import type { OverrideInputData } from "../validations/override";

export interface Actor {
  id: string;
  name: string;
}

/** A student who is not on this session's course roster. */
export class OverrideTargetError extends Error {}

interface StoredOverride {
  status: string;
  late: boolean | null;
  note: string | null;
}

const snapshot = (override: StoredOverride | null): Prisma.InputJsonValue | undefined =>
  override ? { status: override.status, late: override.late, note: override.note } : undefined;

async function sessionOf(tx: Tx, sessionId: string, studentIds: string[]) {
  const session = await tx.session.findUniqueOrThrow({
    where: { id: sessionId },
    select: { id: true, courseId: true, startsAt: true },
  });
  const students = await tx.student.findMany({
    where: { id: { in: studentIds }, courseId: session.courseId },
    select: { id: true },
  });
  const known = new Set(students.map((student) => student.id));
  const missing = studentIds.find((id) => !known.has(id));
  if (missing !== undefined) throw new OverrideTargetError(`No student with id ${missing} on this session's roster.`);
  return session;
}

/**
 * Sets (or changes) the override of each student in one transaction; an identical repeat changes
 * nothing and adds no history. Returns how many overrides changed.
 */
export async function setOverrides(
  sessionId: string,
  studentIds: string[],
  input: OverrideInputData,
  actor: Actor,
): Promise<number> {
  const ids = [...new Set(studentIds)];
  return prisma.$transaction(async (tx) => {
    const session = await sessionOf(tx, sessionId, ids);
    const existing = await tx.attendanceOverride.findMany({ where: { sessionId, studentId: { in: ids } } });
    const before = new Map(existing.map((override) => [override.studentId, override]));
    let changed = 0;
    for (const studentId of ids) {
      const previous = before.get(studentId) ?? null;
      if (previous && previous.status === input.status && previous.late === input.late && previous.note === input.note)
        continue;
      const data = {
        status: input.status,
        late: input.late,
        note: input.note,
        byId: actor.id,
        byName: actor.name,
        at: new Date(),
      };
      await tx.attendanceOverride.upsert({
        where: { sessionId_studentId: { sessionId, studentId } },
        create: { sessionId, studentId, ...data },
        update: data,
      });
      await tx.overrideHistory.create({
        data: {
          courseId: session.courseId,
          sessionId,
          sessionStartsAt: session.startsAt,
          studentId,
          action: previous ? "change" : "set",
          before: snapshot(previous),
          after: snapshot(data),
          note: input.note,
          byId: actor.id,
          byName: actor.name,
        },
      });
      changed += 1;
    }
    return changed;
  });
}

/** Removes the overrides (the computed status is final again); students without one are left alone. */
export async function removeOverrides(sessionId: string, studentIds: string[], actor: Actor): Promise<number> {
  const ids = [...new Set(studentIds)];
  return prisma.$transaction(async (tx) => {
    const session = await sessionOf(tx, sessionId, ids);
    const existing = await tx.attendanceOverride.findMany({ where: { sessionId, studentId: { in: ids } } });
    for (const previous of existing) {
      await tx.attendanceOverride.delete({
        where: { sessionId_studentId: { sessionId, studentId: previous.studentId } },
      });
      await tx.overrideHistory.create({
        data: {
          courseId: session.courseId,
          sessionId,
          sessionStartsAt: session.startsAt,
          studentId: previous.studentId,
          action: "remove",
          before: snapshot(previous),
          note: null,
          byId: actor.id,
          byName: actor.name,
        },
      });
    }
    return existing.length;
  });
}

export interface HistoryEntry {
  id: string;
  sessionId: string;
  sessionStartsAt: Date;
  action: string;
  before: StoredOverride | null;
  after: StoredOverride | null;
  note: string | null;
  by: string;
  at: Date;
}

/** A student's override history, newest first. */
export async function studentOverrideHistory(studentId: string): Promise<HistoryEntry[]> {
  const rows = await prisma.overrideHistory.findMany({
    where: { studentId },
    orderBy: [{ at: "desc" }, { id: "desc" }],
  });
  return rows.map((row) => ({
    id: row.id.toString(),
    sessionId: row.sessionId,
    sessionStartsAt: row.sessionStartsAt,
    action: row.action,
    before: (row.before as StoredOverride | null) ?? null,
    after: (row.after as StoredOverride | null) ?? null,
    note: row.note,
    by: row.byName,
    at: row.at,
  }));
}
