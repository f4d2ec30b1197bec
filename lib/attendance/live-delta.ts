// The live page's data as it travels (pure: no I/O, imported by the browser too).
//
// A change travels as a delta: for every keyed list of the payload (students, guests, and any
// list registered in LIVE_LISTS) the rows that changed, the keys that went away and, only if it
// changed, the new order; every other top-level field is sent whole when it changed. The client
// merges a delta by row key. The full payload stays for the first load and for recovery.
//
// Figures that grow with the clock ("attended so far") are not what makes a row "changed": the
// client brings them up to its own clock with the engine's refreshFigures, as the server's read
// does, so an idle class sends nothing.
import { refreshFigures } from "./engine";
import { finalStatusAndLate, type FinalStatus } from "./final-record";
import type { SessionView } from "./read";
import type { WaitingRoomView } from "./waiting-room-read";

export interface LiveCounts {
  students: number;
  inMeeting: number;
  joined: number;
  late: number;
  present: number;
  partial: number;
  guests: number;
}

/** What the live page shows: GET /api/sessions/:id/live, the page's first render, SSE "full" events. */
export interface LivePayload extends SessionView {
  /** students who were sent (or queued) a late-joiner email */
  notifiedStudentIds: string[];
  /** in the waiting room right now (never attendance); empty once the session has ended */
  waiting: WaitingRoomView[];
  /** the session's live version: bumped by every recompute that changed what the page shows */
  version: number;
  counts: LiveCounts;
}

/**
 * The payload's keyed lists and each one's row key. Another list of rows (e.g. hosts) added to
 * the payload is diffed by row when registered here; unregistered fields travel whole.
 */
export const LIVE_LISTS: Record<string, string> = {
  students: "studentId",
  guests: "guestKey",
  hosts: "hostKey",
};

/**
 * The row fields (and projection columns) that grow with the clock while someone is connected.
 * Every read brings them up to its own clock from the intervals, which are compared, so they alone
 * do not make a row "changed": the push's diff ignores them, and a recompute keeps a row's live
 * version when only these changed (ADR 021). Presence (inMeeting, devices) is compared as it is: a
 * second device leaving changes nothing else.
 */
export const CLOCK_FIGURE_COLUMNS = ["attendedSeconds", "attendedPercent", "status", "lastLeaveAt"] as const;
const CLOCK_FIELDS = new Set<string>(CLOCK_FIGURE_COLUMNS);
/** Top-level fields that change on every read and do not by themselves make a change. */
const VOLATILE_FIELDS = new Set(["now", "computedAt", "version", "counts"]);

type Row = Record<string, unknown>;

export interface ListDelta {
  /** changed or new rows, whole */
  upsert: Row[];
  /** keys of rows that went away */
  remove: string[];
  /** the list's keys in order, only when the order changed */
  order?: string[];
}

export interface LiveDelta {
  /** the version the delta applies to; a client at another version needs a full refresh */
  base: number;
  version: number;
  lists: Record<string, ListDelta>;
  /** top-level fields that changed, whole (always `now`, `computedAt`, `counts`) */
  fields: Record<string, unknown>;
}

/**
 * Signatures of rows already diffed: the server diffs each read against the previous one, so every
 * row is the "next" of one diff and the "previous" of the following one, and is serialised once.
 * Rows are never modified once read.
 */
const signatures = new WeakMap<Row, string>();

function rowSignature(row: Row): string {
  let signature = signatures.get(row);
  if (signature === undefined) {
    const stable: Row = {};
    for (const [field, value] of Object.entries(row)) if (!CLOCK_FIELDS.has(field)) stable[field] = value;
    signature = JSON.stringify(stable);
    signatures.set(row, signature);
  }
  return signature;
}

function diffList(previous: Row[], next: Row[], key: string): ListDelta {
  // Usually the same keys in the same order, most rows the very objects of the previous read.
  if (previous.length === next.length && next.every((row, index) => row[key] === previous[index][key])) {
    const upsert = next.filter(
      (row, index) => row !== previous[index] && rowSignature(row) !== rowSignature(previous[index]),
    );
    return { upsert, remove: [] };
  }
  const before = new Map(previous.map((row) => [String(row[key]), rowSignature(row)]));
  const upsert = next.filter((row) => before.get(String(row[key])) !== rowSignature(row));
  const nextKeys = next.map((row) => String(row[key]));
  const present = new Set(nextKeys);
  const remove = [...before.keys()].filter((rowKey) => !present.has(rowKey));
  const previousKeys = previous.map((row) => String(row[key])).filter((rowKey) => present.has(rowKey));
  const appended = nextKeys.filter((rowKey) => !before.has(rowKey));
  // Unchanged order = the old keys in their order, then the new ones: what a merge produces anyway.
  const sameOrder = previousKeys.concat(appended).every((rowKey, index) => rowKey === nextKeys[index]);
  return sameOrder ? { upsert, remove } : { upsert, remove, order: nextKeys };
}

/** What changed from `previous` to `next`, or null when nothing the page shows did. */
export function diffLivePayload(previous: LivePayload, next: LivePayload): LiveDelta | null {
  const lists: Record<string, ListDelta> = {};
  const fields: Record<string, unknown> = {};
  let changed = false;
  const record = next as unknown as Record<string, unknown>;
  const old = previous as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    const key = LIVE_LISTS[name];
    if (key && Array.isArray(value) && Array.isArray(old[name])) {
      const list = diffList(old[name] as Row[], value as Row[], key);
      if (list.upsert.length || list.remove.length || list.order) {
        lists[name] = list;
        changed = true;
      }
    } else if (VOLATILE_FIELDS.has(name)) {
      if (name !== "version") fields[name] = value;
    } else if (JSON.stringify(value) !== JSON.stringify(old[name])) {
      fields[name] = value;
      changed = true;
    }
  }
  if (!changed && next.version === previous.version) return null;
  return { base: previous.version, version: next.version, lists, fields };
}

/** `current` with `delta` merged in (rows by key). The caller checks `delta.base` first. */
export function applyLiveDelta(current: LivePayload, delta: LiveDelta): LivePayload {
  const merged: Record<string, unknown> = {
    ...(current as unknown as Record<string, unknown>),
    ...delta.fields,
    version: delta.version,
  };
  for (const [name, change] of Object.entries(delta.lists)) {
    const key = LIVE_LISTS[name] ?? "id";
    const rows = new Map(((merged[name] as Row[] | undefined) ?? []).map((row) => [String(row[key]), row]));
    for (const removed of change.remove) rows.delete(removed);
    for (const row of change.upsert) rows.set(String(row[key]), row);
    merged[name] = change.order
      ? change.order.map((rowKey) => rows.get(rowKey)).filter((row): row is Row => row !== undefined)
      : [...rows.values()];
  }
  return merged as unknown as LivePayload;
}

export function countLive(view: Pick<SessionView, "students" | "guests">): LiveCounts {
  const counts = {
    students: view.students.length,
    inMeeting: 0,
    joined: 0,
    late: 0,
    present: 0,
    partial: 0,
    guests: view.guests.length,
  };
  for (const student of view.students) {
    if (student.inMeeting) counts.inMeeting += 1;
    if (student.joinCount > 0) counts.joined += 1;
    if (student.late) counts.late += 1;
    if (student.status === "present") counts.present += 1;
    if (student.status === "partial") counts.partial += 1;
  }
  return counts;
}

type ClockRow = Row & { intervals: { from: string; to: string | null }[]; openConnections: number };

/**
 * The payload's clock-dependent figures brought up to `now`, exactly as the server's read does
 * (lib/attendance/read.ts): for a live session, and for anyone still connected.
 */
export function withClockFigures(payload: LivePayload, now: Date): LivePayload {
  const session = {
    startsAt: new Date(payload.session.startsAt),
    durationMinutes: payload.session.durationMinutes,
    requiredPercent: payload.session.requiredPercent,
  };
  const live = payload.session.state === "live";
  const refresh = (row: Row): Row => {
    if (!Array.isArray(row.intervals) || typeof row.openConnections !== "number") return row;
    const { intervals, openConnections } = row as ClockRow;
    if (!live && !intervals.some((interval) => interval.to === null)) return row;
    const presence = intervals.map((interval) => ({
      from: new Date(interval.from),
      to: interval.to === null ? null : new Date(interval.to),
    }));
    const fresh = refreshFigures({ intervals: presence, openConnections }, session, null, now);
    return {
      ...row,
      // Only student rows have a status, and it is the final one: an instructor's override
      // outlasts the clock.
      ...("computedStatus" in row
        ? {
            computedStatus: fresh.status,
            status: finalStatusAndLate(
              { status: fresh.status, late: row.computedLate as boolean },
              row.override as { status: FinalStatus; late: boolean | null } | null,
            ).status,
          }
        : {}),
      inMeeting: fresh.inMeeting,
      attendedSeconds: fresh.attendedSeconds,
      attendedPercent: fresh.attendedPercent,
      lastLeaveAt: fresh.lastLeaveAt ? fresh.lastLeaveAt.toISOString() : null,
      openConnections: fresh.openConnections,
    };
  };
  const result: Record<string, unknown> = {
    ...(payload as unknown as Record<string, unknown>),
    now: now.toISOString(),
  };
  for (const name of Object.keys(LIVE_LISTS)) {
    const rows = result[name];
    if (Array.isArray(rows)) result[name] = (rows as Row[]).map(refresh);
  }
  const refreshed = result as unknown as LivePayload;
  return { ...refreshed, counts: countLive(refreshed) };
}
