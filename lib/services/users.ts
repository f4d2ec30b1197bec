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
  const generatedPassword = data.password ? null : crypto.randomBytes(12).toString("base64url");
  const existing = await prisma.user.findUnique({ where: { email: data.email } });
  if (existing) throw new UserExistsError(`A user with email ${data.email} already exists`);
  const user = await prisma.user.create({
    data: { email: data.email, name: data.name, role: data.role, passwordHash: await hashPassword(data.password ?? generatedPassword!) },
  });
  return { id: user.id, email: user.email, generatedPassword };
}

export async function setPassword(userId: string, password: string): Promise<void> {
  await prisma.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password) } });
}
