// Re-issuing the signed-in user's own sign-in cookie after they changed their password: the
// change bumps their session version, which ends every other session; this one gets a new JWT
// carrying the new version so the person who made the change stays signed in.
import { cookies } from "next/headers";
import { decode, encode } from "next-auth/jwt";
import { SESSION_MAX_AGE_SECONDS } from "./auth";

const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"];

export async function reissueSessionCookie(userId: string, sessionVersion: number): Promise<boolean> {
  const secret = process.env.NEXTAUTH_SECRET ?? process.env.AUTH_SECRET;
  if (!secret) return false;
  const jar = await cookies();
  const current = COOKIE_NAMES.map((name) => ({ name, value: jar.get(name)?.value })).find((cookie) => cookie.value);
  if (!current?.value) return false;
  const token = await decode({ token: current.value, secret });
  if (!token || token.sub !== userId) return false;
  const { iat: _iat, exp: _exp, jti: _jti, ...claims } = token;
  const value = await encode({ token: { ...claims, sv: sessionVersion }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
  jar.set(current.name, value, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: current.name.startsWith("__Secure-"),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
  return true;
}
