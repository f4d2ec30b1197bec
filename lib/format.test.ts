import { describe, expect, it } from "vitest";
import {
  formatDateTime,
  formatDuration,
  formatLateBy,
  formatPercent,
  formatTime,
  formatUtc,
  plural,
  zoneAbbreviation,
} from "./format";

describe("format", () => {
  it("shows times in the course's zone with its abbreviation", () => {
    expect(formatDateTime("2026-11-25T17:00:00Z", "America/Los_Angeles")).toBe("Wed, Nov 25, 2026, 9:00 AM PST");
    expect(formatDateTime("2026-07-01T16:00:00Z", "America/Los_Angeles")).toBe("Wed, Jul 1, 2026, 9:00 AM PDT");
    expect(formatTime("2026-11-25T17:05:09Z", "Europe/Berlin")).toBe("6:05 PM");
    expect(formatTime("2026-11-25T17:05:09Z", "Europe/Berlin", true)).toBe("6:05:09 PM");
    expect(zoneAbbreviation("2026-11-25T17:00:00Z", "America/Los_Angeles")).toBe("PST");
    expect(formatUtc("2026-11-25T17:00:03.120Z")).toBe("2026-11-25 17:00:03 UTC");
  });

  it("uses plain spaces so server and browser text match", () => {
    expect(formatTime("2026-11-25T17:00:00Z", "UTC")).not.toMatch(/[\u202f\u00a0]/);
  });

  it("formats durations, percents and lateness", () => {
    expect(formatDuration(45)).toBe("45 s");
    expect(formatDuration(12 * 60 + 59)).toBe("12 min");
    expect(formatDuration(3900)).toBe("1 h 05 min");
    expect(formatDuration(-3)).toBe("0 s");
    expect(formatPercent(90)).toBe("90.0%");
    expect(formatPercent(33.333)).toBe("33.3%");
    expect(formatLateBy(12 * 60 + 30)).toBe("12 min late");
    expect(formatLateBy(20)).toBe("1 min late");
    expect(plural(1, "student")).toBe("1 student");
    expect(plural(2, "device")).toBe("2 devices");
  });
});
