import { z } from "zod";
import { normalizePhone } from "../attendance/rules";
import { isLocalDate } from "../exports/time";
import { emailSchema } from "./common";

/**
 * A date (YYYY-MM-DD: the start of that day in the course's time zone, resolved by the roster
 * service, which knows the course) or an ISO 8601 instant with a zone.
 */
export const enrolledAtSchema = z
  .string()
  .trim()
  .refine(
    (value) =>
      /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? isLocalDate(value)
        : /(Z|[+-]\d{2}:?\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)),
    {
      message: "must be a date (YYYY-MM-DD) or an ISO 8601 time with a zone",
    },
  )
  .transform((value): Date | string => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : new Date(value)));

export const studentInputSchema = z.object({
  name: z.string().trim().min(1, { message: "name is required" }).max(200),
  email: emailSchema,
  // undefined (absent) keeps a stored ID on update; null or "" clears it.
  zoomRegistrantId: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((value) => (value === undefined ? undefined : value ? value : null)),
  // undefined keeps a stored value (new students: enrolled now); null or "" clears the SIS ID.
  enrolledAt: z.union([z.literal("").transform(() => undefined), enrolledAtSchema]).optional(),
  sisId: z
    .string()
    .trim()
    .max(200)
    .nullish()
    .transform((value) => (value === undefined ? undefined : value ? value : null)),
  // Dial-in number, stored in E.164 form. undefined keeps a stored number; null or "" clears it.
  phone: z
    .string()
    .trim()
    .max(40, { message: "phone must be a phone number with its country code, e.g. +1 555 123 4567" })
    .nullish()
    .transform((value, context) => {
      if (value === undefined) return undefined;
      if (!value) return null;
      const normalized = normalizePhone(value);
      if (normalized === null) {
        context.addIssue({
          code: "custom",
          message: "phone must be a phone number with its country code, e.g. +1 555 123 4567",
        });
        return z.NEVER;
      }
      return normalized;
    }),
});
/** `phone` may be left out (kept as stored on update), like a CSV without a phone column. */
export type StudentInput = Omit<z.infer<typeof studentInputSchema>, "sisId" | "enrolledAt" | "phone"> & {
  sisId?: string | null;
  /** an instant, or a local date "YYYY-MM-DD" of the course's time zone */
  enrolledAt?: Date | string;
  phone?: string | null;
};

export const MAX_ROSTER_ROWS = 5000;

export const rosterJsonSchema = z.object({
  students: z.array(studentInputSchema).min(1, { message: "students must not be empty" }).max(MAX_ROSTER_ROWS),
});
