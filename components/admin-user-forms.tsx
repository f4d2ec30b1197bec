"use client";

import { useActionState, useId } from "react";
import { FormMessage, SelectField, SubmitButton, TextField, type FormStateLike } from "./form-controls";
import { CopyButton } from "./copy-button";
import { Notice } from "./ui";

interface CreateUserStateLike extends FormStateLike {
  generatedPassword?: string;
  createdEmail?: string;
}

export function CreateUserForm({
  action,
}: {
  action: (state: CreateUserStateLike, formData: FormData) => Promise<CreateUserStateLike>;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  const values = state.ok ? {} : (state.values ?? {});
  return (
    <form action={formAction} className="space-y-4" noValidate>
      <div className="grid gap-4 md:grid-cols-2">
        <TextField
          label="Name"
          name="name"
          required
          autoComplete="off"
          defaultValue={values.name ?? ""}
          error={errors.name}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          required
          autoComplete="off"
          defaultValue={values.email ?? ""}
          error={errors.email}
        />
        <SelectField
          label="Role"
          name="role"
          defaultValue={values.role ?? "instructor"}
          error={errors.role}
          hint="Admins see every course and manage users, tokens and the webhook log."
        >
          <option value="instructor">Instructor</option>
          <option value="admin">Admin</option>
        </SelectField>
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint="At least 10 characters. Leave empty to generate one (shown once)."
        />
      </div>
      {state.generatedPassword ? (
        <Notice tone="success" role="status">
          <p>{state.message}</p>
          <p className="mt-2 flex flex-wrap items-center gap-2">
            <code
              className="rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-green-300"
              data-testid="generated-password"
            >
              {state.generatedPassword}
            </code>
            <CopyButton text={state.generatedPassword} label="Copy password" />
          </p>
        </Notice>
      ) : (
        <FormMessage state={state} />
      )}
      <SubmitButton pendingText="Creating…">Create user</SubmitButton>
    </form>
  );
}

export function RoleForm({
  action,
  role,
  userName,
  disabled,
}: {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  role: string;
  userName: string;
  disabled?: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  const id = useId();
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <label htmlFor={id} className="sr-only">
        Role of {userName}
      </label>
      <select
        id={id}
        name="role"
        defaultValue={role}
        disabled={disabled}
        className="rounded-md border border-slate-500 bg-white px-2 py-1 text-sm disabled:opacity-60"
      >
        <option value="instructor">Instructor</option>
        <option value="admin">Admin</option>
      </select>
      <SubmitButton
        variant="secondary"
        className="px-2 py-1 text-xs"
        pendingText="Saving…"
        disabled={disabled}
        aria-label={`Save role of ${userName}`}
      >
        Save
      </SubmitButton>
      {state.message ? (
        <span
          role={state.ok ? "status" : "alert"}
          className={`w-full text-xs ${state.ok ? "text-green-900" : "text-red-800"}`}
        >
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

export function DisableForm({
  action,
  disabled,
  userName,
  self,
}: {
  action: (state: FormStateLike) => Promise<FormStateLike>;
  disabled: boolean;
  userName: string;
  self: boolean;
}) {
  const [state, formAction] = useActionState(action, {});
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-2">
      <SubmitButton
        variant={disabled ? "secondary" : "danger"}
        className="px-2 py-1 text-xs"
        pendingText="Saving…"
        disabled={self}
        title={self ? "You cannot disable your own account" : undefined}
        aria-label={`${disabled ? "Enable" : "Disable"} ${userName}`}
      >
        {disabled ? "Enable" : "Disable"}
      </SubmitButton>
      {state.message && !state.ok ? (
        <span role="alert" className="w-full text-xs text-red-800">
          {state.message}
        </span>
      ) : null}
    </form>
  );
}

interface ResetPasswordStateLike extends FormStateLike {
  generatedPassword?: string;
}

/** Collapsed by default: a details/summary per user row keeps the table compact. */
export function ResetPasswordForm({
  action,
  userName,
}: {
  action: (state: ResetPasswordStateLike, formData: FormData) => Promise<ResetPasswordStateLike>;
  userName: string;
}) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <details className="text-left">
      <summary className="cursor-pointer text-xs font-medium text-blue-800 hover:underline">Reset password</summary>
      <form action={formAction} className="mt-2 w-64 space-y-2" noValidate aria-label={`Reset password of ${userName}`}>
        <TextField
          label={`New password for ${userName}`}
          name="password"
          type="password"
          autoComplete="new-password"
          error={errors.password}
          hint="At least 10 characters, or leave empty to generate one."
        />
        {state.generatedPassword ? (
          <Notice tone="success" role="status">
            <p className="[overflow-wrap:anywhere]">{state.message}</p>
            <p className="mt-2 flex flex-wrap items-center gap-2">
              <code
                className="rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-green-300"
                data-testid="reset-password"
              >
                {state.generatedPassword}
              </code>
              <CopyButton text={state.generatedPassword} label="Copy password" />
            </p>
          </Notice>
        ) : (
          <FormMessage state={state} />
        )}
        <SubmitButton variant="secondary" className="px-2 py-1 text-xs" pendingText="Saving…">
          Set password
        </SubmitButton>
      </form>
    </details>
  );
}
