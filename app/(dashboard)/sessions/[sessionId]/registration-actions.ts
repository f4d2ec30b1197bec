"use server";

// The session page's "Register roster on Zoom" and "Email personal links" buttons.
import { revalidatePath } from "next/cache";
import { requireUser, requireVisibleSession } from "@/lib/access";
import { getConfig } from "@/lib/config";
import { inviteRegisteredStudents } from "@/lib/registration/invitations";
import { MeetingRegistrationProblem } from "@/lib/registration/register";
import {
  registerSessionRoster,
  RegistrationBusyError,
  ZOOM_API_NOT_CONFIGURED_MESSAGE,
} from "@/lib/registration/service";
import { plural } from "@/lib/format";
import { errorMessage } from "@/lib/log";
import type { FormState } from "../../_lib/forms";

export async function registerRosterAction(sessionId: string, _previous: FormState): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  if (!getConfig().reportApiConfigured) return { ok: false, message: ZOOM_API_NOT_CONFIGURED_MESSAGE };
  try {
    const result = await registerSessionRoster(session.id);
    revalidatePath(`/sessions/${session.id}`);
    const parts = [
      `${plural(result.registered, "student")} registered on Zoom`,
      `${result.alreadyRegistered} already registered`,
    ];
    if (result.failed.length > 0)
      parts.push(
        `${result.failed.length} failed: ${result.failed.map((failure) => `${failure.email} (${failure.message})`).join("; ")}`,
      );
    if (result.pending > 0) parts.push(`${result.pending} more being registered in the background`);
    return { ok: result.failed.length === 0, message: `${parts.join(", ")}.` };
  } catch (error) {
    if (error instanceof MeetingRegistrationProblem || error instanceof RegistrationBusyError) {
      revalidatePath(`/sessions/${session.id}`);
      return { ok: false, message: error.message };
    }
    return { ok: false, message: `Zoom could not be reached: ${errorMessage(error)}. Try again in a few minutes.` };
  }
}

export async function inviteStudentsAction(sessionId: string, _previous: FormState): Promise<FormState> {
  const user = await requireUser();
  const session = await requireVisibleSession(user, sessionId);
  const result = await inviteRegisteredStudents(session.id);
  revalidatePath(`/sessions/${session.id}`);
  if (result.invited === 0 && result.alreadyInvited === 0)
    return { ok: false, message: "No student has a personal link yet: register the roster on Zoom first." };
  const parts = [`${plural(result.invited, "invitation")} queued`];
  if (result.alreadyInvited > 0) parts.push(`${result.alreadyInvited} invited before (not emailed again)`);
  if (result.notRegistered > 0) parts.push(`${result.notRegistered} without a personal link`);
  return { ok: true, message: `${parts.join(", ")}.` };
}
