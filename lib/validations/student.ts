import { z } from "zod";
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
});
export type StudentInput = z.infer<typeof studentInputSchema>;

export const MAX_ROSTER_ROWS = 5000;

export const rosterJsonSchema = z.object({
  students: z.array(studentInputSchema).min(1, { message: "students must not be empty" }).max(MAX_ROSTER_ROWS),
});
