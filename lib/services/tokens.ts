// API tokens: random secrets shown once, stored as sha256 hashes (a token is high-entropy, so a
// fast hash is enough and lets every API request look it up by index). A token may be read-only
// (refused every write) and may expire.
import crypto from "node:crypto";
import { recordAudit } from "../audit";
import { prisma } from "../db";

const TOKEN_PREFIX = "rc_";

/** Longest lifetime a token may be given (ten years), so a typo cannot overflow a date. */
export const MAX_TOKEN_LIFETIME_HOURS = 3660 * 24;

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export class TokenLifetimeError extends Error {}

/**
 * "90d" or "12h" → milliseconds. Whole numbers of days or hours only; anything else is refused
 * with a message that says what is accepted.
 */
export function parseTokenLifetime(value: string): number {
  const match = /^\s*(\d{1,6})\s*([dh])\s*$/i.exec(value);
  const hours = match ? Number(match[1]) * (match[2].toLowerCase() === "d" ? 24 : 1) : NaN;
  if (!match || hours < 1 || hours > MAX_TOKEN_LIFETIME_HOURS) {
    throw new TokenLifetimeError(
      `"${value}" is not a token lifetime: use a whole number of days or hours, e.g. 90d or 12h (at least 1h, at most 3660d)`,
    );
  }
  return hours * 3_600_000;
}

export interface TokenOptions {
  name?: string;
  readOnly?: boolean;
  /** null or undefined: never expires */
  expiresAt?: Date | null;
  /** who creates it, for the audit log; null or undefined: the command line (or a script) */
  actorId?: string | null;
}

/** Creates a token for `userId` and records `token.created`; the secret is returned once. */
export async function createApiToken(
  userId: string,
  nameOrOptions: string | TokenOptions = {},
): Promise<{ id: string; token: string; expiresAt: Date | null; readOnly: boolean }> {
  const options = typeof nameOrOptions === "string" ? { name: nameOrOptions } : nameOrOptions;
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
  const created = await prisma.$transaction(async (tx) => {
    const created = await tx.apiToken.create({
      data: {
        userId,
        name: (options.name ?? "API token").slice(0, 100),
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        readOnly: options.readOnly ?? false,
        expiresAt: options.expiresAt ?? null,
      },
      include: { user: { select: { email: true } } },
    });
    await recordAudit(tx, {
      action: "token.created",
      actorId: options.actorId ?? null,
      subject: { type: "token", id: created.id },
      detail: {
        owner: created.user.email,
        scope: tokenScope(created),
        expiresAt: created.expiresAt?.toISOString() ?? null,
      },
    });
    return created;
  });
  return { id: created.id, token, expiresAt: created.expiresAt, readOnly: created.readOnly };
}

/** Revokes an active token and records `token.revoked`; false when there was none to revoke. */
export async function revokeApiToken(tokenId: string, actorId: string | null = null): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const result = await tx.apiToken.updateMany({
      where: { id: tokenId, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (result.count === 0) return false;
    await recordAudit(tx, { action: "token.revoked", actorId, subject: { type: "token", id: tokenId } });
    return true;
  });
}

export type TokenLookup =
  | {
      status: "ok";
      tokenId: string;
      readOnly: boolean;
      user: { id: string; email: string; name: string; role: "admin" | "instructor" };
    }
  | { status: "unknown" }
  | { status: "expired"; expiresAt: Date };

/** Who a bearer token acts for: unknown (or revoked, or its user disabled), expired, or ok. */
export async function lookupToken(token: string, now = new Date()): Promise<TokenLookup> {
  const found = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } },
  });
  if (!found || found.revokedAt || found.user.disabledAt) return { status: "unknown" };
  if (found.expiresAt && found.expiresAt.getTime() <= now.getTime())
    return { status: "expired", expiresAt: found.expiresAt };
  // Last use is informative only: refresh it at most once a minute to keep the API path cheap
  // (the condition in the WHERE clause keeps concurrent requests from all writing).
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.updateMany({
      where: { id: found.id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: new Date(now.getTime() - 60_000) } }] },
      data: { lastUsedAt: now },
    });
  }
  const { disabledAt: _disabledAt, ...user } = found.user;
  return { status: "ok", tokenId: found.id, readOnly: found.readOnly, user };
}

/** The enabled user a bearer token belongs to, or null if the token is unknown, revoked or expired. */
export async function userForToken(token: string) {
  const found = await lookupToken(token);
  return found.status === "ok" ? { tokenId: found.tokenId, readOnly: found.readOnly, user: found.user } : null;
}

/** "read-only" / "read-write", as lists show it. */
export function tokenScope(token: { readOnly: boolean }): "read-only" | "read-write" {
  return token.readOnly ? "read-only" : "read-write";
}
