"use client";

// One session, or a weekly series (days of the week + time + count), with every time entered on
// the course's clock. The series is previewed with the same helper the server uses to create it.
import Link from "next/link";
import { useActionState, useState } from "react";
import { formatDateTime } from "@/lib/format";
import { instantToLocalInput, localDateTimeToInstant, weeklySeries } from "@/lib/timezone";
import { CheckboxField, FieldError, FormMessage, SubmitButton, TextField, type FormStateLike } from "./form-controls";
import { buttonClass, inputClass } from "./ui";

export interface SessionFormValues {
  title: string;
  zoomMeetingId: string;
  joinUrl: string;
  startsAtLocal: string;
  durationMinutes: number;
  lateAfterMinutes: number;
  requiredPercent: number;
}

const WEEKDAYS = [
  { value: 1, short: "Mon", long: "Monday" },
  { value: 2, short: "Tue", long: "Tuesday" },
  { value: 3, short: "Wed", long: "Wednesday" },
  { value: 4, short: "Thu", long: "Thursday" },
  { value: 5, short: "Fri", long: "Friday" },
  { value: 6, short: "Sat", long: "Saturday" },
  { value: 0, short: "Sun", long: "Sunday" },
];

interface SessionFormProps {
  action: (state: FormStateLike, formData: FormData) => Promise<FormStateLike>;
  initial: SessionFormValues;
  timeZone: string;
  /** offer "weekly series" (new sessions only) */
  allowSeries: boolean;
  submitLabel: string;
  cancelHref: string;
  maxSeriesCount: number;
  /** admins: the overrides of the meeting checks (share another course's meeting, skip Zoom's host check) */
  adminOverrides?: boolean;
}

export function SessionForm({
  action,
  initial,
  timeZone,
  allowSeries,
  submitLabel,
  cancelHref,
  maxSeriesCount,
  adminOverrides = false,
}: SessionFormProps) {
  const [state, formAction] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  const values = state.values;
  const [mode, setMode] = useState<"single" | "series">("single");
  const [startsAtLocal, setStartsAtLocal] = useState(initial.startsAtLocal);
  const [firstDate, setFirstDate] = useState(initial.startsAtLocal.slice(0, 10));
  const [time, setTime] = useState(initial.startsAtLocal.slice(11, 16));
  const [weekdays, setWeekdays] = useState<number[]>([]);
  const [count, setCount] = useState("10");

  const zoneLabel = timeZone.replace(/_/g, " ");
  const startPreview = localDateTimeToInstant(startsAtLocal, timeZone);
  const countNumber = Number(count);
  const series =
    mode === "series" && Number.isInteger(countNumber) && countNumber >= 1 && countNumber <= maxSeriesCount
      ? weeklySeries({ firstDate, weekdays, time, count: countNumber, timeZone })
      : [];
  const text = (name: keyof SessionFormValues) => values?.[name] ?? String(initial[name] ?? "");

  return (
    <form action={formAction} className="max-w-2xl space-y-5" noValidate>
      <FormMessage state={state} />
      {allowSeries ? (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Schedule</legend>
          <div className="mt-2 flex flex-wrap gap-4">
            {(["single", "series"] as const).map((option) => (
              <label key={option} className="flex items-center gap-2 text-sm text-slate-800">
                <input
                  type="radio"
                  name="mode"
                  value={option}
                  checked={mode === option}
                  onChange={() => setMode(option)}
                  className="h-4 w-4 accent-blue-700"
                />
                {option === "single" ? "One session" : "Weekly series"}
              </label>
            ))}
          </div>
        </fieldset>
      ) : null}

      <TextField
        label="Title"
        name="title"
        maxLength={200}
        defaultValue={text("title")}
        error={errors.title}
        hint="Optional, e.g. “Week 3: Regression”."
      />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          label="Zoom meeting ID"
          name="zoomMeetingId"
          required
          inputMode="numeric"
          autoComplete="off"
          defaultValue={text("zoomMeetingId")}
          error={errors.zoomMeetingId}
          hint="9 to 12 digits; spaces and dashes are fine."
        />
        <TextField
          label="Join URL"
          name="joinUrl"
          type="url"
          defaultValue={text("joinUrl")}
          error={errors.joinUrl}
          hint="Optional: included in late-joiner emails."
        />
      </div>

      {mode === "single" ? (
        <div>
          <label htmlFor="startsAtLocal" className="block text-sm font-medium text-slate-800">
            Starts at
            <span aria-hidden="true" className="text-red-800">
              {" "}
              *
            </span>
          </label>
          <div className="flex flex-wrap items-end gap-2">
            <div className="w-full max-w-[16rem]">
              <input
                id="startsAtLocal"
                name="startsAtLocal"
                type="datetime-local"
                required
                value={startsAtLocal}
                onChange={(event) => setStartsAtLocal(event.target.value)}
                aria-invalid={errors.startsAtLocal ? true : undefined}
                aria-describedby={`startsAtLocal-hint${errors.startsAtLocal ? " startsAtLocal-error" : ""}`}
                className={inputClass}
              />
            </div>
            <button
              type="button"
              className={buttonClass.secondary}
              onClick={() => setStartsAtLocal(instantToLocalInput(new Date(), timeZone))}
            >
              Now
            </button>
          </div>
          <p id="startsAtLocal-hint" className="mt-1 text-xs text-slate-600">
            On the course&apos;s clock ({zoneLabel}){startPreview ? `: ${formatDateTime(startPreview, timeZone)}` : ""}.
          </p>
          <FieldError id="startsAtLocal-error" error={errors.startsAtLocal} />
        </div>
      ) : (
        <fieldset className="space-y-4 rounded-lg border border-slate-300 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Weekly series ({zoneLabel})</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField
              label="First date"
              name="firstDate"
              type="date"
              required
              value={firstDate}
              onChange={(event) => setFirstDate(event.target.value)}
              error={errors.firstDate}
            />
            <TextField
              label="Time"
              name="time"
              type="time"
              required
              value={time}
              onChange={(event) => setTime(event.target.value)}
              error={errors.time}
            />
            <TextField
              label="Number of sessions"
              name="count"
              type="number"
              min={1}
              max={maxSeriesCount}
              required
              value={count}
              onChange={(event) => setCount(event.target.value)}
              error={errors.count}
            />
          </div>
          <fieldset aria-describedby={errors.weekdays ? "weekdays-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">Days of the week</legend>
            <div className="mt-2 flex flex-wrap gap-2">
              {WEEKDAYS.map((day) => (
                <label
                  key={day.value}
                  className="flex items-center gap-1.5 rounded-md border border-slate-400 px-2 py-1 text-sm text-slate-800 has-[:checked]:border-blue-700 has-[:checked]:bg-blue-50"
                >
                  <input
                    type="checkbox"
                    name="weekdays"
                    value={day.value}
                    checked={weekdays.includes(day.value)}
                    onChange={(event) =>
                      setWeekdays((current) =>
                        event.target.checked ? [...current, day.value] : current.filter((value) => value !== day.value),
                      )
                    }
                    className="h-4 w-4 accent-blue-700"
                  />
                  <abbr title={day.long} className="no-underline">
                    {day.short}
                  </abbr>
                </label>
              ))}
            </div>
            <FieldError id="weekdays-error" error={errors.weekdays} />
          </fieldset>
          <div aria-live="polite" className="text-sm text-slate-700">
            {series.length > 0 ? (
              <>
                <p>
                  {series.length} sessions, from {formatDateTime(series[0], timeZone)} to{" "}
                  {formatDateTime(series[series.length - 1], timeZone)}.
                </p>
                <ul className="mt-1 list-inside list-disc text-xs text-slate-600">
                  {series.slice(0, 4).map((start) => (
                    <li key={start.toISOString()}>{formatDateTime(start, timeZone)}</li>
                  ))}
                  {series.length > 4 ? <li>…</li> : null}
                </ul>
              </>
            ) : (
              <p>Choose the first date, the days and the time to see the sessions.</p>
            )}
          </div>
        </fieldset>
      )}

      <div className="grid gap-4 sm:grid-cols-3">
        <TextField
          label="Duration (minutes)"
          name="durationMinutes"
          type="number"
          min={1}
          max={1440}
          required
          defaultValue={text("durationMinutes")}
          error={errors.durationMinutes}
        />
        <TextField
          label="Late after (minutes)"
          name="lateAfterMinutes"
          type="number"
          min={0}
          max={1439}
          required
          defaultValue={text("lateAfterMinutes")}
          error={errors.lateAfterMinutes}
          hint="A first join later than this counts as late."
        />
        <TextField
          label="Required attendance (%)"
          name="requiredPercent"
          type="number"
          min={1}
          max={100}
          required
          defaultValue={text("requiredPercent")}
          error={errors.requiredPercent}
          hint="Present at or above this share of the class."
        />
      </div>

      {adminOverrides ? (
        <fieldset className="space-y-3 rounded-lg border border-amber-300 bg-amber-50 p-4">
          <legend className="px-1 text-sm font-medium text-slate-800">Admin overrides</legend>
          <CheckboxField
            label="Share the meeting with this course if another course uses it"
            name="shareMeeting"
            defaultChecked={values?.shareMeeting === "on"}
            hint="For cross-listed sections: both courses then see the meeting's participants."
          />
          <CheckboxField
            label="Skip the Zoom host check"
            name="skipHostCheck"
            defaultChecked={values?.skipHostCheck === "on"}
            hint="Create the session even if Zoom does not confirm that one of the course's instructors hosts the meeting."
          />
        </fieldset>
      ) : null}

      <div className="flex flex-wrap gap-3">
        <SubmitButton>
          {mode === "series" && series.length > 0 ? `Create ${series.length} sessions` : submitLabel}
        </SubmitButton>
        <Link href={cancelHref} className={buttonClass.secondary}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
