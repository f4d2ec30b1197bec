import { z } from "zod";
import { instantSchema, zoomMeetingIdSchema } from "./common";

export const sessionInputSchema = z
  .object({
    title: z.string().trim().max(200).nullish(),
    zoomMeetingId: zoomMeetingIdSchema,
    joinUrl: z.string().trim().url({ message: "must be a URL" }).max(2000).nullish(),
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

/**
 * PATCH /api/v1/sessions/{id}: any of the create fields (merged with the stored session, then
 * checked like a creation), and `cancelled` with an optional `cancelNote`.
 */
export const sessionPatchSchema = z
  .object({
    title: z.string().trim().max(200).nullish(),
    zoomMeetingId: zoomMeetingIdSchema.optional(),
    joinUrl: z.string().trim().url({ message: "must be a URL" }).max(2000).nullish(),
    startsAt: instantSchema.optional(),
    durationMinutes: z.number().int().min(1).max(24 * 60, { message: "must be at most 1440 (one day)" }).optional(),
    lateAfterMinutes: z.number().int().min(0).max(24 * 60).optional(),
    requiredPercent: z.number().int().min(1).max(100).optional(),
    cancelled: z.boolean({ message: "must be true or false" }).optional(),
    cancelNote: z.string({ message: "must be text" }).trim().max(1000, { message: "must be at most 1000 characters" }).nullish(),
  })
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: "send at least one field to change" })
  .refine((patch) => patch.cancelNote === undefined || patch.cancelNote === null || patch.cancelled !== false, {
    path: ["cancelNote"],
    message: "a note goes with cancelled: true",
  });
export type SessionPatchData = z.infer<typeof sessionPatchSchema>;
