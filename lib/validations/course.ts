import { z } from "zod";
import { timeZoneSchema } from "./common";

export const courseInputSchema = z.object({
  name: z.string().trim().min(1, { message: "name is required" }).max(200),
  timezone: timeZoneSchema.default("UTC"),
  notifyLateJoiners: z.boolean().optional(),
  notifyInstructorSummary: z.boolean().optional(),
  termRequiredPercent: z
    .number()
    .int()
    .min(1, { message: "must be 1 to 100" })
    .max(100, { message: "must be 1 to 100" })
    .optional(),
  maxAbsences: z.number().int().min(0, { message: "must be 0 or more" }).max(1000).nullish(),
  atRiskDigest: z.boolean().optional(),
});
export type CourseInput = z.infer<typeof courseInputSchema>;
