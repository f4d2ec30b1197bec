import { describe, expect, it } from "vitest";
import {
  competitorStartRange,
  finalRecomputeAt,
  isJoinEvent,
  isLeaveEvent,
  lateDeadline,
  MAX_SESSION_MINUTES,
  neighbourStartRange,
  nonBlank,
  normalizeAccountForManualMatch,
  normalizeEmail,
  normalizeMeetingId,
  normalizeName,
  normalizePhone,
  phoneDigits,
  presenceEventKind,
  sessionWindow,
  widenedSessionWindow,
} from "./rules";

const HOUR_MS = 3600_000;
const at = (iso: string) => new Date(iso);
const SESSION = { startsAt: at("2025-03-10T18:00:00Z"), durationMinutes: 90, lateAfterMinutes: 10 };

describe("normalisers", () => {
  it("compares emails trimmed and case-insensitively", () => {
    expect(normalizeEmail("  Ana.Lima@Example.EDU ")).toBe("ana.lima@example.edu");
    expect(normalizeEmail("   ")).toBe("");
  });

  it("compares names trimmed, with inner whitespace collapsed, lower-cased and in NFC", () => {
    expect(normalizeName("  Ana \t  LIMA ")).toBe("ana lima");
    expect(normalizeName("Jose\u0301")).toBe(normalizeName("José"));
  });

  it("reads meeting IDs without spaces or dashes", () => {
    expect(normalizeMeetingId("812 3456-7890")).toBe("81234567890");
  });

  it("reads account IDs trimmed and lower-cased", () => {
    expect(normalizeAccountForManualMatch(" AbC-123 ")).toBe("abc-123");
  });

  it("treats blank values as missing", () => {
    expect(nonBlank(null)).toBeNull();
    expect(nonBlank(undefined)).toBeNull();
    expect(nonBlank("  ")).toBeNull();
    expect(nonBlank(" x ")).toBe("x");
  });

  it("reads phone numbers as E.164 and compares them by their digits", () => {
    expect(normalizePhone("+1 (555) 123-4567")).toBe("+15551234567");
    expect(normalizePhone("0044 20 7946 0958")).toBe("+442079460958");
    expect(normalizePhone("Ana's iPhone")).toBeNull();
    expect(normalizePhone("1234")).toBeNull();
    expect(phoneDigits("15551234567")).toBe("15551234567");
    expect(phoneDigits(null)).toBeNull();
  });
});

describe("event types", () => {
  it("counts main-room and breakout-room joins and leaves as presence, nothing else", () => {
    expect(presenceEventKind("meeting.participant_joined")).toEqual({ kind: "join", breakout: false });
    expect(presenceEventKind("webinar.participant_left")).toEqual({ kind: "leave", breakout: false });
    expect(presenceEventKind("meeting.participant_joined_breakout_room")).toEqual({ kind: "join", breakout: true });
    expect(presenceEventKind("meeting.participant_left_breakout_room")).toEqual({ kind: "leave", breakout: true });
    for (const other of [
      "meeting.started",
      "meeting.ended",
      "meeting.participant_joined_waiting_room",
      "meeting.participant_role_changed",
      "unknown",
    ]) {
      expect(presenceEventKind(other)).toBeNull();
    }
    expect(isJoinEvent("webinar.participant_joined")).toBe(true);
    expect(isLeaveEvent("meeting.participant_joined")).toBe(false);
  });
});

describe("windows and margins", () => {
  it("widens the window by an hour on each side", () => {
    expect(sessionWindow(SESSION)).toEqual({ start: at("2025-03-10T18:00:00Z"), end: at("2025-03-10T19:30:00Z") });
    expect(widenedSessionWindow(SESSION)).toEqual({
      start: at("2025-03-10T17:00:00Z"),
      end: at("2025-03-10T20:30:00Z"),
    });
  });

  it("closes the books a minute after the widened window and the in-meeting grace", () => {
    expect(finalRecomputeAt(SESSION)).toEqual(at("2025-03-10T20:31:00Z"));
  });

  it("is late only after startsAt + lateAfterMinutes", () => {
    expect(lateDeadline(SESSION)).toEqual(at("2025-03-10T18:10:00Z"));
  });
});

describe("which sessions compete for an event", () => {
  it("weighs every session whose widened window can hold one of the events", () => {
    const widened = widenedSessionWindow(SESSION);
    const range = competitorStartRange(widened);
    // A session starting up to 60 minutes after the last event still holds it in its widened window.
    expect(range.end.getTime() - widened.end.getTime()).toBe(60 * 60_000);
    // The longest session, starting a whole session plus 60 minutes before the first event.
    expect(widened.start.getTime() - range.start.getTime()).toBe((MAX_SESSION_MINUTES + 60) * 60_000);
  });

  it("recomputes every session whose widened window can overlap a changed one's", () => {
    const range = neighbourStartRange(SESSION);
    expect(range).toEqual({
      start: new Date(SESSION.startsAt.getTime() - 26 * HOUR_MS),
      end: new Date(SESSION.startsAt.getTime() + 26 * HOUR_MS),
    });
    // The longest session ending its widened window just after SESSION's widened window opens.
    const longest = {
      startsAt: new Date(widenedSessionWindow(SESSION).start.getTime() - (MAX_SESSION_MINUTES + 60) * 60_000 + 1),
      durationMinutes: MAX_SESSION_MINUTES,
    };
    expect(widenedSessionWindow(longest).end.getTime()).toBeGreaterThan(widenedSessionWindow(SESSION).start.getTime());
    expect(longest.startsAt.getTime()).toBeGreaterThanOrEqual(range.start.getTime());
  });
});
