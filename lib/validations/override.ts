import { z } from "zod";
import { FINAL_STATUSES } from "../attendance/final-record";

export const overrideInputSchema = z.object({
  status: z.enum(FINAL_STATUSES, { message: `must be one of ${FINAL_STATUSES.join(", ")}` }),
  // absent or null: the computed late flag stands
  late: z
    .boolean({ message: "must be true, false or null" })
    .nullish()
    .transform((value) => value ?? null),
  note: z
    .string({ message: "must be text" })
    .trim()
    .max(1000, { message: "must be at most 1000 characters" })
    .nullish()
    .transform((value) => (value ? value : null)),
});
export type OverrideInputData = z.infer<typeof overrideInputSchema>;
