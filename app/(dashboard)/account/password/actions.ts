"use server";

import { headers } from "next/headers";
import { z } from "zod";
import { requireUser } from "@/lib/access";
import { authenticate, requestClientAddress } from "@/lib/auth";
import { reissueSessionCookie } from "@/lib/session-cookie";
import { SignInThrottled } from "@/lib/sign-in-throttle";
import { changeOwnPassword, newPasswordSchema } from "@/lib/services/users";
import { fieldErrorsFrom, type FormState } from "../../_lib/forms";

const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, { message: "enter your current password" }).max(1024),
    newPassword: newPasswordSchema,
    confirmPassword: z.string(),
  })
  .refine((form) => form.newPassword === form.confirmPassword, {
    path: ["confirmPassword"],
    message: "the two new passwords differ",
  })
  .refine((form) => form.newPassword !== form.currentPassword, {
    path: ["newPassword"],
    message: "choose a password different from the current one",
  });

/**
 * The signed-in user changes their own password. The current password is checked under the same
 * throttle as sign-in (a wrong one counts as a failed sign-in); the change ends every other session
 * of theirs, and this browser gets a fresh sign-in cookie so it stays signed in.
 */
export async function changePasswordAction(_previous: FormState, formData: FormData): Promise<FormState> {
  const user = await requireUser();
  const parsed = changePasswordSchema.safeParse({
    currentPassword: String(formData.get("currentPassword") ?? ""),
    newPassword: String(formData.get("newPassword") ?? ""),
    confirmPassword: String(formData.get("confirmPassword") ?? ""),
  });
  // Typed passwords are never sent back to the browser: no `values`.
  if (!parsed.success)
    return {
      ok: false,
      message: "Please correct the fields marked below.",
      fieldErrors: fieldErrorsFrom(parsed.error),
    };
  const address = requestClientAddress(Object.fromEntries((await headers()).entries()));
  try {
    if (!(await authenticate(user.email, parsed.data.currentPassword, address))) {
      return {
        ok: false,
        message: "Please correct the fields marked below.",
        fieldErrors: { currentPassword: "that is not your current password" },
      };
    }
  } catch (error) {
    if (error instanceof SignInThrottled) return { ok: false, message: error.message };
    throw error;
  }
  const version = await changeOwnPassword(user.id, parsed.data.newPassword);
  await reissueSessionCookie(user.id, version);
  return { ok: true, message: "Password changed. Your other sessions are signed out." };
}
