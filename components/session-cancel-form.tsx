"use client";

// Cancel (snow day, instructor ill) or un-cancel a session, with a note. A cancelled session stays
// listed but leaves every rate and sends no late-joiner email.
import { useActionState, useState } from "react";
import { FormMessage, SubmitButton, TextField, type FormStateLike } from "./form-controls";
import { buttonClass, Notice } from "./ui";

interface Props {
  cancelled: boolean;
  note: string | null;
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
}

export function SessionCancelForm({ cancelled, note, action }: Props) {
  const [state, formAction] = useActionState(action, {});
  const [open, setOpen] = useState(false);
  if (cancelled) {
    return (
      <form action={formAction} className="mt-4 space-y-2">
        <Notice tone="warning" role="status">
          <strong>This session is cancelled</strong>
          {note ? `: ${note}` : "."} It stays listed but counts in no one&apos;s rates and sends no late-joiner email.
        </Notice>
        <input type="hidden" name="intent" value="uncancel" />
        <SubmitButton variant="secondary" pendingText="Restoring…">
          Un-cancel session
        </SubmitButton>
        <FormMessage state={state} />
      </form>
    );
  }
  if (!open) {
    return (
      <div className="mt-4">
        <FormMessage state={state} />
        <button type="button" className={buttonClass.secondary} onClick={() => setOpen(true)}>
          Cancel this session…
        </button>
      </div>
    );
  }
  return (
    <form action={formAction} className="mt-4 max-w-xl space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <input type="hidden" name="intent" value="cancel" />
      <TextField
        label="Why is it cancelled?"
        name="cancelNote"
        maxLength={1000}
        placeholder="e.g. snow day"
        autoFocus
        hint="Shown on the session page and in the API."
      />
      <div className="flex gap-2">
        <SubmitButton variant="danger" pendingText="Cancelling…">
          Cancel session
        </SubmitButton>
        <button type="button" className={buttonClass.secondary} onClick={() => setOpen(false)}>
          Keep it
        </button>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
