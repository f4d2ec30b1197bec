import crypto from "node:crypto";
import { z } from "zod";
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

/** Creates a user; without a password one is generated and returned (shown once). */
export async function createUser(input: UserInput): Promise<{ id: string; email: string; generatedPassword: string | null }> {
  const data = userInputSchema.parse(input);
  const generatedPassword = data.password ? null : generatePassword();
  const existing = await prisma.user.findUnique({ where: { email: data.email } });
  if (existing) throw new UserExistsError(`A user with email ${data.email} already exists`);
  const user = await prisma.user.create({
    data: { email: data.email, name: data.name, role: data.role, passwordHash: await hashPassword(data.password ?? generatedPassword!) },
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
 * Sets a user's password and bumps their session version: every sign-in session of theirs issued
 * before now ends on its next request (lib/access.ts). Returns the new version.
 */
export async function setPassword(userId: string, password: string): Promise<number> {
  const passwordHash = await hashPassword(newPasswordSchema.parse(password));
  const updated = await prisma.user.update({ where: { id: userId }, data: { passwordHash, sessionVersion: { increment: 1 } }, select: { sessionVersion: true } });
  return updated.sessionVersion;
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
  await setPassword(user.id, password ?? generatedPassword!);
  await prisma.auditEntry.create({ data: { actorId, action: "user_password_reset", subject: `user:${user.id}` } });
  return { userId: user.id, email: user.email, generatedPassword };
}
