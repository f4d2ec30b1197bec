// The JSON shapes of API resources (timestamps ISO 8601 UTC), and the roster body reader.
import { parse } from "csv-parse/sync";
import { normalizeEmail } from "../attendance/rules";
import { prisma } from "../db";
import { parseRosterCsv } from "../services/students";
import { rosterJsonSchema, type StudentInput } from "../validations/student";
import { ApiError } from "./errors";
import {
  isCsvMediaType,
  isJsonMediaType,
  mediaTypeOf,
  parseJsonText,
  readBodyText,
  unsupportedMediaType,
  validateBody,
} from "./body";

export function publicCourse(course: { id: string; name: string; timezone: string }) {
  return { id: course.id, name: course.name, timezone: course.timezone };
}

export function publicSession(session: {
  id: string;
  courseId: string;
  title: string | null;
  zoomMeetingId: string;
  joinUrl: string | null;
  startsAt: Date;
  durationMinutes: number;
  lateAfterMinutes: number;
  requiredPercent: number;
  cancelledAt: Date | null;
  cancelNote: string | null;
}) {
  return {
    id: session.id,
    courseId: session.courseId,
    title: session.title,
    zoomMeetingId: session.zoomMeetingId,
    joinUrl: session.joinUrl,
    startsAt: session.startsAt.toISOString(),
    durationMinutes: session.durationMinutes,
    lateAfterMinutes: session.lateAfterMinutes,
    requiredPercent: session.requiredPercent,
    cancelled: session.cancelledAt !== null,
    cancelledAt: session.cancelledAt?.toISOString() ?? null,
    cancelNote: session.cancelNote,
  };
}

export function publicStudent(student: {
  id: string;
  name: string;
  email: string;
  zoomRegistrantId: string | null;
  enrolledAt: Date;
  sisId: string | null;
  phone: string | null;
}) {
  return {
    id: student.id,
    name: student.name,
    email: student.email,
    zoomRegistrantId: student.zoomRegistrantId,
    enrolledAt: student.enrolledAt.toISOString(),
    sisId: student.sisId,
    phone: student.phone,
  };
}

/** The JSON roster, with the same "one email once" rule the CSV import applies. */
const rosterJsonBodySchema = rosterJsonSchema.superRefine((roster, context) => {
  const firstIndex = new Map<string, number>();
  roster.students.forEach((student, index) => {
    const key = normalizeEmail(student.email);
    const earlier = firstIndex.get(key);
    if (earlier === undefined) firstIndex.set(key, index);
    else
      context.addIssue({
        code: "custom",
        path: ["students", index, "email"],
        message: `${student.email} already appears at students.${earlier}`,
      });
  });
});

/**
 * The students of a roster upload: JSON {students: [...]} or CSV with the header
 * name,email[,zoom_registrant_id][,enrolled_at][,sis_id]. A CSV with any bad row is refused whole (422, every row's
 * problem listed) so that a half-imported roster never has to be cleaned up.
 */
export async function readRosterBody(request: Request): Promise<StudentInput[]> {
  const mediaType = mediaTypeOf(request);
  if (isJsonMediaType(mediaType)) {
    return validateBody(rosterJsonBodySchema, parseJsonText(await readBodyText(request))).students;
  }
  if (!isCsvMediaType(mediaType)) throw unsupportedMediaType(["application/json", "text/csv"]);
  const text = await readBodyText(request);
  try {
    // The CSV must at least be CSV (balanced quotes...): otherwise it cannot be read at all.
    parse(text, { skip_empty_lines: true, relax_column_count: true });
  } catch (error) {
    throw new ApiError(
      400,
      "invalid_csv",
      `The CSV could not be read: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const roster = parseRosterCsv(text);
  if (roster.errors.length > 0) {
    const count = roster.errors.length;
    throw new ApiError(
      422,
      "invalid_roster",
      `${count} ${count === 1 ? "row has a problem" : "rows have problems"}; nothing was stored.`,
      { rows: roster.errors },
    );
  }
  if (roster.students.length === 0) {
    throw new ApiError(422, "invalid_roster", "The CSV has a header but no students; nothing was stored.", {
      rows: [],
    });
  }
  return roster.students;
}

/** Creating the same class meeting twice (a retried script) is a conflict, not a second session. */
export async function findDuplicateSession(courseId: string, input: { zoomMeetingId: string; startsAt: Date }) {
  return prisma.session.findFirst({
    where: { courseId, zoomMeetingId: input.zoomMeetingId, startsAt: input.startsAt },
    select: { id: true },
  });
}
