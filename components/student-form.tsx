"use client";

import { useActionState } from "react";
import { FormMessage, SubmitButton, TextField, type FormStateLike } from "./form-controls";

interface StudentFormProps {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  /** enrolledAt: the local date "YYYY-MM-DD" the student enrolled */
  initial?: {
    name: string;
    email: string;
    zoomRegistrantId: string | null;
    enrolledAt?: string;
    sisId?: string | null;
    phone?: string | null;
  };
  submitLabel: string;
  /** a one-line form (the roster's "Add student") rather than a stacked one */
  inline?: boolean;
}

export function StudentForm({ action, initial, submitLabel, inline = false }: StudentFormProps) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  // After success on the add form start empty again; after an error refill what was typed.
  const values = state.ok ? (inline ? {} : undefined) : state.values;
  const value = (name: "name" | "email" | "zoomRegistrantId" | "enrolledAt" | "sisId" | "phone") =>
    values?.[name] ?? initial?.[name] ?? "";
  return (
    <form action={formAction} className="space-y-3" noValidate>
      <div
        className={
          inline
            ? "grid items-start gap-3 md:grid-cols-3 xl:grid-cols-[1fr_1fr_1fr_auto_1fr_1fr_auto]"
            : "max-w-xl space-y-4"
        }
      >
        <TextField
          label="Name"
          name="name"
          required
          maxLength={200}
          autoComplete="off"
          defaultValue={value("name")}
          error={errors.name}
        />
        <TextField
          label="Email"
          name="email"
          type="email"
          required
          maxLength={320}
          autoComplete="off"
          defaultValue={value("email")}
          error={errors.email}
        />
        <TextField
          label="Zoom registrant ID"
          name="zoomRegistrantId"
          maxLength={200}
          autoComplete="off"
          defaultValue={value("zoomRegistrantId")}
          error={errors.zoomRegistrantId}
          hint={inline ? undefined : "Optional: only for meetings that require registration."}
          placeholder={inline ? "optional" : undefined}
        />
        <TextField
          label="Enrolled on"
          name="enrolledAt"
          type="date"
          defaultValue={value("enrolledAt")}
          error={errors.enrolledAt}
          hint={
            inline
              ? undefined
              : "Sessions that ended before this day show \u201cnot enrolled\u201d and leave the student's rates."
          }
        />
        <TextField
          label="SIS ID"
          name="sisId"
          maxLength={200}
          autoComplete="off"
          defaultValue={value("sisId")}
          error={errors.sisId}
          hint={inline ? undefined : "Optional: the student information system's ID (Ed-Fi studentUniqueId)."}
          placeholder={inline ? "optional" : undefined}
        />
        <TextField
          label="Phone (dial-in)"
          name="phone"
          type="tel"
          maxLength={40}
          autoComplete="off"
          defaultValue={value("phone")}
          error={errors.phone}
          hint={
            inline
              ? undefined
              : "Optional: with the country code, e.g. +1 555 123 4567. A caller from this number is this student."
          }
          placeholder={inline ? "optional, +1 555…" : undefined}
        />
        <div className={inline ? "md:pt-6" : ""}>
          <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
        </div>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
