// Where events belong: the state of a session at a given time, which session of a meeting each
// event attaches to (the widened window and the nearest start), and the start and end of each
// meeting instance. Pure.
import {
  ATTACH_MARGIN_MINUTES,
  MEETING_ENDED_EVENT_TYPES,
  MEETING_STARTED_EVENT_TYPES,
  normalizeMeetingId,
} from "../rules";
import type { EngineEvent, MeetingInstanceTimes, SessionInput, SessionState } from "../types";

const MINUTE_MS = 60_000;
const STARTED_TYPES: ReadonlySet<string> = new Set(MEETING_STARTED_EVENT_TYPES);
const ENDED_TYPES: ReadonlySet<string> = new Set(MEETING_ENDED_EVENT_TYPES);

/**
 * live: inside the window, or a meeting instance has started and not ended and `now` is inside the
 * widened window (a class that starts early or runs over); ended: past the window and not live;
 * otherwise scheduled.
 */
export function sessionState(
  session: Pick<SessionInput, "startsAt" | "durationMinutes">,
  instances: MeetingInstanceTimes[],
  now: Date,
): SessionState {
  const nowMs = now.getTime();
  const startMs = session.startsAt.getTime();
  const endMs = startMs + session.durationMinutes * MINUTE_MS;
  if (startMs <= nowMs && nowMs < endMs) return "live";
  const marginMs = ATTACH_MARGIN_MINUTES * MINUTE_MS;
  const instanceRunning = instances.some((instance) => instance.startedAt !== null && instance.endedAt === null);
  if (instanceRunning && startMs - marginMs <= nowMs && nowMs < endMs + marginMs) return "live";
  return nowMs >= endMs ? "ended" : "scheduled";
}

interface AttachCandidate {
  id: string;
  startMs: number;
  endMs: number;
}

/**
 * An event of meeting M at `occurredAt` belongs to the session of M whose window widened by 60
 * minutes each side contains it; if several do, the one whose startsAt is nearest (tie: the
 * earlier startsAt, then the smaller id, so the answer never depends on input order). README "How
 * attendance is computed", ADR 003. Every session gets an entry (possibly empty); events of other
 * meetings or outside every widened window are left out. Each list keeps the input order of its
 * events.
 */
export function attachEventsToSessions(events: EngineEvent[], sessions: SessionInput[]): Map<string, EngineEvent[]> {
  const attached = new Map<string, EngineEvent[]>();
  const sessionsByMeeting = new Map<string, AttachCandidate[]>();
  const longestByMeeting = new Map<string, number>();
  for (const session of sessions) {
    attached.set(session.id, []);
    const meetingId = normalizeMeetingId(session.zoomMeetingId);
    const startMs = session.startsAt.getTime();
    const durationMs = session.durationMinutes * MINUTE_MS;
    let candidates = sessionsByMeeting.get(meetingId);
    if (!candidates) sessionsByMeeting.set(meetingId, (candidates = []));
    candidates.push({ id: session.id, startMs, endMs: startMs + durationMs });
    longestByMeeting.set(meetingId, Math.max(longestByMeeting.get(meetingId) ?? 0, durationMs));
  }
  for (const candidates of sessionsByMeeting.values()) {
    candidates.sort((a, b) => a.startMs - b.startMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  const marginMs = ATTACH_MARGIN_MINUTES * MINUTE_MS;
  for (const event of events) {
    if (event.zoomMeetingId === null) continue;
    const meetingId = normalizeMeetingId(String(event.zoomMeetingId));
    const candidates = sessionsByMeeting.get(meetingId);
    if (!candidates) continue;
    const timeMs = event.occurredAt.getTime();
    if (!Number.isFinite(timeMs)) continue;
    // Only sessions starting at or before t + margin can contain t; walk back from the last such
    // one until starts are too early for even the longest session of this meeting to reach t.
    let high = upperBoundByStart(candidates, timeMs + marginMs) - 1;
    const earliestUsefulStart = timeMs - marginMs - (longestByMeeting.get(meetingId) ?? 0);
    let best: AttachCandidate | null = null;
    let bestDistance = Infinity;
    for (; high >= 0 && candidates[high].startMs >= earliestUsefulStart; high--) {
      const candidate = candidates[high];
      if (!(candidate.startMs - marginMs <= timeMs && timeMs < candidate.endMs + marginMs)) continue;
      const distance = Math.abs(timeMs - candidate.startMs);
      // Walking backwards, so "<=" prefers the earlier start (and then the smaller id) on ties.
      if (distance <= bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    if (best) attached.get(best.id)!.push(event);
  }
  return attached;
}

/** Index of the first candidate whose start is after `limitMs` (candidates sorted by start). */
function upperBoundByStart(candidates: AttachCandidate[], limitMs: number): number {
  let low = 0;
  let high = candidates.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (candidates[middle].startMs <= limitMs) low = middle + 1;
    else high = middle;
  }
  return low;
}

/**
 * Start and end of each meeting instance from its meeting.started / meeting.ended events
 * (`occurredAt` is the meeting's start_time / end_time). Redeliveries collapse: the earliest start
 * and the latest end win. Convenience for callers that build `instances` from stored events.
 */
export function deriveInstances(events: EngineEvent[]): MeetingInstanceTimes[] {
  const byUuid = new Map<string, MeetingInstanceTimes>();
  for (const event of events) {
    const isStart = STARTED_TYPES.has(event.eventType);
    const isEnd = ENDED_TYPES.has(event.eventType);
    if ((!isStart && !isEnd) || event.meetingUuid === null) continue;
    let instance = byUuid.get(event.meetingUuid);
    if (!instance)
      byUuid.set(event.meetingUuid, (instance = { uuid: event.meetingUuid, startedAt: null, endedAt: null }));
    if (isStart && (instance.startedAt === null || event.occurredAt < instance.startedAt))
      instance.startedAt = event.occurredAt;
    if (isEnd && (instance.endedAt === null || event.occurredAt > instance.endedAt))
      instance.endedAt = event.occurredAt;
  }
  return [...byUuid.values()].sort((a, b) => (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
}
