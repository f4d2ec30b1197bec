"use client";

import Link from "next/link";
import { useActionState } from "react";
import { CheckboxField, FormMessage, SelectField, SubmitButton, TextField, type FormStateLike } from "./form-controls";
import { buttonClass } from "./ui";

export interface CourseFormValues {
  name: string;
  timezone: string;
  notifyLateJoiners: boolean;
  notifyInstructorSummary: boolean;
  termRequiredPercent?: number;
  maxAbsences?: number | null;
  atRiskDigest?: boolean;
  instructorIds: string[];
}

interface CourseFormProps {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  initial: CourseFormValues;
  timeZones: string[];
  /** instructors an admin can assign; null when the user may not change them */
  instructors: { id: string; name: string; email: string }[] | null;
  submitLabel: string;
  cancelHref: string;
}

export function CourseForm({ action, initial, timeZones, instructors, submitLabel, cancelHref }: CourseFormProps) {
  const [state, formAction] = useActionState(action, {});
  const values = state.values;
  const errors = state.fieldErrors ?? {};
  // After a failed submit, show what was typed (React resets the form after its action).
  const checked = (name: "notifyLateJoiners" | "notifyInstructorSummary" | "atRiskDigest") =>
    values ? values[name] === "on" : (initial[name] ?? false);
  const chosenInstructors = values ? (values.instructorIds ?? "").split(",") : initial.instructorIds;

  return (
    <form action={formAction} className="max-w-2xl space-y-5" noValidate>
      <FormMessage state={state} />
      <TextField
        label="Course name"
        name="name"
        required
        maxLength={200}
        defaultValue={values?.name ?? initial.name}
        error={errors.name}
        autoComplete="off"
      />
      <SelectField
        label="Time zone"
        name="timezone"
        defaultValue={values?.timezone ?? initial.timezone}
        error={errors.timezone}
        hint="Session times are entered and shown in this zone."
      >
        {timeZones.map((zone) => (
          <option key={zone} value={zone}>
            {zone.replace(/_/g, " ")}
          </option>
        ))}
      </SelectField>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Notifications</legend>
        <CheckboxField
          label="Email students who have not joined when they become late"
          name="notifyLateJoiners"
          defaultChecked={checked("notifyLateJoiners")}
          hint="Sent once per student per session, after the session's late-after minutes."
        />
        <CheckboxField
          label="Also email instructors one summary listing the late students"
          name="notifyInstructorSummary"
          defaultChecked={checked("notifyInstructorSummary")}
          hint="One email per instructor per session, sent with the late-joiner emails (needs the option above)."
        />
      </fieldset>
      <fieldset className="space-y-3">
        <legend className="text-sm font-medium text-slate-800">Term policy</legend>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Required attendance for the term (%)"
            name="termRequiredPercent"
            type="number"
            min={1}
            max={100}
            defaultValue={values?.termRequiredPercent ?? String(initial.termRequiredPercent ?? 90)}
            error={errors.termRequiredPercent}
            hint="Students below it are flagged at risk."
          />
          <TextField
            label="Maximum unexcused absences"
            name="maxAbsences"
            type="number"
            min={0}
            defaultValue={
              values?.maxAbsences ??
              (initial.maxAbsences === null || initial.maxAbsences === undefined ? "" : String(initial.maxAbsences))
            }
            error={errors.maxAbsences}
            hint="Optional: more absences than this also flags a student."
          />
        </div>
        <CheckboxField
          label="Email instructors a weekly list of at-risk students"
          name="atRiskDigest"
          defaultChecked={checked("atRiskDigest")}
          hint="One email per instructor per week (Monday morning, UTC), only when someone is at risk."
        />
      </fieldset>
      {instructors ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Instructors</legend>
          {instructors.length === 0 ? (
            <p className="mt-1 text-sm text-slate-600">
              No instructor accounts yet.{" "}
              <Link href="/admin/users" className={buttonClass.link}>
                Create one
              </Link>
              ; admins see every course anyway.
            </p>
          ) : (
            <div className="mt-2 grid gap-2 sm:grid-cols-2">
              {instructors.map((instructor) => (
                <CheckboxField
                  key={instructor.id}
                  name="instructorIds"
                  value={instructor.id}
                  label={instructor.name}
                  hint={instructor.email}
                  defaultChecked={chosenInstructors.includes(instructor.id)}
                />
              ))}
            </div>
          )}
        </fieldset>
      ) : null}
      <div className="flex flex-wrap gap-3">
        <SubmitButton>{submitLabel}</SubmitButton>
        <Link href={cancelHref} className={buttonClass.secondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
