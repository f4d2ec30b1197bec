"use server";

import { revalidatePath } from "next/cache";
import { notFound, redirect } from "next/navigation";
import { findVisibleStudent, requireUser } from "@/lib/access";
import { prisma } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { enqueueRecompute } from "@/lib/queue/enqueue";
import { removeStudent } from "@/lib/services/students";
import { formValues, parseStudentForm, type FormState } from "../../_lib/forms";

async function requireVisibleStudent(studentId: string) {
  const user = await requireUser();
  const student = await findVisibleStudent(user, studentId);
  if (!student) notFound();
  return student;
}

export async function updateStudentAction(studentId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const student = await requireVisibleStudent(studentId);
  const parsed = parseStudentForm(formData);
  if (!parsed.ok) return parsed.state;
  const email = parsed.data.email.trim();
  try {
    // Unlike the roster upsert (keyed by email), an edit may change the email itself.
    await prisma.$transaction(async (tx) => {
      await tx.student.update({
        where: { id: student.id },
        data: { name: parsed.data.name, email, emailNormalized: email.toLowerCase(), zoomRegistrantId: parsed.data.zoomRegistrantId },
      });
      // Email and registrant ID decide who is who: recompute the course's sessions.
      const sessions = await tx.session.findMany({ where: { courseId: student.courseId }, select: { id: true } });
      await enqueueRecompute(
        sessions.map((session) => session.id),
        tx,
      );
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      return { ok: false, fieldErrors: { email: "another student of this course has this email" }, values: formValues(formData) };
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
