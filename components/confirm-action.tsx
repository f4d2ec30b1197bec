"use client";

// A destructive action that asks once more in place (no browser dialog): the first button reveals
// "Really …?" with a confirm and a cancel button, both reachable by keyboard.
import { useState } from "react";
import { SubmitButton } from "./form-controls";
import { buttonClass } from "./ui";

export function ConfirmAction({
  action,
  label,
  confirmLabel,
  question,
  pendingText = "Working…",
  compact = false,
}: {
  action: () => Promise<void>;
  label: string;
  confirmLabel: string;
  question: string;
  pendingText?: string;
  compact?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const size = compact ? "px-2 py-1 text-xs" : "";
  if (!asking) {
    return (
      <button type="button" className={`${buttonClass.secondary} ${size}`} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <form action={action} className="inline-flex flex-wrap items-center gap-2" role="group" aria-label={question}>
      <span className="text-sm text-slate-800">{question}</span>
      {/* Focus moves to the confirm the user just asked for. */}
      <SubmitButton variant="danger" pendingText={pendingText} className={size} autoFocus>
        {confirmLabel}
      </SubmitButton>
      <button type="button" className={`${buttonClass.secondary} ${size}`} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </form>
  );
}
