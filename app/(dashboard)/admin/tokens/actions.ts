"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { formatUtc } from "@/lib/format";
import { createApiToken, parseTokenLifetime, revokeApiToken, TokenLifetimeError } from "@/lib/services/tokens";
import { fieldErrorsFrom, formValues, type FormState } from "../../_lib/forms";

export interface CreateTokenState extends FormState {
  /** the secret, shown once */
  token?: string;
}

const tokenFormSchema = z.object({
  name: z.string().trim().min(1, { message: "give the token a name, e.g. “nightly SIS export”" }).max(100),
  userId: z.string().min(1, { message: "choose whose token it is" }),
  scope: z.enum(["read-write", "read-only"], { error: "choose read and write, or read-only" }),
  expiresIn: z
    .string()
    .trim()
    .transform((value, context) => {
      if (value === "") return null;
      try {
        return parseTokenLifetime(value);
      } catch (error) {
        if (!(error instanceof TokenLifetimeError)) throw error;
        context.addIssue({
          code: "custom",
          message: "use days or hours, e.g. 90d or 12h (from 1h to 3660d), or leave empty",
        });
        return z.NEVER;
      }
    }),
});

export async function createTokenAction(_previous: CreateTokenState, formData: FormData): Promise<CreateTokenState> {
  const admin = await requireAdmin();
  const parsed = tokenFormSchema.safeParse({
    name: formData.get("name") ?? "",
    userId: formData.get("userId") ?? "",
    scope: formData.get("scope") ?? "read-write",
    expiresIn: formData.get("expiresIn") ?? "",
  });
  if (!parsed.success)
    return {
      ok: false,
      message: "Please correct the fields marked below.",
      fieldErrors: fieldErrorsFrom(parsed.error),
      values: formValues(formData),
    };
  const owner = await prisma.user.findFirst({
    where: { id: parsed.data.userId, disabledAt: null },
    select: { id: true, email: true },
  });
  if (!owner)
    return {
      ok: false,
      fieldErrors: { userId: "that user does not exist or is disabled" },
      values: formValues(formData),
    };
  const { name, scope, expiresIn } = parsed.data;
  const created = await createApiToken(owner.id, {
    name,
    readOnly: scope === "read-only",
    expiresAt: expiresIn === null ? null : new Date(Date.now() + expiresIn),
    actorId: admin.id,
  });
  revalidatePath("/admin/tokens");
  const limits = `${scope === "read-only" ? "read-only" : "read and write"}, ${created.expiresAt ? `expires ${formatUtc(created.expiresAt)}` : "never expires"}`;
  return {
    ok: true,
    token: created.token,
    message: `Token “${name}” created for ${owner.email} (${limits}). Copy it now: it is not shown again.`,
  };
}

export async function revokeTokenAction(tokenId: string): Promise<void> {
  const admin = await requireAdmin();
  await revokeApiToken(tokenId, admin.id);
  revalidatePath("/admin/tokens");
}
