"use client";

// "This is …": match a guest to a roster student. The match sticks for later sessions.
import { useActionState, useEffect, useId } from "react";
import { SubmitButton, type FormStateLike } from "../form-controls";

interface GuestMatchFormProps {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  guestKey: string;
  guestName: string;
  students: { studentId: string; name: string; email: string }[];
  /** called after a successful match so the page refreshes while the worker recomputes */
  onMatched: (message: string) => void;
}

export function GuestMatchForm({ action, guestKey, guestName, students, onMatched }: GuestMatchFormProps) {
  const [state, formAction] = useActionState(action, {});
  const id = useId();
  useEffect(() => {
    if (state.ok && state.message) onMatched(state.message);
  }, [state, onMatched]);

  return (
    <form action={formAction} className="flex flex-wrap items-end gap-2">
      <input type="hidden" name="guestKey" value={guestKey} />
      <div className="min-w-0 flex-1">
        <label htmlFor={id} className="block text-xs font-medium text-slate-800">
          This is…
        </label>
        <select
          id={id}
          name="studentId"
          defaultValue=""
          required
          className="mt-1 block w-full min-w-[10rem] rounded-md border border-slate-500 bg-white px-2 py-1.5 text-sm text-slate-900"
          aria-describedby={state.message ? `${id}-message` : undefined}
        >
          <option value="" disabled>
            Choose a student
          </option>
          {students.map((student) => (
            <option key={student.studentId} value={student.studentId}>
              {student.name} ({student.email})
            </option>
          ))}
        </select>
      </div>
      <SubmitButton variant="secondary" pendingText="Matching…" aria-label={`Match ${guestName}`}>
        Match
      </SubmitButton>
      {state.message ? (
        <p
          id={`${id}-message`}
          role={state.ok ? "status" : "alert"}
          className={`w-full text-xs ${state.ok ? "text-green-900" : "text-red-800"}`}
        >
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
