import { z } from "zod";
import { normalizePhone } from "../attendance/engine";
import { emailSchema } from "./common";

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
        context.addIssue({ code: "custom", message: "phone must be a phone number with its country code, e.g. +1 555 123 4567" });
        return z.NEVER;
      }
      return normalized;
    }),
});
/** `phone` may be left out (kept as stored on update), like a CSV without a phone column. */
export type StudentInput = Omit<z.infer<typeof studentInputSchema>, "phone"> & { phone?: string | null };

export const MAX_ROSTER_ROWS = 5000;

export const rosterJsonSchema = z.object({
  students: z.array(studentInputSchema).min(1, { message: "students must not be empty" }).max(MAX_ROSTER_ROWS),
});
