"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireUser, requireVisibleSession } from "@/lib/access";
import { deleteSession, DuplicateSessionError, setSessionCancelled, updateSession } from "@/lib/services/sessions";
import { OverrideTargetError, removeOverrides, setOverrides } from "@/lib/services/overrides";
import { overrideInputSchema } from "@/lib/validations/override";
import { plural } from "@/lib/format";
import { matchGuest, MatchError } from "@/lib/services/matches";
import { instantToLocalInput } from "@/lib/timezone";
import {
  duplicateSessionState,
  meetingRefusalState,
  parseSessionForm,
  sessionWriteOptions,
  type FormState,
} from "../../_lib/forms";

export async function updateSessionAction(
  sessionId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const parsed = parseSessionForm(formData, session.course.timezone);
  if (!parsed.ok) return parsed.state;
  // The form has minute precision: an unchanged start keeps its seconds (sessions made by the API may have them).
  const unchangedStart =
    formData.get("startsAtLocal") === instantToLocalInput(session.startsAt, session.course.timezone);
  try {
    await updateSession(
      session.id,
      unchangedStart ? { ...parsed.data, startsAt: session.startsAt } : parsed.data,
      sessionWriteOptions(formData, user),
    );
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
export async function matchGuestAction(
  sessionId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const guestKey = formData.get("guestKey");
  const studentId = formData.get("studentId");
  if (typeof guestKey !== "string" || guestKey === "") return { ok: false, message: "Choose a guest." };
  if (typeof studentId !== "string" || studentId === "")
    return { ok: false, fieldErrors: { studentId: "choose a student" }, message: "Choose the student this guest is." };
  try {
    const result = await matchGuest(session.id, guestKey, studentId, user.id);
    revalidatePath(`/courses/${session.courseId}`);
    return {
      ok: true,
      message: `Matched to ${result.studentName}. Attendance is being recomputed for this and later sessions.`,
    };
  } catch (error) {
    if (error instanceof MatchError) return { ok: false, message: error.message };
    throw error;
  }
}

/**
 * The corrections form: intent "set" overrides the selected students, "remove" removes their
 * overrides, "remove:<studentId>" removes one row's.
 */
export async function overrideAction(sessionId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const intent = String(formData.get("intent") ?? "set");
  const studentIds = intent.startsWith("remove:")
    ? [intent.slice("remove:".length)]
    : formData.getAll("studentIds").filter((value): value is string => typeof value === "string" && value !== "");
  if (studentIds.length === 0) return { ok: false, message: "Select at least one student." };
  const actor = { id: user.id, name: user.name };
  try {
    if (intent.startsWith("remove")) {
      const removed = await removeOverrides(session.id, studentIds, actor);
      revalidateRecord(session);
      return {
        ok: true,
        message:
          removed === 0
            ? "No override to remove: those statuses are already the computed ones."
            : `Removed ${plural(removed, "override")}: the computed status is final again.`,
      };
    }
    if (session.cancelledAt)
      return { ok: false, message: "The session is cancelled; un-cancel it to override statuses." };
    const late = formData.get("late");
    const parsed = overrideInputSchema.safeParse({
      status: formData.get("status"),
      late: late === "true" ? true : late === "false" ? false : null,
      note: formData.get("note") ?? null,
    });
    if (!parsed.success)
      return {
        ok: false,
        message: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "),
      };
    await setOverrides(session.id, studentIds, parsed.data, actor);
    revalidateRecord(session);
    return { ok: true, message: `Set ${plural(studentIds.length, "student")} to ${parsed.data.status}.` };
  } catch (error) {
    if (error instanceof OverrideTargetError) return { ok: false, message: error.message };
    throw error;
  }
}

function revalidateRecord(session: { id: string; courseId: string }) {
  revalidatePath(`/sessions/${session.id}`);
  revalidatePath(`/courses/${session.courseId}`);
  revalidatePath("/students/[studentId]", "page");
}

/** Cancels (with a note) or un-cancels the session. */
export async function cancelSessionAction(
  sessionId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const cancel = formData.get("intent") === "cancel";
  const note =
    String(formData.get("cancelNote") ?? "")
      .trim()
      .slice(0, 1000) || null;
  await setSessionCancelled(session.id, cancel, cancel ? note : null, user.id);
  revalidateRecord(session);
  return { ok: true, message: cancel ? "Session cancelled." : "Session restored: it counts again." };
}
