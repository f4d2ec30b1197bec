"use server";

import { revalidatePath } from "next/cache";
import { requireAdmin } from "@/lib/access";
import { AdminGuardError, setUserDisabled, setUserRole } from "@/lib/services/admin";
import { prisma } from "@/lib/db";
import { reissueSessionCookie } from "@/lib/session-cookie";
import { createUser, newPasswordSchema, resetPassword, UserExistsError, userInputSchema } from "@/lib/services/users";
import { fieldErrorsFrom, formValues, type FormState } from "../../_lib/forms";

export interface CreateUserState extends FormState {
  /** shown once when no password was typed */
  generatedPassword?: string;
  createdEmail?: string;
}

export async function createUserAction(_previous: CreateUserState, formData: FormData): Promise<CreateUserState> {
  const admin = await requireAdmin();
  const password = String(formData.get("password") ?? "");
  const input = {
    email: String(formData.get("email") ?? ""),
    name: String(formData.get("name") ?? ""),
    role: String(formData.get("role") ?? ""),
    password: password === "" ? undefined : password,
  };
  const parsed = userInputSchema.safeParse(input);
  // Never send a typed password back to the browser.
  const values = { ...formValues(formData), password: "" };
  if (!parsed.success)
    return {
      ok: false,
      message: "Please correct the fields marked below.",
      fieldErrors: fieldErrorsFrom(parsed.error),
      values,
    };
  try {
    const created = await createUser(parsed.data, admin.id);
    revalidatePath("/admin/users");
    return {
      ok: true,
      createdEmail: created.email,
      generatedPassword: created.generatedPassword ?? undefined,
      message: created.generatedPassword
        ? `Created ${created.email}. Give them this password now; it is not shown again.`
        : `Created ${created.email}.`,
    };
  } catch (error) {
    if (error instanceof UserExistsError)
      return { ok: false, fieldErrors: { email: "a user with this email already exists" }, values };
    throw error;
  }
}

export async function setRoleAction(userId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const admin = await requireAdmin();
  const role = formData.get("role");
  if (role !== "admin" && role !== "instructor") return { ok: false, message: "Choose admin or instructor." };
  try {
    await setUserRole(admin.id, userId, role);
  } catch (error) {
    if (error instanceof AdminGuardError) return { ok: false, message: error.message };
    throw error;
  }
  revalidatePath("/admin/users");
  return { ok: true, message: "Role saved." };
}

export async function setDisabledAction(userId: string, disabled: boolean, _previous: FormState): Promise<FormState> {
  const admin = await requireAdmin();
  try {
    await setUserDisabled(admin.id, userId, disabled);
  } catch (error) {
    if (error instanceof AdminGuardError) return { ok: false, message: error.message };
    throw error;
  }
  revalidatePath("/admin/users");
  return {
    ok: true,
    message: disabled ? "Disabled: they are signed out and their API tokens stop working." : "Enabled again.",
  };
}

export interface ResetPasswordState extends FormState {
  /** shown once when no password was typed */
  generatedPassword?: string;
}

/** An admin sets a new password for a user; every session of that user ends at once. */
export async function resetPasswordAction(
  userId: string,
  _previous: ResetPasswordState,
  formData: FormData,
): Promise<ResetPasswordState> {
  const admin = await requireAdmin();
  const typed = String(formData.get("password") ?? "");
  const checked = typed === "" ? null : newPasswordSchema.safeParse(typed);
  if (checked && !checked.success) return { ok: false, fieldErrors: { password: checked.error.issues[0].message } };
  const user = await prisma.user.findUnique({ where: { id: userId }, select: { email: true } });
  if (!user) return { ok: false, message: "That user does not exist." };
  const reset = await resetPassword(user.email, typed === "" ? undefined : typed, admin.id);
  // An admin resetting their own password here stays signed in, like on the change-password page.
  if (reset.userId === admin.id) {
    const version = await prisma.user.findUniqueOrThrow({ where: { id: admin.id }, select: { sessionVersion: true } });
    await reissueSessionCookie(admin.id, version.sessionVersion);
  }
  return reset.generatedPassword
    ? {
        ok: true,
        generatedPassword: reset.generatedPassword,
        message: `New password for ${reset.email}. Give it to them now; it is not shown again. Their sessions have ended.`,
      }
    : { ok: true, message: `Password of ${reset.email} changed. Their sessions have ended.` };
}
