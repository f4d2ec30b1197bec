"use client";

// Labelled form controls whose errors are announced and tied to the control (aria-describedby).
import { useId } from "react";
import { useFormStatus } from "react-dom";
import { buttonClass, inputClass, Notice } from "./ui";

export interface FormStateLike {
  message?: string;
  ok?: boolean;
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
}

function describedBy(...ids: (string | false | undefined)[]) {
  const joined = ids.filter(Boolean).join(" ");
  return joined || undefined;
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={id} className="mt-1 text-sm text-red-800">
      {error}
    </p>
  );
}

interface TextFieldProps extends Omit<React.InputHTMLAttributes<HTMLInputElement>, "name"> {
  label: string;
  name: string;
  error?: string;
  hint?: React.ReactNode;
}

export function TextField({ label, name, error, hint, className, ...input }: TextFieldProps) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
        {/* The control itself says "required" to assistive technology; the star is for the eye. */}
        {input.required ? (
          <span aria-hidden="true" className="text-red-800">
            {" "}
            *
          </span>
        ) : null}
      </label>
      <input
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        className={inputClass}
        {...input}
      />
      {hint !== undefined ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

interface SelectFieldProps extends Omit<React.SelectHTMLAttributes<HTMLSelectElement>, "name"> {
  label: string;
  name: string;
  error?: string;
  hint?: React.ReactNode;
  children: React.ReactNode;
}

export function SelectField({ label, name, error, hint, className, children, ...select }: SelectFieldProps) {
  const id = useId();
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <select
        id={id}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(hint !== undefined && `${id}-hint`, error && `${id}-error`)}
        className={inputClass}
        {...select}
      >
        {children}
      </select>
      {hint !== undefined ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-600">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

export function CheckboxField({
  label,
  name,
  hint,
  ...input
}: Omit<React.InputHTMLAttributes<HTMLInputElement>, "name" | "type"> & {
  label: React.ReactNode;
  name: string;
  hint?: React.ReactNode;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-2">
      <input
        id={id}
        name={name}
        type="checkbox"
        className="mt-0.5 h-4 w-4 accent-blue-700"
        aria-describedby={hint ? `${id}-hint` : undefined}
        {...input}
      />
      <div>
        <label htmlFor={id} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint ? (
          <p id={`${id}-hint`} className="text-xs text-slate-600">
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A submit button that shows the pending state of its form. */
export function SubmitButton({
  children,
  pendingText,
  variant = "primary",
  className = "",
  ...button
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { pendingText?: string; variant?: keyof typeof buttonClass }) {
  const { pending } = useFormStatus();
  return (
    <button
      type="submit"
      disabled={pending || button.disabled}
      aria-disabled={pending || undefined}
      className={`${buttonClass[variant]} ${className}`}
      {...button}
    >
      {pending ? (pendingText ?? "Saving…") : children}
    </button>
  );
}

/** The form-level message of an action's result (success or error), announced to screen readers. */
export function FormMessage({ state }: { state: FormStateLike | undefined }) {
  if (!state?.message) return null;
  return (
    <Notice tone={state.ok ? "success" : "error"} role={state.ok ? "status" : "alert"}>
      {state.message}
    </Notice>
  );
}
