// Ranked match suggestions for a guest (ADR 015, README "Personal join links"): which roster
// students a Zoom display name or email most likely belongs to.
// Pure functions, no I/O. The string metric is Jaro-Winkler from @skyra/jaro-winkler; what is
// ours is the name normalisation (device suffixes, "Last, First", accents) and how tokens,
// initials and email handles are compared. A suggestion is only a suggestion: a person confirms.
import { jaroWinkler } from "@skyra/jaro-winkler";

export interface SuggestionCandidate {
  studentId: string;
  name: string;
  email: string;
}

export interface Suggestion {
  studentId: string;
  name: string;
  /** 0–1, two decimals; higher is more alike */
  score: number;
}

export const MAX_SUGGESTIONS = 3;
/** Below this a name is not offered: "Chris Patel" for a guest "Chris Wong" scores about 0.5. */
export const MIN_SUGGESTION_SCORE = 0.7;
/** An initial ("H." for Hana) agrees less than the whole name would. */
const INITIAL_AGREEMENT = 0.9;

// What Zoom and phones add to a display name: "Hana (iPad)", "Hana's iPhone", "iPhone (2)".
const DEVICE_WORDS =
  /\b(?:iphone|ipad|ipod|android|galaxy|pixel|samsung|huawei|xiaomi|phone|mobile|tablet|laptop|desktop|macbook|mac|pc|windows|chromebook|zoom ?user|zoom)\b/gi;

/** Letters only, lower-case, without accents ("José" → "jose"). */
function fold(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .replace(/ß/g, "ss")
    .replace(/[øØ]/g, "o")
    .replace(/[łŁ]/g, "l")
    .toLowerCase();
}

/**
 * A display name as comparable tokens: device parts and bracketed notes removed, "Sato, Hana"
 * turned into "hana sato", accents and punctuation gone. An empty list means no person's name.
 */
export function nameTokens(displayName: string): string[] {
  let name = displayName.replace(/\([^)]*\)|\[[^\]]*\]/g, " ");
  name = name
    .replace(/[’']s\b/gi, " ")
    .replace(DEVICE_WORDS, " ")
    .replace(/\S*\d\S*/g, " ");
  const comma = name.indexOf(",");
  if (comma > 0) name = `${name.slice(comma + 1)} ${name.slice(0, comma)}`;
  return fold(name)
    .replace(/[^\p{L}]+/gu, " ")
    .trim()
    .split(" ")
    .filter((token) => token !== "");
}

/** The part of an email before "@", letters only ("h.sato2@x" → "hsato"); "" if none. */
export function emailHandle(email: string | null | undefined): string {
  if (!email) return "";
  const at = email.indexOf("@");
  return fold(at > 0 ? email.slice(0, at) : "").replace(/[^\p{L}]+/gu, "");
}

/**
 * Jaro-Winkler rescaled so that unrelated words score near 0: plain Jaro-Winkler gives two
 * different names of similar length 0.5–0.8 ("parent"/"patel" 0.83), a typo 0.9 and more.
 */
function alike(a: string, b: string): number {
  if (a === b) return 1;
  return Math.max(0, (jaroWinkler(a, b) - 0.5) * 2);
}

/** How well one guest token agrees with one student token; an initial agrees with its name. */
function tokenAgreement(a: string, b: string): number {
  if (a.length === 1 || b.length === 1) return a[0] === b[0] ? INITIAL_AGREEMENT : 0;
  return alike(a, b);
}

/**
 * Each token's best agreement with the other side, averaged: mostly how well the guest's tokens
 * are explained (a guest often shows only a first name), partly how much of the student's name
 * the guest shows (so "Chris Wong" is not as good a "Chris Patel" as "Chris P").
 */
function tokenScore(guest: string[], student: string[]): number {
  if (guest.length === 0 || student.length === 0) return 0;
  const best = (from: string[], to: string[]) =>
    from.reduce((sum, token) => sum + Math.max(...to.map((other) => tokenAgreement(token, other))), 0) / from.length;
  return 0.75 * best(guest, student) + 0.25 * best(student, guest);
}

/** The handles a school or a student makes of a name: "hsato", "hanasato", "hana.sato" → "hanasato", "satoh"… */
function handlesOf(tokens: string[]): string[] {
  if (tokens.length === 0) return [];
  const first = tokens[0];
  const last = tokens[tokens.length - 1];
  const handles = new Set([tokens.join(""), first]);
  if (tokens.length > 1) {
    handles.add(`${first[0]}${last}`);
    handles.add(`${first}${last[0]}`);
    handles.add(`${last}${first}`);
    handles.add(`${last}${first[0]}`);
    handles.add(last);
  }
  return [...handles];
}

/** A handle against the candidate handles; short handles need to be exact, and length must agree. */
function handleScore(handle: string, candidates: string[]): number {
  if (handle.length < 3) return 0;
  return Math.max(
    0,
    ...candidates.map(
      (candidate) =>
        alike(handle, candidate) *
        Math.sqrt(Math.min(handle.length, candidate.length) / Math.max(handle.length, candidate.length)),
    ),
  );
}

/** Similarity 0–1 of a guest (display name, email) to a roster student. */
export function similarity(
  guest: { name: string; email?: string | null },
  student: { name: string; email: string },
): number {
  const guestTokens = nameTokens(guest.name);
  const studentTokens = nameTokens(student.name);
  const studentHandles = [...handlesOf(studentTokens), emailHandle(student.email)].filter((handle) => handle !== "");
  const scores = [tokenScore(guestTokens, studentTokens)];
  const guestHandle = emailHandle(guest.email);
  if (guestHandle !== "") scores.push(handleScore(guestHandle, studentHandles));
  // A display name that is itself a handle ("hsato"); a lone first name is left to tokenScore.
  if (guestTokens.length === 1) {
    const compound = studentHandles.filter((handle) => !studentTokens.includes(handle));
    scores.push(handleScore(guestTokens[0], compound) * 0.95);
  }
  return Math.max(...scores);
}

/** Up to three students a guest may be, best first, each at least MIN_SUGGESTION_SCORE. */
export function suggestStudents(
  guest: { name: string; email?: string | null },
  candidates: SuggestionCandidate[],
  options: { limit?: number; minScore?: number } = {},
): Suggestion[] {
  const minScore = options.minScore ?? MIN_SUGGESTION_SCORE;
  return candidates
    .map((candidate) => ({
      studentId: candidate.studentId,
      name: candidate.name,
      score: Math.round(similarity(guest, candidate) * 100) / 100,
    }))
    .filter((suggestion) => suggestion.score >= minScore)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
    .slice(0, options.limit ?? MAX_SUGGESTIONS);
}
