import crypto from "node:crypto";
import { z } from "zod";
import { recordAudit } from "../audit";
import { prisma } from "../db";
import { hashPassword } from "../passwords";
import { emailSchema } from "../validations/common";

export const userInputSchema = z.object({
  email: emailSchema.transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1, { message: "name is required" }).max(200),
  role: z.enum(["admin", "instructor"], { error: "role must be admin or instructor" }),
  password: z.string().min(10, { message: "password must be at least 10 characters" }).max(1024).optional(),
});
export type UserInput = z.input<typeof userInputSchema>;

export class UserExistsError extends Error {}

/**
 * Creates a user and records `user.created` (actorId null: the command line or a script); without
 * a password one is generated and returned (shown once).
 */
export async function createUser(
  input: UserInput,
  actorId: string | null = null,
): Promise<{ id: string; email: string; generatedPassword: string | null }> {
  const data = userInputSchema.parse(input);
  const generatedPassword = data.password ? null : generatePassword();
  const existing = await prisma.user.findUnique({ where: { email: data.email } });
  if (existing) throw new UserExistsError(`A user with email ${data.email} already exists`);
  const passwordHash = await hashPassword(data.password ?? generatedPassword!);
  const user = await prisma.$transaction(async (tx) => {
    const user = await tx.user.create({ data: { email: data.email, name: data.name, role: data.role, passwordHash } });
    await recordAudit(tx, {
      action: "user.created",
      actorId,
      subject: { type: "user", id: user.id },
      detail: { role: user.role },
    });
    return user;
  });
  return { id: user.id, email: user.email, generatedPassword };
}

/** The one rule for every password a person chooses (create, change, reset). */
export const newPasswordSchema = z
  .string()
  .min(10, { message: "password must be at least 10 characters" })
  .max(1024, { message: "password must be at most 1,024 characters" });

export function generatePassword(): string {
  return crypto.randomBytes(12).toString("base64url");
}

/**
 * Sets a user's password, bumps their session version (every sign-in session of theirs issued
 * before now ends on its next request, lib/access.ts) and records the change. Returns the new version.
 */
async function setPassword(
  userId: string,
  password: string,
  audit: { action: "user.password_changed" | "user.password_reset"; actorId: string | null },
): Promise<number> {
  const passwordHash = await hashPassword(newPasswordSchema.parse(password));
  return prisma.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: userId },
      data: { passwordHash, sessionVersion: { increment: 1 } },
      select: { sessionVersion: true },
    });
    await recordAudit(tx, { ...audit, subject: { type: "user", id: userId } });
    return updated.sessionVersion;
  });
}

/** The signed-in user's own change (the current password is checked by the caller). Returns the new session version. */
export async function changeOwnPassword(userId: string, password: string): Promise<number> {
  return setPassword(userId, password, { action: "user.password_changed", actorId: userId });
}

export class UserNotFoundError extends Error {}

/** An admin's (or the CLI's) reset: without a password one is generated and returned (shown once). */
export async function resetPassword(
  email: string,
  password: string | undefined,
  actorId: string | null,
): Promise<{ userId: string; email: string; generatedPassword: string | null }> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) throw new UserNotFoundError(`No user with email ${email.trim()}`);
  const generatedPassword = password ? null : generatePassword();
  await setPassword(user.id, password ?? generatedPassword!, { action: "user.password_reset", actorId });
  return { userId: user.id, email: user.email, generatedPassword };
}
