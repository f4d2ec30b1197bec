// Turning submitted forms into the inputs of lib/services, with messages per field. Server
// actions return a FormState; client forms show `fieldErrors` next to each control and refill
// what was typed from `values` (React resets a form after its action runs).
import { z } from "zod";
import { courseInputSchema, type CourseInput } from "@/lib/validations/course";
import { sessionInputSchema, type SessionInputData } from "@/lib/validations/session";
import { studentInputSchema, type StudentInput } from "@/lib/validations/student";
import { formatDateTime } from "@/lib/format";
import type { DuplicateSessionError, SessionWriteOptions } from "@/lib/services/sessions";
import { AdminOnlyOptionError, MeetingHostError, MeetingInUseError, type Actor } from "@/lib/services/meetings";
import { localDateTimeToInstant, weeklySeries } from "@/lib/timezone";

export interface FormState {
  /** a message for the whole form (success or failure) */
  message?: string;
  ok?: boolean;
  fieldErrors?: Record<string, string>;
  /** what was submitted, to refill the form after an error */
  values?: Record<string, string>;
}

export type FormResult<T> = { ok: true; data: T } | { ok: false; state: FormState };

/** Text values of a form (files and the framework's $ACTION_ fields left out); repeated keys (checkboxes) joined by ",". */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== "string" || key.startsWith("$ACTION")) continue;
    values[key] = key in values ? `${values[key]},${value}` : value;
  }
  return values;
}

const text = (formData: FormData, name: string) => {
  const value = formData.get(name);
  return typeof value === "string" ? value.trim() : "";
};
const optionalText = (formData: FormData, name: string) => text(formData, name) || null;

/** "" stays "" (so the schema says "required"); anything else becomes a number or NaN. */
const numberField = (formData: FormData, name: string): number | undefined => {
  const raw = text(formData, name);
  return raw === "" ? undefined : Number(raw);
};

/** First message per field, "field: message" paths flattened to the field name. */
export function fieldErrorsFrom(error: z.ZodError, rename: Record<string, string> = {}): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = String(issue.path[0] ?? "form");
    const field = rename[path] ?? path;
    errors[field] ??= friendlyMessage(issue);
  }
  return errors;
}

function friendlyMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type" && issue.expected === "number") return "must be a whole number";
  if (issue.code === "too_small" && issue.origin === "number") return `must be at least ${String(issue.minimum)}`;
  if (issue.code === "too_big" && issue.origin === "number")
    return issue.message.startsWith("Too big") ? `must be at most ${String(issue.maximum)}` : issue.message;
  if (issue.code === "invalid_type" && issue.expected === "string") return "is required";
  // Schema messages name other fields by their API names.
  return issue.message.replace("durationMinutes", "the duration");
}

function failure(
  formData: FormData,
  fieldErrors: Record<string, string>,
  message = "Please correct the fields marked below.",
): { ok: false; state: FormState } {
  return { ok: false, state: { ok: false, message, fieldErrors, values: formValues(formData) } };
}

// ---------------------------------------------------------------------------------------------
// Courses

export function parseCourseForm(formData: FormData): FormResult<{ course: CourseInput; instructorIds: string[] }> {
  const parsed = courseInputSchema.safeParse({
    name: text(formData, "name"),
    timezone: text(formData, "timezone") || undefined,
    notifyLateJoiners: formData.get("notifyLateJoiners") === "on",
    notifyInstructorSummary: formData.get("notifyInstructorSummary") === "on",
    termRequiredPercent: numberField(formData, "termRequiredPercent") ?? 90,
    maxAbsences: text(formData, "maxAbsences") === "" ? null : numberField(formData, "maxAbsences"),
    atRiskDigest: formData.get("atRiskDigest") === "on",
  });
  if (!parsed.success) return failure(formData, fieldErrorsFrom(parsed.error));
  const instructorIds = formData
    .getAll("instructorIds")
    .filter((value): value is string => typeof value === "string" && value !== "");
  return { ok: true, data: { course: parsed.data, instructorIds: [...new Set(instructorIds)] } };
}

// ---------------------------------------------------------------------------------------------
// Students

export function parseStudentForm(formData: FormData): FormResult<StudentInput> {
  const parsed = studentInputSchema.safeParse({
    name: text(formData, "name"),
    email: text(formData, "email"),
    zoomRegistrantId: optionalText(formData, "zoomRegistrantId"),
    phone: optionalText(formData, "phone"),
    sisId: optionalText(formData, "sisId"),
    // The form has a date (YYYY-MM-DD): enrolled from the start of that day (UTC); empty keeps it.
    enrolledAt: text(formData, "enrolledAt") || undefined,
  });
  if (!parsed.success) return failure(formData, fieldErrorsFrom(parsed.error));
  return { ok: true, data: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// Sessions

export const MAX_SERIES_COUNT = 60;

/** The fields one session and a series share; `startsAt` is filled in per occurrence. */
function sessionFields(formData: FormData) {
  return {
    title: optionalText(formData, "title"),
    zoomMeetingId: text(formData, "zoomMeetingId"),
    joinUrl: optionalText(formData, "joinUrl"),
    durationMinutes: numberField(formData, "durationMinutes"),
    lateAfterMinutes: numberField(formData, "lateAfterMinutes"),
    requiredPercent: numberField(formData, "requiredPercent"),
  };
}

/** One session; its start is a wall-clock time in the course's zone ("startsAtLocal"). */
export function parseSessionForm(formData: FormData, timeZone: string): FormResult<SessionInputData> {
  const startsAt = localDateTimeToInstant(text(formData, "startsAtLocal"), timeZone);
  const parsed = sessionInputSchema.safeParse({ ...sessionFields(formData), startsAt: startsAt?.toISOString() ?? "" });
  const errors = parsed.success ? {} : fieldErrorsFrom(parsed.error, { startsAt: "startsAtLocal" });
  if (!startsAt) errors.startsAtLocal = "choose a date and time";
  if (!parsed.success || Object.keys(errors).length > 0) return failure(formData, errors);
  return { ok: true, data: parsed.data };
}

/** A weekly series: days of the week, a wall-clock time and a count, from a first date on. */
export function parseSeriesForm(formData: FormData, timeZone: string): FormResult<SessionInputData[]> {
  const weekdays = formData.getAll("weekdays").map((value) => Number(value));
  const count = numberField(formData, "count");
  const errors: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text(formData, "firstDate"))) errors.firstDate = "choose the first date";
  if (!/^\d{2}:\d{2}$/.test(text(formData, "time"))) errors.time = "choose the time of day";
  if (weekdays.length === 0) errors.weekdays = "choose at least one day";
  if (count === undefined || !Number.isInteger(count) || count < 1 || count > MAX_SERIES_COUNT)
    errors.count = `must be a whole number from 1 to ${MAX_SERIES_COUNT}`;
  const starts =
    Object.keys(errors).length === 0
      ? weeklySeries({
          firstDate: text(formData, "firstDate"),
          weekdays,
          time: text(formData, "time"),
          count: count!,
          timeZone,
        })
      : [];
  // Validate the shared fields once, with a placeholder start when the series itself is invalid.
  const parsed = sessionInputSchema.safeParse({
    ...sessionFields(formData),
    startsAt: (starts[0] ?? new Date()).toISOString(),
  });
  if (!parsed.success) Object.assign(errors, fieldErrorsFrom(parsed.error));
  if (!parsed.success || Object.keys(errors).length > 0) return failure(formData, errors);
  return { ok: true, data: starts.map((startsAt) => ({ ...parsed.data, startsAt })) };
}

/** The form's answer when a session of the same Zoom meeting already starts at that time. */
export function duplicateSessionState(error: DuplicateSessionError, timeZone: string, formData: FormData): FormState {
  return {
    ok: false,
    message: `This course already has a session of Zoom meeting ${String(formData.get("zoomMeetingId") ?? "").trim()} starting ${formatDateTime(error.startsAt, timeZone)}. Change the start time or edit that session instead.`,
    values: formValues(formData),
  };
}

/** The session write options of a form: who submits it and the admin-only overrides ticked. */
export function sessionWriteOptions(formData: FormData, actor: Actor): SessionWriteOptions {
  return {
    actor,
    shareMeeting: formData.get("shareMeeting") === "on",
    skipHostCheck: formData.get("skipHostCheck") === "on",
  };
}

/** A refusal of the meeting checks (another course's meeting, Zoom's host check) as form state; null for other errors. */
export function meetingRefusalState(error: unknown, formData: FormData): FormState | null {
  if (
    error instanceof MeetingInUseError ||
    error instanceof MeetingHostError ||
    error instanceof AdminOnlyOptionError
  ) {
    const field: Record<string, string> =
      error instanceof AdminOnlyOptionError
        ? {}
        : { zoomMeetingId: error instanceof MeetingInUseError ? "used by another course" : "not confirmed by Zoom" };
    return { ok: false, message: error.message, fieldErrors: field, values: formValues(formData) };
  }
  return null;
}
