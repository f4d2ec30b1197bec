"use client";

// The two buttons of the registration panel; each shows its result (or Zoom's refusal) in place.
import { useActionState } from "react";
import { FormMessage, SubmitButton, type FormStateLike } from "./form-controls";

type Action = (state: FormStateLike) => Promise<FormStateLike>;

/** `problem`: the meeting's stored refusal, already shown above the buttons (not repeated here). */
export function RegistrationActions({
  register,
  invite,
  canInvite,
  problem,
}: {
  register: Action;
  invite: Action;
  canInvite: boolean;
  problem: string | null;
}) {
  const [registerState, registerAction] = useActionState(register, {});
  const [inviteState, inviteAction] = useActionState(invite, {});
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <form action={registerAction}>
          <SubmitButton variant="primary" pendingText="Registering…">
            Register roster on Zoom
          </SubmitButton>
        </form>
        <form action={inviteAction}>
          <SubmitButton variant="secondary" pendingText="Queuing…" disabled={!canInvite}>
            Email personal links
          </SubmitButton>
        </form>
      </div>
      <div data-testid="registration-message">
        {registerState.message && registerState.message === problem ? null : <FormMessage state={registerState} />}
        <FormMessage state={inviteState} />
      </div>
    </div>
  );
}
