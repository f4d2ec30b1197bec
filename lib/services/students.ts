// Roster changes: upsert by email (case-insensitive within a course), CSV import, removal.
// Any change recomputes the course's sessions, so a newly added student is matched to events
// that already arrived.
import { parse } from "csv-parse/sync";
import { normalizeEmail } from "../attendance/rules";
import { isUniqueViolation, prisma } from "../db";
import { enqueueRecompute } from "../queue/enqueue";
import { startOfLocalDay } from "../exports/time";
import { cancelRegistrationsOf, registerAddedStudents } from "../registration/service";
import { MAX_ROSTER_ROWS, studentInputSchema, type StudentInput } from "../validations/student";

export interface RosterRowError {
  /** 1-based line in the CSV (header is line 1) or index+1 in a JSON list */
  row: number;
  message: string;
}

export interface ParsedRoster {
  students: StudentInput[];
  errors: RosterRowError[];
}

/** Parses `name,email[,zoom_registrant_id][,enrolled_at][,sis_id][,phone]` CSV text; rows with problems are reported, not dropped silently. */
export function parseRosterCsv(text: string): ParsedRoster {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ""), { skip_empty_lines: true, relax_column_count: true, trim: true });
  } catch (error) {
    return {
      students: [],
      errors: [
        { row: 0, message: `The CSV could not be read: ${error instanceof Error ? error.message : String(error)}` },
      ],
    };
  }
  if (records.length === 0) return { students: [], errors: [{ row: 0, message: "The CSV is empty." }] };
  const header = records[0].map((cell) => cell.trim().toLowerCase());
  const nameColumn = header.indexOf("name");
  const emailColumn = header.indexOf("email");
  const registrantColumn = header.indexOf("zoom_registrant_id");
  const enrolledColumn = header.indexOf("enrolled_at");
  const sisColumn = header.indexOf("sis_id");
  const phoneColumn = header.indexOf("phone");
  if (nameColumn < 0 || emailColumn < 0) {
    return {
      students: [],
      errors: [
        { row: 1, message: "The header must be name,email[,zoom_registrant_id][,enrolled_at][,sis_id][,phone]." },
      ],
    };
  }
  if (records.length - 1 > MAX_ROSTER_ROWS) {
    return {
      students: [],
      errors: [{ row: 0, message: `At most ${MAX_ROSTER_ROWS} students can be imported at once.` }],
    };
  }
  const students: StudentInput[] = [];
  const errors: RosterRowError[] = [];
  const seen = new Map<string, number>();
  records.slice(1).forEach((record, index) => {
    const row = index + 2;
    const parsed = studentInputSchema.safeParse({
      name: record[nameColumn] ?? "",
      email: record[emailColumn] ?? "",
      // No zoom_registrant_id column: leave existing registrant IDs as they are.
      zoomRegistrantId: registrantColumn >= 0 ? record[registrantColumn] : undefined,
      // No phone column: leave existing phone numbers as they are.
      phone: phoneColumn >= 0 ? record[phoneColumn] : undefined,
      // Likewise: no column (or an empty cell) keeps a stored enrolment date / SIS ID.
      enrolledAt: enrolledColumn >= 0 && record[enrolledColumn] ? record[enrolledColumn] : undefined,
      sisId: sisColumn >= 0 ? record[sisColumn] : undefined,
    });
    if (!parsed.success) {
      errors.push({
        row,
        message: parsed.error.issues
          .map((issue) => {
            const field = String(issue.path[0]);
            return issue.message.startsWith(field) ? issue.message : `${field} ${issue.message}`;
          })
          .join("; "),
      });
      return;
    }
    const key = normalizeEmail(parsed.data.email);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      errors.push({ row, message: `email ${parsed.data.email} already appears on row ${earlier}` });
      return;
    }
    seen.set(key, row);
    students.push(parsed.data);
  });
  return { students, errors };
}

/** An enrolment date as an instant: a local date is the start of that day in the course's zone. */
function enrolmentInstant(value: Date | string | undefined, timeZone: string): Date | undefined {
  return typeof value === "string" ? startOfLocalDay(value, timeZone) : value;
}

/** Inserts new students and updates existing ones (matched by email, case-insensitively). */
export async function upsertStudents(
  courseId: string,
  students: StudentInput[],
): Promise<{ created: number; updated: number }> {
  const result = await prisma.$transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    const { timezone } = await tx.course.findUniqueOrThrow({ where: { id: courseId }, select: { timezone: true } });
    const existing = await tx.student.findMany({
      where: { courseId, emailNormalized: { in: students.map((student) => normalizeEmail(student.email)) } },
      select: { emailNormalized: true },
    });
    const known = new Set(existing.map((student) => student.emailNormalized));
    for (const student of students) {
      const emailNormalized = normalizeEmail(student.email);
      const enrolledAt = enrolmentInstant(student.enrolledAt, timezone);
      await tx.student.upsert({
        where: { courseId_emailNormalized: { courseId, emailNormalized } },
        create: {
          courseId,
          name: student.name,
          email: student.email.trim(),
          emailNormalized,
          zoomRegistrantId: student.zoomRegistrantId,
          sisId: student.sisId ?? null,
          enrolledAt,
          phone: student.phone,
        },
        update: {
          name: student.name,
          email: student.email.trim(),
          zoomRegistrantId: student.zoomRegistrantId,
          sisId: student.sisId,
          enrolledAt,
          phone: student.phone,
        },
      });
      if (known.has(emailNormalized)) updated += 1;
      else {
        created += 1;
        known.add(emailNormalized);
      }
    }
    const sessions = await tx.session.findMany({ where: { courseId }, select: { id: true } });
    await enqueueRecompute(
      sessions.map((session) => session.id),
      tx,
    );
    // New students get registered on the course's registered Zoom meetings (personal links).
    if (created > 0) await registerAddedStudents(courseId, tx);
    return { created, updated };
  });
  return result;
}

export class DuplicateStudentEmailError extends Error {}

/** Edits a student; unlike the roster upsert (keyed by email) this may change the email itself. */
export async function updateStudent(studentId: string, input: StudentInput): Promise<void> {
  const email = input.email.trim();
  try {
    await prisma.$transaction(async (tx) => {
      const { course } = await tx.student.findUniqueOrThrow({
        where: { id: studentId },
        select: { course: { select: { timezone: true } } },
      });
      const student = await tx.student.update({
        where: { id: studentId },
        data: {
          name: input.name,
          email,
          emailNormalized: normalizeEmail(email),
          zoomRegistrantId: input.zoomRegistrantId,
          sisId: input.sisId,
          enrolledAt: enrolmentInstant(input.enrolledAt, course.timezone),
          phone: input.phone,
        },
      });
      // Email, registrant ID and phone decide who is who: recompute the course's sessions.
      const sessions = await tx.session.findMany({ where: { courseId: student.courseId }, select: { id: true } });
      await enqueueRecompute(
        sessions.map((session) => session.id),
        tx,
      );
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new DuplicateStudentEmailError(`another student of this course has the email ${email}`);
    }
    throw error;
  }
}

export async function removeStudent(studentId: string): Promise<void> {
  const student = await prisma.$transaction(async (tx) => {
    // Their personal Zoom links must not stay usable: cancel the registrants (in the background).
    await cancelRegistrationsOf([studentId], tx);
    return tx.student.delete({ where: { id: studentId } });
  });
  const sessions = await prisma.session.findMany({ where: { courseId: student.courseId }, select: { id: true } });
  await enqueueRecompute(sessions.map((session) => session.id));
}
