// Zoom webhook signatures: v0=hex(HMAC-SHA256(secret, "v0:" + timestamp + ":" + raw body)).
import crypto from "node:crypto";

/** Accept deliveries signed up to 2 hours ago: Zoom's retries (T+5, +25, +85 min) may keep the
 * original timestamp, and a 4xx is never retried, so a narrow window would lose real events. */
export const MAX_SIGNATURE_AGE_SECONDS = 2 * 60 * 60;
export const MAX_SIGNATURE_SKEW_AHEAD_SECONDS = 5 * 60;

export type SignatureCheck =
  | { ok: true; secret: string }
  | {
      ok: false;
      reason: "missing_signature" | "missing_timestamp" | "bad_signature" | "stale_timestamp" | "future_timestamp";
    };

export function signBody(secret: string, timestamp: string | number, rawBody: string | Buffer): string {
  const hmac = crypto.createHmac("sha256", secret);
  hmac.update(`v0:${timestamp}:`);
  hmac.update(rawBody);
  return `v0=${hmac.digest("hex")}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
}

/** Checks the signature against every configured secret (several during a rotation). */
export function verifySignature(options: {
  rawBody: Buffer;
  signature: string | null;
  timestamp: string | null;
  secrets: string[];
  nowMs: number;
}): SignatureCheck {
  const { rawBody, signature, timestamp, secrets, nowMs } = options;
  if (!signature) return { ok: false, reason: "missing_signature" };
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "missing_timestamp" };
  // Check the signature before the clock, so an unsigned request learns nothing about our clock.
  const matching = secrets.find((secret) => constantTimeEqual(signBody(secret, timestamp, rawBody), signature.trim()));
  if (!matching) return { ok: false, reason: "bad_signature" };
  const ageSeconds = nowMs / 1000 - Number(timestamp);
  if (ageSeconds > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: "stale_timestamp" };
  if (ageSeconds < -MAX_SIGNATURE_SKEW_AHEAD_SECONDS) return { ok: false, reason: "future_timestamp" };
  return { ok: true, secret: matching };
}

/** The answer to `endpoint.url_validation`. */
export function urlValidationAnswer(plainToken: string, secret: string) {
  return {
    plainToken,
    encryptedToken: crypto.createHmac("sha256", secret).update(plainToken).digest("hex"),
  };
}
