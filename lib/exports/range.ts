// The date range of course and all-course exports, shared by the API (query string) and the CLI.
import { z } from "zod";
import { isLocalDate } from "./time";

export const localDateSchema = z
  .string({ error: "is required (YYYY-MM-DD)" })
  .trim()
  .refine(isLocalDate, { message: "must be a calendar date written YYYY-MM-DD" });

/** `from` and `to` are local days of the course's time zone, both included. */
export const exportRangeSchema = z
  .object({ from: localDateSchema, to: localDateSchema })
  .refine((range) => range.from <= range.to, { path: ["to"], message: "must not be before from" });

export type ExportRange = z.infer<typeof exportRangeSchema>;

/** The course export's query: both days, or neither for every session of the course so far. */
export const optionalExportRangeSchema = z
  .object({ from: localDateSchema.optional(), to: localDateSchema.optional() })
  .refine((range) => (range.from === undefined) === (range.to === undefined), {
    path: ["to"],
    message: "give both from and to, or neither (every session so far)",
  })
  .refine((range) => !range.from || !range.to || range.from <= range.to, {
    path: ["to"],
    message: "must not be before from",
  })
  .transform((range): ExportRange | null => (range.from && range.to ? { from: range.from, to: range.to } : null));
