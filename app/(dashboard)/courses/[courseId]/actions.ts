"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser, requireVisibleCourse } from "@/lib/access";
import { normalizeEmail } from "@/lib/attendance/rules";
import { prisma } from "@/lib/db";
import { parseRosterCsv, upsertStudents } from "@/lib/services/students";
import { createSession, createSessions, DuplicateSessionError } from "@/lib/services/sessions";
import { MAX_ROSTER_ROWS } from "@/lib/validations/student";
import {
  duplicateSessionState,
  meetingRefusalState,
  parseSeriesForm,
  parseSessionForm,
  parseStudentForm,
  sessionWriteOptions,
  type FormState,
} from "../../_lib/forms";

export async function addStudentAction(courseId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  await requireVisibleCourse(user, courseId);
  const parsed = parseStudentForm(formData);
  if (!parsed.ok) return parsed.state;
  const { created } = await upsertStudents(courseId, [parsed.data]);
  revalidatePath(`/courses/${courseId}`);
  return {
    ok: true,
    message: created
      ? `Added ${parsed.data.name} to the roster.`
      : `${parsed.data.email} was already on the roster: updated.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Roster import: the same action previews (nothing saved) and imports (upsert by email).

export interface RosterPreviewRow {
  name: string;
  email: string;
  /** undefined when the CSV has no zoom_registrant_id column: stored IDs are kept */
  zoomRegistrantId?: string | null;
  /** undefined when the CSV has no phone column: stored numbers are kept */
  phone?: string | null;
  /** "new" or "update": whether the email is already on the roster */
  change: "new" | "update";
}

export interface RosterImportState extends FormState {
  csv?: string;
  preview?: { rows: RosterPreviewRow[]; errors: { row: number; message: string }[] };
  imported?: { created: number; updated: number };
}

const MAX_CSV_BYTES = 2 * 1024 * 1024;

async function csvFromForm(formData: FormData): Promise<string | { error: string }> {
  const file = formData.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_CSV_BYTES) return { error: "The file is larger than 2 MB." };
    return file.text();
  }
  const pasted = formData.get("csv");
  const text = typeof pasted === "string" ? pasted : "";
  if (text.length > MAX_CSV_BYTES) return { error: "The pasted text is larger than 2 MB." };
  return text;
}

export async function rosterImportAction(
  courseId: string,
  _previous: RosterImportState,
  formData: FormData,
): Promise<RosterImportState> {
  const user = await requireUser();
  await requireVisibleCourse(user, courseId);
  const csv = await csvFromForm(formData);
  if (typeof csv !== "string") return { ok: false, message: csv.error };
  if (csv.trim() === "") return { ok: false, csv, message: "Choose a CSV file or paste the roster first." };
  const { students, errors } = parseRosterCsv(csv);

  if (formData.get("intent") === "import") {
    if (students.length === 0)
      return { ok: false, csv, message: "There is no valid row to import.", preview: { rows: [], errors } };
    const result = await upsertStudents(courseId, students);
    revalidatePath(`/courses/${courseId}`);
    const skipped = errors.length > 0 ? ` ${errors.length} row${errors.length === 1 ? " was" : "s were"} skipped.` : "";
    return {
      ok: true,
      csv: "",
      imported: result,
      message: `Imported: ${result.created} added, ${result.updated} updated.${skipped}`,
    };
  }

  const known = new Set(
    (
      await prisma.student.findMany({
        where: { courseId, emailNormalized: { in: students.map((student) => normalizeEmail(student.email)) } },
        select: { emailNormalized: true },
      })
    ).map((student) => student.emailNormalized),
  );
  const rows = students.map((student) => ({
    name: student.name,
    email: student.email,
    zoomRegistrantId: student.zoomRegistrantId,
    phone: student.phone,
    change: known.has(normalizeEmail(student.email)) ? ("update" as const) : ("new" as const),
  }));
  return {
    ok: errors.length === 0,
    csv,
    preview: { rows, errors },
    message:
      errors.length === 0
        ? `${rows.length} row${rows.length === 1 ? "" : "s"} ready to import (at most ${MAX_ROSTER_ROWS} at once).`
        : `${errors.length} row${errors.length === 1 ? " has a problem and" : "s have problems and"} will be skipped; ${rows.length} can be imported.`,
  };
}

// ---------------------------------------------------------------------------------------------
// Sessions

export async function createSessionsAction(
  courseId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser();
  const course = await requireVisibleCourse(user, courseId);
  if (formData.get("mode") === "series") {
    const parsed = parseSeriesForm(formData, course.timezone);
    if (!parsed.ok) return parsed.state;
    try {
      await createSessions(course.id, parsed.data, sessionWriteOptions(formData, user));
    } catch (error) {
      if (error instanceof DuplicateSessionError) return duplicateSessionState(error, course.timezone, formData);
      const refusal = meetingRefusalState(error, formData);
      if (refusal) return refusal;
      throw error;
    }
    revalidatePath(`/courses/${course.id}`);
    redirect(`/courses/${course.id}#sessions`);
  }
  const parsed = parseSessionForm(formData, course.timezone);
  if (!parsed.ok) return parsed.state;
  let sessionId: string;
  try {
    sessionId = (await createSession(course.id, parsed.data, sessionWriteOptions(formData, user))).id;
  } catch (error) {
    if (error instanceof DuplicateSessionError) return duplicateSessionState(error, course.timezone, formData);
    const refusal = meetingRefusalState(error, formData);
    if (refusal) return refusal;
    throw error;
  }
  revalidatePath(`/courses/${course.id}`);
  redirect(`/sessions/${sessionId}`);
}
