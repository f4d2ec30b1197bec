"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/access";
import { eraseStudent } from "@/lib/privacy/erase";

export interface EraseState {
  ok?: boolean;
  message?: string;
}

/** Admins only: erases the student (lib/privacy/erase.ts) once the admin has typed ERASE. */
export async function eraseStudentAction(
  studentId: string,
  _previous: EraseState,
  formData: FormData,
): Promise<EraseState> {
  const admin = await requireAdmin();
  if (
    String(formData.get("confirm") ?? "")
      .trim()
      .toUpperCase() !== "ERASE"
  ) {
    return { ok: false, message: "Type ERASE to confirm: erasure cannot be undone." };
  }
  const result = await eraseStudent(studentId, admin.id);
  if (!result) return { ok: false, message: "This student no longer exists (already erased?)." };
  revalidatePath(`/courses/${result.courseId}`);
  redirect(`/courses/${result.courseId}?erased=${encodeURIComponent(result.auditEntryId)}#roster`);
}
