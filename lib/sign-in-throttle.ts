// Sign-in throttling that cannot be turned against the users it protects (ADR 012).
// Only failed attempts count, in PostgreSQL so every web process sees the same numbers:
// - per email AND client address ("pair"): after a few failures that client must wait before it
//   may try that account again, the wait doubling with each failure up to a cap;
// - per client address: the same for one client guessing across many accounts;
// - per email from everywhere: answers are slowed (never refused), so a guesser spread over many
//   addresses gets fewer tries while the real user, from their own address, still signs in.
// There is no lock of the account: the right password from a client that has not failed is
// always checked. A success clears that client's failures for the account.
import { prisma } from "./db";

interface Policy {
  /** failures allowed before any delay */
  free: number;
  /** the delay after the first failure beyond `free`; doubles with each further failure */
  baseMs: number;
  capMs: number;
}

export const SIGN_IN_POLICY = {
  pair: { free: 3, baseMs: 2_000, capMs: 15 * 60_000 },
  address: { free: 50, baseMs: 1_000, capMs: 15 * 60_000 },
  email: { free: 10, baseMs: 250, capMs: 5_000 },
} satisfies Record<string, Policy>;

/** Failures older than this (counted from the last one) are forgotten. */
export const FORGET_AFTER_MS = 60 * 60_000;

/** The delay a key earns after `failures` recent failures. */
export function delayAfter(failures: number, policy: Policy): number {
  if (failures <= policy.free) return 0;
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(30, failures - policy.free - 1));
}

function keysFor(email: string, address: string) {
  return { pair: `pair:${email}|${address}`, address: `address:${address}`, email: `email:${email}` };
}

export type ThrottleDecision =
  /** this client must wait before trying (the password is not checked) */
  | { allowed: false; retryAfterSeconds: number }
  /** go ahead, after slowing the answer by `slowdownMs` */
  | { allowed: true; slowdownMs: number };

/** May this client try a password for this email now? */
export async function checkSignIn(email: string, address: string, now = new Date()): Promise<ThrottleDecision> {
  const keys = keysFor(email, address);
  const rows = await prisma.signInThrottle.findMany({
    where: { key: { in: Object.values(keys) }, lastFailureAt: { gt: new Date(now.getTime() - FORGET_AFTER_MS) } },
  });
  const failures = (key: string) => rows.find((row) => row.key === key);
  let waitMs = 0;
  for (const kind of ["pair", "address"] as const) {
    const row = failures(keys[kind]);
    if (!row) continue;
    waitMs = Math.max(
      waitMs,
      row.lastFailureAt.getTime() + delayAfter(row.failures, SIGN_IN_POLICY[kind]) - now.getTime(),
    );
  }
  if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.ceil(waitMs / 1000) };
  const byEmail = failures(keys.email);
  return { allowed: true, slowdownMs: byEmail ? delayAfter(byEmail.failures, SIGN_IN_POLICY.email) : 0 };
}

/** Counts one failed attempt against the pair, the address and the email. */
export async function recordSignInFailure(email: string, address: string, now = new Date()): Promise<void> {
  const keys = Object.values(keysFor(email, address));
  const forgetBefore = new Date(now.getTime() - FORGET_AFTER_MS);
  await prisma.$executeRaw`
    INSERT INTO sign_in_throttles (key, failures, "lastFailureAt")
    SELECT key, 1, ${now} FROM unnest(${keys}::text[]) AS key
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN sign_in_throttles."lastFailureAt" < ${forgetBefore} THEN 1 ELSE sign_in_throttles.failures + 1 END,
      "lastFailureAt" = ${now}`;
  // Keep the table to the keys that still matter (about one failure in fifty pays for the sweep).
  if (Math.random() < 0.02) await prisma.signInThrottle.deleteMany({ where: { lastFailureAt: { lt: forgetBefore } } });
}

/** A success clears this client's failures for this account (not the address's or the email's). */
export async function recordSignInSuccess(email: string, address: string): Promise<void> {
  await prisma.signInThrottle.deleteMany({ where: { key: keysFor(email, address).pair } });
}

export class SignInThrottled extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed sign-ins from your address. Try again in ${formatWait(retryAfterSeconds)}.`);
  }
}

function formatWait(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? "" : "s"}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}
