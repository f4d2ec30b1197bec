import { z } from "zod";

export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

export const timeZoneSchema = z
  .string()
  .trim()
  .min(1)
  .refine(isValidTimeZone, { message: "must be an IANA time zone such as America/Los_Angeles" });

export const emailSchema = z.string().trim().max(320).email({ message: "must be an email address" });

/** Zoom meeting numbers are 9 to 12 digits; people paste them with spaces or dashes. */
export const zoomMeetingIdSchema = z
  .union([z.string(), z.number()])
  .transform((value) => String(value).replace(/[\s-]/g, ""))
  .refine((value) => /^\d{9,12}$/.test(value), { message: "must be a Zoom meeting ID (9 to 12 digits)" });

/** "2026-11-25T09:00:00Z" or with an offset; a time without zone is ambiguous and refused. */
export const instantSchema = z
  .string()
  .trim()
  .refine((value) => /(Z|[+-]\d{2}:?\d{2})$/i.test(value) && !Number.isNaN(Date.parse(value)), {
    message: "must be an ISO 8601 time with a zone, e.g. 2026-11-25T17:00:00Z",
  })
  .transform((value) => new Date(value));
