// Fixed-window rate limits kept in Postgres, so every web process shares the same counters.
import { prisma } from "./db";

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/** Counts one hit on `key`; allowed while the window holds at most `limit` hits. */
export async function hitRateLimit(key: string, limit: number, windowSeconds: number): Promise<RateLimitResult> {
  const rows = await prisma.$queryRawUnsafe<{ count: number; windowStart: Date }[]>(
    `INSERT INTO rate_limits (key, "windowStart", count) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN rate_limits."windowStart" < now() - make_interval(secs => $2) THEN 1 ELSE rate_limits.count + 1 END,
       "windowStart" = CASE WHEN rate_limits."windowStart" < now() - make_interval(secs => $2) THEN now() ELSE rate_limits."windowStart" END
     RETURNING count, "windowStart"`,
    key,
    windowSeconds,
  );
  const { count, windowStart } = rows[0];
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + windowSeconds * 1000 - Date.now()) / 1000));
  return { allowed: count <= limit, remaining: Math.max(0, limit - count), retryAfterSeconds };
}
