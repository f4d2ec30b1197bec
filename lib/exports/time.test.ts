import { describe, expect, it } from "vitest";
import {
  formatInstantInZone,
  isLocalDate,
  localDateRange,
  nextLocalDate,
  startOfLocalDay,
  utcOffsetMinutes,
  zonedFormatter,
} from "./time";

describe("formatInstantInZone", () => {
  it("writes ISO 8601 with the course's offset at that instant", () => {
    expect(formatInstantInZone(new Date("2026-11-25T17:00:00Z"), "America/Los_Angeles")).toBe(
      "2026-11-25T09:00:00-08:00",
    );
    expect(formatInstantInZone(new Date("2026-07-01T16:00:00Z"), "America/Los_Angeles")).toBe(
      "2026-07-01T09:00:00-07:00",
    );
    expect(formatInstantInZone(new Date("2026-07-01T16:00:00Z"), "UTC")).toBe("2026-07-01T16:00:00+00:00");
    expect(formatInstantInZone(new Date("2026-07-01T16:00:00Z"), "Asia/Kathmandu")).toBe("2026-07-01T21:45:00+05:45");
    expect(formatInstantInZone(new Date("2026-07-01T16:00:00Z"), "America/St_Johns")).toBe("2026-07-01T13:30:00-02:30");
  });

  it("drops milliseconds rather than rounding into the next second", () => {
    expect(formatInstantInZone(new Date("2026-11-25T17:00:59.999Z"), "Europe/Berlin")).toBe(
      "2026-11-25T18:00:59+01:00",
    );
  });

  it("changes offset exactly at a daylight-saving transition, also inside a memoised quarter hour", () => {
    const zoned = zonedFormatter("America/Los_Angeles");
    // Spring forward 2026-03-08 at 10:00 UTC; fall back 2026-11-01 at 09:00 UTC.
    expect(zoned.instant(new Date("2026-03-08T09:59:59Z"))).toBe("2026-03-08T01:59:59-08:00");
    expect(zoned.instant(new Date("2026-03-08T10:00:00Z"))).toBe("2026-03-08T03:00:00-07:00");
    expect(zoned.instant(new Date("2026-11-01T08:59:59Z"))).toBe("2026-11-01T01:59:59-07:00");
    expect(zoned.instant(new Date("2026-11-01T09:00:00Z"))).toBe("2026-11-01T01:00:00-08:00");
    // Lord Howe Island moves by 30 minutes at 02:00 local (15:00 UTC).
    const lordHowe = zonedFormatter("Australia/Lord_Howe");
    expect(lordHowe.instant(new Date("2026-10-03T15:29:00Z"))).toBe("2026-10-04T01:59:00+10:30");
    expect(lordHowe.instant(new Date("2026-10-03T15:30:00Z"))).toBe("2026-10-04T02:30:00+11:00");
  });

  it("agrees with Intl for every hour of a year", () => {
    const zoned = zonedFormatter("Europe/London");
    for (let hour = 0; hour < 366 * 24; hour += 7) {
      const ms = Date.UTC(2026, 0, 1) + hour * 3600_000 + 17 * 60_000;
      expect(zoned.offsetMinutes(ms)).toBe(utcOffsetMinutes(ms, "Europe/London"));
    }
  });

  it("writes an empty cell for no time", () => {
    expect(zonedFormatter("UTC").instant(null)).toBe("");
  });
});

describe("local days", () => {
  it("validates YYYY-MM-DD calendar dates", () => {
    expect(isLocalDate("2026-02-28")).toBe(true);
    expect(isLocalDate("2028-02-29")).toBe(true);
    expect(isLocalDate("2026-02-29")).toBe(false);
    expect(isLocalDate("2026-2-3")).toBe(false);
    expect(isLocalDate("2026-02-03T00:00")).toBe(false);
    expect(nextLocalDate("2026-12-31")).toBe("2027-01-01");
  });

  it("starts a day at local midnight, whatever the offset", () => {
    expect(startOfLocalDay("2026-11-25", "America/Los_Angeles").toISOString()).toBe("2026-11-25T08:00:00.000Z");
    expect(startOfLocalDay("2026-07-01", "America/Los_Angeles").toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(startOfLocalDay("2026-11-25", "Pacific/Kiritimati").toISOString()).toBe("2026-11-24T10:00:00.000Z");
    expect(startOfLocalDay("2026-11-25", "Pacific/Pago_Pago").toISOString()).toBe("2026-11-25T11:00:00.000Z");
  });

  it("starts a day whose midnight is skipped when the clocks move", () => {
    // Chile springs forward at 24:00 on 2026-09-05: 2026-09-06 begins at 01:00 -03:00.
    expect(startOfLocalDay("2026-09-06", "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
  });

  it("covers [from 00:00, to 24:00) — 23 or 25 hours on transition days", () => {
    const spring = localDateRange("2026-03-08", "2026-03-08", "America/Los_Angeles");
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3600_000);
    const fall = localDateRange("2026-11-01", "2026-11-01", "America/Los_Angeles");
    expect(fall.end.getTime() - fall.start.getTime()).toBe(25 * 3600_000);
  });
});
