import { z } from "zod";
import { MAX_SESSION_MINUTES } from "../attendance/rules";
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
      .refine((value) => /^https?:\/\//i.test(value) && URL.canParse(value), {
        message: "must be an http:// or https:// URL",
      })
      .nullish(),
    startsAt: instantSchema,
    durationMinutes: z
      .number()
      .int()
      .min(1)
      .max(MAX_SESSION_MINUTES, { message: `must be at most ${MAX_SESSION_MINUTES} (one day)` }),
    lateAfterMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(5),
    requiredPercent: z.number().int().min(1).max(100).default(90),
  })
  .refine((session) => session.lateAfterMinutes < session.durationMinutes, {
    path: ["lateAfterMinutes"],
    message: "must be less than durationMinutes",
  });
export type SessionInputData = z.infer<typeof sessionInputSchema>;

/**
 * PATCH /api/v1/sessions/{id}: any of the create fields (merged with the stored session, then
 * checked by sessionInputSchema exactly as a creation is), the create options `shareMeeting` and
 * `skipHostCheck`, and `cancelled` with an optional `cancelNote`.
 */
export const SESSION_PATCH_FIELDS = [
  "title",
  "zoomMeetingId",
  "joinUrl",
  "startsAt",
  "durationMinutes",
  "lateAfterMinutes",
  "requiredPercent",
] as const;

export const sessionPatchSchema = z
  .object({
    ...Object.fromEntries(SESSION_PATCH_FIELDS.map((field) => [field, z.unknown().optional()])),
    shareMeeting: z.boolean({ message: "must be true or false" }).optional(),
    skipHostCheck: z.boolean({ message: "must be true or false" }).optional(),
    cancelled: z.boolean({ message: "must be true or false" }).optional(),
    cancelNote: z
      .string({ message: "must be text" })
      .trim()
      .max(1000, { message: "must be at most 1000 characters" })
      .nullish(),
  } as Record<(typeof SESSION_PATCH_FIELDS)[number], z.ZodOptional<z.ZodUnknown>> & {
    shareMeeting: z.ZodOptional<z.ZodBoolean>;
    skipHostCheck: z.ZodOptional<z.ZodBoolean>;
    cancelled: z.ZodOptional<z.ZodBoolean>;
    cancelNote: z.ZodOptional<z.ZodNullable<z.ZodString>>;
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .refine((patch) => patch.cancelNote === undefined || patch.cancelNote === null || patch.cancelled !== false, {
    path: ["cancelNote"],
    message: "a note goes with cancelled: true",
  });
export type SessionPatchData = z.infer<typeof sessionPatchSchema>;
