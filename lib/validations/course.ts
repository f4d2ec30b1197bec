import { z } from "zod";
import { timeZoneSchema } from "./common";

export const courseInputSchema = z.object({
  name: z.string().trim().min(1, { message: "name is required" }).max(200),
  timezone: timeZoneSchema.default("UTC"),
  notifyLateJoiners: z.boolean().optional(),
  notifyInstructorSummary: z.boolean().optional(),
});
export type CourseInput = z.infer<typeof courseInputSchema>;
