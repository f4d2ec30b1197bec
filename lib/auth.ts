// next-auth (v4) configuration: email + password sign-in, JWT sessions carrying the user's id,
// role and session version (lib/access.ts refuses a token whose version is out of date).
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { z } from "zod";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { prisma } from "./db";
import { verifyPassword } from "./passwords";
import { checkSignIn, recordSignInFailure, recordSignInSuccess, SignInThrottled } from "./sign-in-throttle";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().email().max(320),
  password: z.string().min(1).max(1024),
});

/** The address scripts/serve.ts took from the socket (or a trusted proxy's hop). */
export function requestClientAddress(headers: Record<string, unknown> | undefined): string {
  const address = headers?.[CLIENT_ADDRESS_HEADER];
  return typeof address === "string" && address !== "" ? address : "unknown";
}

/** Checks an email and password under the sign-in throttle; the user when they match an enabled account. */
export async function authenticate(email: string, password: string, address: string) {
  const decision = await checkSignIn(email, address);
  if (!decision.allowed) throw new SignInThrottled(decision.retryAfterSeconds);
  if (decision.slowdownMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.slowdownMs));
  const user = await prisma.user.findUnique({ where: { email } });
  const valid = await verifyPassword(password, user?.passwordHash);
  if (!user || !valid || user.disabledAt) {
    await recordSignInFailure(email, address);
    return null;
  }
  await recordSignInSuccess(email, address);
  return user;
}

export const authOptions: NextAuthOptions = {
  secret: process.env.AUTH_SECRET,
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
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
        const user = await authenticate(
          parsed.data.email,
          parsed.data.password,
          requestClientAddress(request?.headers),
        );
        if (!user) return null;
        return {
          id: user.id,
          email: user.email,
          name: user.name,
          role: user.role,
          sessionVersion: user.sessionVersion,
        };
      },
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.role = (user as { role?: string }).role;
        token.sv = (user as { sessionVersion?: number }).sessionVersion ?? 0;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user) {
        (session.user as { id?: string }).id = token.sub;
        (session.user as { role?: unknown }).role = token.role;
        (session.user as { sessionVersion?: unknown }).sessionVersion = token.sv ?? 0;
      }
      return session;
    },
  },
};
