"use server";

import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { findVisibleStudent, requireUser } from "@/lib/access";
import { DuplicateStudentEmailError, removeStudent, updateStudent } from "@/lib/services/students";
import { formValues, parseStudentForm, type FormState } from "../../_lib/forms";
import { zonedFormatter } from "@/lib/exports/time";

async function requireVisibleStudent(studentId: string) {
  const user = await requireUser();
  const student = await findVisibleStudent(user, studentId);
  if (!student) notFound();
  return student;
}

export async function updateStudentAction(
  studentId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const student = await requireVisibleStudent(studentId);
  const parsed = parseStudentForm(formData);
  if (!parsed.ok) return parsed.state;
  // The form shows the enrolment day: an unchanged day keeps the stored instant (when they were added).
  const unchangedDay = parsed.data.enrolledAt === zonedFormatter(student.course.timezone).localDate(student.enrolledAt);
  try {
    await updateStudent(student.id, unchangedDay ? { ...parsed.data, enrolledAt: undefined } : parsed.data);
  } catch (error) {
    if (error instanceof DuplicateStudentEmailError) {
      return {
        ok: false,
        fieldErrors: { email: "another student of this course has this email" },
        values: formValues(formData),
      };
    }
    throw error;
  }
  revalidatePath(`/students/${student.id}`);
  revalidatePath(`/courses/${student.courseId}`);
  return { ok: true, message: "Saved." };
}

export async function removeStudentAction(studentId: string): Promise<void> {
  const student = await requireVisibleStudent(studentId);
  await removeStudent(student.id);
  revalidatePath(`/courses/${student.courseId}`);
  redirect(`/courses/${student.courseId}#roster`);
}
