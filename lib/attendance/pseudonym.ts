// Pseudonyms for names and emails of events older than RETENTION_DAYS (lib/privacy/retention.ts):
// the value is replaced by a hash of its normalised form, so the same person still gets the same
// pseudonym, roster emails and manual matches still find them (the engine compares pseudonyms
// too), and attendance figures do not change — but the stored row no longer says who it was.
// Pure: a hash, no I/O.
import { createHash } from "node:crypto";

export const PSEUDONYM_PREFIX = "pseudonym:";

/** The pseudonym of an already normalised value (normalizeEmail / normalizeName). */
export function pseudonymOf(normalized: string): string {
  return PSEUDONYM_PREFIX + createHash("sha256").update(normalized, "utf8").digest("hex");
}

export function isPseudonym(value: string | null | undefined): boolean {
  return value?.startsWith(PSEUDONYM_PREFIX) === true;
}
