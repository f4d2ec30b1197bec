"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireAdmin } from "@/lib/access";
import { prisma } from "@/lib/db";
import { createApiToken, revokeApiToken } from "@/lib/services/tokens";
import { fieldErrorsFrom, formValues, type FormState } from "../../_lib/forms";

export interface CreateTokenState extends FormState {
  /** the secret, shown once */
  token?: string;
}

const tokenFormSchema = z.object({
  name: z.string().trim().min(1, { message: "give the token a name, e.g. “nightly SIS export”" }).max(100),
  userId: z.string().min(1, { message: "choose whose token it is" }),
});

export async function createTokenAction(_previous: CreateTokenState, formData: FormData): Promise<CreateTokenState> {
  const admin = await requireAdmin();
  const parsed = tokenFormSchema.safeParse({ name: formData.get("name") ?? "", userId: formData.get("userId") ?? "" });
  if (!parsed.success) return { ok: false, message: "Please correct the fields marked below.", fieldErrors: fieldErrorsFrom(parsed.error), values: formValues(formData) };
  const owner = await prisma.user.findFirst({ where: { id: parsed.data.userId, disabledAt: null }, select: { id: true, email: true } });
  if (!owner) return { ok: false, fieldErrors: { userId: "that user does not exist or is disabled" }, values: formValues(formData) };
  const created = await createApiToken(owner.id, parsed.data.name);
  await prisma.auditEntry.create({ data: { actorId: admin.id, action: "token_create", subject: `token:${created.id}`, details: { owner: owner.email } } });
  revalidatePath("/admin/tokens");
  return { ok: true, token: created.token, message: `Token “${parsed.data.name}” created for ${owner.email}. Copy it now: it is not shown again.` };
}

export async function revokeTokenAction(tokenId: string): Promise<void> {
  const admin = await requireAdmin();
  if (await revokeApiToken(tokenId)) {
    await prisma.auditEntry.create({ data: { actorId: admin.id, action: "token_revoke", subject: `token:${tokenId}` } });
  }
  revalidatePath("/admin/tokens");
}
