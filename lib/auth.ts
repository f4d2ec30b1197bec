// next-auth (v4) configuration: email + password sign-in, JWT sessions carrying the user's id and role.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { prisma } from "./db";
import { verifyPassword } from "./passwords";
import { hitRateLimit } from "./rate-limit";

/** Sign-in attempts allowed per email and per client address in each window. */
export const SIGN_IN_LIMIT = 10;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

export class SignInThrottled extends Error {
  constructor() {
    super("Too many sign-in attempts. Wait 15 minutes and try again.");
  }
}

function clientAddress(headers: Record<string, unknown> | undefined): string {
  const forwarded = headers?.["x-forwarded-for"];
  return typeof forwarded === "string" ? forwarded.split(",")[0].trim() : "unknown";
}

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
  // Secure (and __Secure-/__Host- prefixed) cookies whenever the public URL is https; production
  // requires that unless ALLOW_INSECURE_HTTP=1 (lib/config.ts).
  useSecureCookies: (process.env.NEXTAUTH_URL ?? process.env.APP_URL ?? "").startsWith("https://"),
  pages: { signIn: "/login" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      async authorize(credentials, request) {
        const parsed = credentialsSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const { email, password } = parsed.data;
        const [byEmail, byAddress] = await Promise.all([
          hitRateLimit(`sign-in:email:${email}`, SIGN_IN_LIMIT, SIGN_IN_WINDOW_SECONDS),
          hitRateLimit(`sign-in:ip:${clientAddress(request?.headers)}`, SIGN_IN_LIMIT * 5, SIGN_IN_WINDOW_SECONDS),
        ]);
        if (!byEmail.allowed || !byAddress.allowed) throw new SignInThrottled();
        const user = await prisma.user.findUnique({ where: { email } });
        const valid = await verifyPassword(password, user?.passwordHash);
        if (!user || !valid || user.disabledAt) return null;
        return { id: user.id, email: user.email, name: user.name, role: user.role };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = (user as { role?: string }).role;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.sub;
        (session.user as { role?: unknown }).role = token.role;
      }
      return session;
    },
  },
};
