// Who is who: which roster student each connection is (registrant ID, email, phone, a learned or
// stored account link, a manual match; first match wins; README "How attendance is computed"),
// which instructor a non-student connection is, and how guests are keyed. Pure.
import { pseudonymOf } from "../pseudonym";
import { nonBlank, normalizeAccountForManualMatch, normalizeEmail, normalizeName, phoneDigits } from "../rules";
import type { IdentityLinkInput, InstructorInput, ManualMatchInput, MatchKind, RosterStudent } from "../types";
import type { Connection } from "./connections";

const AMBIGUOUS = Symbol("ambiguous");

export interface IdentityIndex {
  byRegistrant: Map<string, string>;
  byEmail: Map<string, string>;
  byStoredLink: Map<string, string>;
  /** roster phone numbers as digits */
  byPhone: Map<string, string>;
  manualByKind: Record<MatchKind, Map<string, string>>;
}

/** Lookup tables for who is who (also used by lib/privacy/attribution.ts, so the two agree). */
export function buildIdentityIndex(
  roster: RosterStudent[],
  links: IdentityLinkInput[],
  manualMatches: ManualMatchInput[],
  sessionStartMs: number,
): IdentityIndex {
  const rosterIds = new Set(roster.map((student) => student.id));
  const byRegistrant = new Map<string, string>();
  const byEmail = new Map<string, string>();
  const byPhone = new Map<string, string>();
  for (const student of roster) {
    for (const candidate of [student.zoomRegistrantId, ...(student.zoomRegistrantIds ?? [])]) {
      const registrant = nonBlank(candidate);
      if (registrant !== null && !byRegistrant.has(registrant)) byRegistrant.set(registrant, student.id);
    }
    const email = normalizeEmail(student.emailNormalized || student.email);
    if (email !== "" && !byEmail.has(email)) {
      byEmail.set(email, student.id);
      // Events past RETENTION_DAYS carry the email's pseudonym instead (lib/attendance/pseudonym.ts).
      byEmail.set(pseudonymOf(email), student.id);
    }
    const phone = phoneDigits(student.phone);
    if (phone !== null && !byPhone.has(phone)) byPhone.set(phone, student.id);
  }
  const byStoredLink = new Map<string, string>();
  for (const link of links) {
    const accountId = nonBlank(link.zoomAccountId);
    if (accountId !== null && rosterIds.has(link.studentId) && !byStoredLink.has(accountId)) {
      byStoredLink.set(accountId, link.studentId);
    }
  }
  // A manual match applies in its own session and later ones. If several apply to the same value,
  // the most recent wins (an instructor correcting an earlier match).
  const applicable = manualMatches
    .filter((match) => rosterIds.has(match.studentId) && match.madeInSessionStartsAt.getTime() <= sessionStartMs)
    .sort(
      (a, b) =>
        b.madeInSessionStartsAt.getTime() - a.madeInSessionStartsAt.getTime() ||
        (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0),
    );
  const manualByKind: Record<MatchKind, Map<string, string>> = {
    account_id: new Map(),
    email: new Map(),
    display_name: new Map(),
  };
  for (const match of applicable) {
    const value =
      match.kind === "account_id"
        ? normalizeAccountForManualMatch(match.value)
        : match.kind === "email"
          ? normalizeEmail(match.value)
          : normalizeName(match.value);
    if (value === "") continue;
    const byValue = manualByKind[match.kind];
    if (byValue && !byValue.has(value)) {
      byValue.set(value, match.studentId);
      if (match.kind !== "account_id" && !byValue.has(pseudonymOf(value)))
        byValue.set(pseudonymOf(value), match.studentId);
    }
  }
  return { byRegistrant, byEmail, byStoredLink, byPhone, manualByKind };
}

export interface IdentityResult {
  /** connection index → student id (absent = guest) */
  studentOf: (string | undefined)[];
  learnedLinks: IdentityLinkInput[];
}

/** Who is who: registrant ID, email, phone, learned account link, manual match; first match wins. */
export function identifyConnections(connections: Connection[], index: IdentityIndex): IdentityResult {
  const studentOf: (string | undefined)[] = new Array(connections.length);
  // Account IDs seen on connections matched by registrant or email, in this session. An account
  // seen with two different students (a shared family account) is not learned.
  const sessionLinks = new Map<string, string | typeof AMBIGUOUS>();
  connections.forEach((connection, position) => {
    let studentId: string | undefined;
    if (connection.registrantId !== null) studentId = index.byRegistrant.get(connection.registrantId);
    if (studentId === undefined && connection.emailNormalized !== null)
      studentId = index.byEmail.get(connection.emailNormalized);
    if (studentId === undefined && connection.phoneDigits !== null)
      studentId = index.byPhone.get(connection.phoneDigits);
    if (studentId === undefined) return;
    studentOf[position] = studentId;
    if (connection.accountId !== null) {
      const known = sessionLinks.get(connection.accountId);
      if (known === undefined) sessionLinks.set(connection.accountId, studentId);
      else if (known !== studentId) sessionLinks.set(connection.accountId, AMBIGUOUS);
    }
  });

  const manual = index.manualByKind;
  connections.forEach((connection, position) => {
    if (studentOf[position] !== undefined) return;
    let studentId: string | undefined;
    if (connection.accountId !== null) {
      const learned = sessionLinks.get(connection.accountId);
      // Evidence from this very session beats an older stored link for the same account.
      if (learned !== undefined && learned !== AMBIGUOUS) studentId = learned;
      studentId ??= index.byStoredLink.get(connection.accountId);
      studentId ??= manual.account_id.get(normalizeAccountForManualMatch(connection.accountId));
    }
    if (studentId === undefined && connection.emailNormalized !== null)
      studentId = manual.email.get(connection.emailNormalized);
    if (studentId === undefined && connection.displayName !== null)
      studentId = manual.display_name.get(normalizeName(connection.displayName));
    studentOf[position] = studentId;
  });

  const learnedLinks: IdentityLinkInput[] = [];
  for (const [zoomAccountId, studentId] of sessionLinks) {
    if (studentId !== AMBIGUOUS) learnedLinks.push({ zoomAccountId, studentId });
  }
  learnedLinks.sort((a, b) => (a.zoomAccountId < b.zoomAccountId ? -1 : a.zoomAccountId > b.zoomAccountId ? 1 : 0));
  return { studentOf, learnedLinks };
}

export interface GuestIdentity {
  guestKey: string;
  matchKind: MatchKind;
  matchValue: string;
}

/** Guests are grouped by account ID, else email, else display name. */
export function guestIdentity(connection: Connection): GuestIdentity {
  if (connection.accountId !== null) {
    return {
      guestKey: `account:${connection.accountId}`,
      matchKind: "account_id",
      matchValue: normalizeAccountForManualMatch(connection.accountId),
    };
  }
  if (connection.emailNormalized !== null) {
    return {
      guestKey: `email:${connection.emailNormalized}`,
      matchKind: "email",
      matchValue: connection.emailNormalized,
    };
  }
  const name = normalizeName(connection.displayName ?? "");
  return { guestKey: `name:${name}`, matchKind: "display_name", matchValue: name };
}

/**
 * The instructor a connection is, if any: by email, or by a Zoom account seen in this session on
 * a non-student connection that has an instructor's email (the same person on another device).
 */
export function instructorLookup(
  instructors: InstructorInput[],
  connections: Connection[],
  studentOf: (string | undefined)[],
): (connection: Connection) => InstructorInput | undefined {
  const instructorsByEmail = new Map<string, InstructorInput>();
  for (const instructor of instructors) {
    const email = normalizeEmail(instructor.email);
    if (email !== "" && !instructorsByEmail.has(email)) instructorsByEmail.set(email, instructor);
  }
  const instructorAccounts = new Map<string, InstructorInput>();
  if (instructorsByEmail.size > 0) {
    connections.forEach((connection, position) => {
      if (studentOf[position] !== undefined || connection.emailNormalized === null || connection.accountId === null)
        return;
      const instructor = instructorsByEmail.get(connection.emailNormalized);
      if (instructor && !instructorAccounts.has(connection.accountId))
        instructorAccounts.set(connection.accountId, instructor);
    });
  }
  return (connection) =>
    (connection.emailNormalized !== null ? instructorsByEmail.get(connection.emailNormalized) : undefined) ??
    (connection.accountId !== null ? instructorAccounts.get(connection.accountId) : undefined);
}
