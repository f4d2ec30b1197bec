"use client";

import { useActionState } from "react";
import { FormMessage, SelectField, SubmitButton, TextField, type FormStateLike } from "./form-controls";
import { CopyButton } from "./copy-button";
import { Notice } from "./ui";

interface CreateTokenStateLike extends FormStateLike {
  token?: string;
}

export function TokenCreateForm({
  action,
  users,
  currentUserId,
}: {
  action: (state: CreateTokenStateLike, formData: FormData) => Promise<CreateTokenStateLike>;
  users: { id: string; name: string; email: string; role: string }[];
  currentUserId: string;
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
          maxLength={100}
          autoComplete="off"
          defaultValue={values.name ?? ""}
          error={errors.name}
          hint="What uses it, e.g. “nightly SIS export”."
        />
        <SelectField
          label="Acts as"
          name="userId"
          defaultValue={values.userId ?? currentUserId}
          error={errors.userId}
          hint="An admin's token sees every course; an instructor's only theirs."
        >
          {users.map((user) => (
            <option key={user.id} value={user.id}>
              {user.name} ({user.email}, {user.role})
            </option>
          ))}
        </SelectField>
        {/* Keyed by the submitted choice: React resets a form after its action, and a select only
            takes a new defaultValue when it is mounted again. */}
        <SelectField
          key={values.scope ?? "read-write"}
          label="Access"
          name="scope"
          defaultValue={values.scope ?? "read-write"}
          error={errors.scope}
          hint="A read-only token is refused every write (403 read_only_token)."
        >
          <option value="read-write">Read and write</option>
          <option value="read-only">Read-only</option>
        </SelectField>
        <TextField
          label="Expires in"
          name="expiresIn"
          autoComplete="off"
          placeholder="e.g. 90d"
          defaultValue={values.expiresIn ?? ""}
          error={errors.expiresIn}
          hint="Days or hours, e.g. 90d or 12h. Empty: never expires."
        />
      </div>
      {state.token ? (
        <Notice tone="success" role="status">
          <p>{state.message}</p>
          <p className="mt-2 flex flex-wrap items-center gap-2">
            <code
              className="rounded bg-white px-2 py-1 font-mono text-sm break-all text-slate-900 ring-1 ring-green-300"
              data-testid="new-token"
            >
              {state.token}
            </code>
            <CopyButton text={state.token} label="Copy token" />
          </p>
          <p className="mt-2 text-xs">
            Use it as <code>Authorization: Bearer &lt;token&gt;</code>.
          </p>
        </Notice>
      ) : (
        <FormMessage state={state} />
      )}
      <SubmitButton pendingText="Creating…">Create token</SubmitButton>
    </form>
  );
}
