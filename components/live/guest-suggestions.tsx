"use client";

// Beside a guest's match control: the roster students they most likely are, best first, each a
// one-click "This is …" that makes the same sticky manual match as the form. Never applied alone.
import { useActionState, useEffect } from "react";
import type { Suggestion } from "@/lib/identity/suggestions";
import { SubmitButton, type FormStateLike } from "../form-controls";

interface GuestSuggestionsProps {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  guestKey: string;
  guestName: string;
  suggestions: Suggestion[];
  onMatched: (message: string) => void;
}

export function GuestSuggestions({ action, guestKey, guestName, suggestions, onMatched }: GuestSuggestionsProps) {
  const [state, formAction] = useActionState(action, {});
  useEffect(() => {
    if (state.ok && state.message) onMatched(state.message);
  }, [state, onMatched]);
  if (suggestions.length === 0) return null;
  return (
    <div className="mb-2" data-testid="guest-suggestions">
      <p className="text-xs font-medium text-slate-800">Likely:</p>
      <ul className="mt-1 flex flex-wrap gap-1">
        {suggestions.map((suggestion) => (
          <li key={suggestion.studentId}>
            <form action={formAction}>
              <input type="hidden" name="guestKey" value={guestKey} />
              <input type="hidden" name="studentId" value={suggestion.studentId} />
              <SubmitButton
                variant="secondary"
                pendingText="Matching…"
                className="!px-2 !py-1 text-xs"
                aria-label={`Confirm: ${guestName || "this guest"} is ${suggestion.name} (${Math.round(suggestion.score * 100)}% alike)`}
                data-suggestion={suggestion.name}
              >
                {suggestion.name} <span className="text-slate-600">{Math.round(suggestion.score * 100)}%</span>
              </SubmitButton>
            </form>
          </li>
        ))}
      </ul>
      {state.message && !state.ok ? (
        <p role="alert" className="mt-1 text-xs text-red-800">
          {state.message}
        </p>
      ) : null}
    </div>
  );
}
