"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser, requireVisibleCourse } from "@/lib/access";
import { createCourse, updateCourse } from "@/lib/services/courses";
import { parseCourseForm, type FormState } from "../_lib/forms";

/** Admins pick the instructors; an instructor who creates a course teaches it. */
export async function createCourseAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  const parsed = parseCourseForm(formData);
  if (!parsed.ok) return parsed.state;
  const instructorIds = user.role === "admin" ? parsed.data.instructorIds : [user.id];
  const course = await createCourse(parsed.data.course, instructorIds);
  revalidatePath("/");
  redirect(`/courses/${course.id}`);
}

export async function updateCourseAction(
  courseId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser();
  await requireVisibleCourse(user, courseId);
  const parsed = parseCourseForm(formData);
  if (!parsed.ok) return parsed.state;
  // Only admins change who teaches a course (an instructor could otherwise remove themselves or add others).
  await updateCourse(courseId, parsed.data.course, user.role === "admin" ? parsed.data.instructorIds : undefined);
  revalidatePath(`/courses/${courseId}`);
  revalidatePath("/");
  redirect(`/courses/${courseId}`);
}
