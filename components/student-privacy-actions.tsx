"use client";

// The privacy page's two actions: download everything stored about a student (a plain link to the
// admin-only JSON export) and erase the student, which asks for the word ERASE first.
import { useActionState, useId, useState } from "react";
import { SubmitButton } from "./form-controls";
import { buttonClass, inputClass, Notice } from "./ui";

interface EraseStateLike {
  ok?: boolean;
  message?: string;
}

export function StudentPrivacyActions({
  exportHref,
  studentName,
  eraseAction,
}: {
  exportHref: string;
  studentName: string;
  eraseAction: (state: EraseStateLike, formData: FormData) => Promise<EraseStateLike>;
}) {
  const [state, formAction] = useActionState(eraseAction, {});
  const [asking, setAsking] = useState(false);
  const inputId = useId();
  return (
    <div className="space-y-6">
      <div>
        <a href={exportHref} className={buttonClass.secondary} download>
          Download all data (JSON)
        </a>
        <p className="mt-1 text-xs text-slate-600">Every download is recorded in the audit log.</p>
      </div>
      <div>
        {!asking ? (
          <button type="button" className={buttonClass.danger} onClick={() => setAsking(true)}>
            Erase {studentName}…
          </button>
        ) : (
          <form
            action={formAction}
            className="max-w-md space-y-3 rounded-md border border-red-300 bg-red-50 p-4"
            aria-label={`Erase ${studentName}`}
          >
            <p className="text-sm text-red-900">
              This removes {studentName} from the roster, deletes their attendance, identity links, manual matches and
              notifications, and clears their name, email and Zoom IDs from every stored Zoom event. It cannot be
              undone.
            </p>
            <div>
              <label htmlFor={inputId} className="block text-sm font-medium text-slate-800">
                Type ERASE to confirm
              </label>
              <input id={inputId} name="confirm" autoComplete="off" className={inputClass} required autoFocus />
            </div>
            {state.message ? (
              <Notice tone="error" role="alert">
                {state.message}
              </Notice>
            ) : null}
            <div className="flex flex-wrap gap-2">
              <SubmitButton variant="danger" pendingText="Erasing…">
                Erase permanently
              </SubmitButton>
              <button type="button" className={buttonClass.secondary} onClick={() => setAsking(false)}>
                Cancel
              </button>
            </div>
          </form>
        )}
      </div>
    </div>
  );
}
