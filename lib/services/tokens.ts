// API tokens: random secrets shown once, stored as sha256 hashes (a token is high-entropy, so a
// fast hash is enough and lets every API request look it up by index).
import crypto from "node:crypto";
import { prisma } from "../db";

const TOKEN_PREFIX = "rc_";

export function hashToken(token: string): string {
  return crypto.createHash("sha256").update(token).digest("hex");
}

export async function createApiToken(userId: string, name = "API token"): Promise<{ id: string; token: string }> {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString("base64url");
  const created = await prisma.apiToken.create({
    data: { userId, name: name.slice(0, 100), tokenHash: hashToken(token), prefix: token.slice(0, 10) },
  });
  return { id: created.id, token };
}

export async function revokeApiToken(tokenId: string): Promise<boolean> {
  const result = await prisma.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
  return result.count > 0;
}

/** The enabled user a bearer token belongs to, or null if the token is unknown or revoked. */
export async function userForToken(token: string) {
  const found = await prisma.apiToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } },
  });
  if (!found || found.revokedAt || found.user.disabledAt) return null;
  // Last use is informative only: refresh it at most once a minute to keep the API path cheap.
  if (!found.lastUsedAt || Date.now() - found.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: new Date() } });
  }
  return { tokenId: found.id, user: found.user };
}
