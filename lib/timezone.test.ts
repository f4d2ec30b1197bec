import { describe, expect, it } from "vitest";
import {
  instantToLocalInput,
  localDateTimeToInstant,
  parseLocalDateTime,
  weeklySeries,
  zoneOffsetMs,
} from "./timezone";

const LA = "America/Los_Angeles";

describe("localDateTimeToInstant", () => {
  it("reads a wall time in the course's zone", () => {
    expect(localDateTimeToInstant("2026-11-25T09:00", LA)?.toISOString()).toBe("2026-11-25T17:00:00.000Z");
    expect(localDateTimeToInstant("2026-07-01T09:00", LA)?.toISOString()).toBe("2026-07-01T16:00:00.000Z");
    expect(localDateTimeToInstant("2026-07-01T09:00", "Europe/Berlin")?.toISOString()).toBe("2026-07-01T07:00:00.000Z");
    expect(localDateTimeToInstant("2026-07-01T09:00", "UTC")?.toISOString()).toBe("2026-07-01T09:00:00.000Z");
    expect(localDateTimeToInstant("2026-07-01T09:00", "Asia/Kolkata")?.toISOString()).toBe("2026-07-01T03:30:00.000Z");
  });

  it("takes the first of a repeated hour when clocks go back", () => {
    // 2026-11-01 01:30 happens at 08:30Z (PDT) and again at 09:30Z (PST).
    expect(localDateTimeToInstant("2026-11-01T01:30", LA)?.toISOString()).toBe("2026-11-01T08:30:00.000Z");
    expect(localDateTimeToInstant("2026-11-01T02:30", LA)?.toISOString()).toBe("2026-11-01T10:30:00.000Z");
  });

  it("moves a time that does not exist forward by the gap when clocks go forward", () => {
    // 2026-03-08 02:30 does not exist in Los Angeles; it becomes 03:30 PDT (10:30Z).
    expect(localDateTimeToInstant("2026-03-08T02:30", LA)?.toISOString()).toBe("2026-03-08T10:30:00.000Z");
    expect(localDateTimeToInstant("2026-03-08T03:00", LA)?.toISOString()).toBe("2026-03-08T10:00:00.000Z");
    expect(localDateTimeToInstant("2026-03-08T01:59", LA)?.toISOString()).toBe("2026-03-08T09:59:00.000Z");
  });

  it("refuses text that is not a local date and time", () => {
    expect(localDateTimeToInstant("2026-02-30T09:00", LA)).toBeNull();
    expect(localDateTimeToInstant("2026-11-25 09:00", LA)).toBeNull();
    expect(localDateTimeToInstant("2026-11-25T25:00", LA)).toBeNull();
    expect(parseLocalDateTime("")).toBeNull();
  });

  it("round-trips with instantToLocalInput", () => {
    for (const zone of [LA, "Europe/Berlin", "Australia/Lord_Howe", "UTC"]) {
      for (let hour = 0; hour < 24 * 400; hour += 7) {
        const instant = new Date(Date.UTC(2026, 0, 1) + hour * 3600_000);
        const local = instantToLocalInput(instant, zone);
        const back = localDateTimeToInstant(local, zone)!;
        // Within a repeated hour the first reading wins, so compare wall times, not instants.
        expect(instantToLocalInput(back, zone)).toBe(local);
      }
    }
  });
});

describe("zoneOffsetMs", () => {
  it("knows standard and daylight time", () => {
    expect(zoneOffsetMs(Date.UTC(2026, 0, 15), LA)).toBe(-8 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2026, 6, 15), LA)).toBe(-7 * 3600_000);
  });
});

describe("weeklySeries", () => {
  it("lists the chosen weekdays at the same wall time across a DST change", () => {
    // Mondays and Wednesdays at 18:00 from Wed 2026-10-28; clocks go back on Sun 2026-11-01.
    const starts = weeklySeries({ firstDate: "2026-10-28", weekdays: [1, 3], time: "18:00", count: 4, timeZone: LA });
    expect(starts.map((start) => start.toISOString())).toEqual([
      "2026-10-29T01:00:00.000Z", // Wed Oct 28, 18:00 PDT
      "2026-11-03T02:00:00.000Z", // Mon Nov 2, 18:00 PST
      "2026-11-05T02:00:00.000Z", // Wed Nov 4
      "2026-11-10T02:00:00.000Z", // Mon Nov 9
    ]);
    expect(starts.map((start) => instantToLocalInput(start, LA).slice(11))).toEqual([
      "18:00",
      "18:00",
      "18:00",
      "18:00",
    ]);
  });

  it("returns nothing for input that cannot make a session", () => {
    expect(weeklySeries({ firstDate: "2026-10-28", weekdays: [], time: "18:00", count: 4, timeZone: LA })).toEqual([]);
    expect(weeklySeries({ firstDate: "nope", weekdays: [1], time: "18:00", count: 4, timeZone: LA })).toEqual([]);
    expect(weeklySeries({ firstDate: "2026-10-28", weekdays: [1], time: "24:00", count: 4, timeZone: LA })).toEqual([]);
    expect(weeklySeries({ firstDate: "2026-10-28", weekdays: [1], time: "18:00", count: 0, timeZone: LA })).toEqual([]);
  });
});
