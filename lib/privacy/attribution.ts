// Which stored events belong to one roster student: the events the attendance engine counts for
// them (README "How attendance is computed"), for erasure and for "everything stored about this student".
//
// Built from the engine's own pieces (its connection keys, event order and identity index:
// registrant ID, email, an account ID learned in this session or linked before, then the
// instructor's manual matches; first match wins; a connection's identity is merged over its
// events), so that erasing Ana never touches an event the engine gives to Ben.
// lib/privacy/attribution.test.ts checks the two agree on generated classes.
// Pure: no I/O.
import { pseudonymOf } from "../attendance/pseudonym";
import { buildIdentityIndex, compareRecords, connectionKeyOf } from "../attendance/engine";
import {
  JOIN_EVENT_TYPES,
  LEAVE_EVENT_TYPES,
  nonBlank,
  normalizeAccountForManualMatch,
  normalizeEmail,
  normalizeName,
  phoneDigits,
  ROLE_CHANGED_EVENT,
  WAITING_ROOM_EVENT_TYPES,
} from "../attendance/rules";
import type {
  EngineEvent,
  IdentityLinkInput,
  ManualMatchInput,
  RosterStudent,
  SessionInput,
} from "../attendance/types";

// Breakout-room connections are connections of the meeting (ADR 013).
const JOIN_TYPES: ReadonlySet<string> = new Set(JOIN_EVENT_TYPES);
const LEAVE_TYPES: ReadonlySet<string> = new Set(LEAVE_EVENT_TYPES);
/** Participant events the engine does not count (waiting room) but that still carry a person. */
const OTHER_PERSON_TYPES: ReadonlySet<string> = new Set([...WAITING_ROOM_EVENT_TYPES, ROLE_CHANGED_EVENT]);

interface Identity {
  registrantId: string | null;
  accountId: string | null;
  emailNormalized: string | null;
  displayName: string | null;
  /** dial-in number as digits (phone_number, else a user_name that is a number) */
  phone: string | null;
  /** breakout connection: the main-room connection's key (meeting + parent_user_id) */
  parentKey: string | null;
  /** meeting + participant_uuid */
  participantUuid: string | null;
}

interface Group {
  /** connection key (engine connections), else null */
  key: string | null;
  eventIds: string[];
  identity: Identity;
  /** takes part in learning account links (engine connections do; waiting-room events do not) */
  counted: boolean;
}

function eventTimeMs(event: EngineEvent, kind: "join" | "leave"): number {
  return ((kind === "join" ? event.joinTime : event.leaveTime) ?? event.occurredAt).getTime();
}

/** Identity merged over a group's events in the engine's order (time, join first, webhook first, id). */
function mergeIdentity(records: { event: EngineEvent; kind: "join" | "leave"; timeMs: number }[]): Identity {
  records.sort(compareRecords);
  const identity: Identity = {
    registrantId: null,
    accountId: null,
    emailNormalized: null,
    displayName: null,
    phone: null,
    parentKey: null,
    participantUuid: null,
  };
  let phoneNumber: string | null = null;
  for (const { event } of records) {
    identity.registrantId ??= nonBlank(event.registrantId);
    identity.accountId ??= nonBlank(event.participantAccountId);
    const stored = nonBlank(event.emailNormalized) ?? nonBlank(event.email);
    identity.emailNormalized ??= stored === null ? null : normalizeEmail(stored);
    identity.displayName ??= nonBlank(event.displayName);
    phoneNumber ??= nonBlank(event.phoneNumber);
    const meeting = event.meetingUuid ?? `meeting:${event.zoomMeetingId ?? ""}`;
    const parent = nonBlank(event.parentUserId);
    if (identity.parentKey === null && parent !== null && nonBlank(event.breakoutRoomUuid) !== null)
      identity.parentKey = `${meeting}\u0000${parent}`;
    const participantUuid = nonBlank(event.participantUuid);
    if (identity.participantUuid === null && participantUuid !== null)
      identity.participantUuid = `${meeting}\u0000${participantUuid}`;
  }
  identity.phone = phoneDigits(phoneNumber) ?? phoneDigits(identity.displayName);
  return identity;
}

function groupsOf(events: EngineEvent[]): Group[] {
  const connections = new Map<string, { event: EngineEvent; kind: "join" | "leave"; timeMs: number }[]>();
  const groups: Group[] = [];
  for (const event of events) {
    const kind = JOIN_TYPES.has(event.eventType) ? "join" : LEAVE_TYPES.has(event.eventType) ? "leave" : null;
    if (kind === null) {
      if (OTHER_PERSON_TYPES.has(event.eventType)) {
        groups.push({
          key: null,
          eventIds: [event.id],
          identity: mergeIdentity([{ event, kind: "join", timeMs: event.occurredAt.getTime() }]),
          counted: false,
        });
      }
      continue;
    }
    const timeMs = eventTimeMs(event, kind);
    if (!Number.isFinite(timeMs)) continue;
    const key = connectionKeyOf(event);
    let records = connections.get(key);
    if (!records) connections.set(key, (records = []));
    records.push({ event, kind, timeMs });
  }
  for (const [key, records] of connections) {
    groups.push({
      key,
      eventIds: records.map((record) => record.event.id),
      identity: mergeIdentity(records),
      counted: true,
    });
  }
  return groups;
}

export interface AttributionContext {
  session: Pick<SessionInput, "startsAt">;
  roster: RosterStudent[];
  links: IdentityLinkInput[];
  manualMatches: ManualMatchInput[];
}

/**
 * The ids of the events (attached to one session) that the engine attributes to each student.
 * Waiting-room events are attributed by the same rules although the engine does not count them.
 */
export function attributeSessionEvents(events: EngineEvent[], context: AttributionContext): Map<string, string[]> {
  const { roster, links, manualMatches } = context;
  const sessionStartMs = context.session.startsAt.getTime();
  const {
    byRegistrant,
    byEmail,
    byStoredLink,
    byPhone,
    manualByKind: manual,
  } = buildIdentityIndex(roster, links, manualMatches, sessionStartMs);

  const groups = groupsOf(events);
  const owner: (string | undefined)[] = new Array(groups.length);
  const AMBIGUOUS = "\u0000ambiguous";
  const sessionLinks = new Map<string, string>();
  groups.forEach((group, position) => {
    const { registrantId, emailNormalized, accountId, phone } = group.identity;
    let studentId: string | undefined;
    if (registrantId !== null) studentId = byRegistrant.get(registrantId);
    if (studentId === undefined && emailNormalized !== null) studentId = byEmail.get(emailNormalized);
    if (studentId === undefined && phone !== null) studentId = byPhone.get(phone);
    if (studentId === undefined) return;
    owner[position] = studentId;
    if (group.counted && accountId !== null) {
      const known = sessionLinks.get(accountId);
      if (known === undefined) sessionLinks.set(accountId, studentId);
      else if (known !== studentId) sessionLinks.set(accountId, AMBIGUOUS);
    }
  });
  groups.forEach((group, position) => {
    if (owner[position] !== undefined) return;
    const { accountId, emailNormalized, displayName } = group.identity;
    let studentId: string | undefined;
    if (accountId !== null) {
      const learned = sessionLinks.get(accountId);
      if (learned !== undefined && learned !== AMBIGUOUS) studentId = learned;
      studentId ??= byStoredLink.get(accountId);
      studentId ??= manual.account_id.get(normalizeAccountForManualMatch(accountId));
    }
    if (studentId === undefined && emailNormalized !== null) studentId = manual.email.get(emailNormalized);
    if (studentId === undefined && displayName !== null)
      studentId = manual.display_name.get(normalizeName(displayName));
    owner[position] = studentId;
  });

  // A breakout connection is its main-room connection's person, and so is anything sharing a
  // participant_uuid with a matched connection (the engine groups them the same way).
  const ownerByKey = new Map<string, string>();
  const ownerByParticipant = new Map<string, string>();
  groups.forEach((group, position) => {
    const studentId = owner[position];
    if (studentId === undefined) return;
    if (group.key !== null && !ownerByKey.has(group.key)) ownerByKey.set(group.key, studentId);
    const participantUuid = group.identity.participantUuid;
    if (participantUuid !== null && !ownerByParticipant.has(participantUuid))
      ownerByParticipant.set(participantUuid, studentId);
  });
  groups.forEach((group, position) => {
    if (owner[position] !== undefined) return;
    const { parentKey, participantUuid } = group.identity;
    owner[position] =
      (parentKey !== null ? ownerByKey.get(parentKey) : undefined) ??
      (participantUuid !== null ? ownerByParticipant.get(participantUuid) : undefined);
  });

  const result = new Map<string, string[]>();
  groups.forEach((group, position) => {
    const studentId = owner[position];
    if (studentId === undefined) return;
    let ids = result.get(studentId);
    if (!ids) result.set(studentId, (ids = []));
    ids.push(...group.eventIds);
  });
  return result;
}

/**
 * Events of the course's meetings that attach to no session: attributed only on direct evidence
 * (the student's registrant ID, email, or an account ID linked to them), never by display name.
 */
export function isDirectlyTheStudents(
  event: Pick<EngineEvent, "registrantId" | "email" | "emailNormalized" | "participantAccountId">,
  student: { email: string; emailNormalized: string; zoomRegistrantId: string | null; zoomRegistrantIds?: string[] },
  linkedAccountIds: Set<string>,
): boolean {
  const registrant = nonBlank(event.registrantId);
  if (
    registrant !== null &&
    (registrant === nonBlank(student.zoomRegistrantId) || (student.zoomRegistrantIds ?? []).includes(registrant))
  )
    return true;
  const stored = nonBlank(event.emailNormalized) ?? nonBlank(event.email);
  const own = normalizeEmail(student.emailNormalized || student.email);
  // After RETENTION_DAYS an event carries the email's pseudonym (lib/attendance/pseudonym.ts).
  if (stored !== null && (normalizeEmail(stored) === own || stored === pseudonymOf(own))) return true;
  const account = nonBlank(event.participantAccountId);
  return account !== null && linkedAccountIds.has(account);
}
