import { z } from "zod";
import { instantSchema, zoomMeetingIdSchema } from "./common";

export const sessionInputSchema = z
  .object({
    title: z.string().trim().max(200).nullish(),
    zoomMeetingId: zoomMeetingIdSchema,
    // Shown as a link and mailed to students: a javascript: or data: URL would run in their browser.
    joinUrl: z
      .string()
      .trim()
      .max(2000)
      .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), { message: "must be an http:// or https:// URL" })
      .nullish(),
    startsAt: instantSchema,
    durationMinutes: z.number().int().min(1).max(24 * 60, { message: "must be at most 1440 (one day)" }),
    lateAfterMinutes: z.number().int().min(0).max(24 * 60).default(5),
    requiredPercent: z.number().int().min(1).max(100).default(90),
  })
  .refine((session) => session.lateAfterMinutes < session.durationMinutes, {
    path: ["lateAfterMinutes"],
    message: "must be less than durationMinutes",
  });
export type SessionInputData = z.infer<typeof sessionInputSchema>;
