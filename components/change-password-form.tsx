"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField, type FormStateLike } from "./form-controls";

export function ChangePasswordForm({
  action,
}: {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <TextField
        label="Current password"
        name="currentPassword"
        type="password"
        required
        autoComplete="current-password"
        error={errors.currentPassword}
      />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        required
        autoComplete="new-password"
        error={errors.newPassword}
        hint="At least 10 characters."
      />
      <TextField
        label="New password again"
        name="confirmPassword"
        type="password"
        required
        autoComplete="new-password"
        error={errors.confirmPassword}
      />
      <FormMessage state={state} />
      <SubmitButton pendingText="Changing…">Change password</SubmitButton>
    </form>
  );
}
