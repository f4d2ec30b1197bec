"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser, requireVisibleSession } from "@/lib/access";
import { deleteSession, DuplicateSessionError, updateSession } from "@/lib/services/sessions";
import { matchGuest, MatchError } from "@/lib/services/matches";
import { instantToLocalInput } from "@/lib/timezone";
import { duplicateSessionState, meetingRefusalState, parseSessionForm, sessionWriteOptions, type FormState } from "../../_lib/forms";

export async function updateSessionAction(sessionId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const parsed = parseSessionForm(formData, session.course.timezone);
  if (!parsed.ok) return parsed.state;
  // The form has minute precision: an unchanged start keeps its seconds (sessions made by the API may have them).
  const unchangedStart = formData.get("startsAtLocal") === instantToLocalInput(session.startsAt, session.course.timezone);
  try {
    await updateSession(session.id, unchangedStart ? { ...parsed.data, startsAt: session.startsAt } : parsed.data, sessionWriteOptions(formData, user));
  } catch (error) {
    if (error instanceof DuplicateSessionError) return duplicateSessionState(error, session.course.timezone, formData);
    const refusal = meetingRefusalState(error, formData);
    if (refusal) return refusal;
    throw error;
  }
  revalidatePath(`/courses/${session.courseId}`);
  redirect(`/sessions/${session.id}`);
}

export async function deleteSessionAction(sessionId: string): Promise<void> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  await deleteSession(session.id);
  revalidatePath(`/courses/${session.courseId}`);
  redirect(`/courses/${session.courseId}#sessions`);
}

/** "This is Ana Lima": the guest's identity is matched for this session and every later one. */
export async function matchGuestAction(sessionId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const guestKey = formData.get("guestKey");
  const studentId = formData.get("studentId");
  if (typeof guestKey !== "string" || guestKey === "") return { ok: false, message: "Choose a guest." };
  if (typeof studentId !== "string" || studentId === "") return { ok: false, fieldErrors: { studentId: "choose a student" }, message: "Choose the student this guest is." };
  try {
    const result = await matchGuest(session.id, guestKey, studentId, user.id);
    revalidatePath(`/courses/${session.courseId}`);
    return { ok: true, message: `Matched to ${result.studentName}. Attendance is being recomputed for this and later sessions.` };
  } catch (error) {
    if (error instanceof MatchError) return { ok: false, message: error.message };
    throw error;
  }
}
