// The pure parts of roster registration: names as Zoom wants them, and which occurrences of a
// recurring meeting to register for.
import { describe, expect, it } from "vitest";
import type { ZoomMeeting } from "../zoom/api";
import { occurrencesToRegister, registrationOffMessage, splitName } from "./register";

describe("splitName", () => {
  it.each([
    ["Hana Sato", { first_name: "Hana", last_name: "Sato" }],
    ["  Ana  Maria  Lima ", { first_name: "Ana Maria", last_name: "Lima" }],
    ["Madonna", { first_name: "Madonna" }],
    ["", { first_name: "Student" }],
  ])("%j → %j", (name, expected) => {
    expect(splitName(name)).toEqual(expected);
  });
});

describe("occurrencesToRegister", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const occurrences = ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15"].map((day, index) => ({
    occurrence_id: String(1000 + index),
    start_time: `${day}T15:00:00Z`,
  }));
  const recurring = (registrationType: number): ZoomMeeting => ({
    id: 1,
    type: 8,
    occurrences,
    settings: { approval_type: 0, registration_type: registrationType },
  });

  it("registers for the whole series at once when Zoom does (type 1, or not recurring)", () => {
    expect(occurrencesToRegister(recurring(1), [new Date("2026-12-08T15:00:00Z")], now)).toEqual([]);
    expect(occurrencesToRegister({ id: 1, type: 2, settings: { approval_type: 0 } }, [], now)).toEqual([]);
  });

  it("picks the occurrences of the course's sessions when Zoom registers per occurrence", () => {
    expect(
      occurrencesToRegister(recurring(2), [new Date("2026-12-08T15:00:00Z"), new Date("2026-12-15T15:00:00Z")], now),
    ).toEqual(["1002", "1003"]);
    expect(occurrencesToRegister(recurring(3), [new Date("2026-12-01T15:00:00Z")], now)).toEqual(["1001"]);
  });

  it("falls back to every upcoming occurrence when no session start matches one", () => {
    expect(occurrencesToRegister(recurring(2), [new Date("2026-12-09T15:00:00Z")], now)).toEqual([
      "1001",
      "1002",
      "1003",
    ]);
  });

  it("says what to change in Zoom, naming the meeting", () => {
    expect(registrationOffMessage("97711976001")).toMatch(/97711976001.*Registration: Required.*Automatically approve/);
  });
});
