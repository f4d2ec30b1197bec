// A manual reconciliation ("Reconcile now", POST /api/v1/sessions/{id}/reconcile) may be asked for
// once per session every 5 minutes: each run calls Zoom's rate-limited report API, and a button
// pressed in a loop would spend the school's quota. The claim is one atomic statement on the
// shared rate_limits table, so every web process sees the same cooldown.
import { prisma } from "../db";

export const MANUAL_RECONCILE_COOLDOWN_SECONDS = 5 * 60;

const keyOf = (sessionId: string) => `reconcile:manual:${sessionId}`;

export type CooldownClaim = { allowed: true } | { allowed: false; availableAt: Date; retryAfterSeconds: number };

/** Claims the session's manual reconcile: allowed when none was claimed in the last 5 minutes. */
export async function claimManualReconcile(sessionId: string): Promise<CooldownClaim> {
  const claimed = await prisma.$queryRawUnsafe<{ windowStart: Date }[]>(
    `INSERT INTO rate_limits (key, "windowStart", count) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET "windowStart" = now(), count = 1
       WHERE rate_limits."windowStart" <= now() - make_interval(secs => $2)
     RETURNING "windowStart"`,
    keyOf(sessionId),
    MANUAL_RECONCILE_COOLDOWN_SECONDS,
  );
  if (claimed.length > 0) return { allowed: true };
  const availableAt = await manualReconcileAvailableAt(sessionId);
  const at = availableAt ?? new Date();
  return {
    allowed: false,
    availableAt: at,
    retryAfterSeconds: Math.max(1, Math.ceil((at.getTime() - Date.now()) / 1000)),
  };
}

/** When "Reconcile now" can be used again, or null when it can be used now. */
export async function manualReconcileAvailableAt(sessionId: string, now = new Date()): Promise<Date | null> {
  const row = await prisma.rateLimit.findUnique({ where: { key: keyOf(sessionId) }, select: { windowStart: true } });
  if (!row) return null;
  const availableAt = new Date(row.windowStart.getTime() + MANUAL_RECONCILE_COOLDOWN_SECONDS * 1000);
  return availableAt > now ? availableAt : null;
}
