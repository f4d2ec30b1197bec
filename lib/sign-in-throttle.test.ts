import { describe, expect, it } from "vitest";
import { delayAfter, SIGN_IN_POLICY } from "./sign-in-throttle";

describe("sign-in delay", () => {
  it("is free for the first failures, then doubles up to the cap", () => {
    const pair = SIGN_IN_POLICY.pair;
    expect([0, 1, 2, 3].map((failures) => delayAfter(failures, pair))).toEqual([0, 0, 0, 0]);
    expect([4, 5, 6, 7].map((failures) => delayAfter(failures, pair))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(delayAfter(20, pair)).toBe(pair.capMs);
    expect(delayAfter(10_000, pair)).toBe(pair.capMs);
    expect(delayAfter(11, SIGN_IN_POLICY.email)).toBe(250);
    expect(delayAfter(1_000, SIGN_IN_POLICY.email)).toBe(5_000);
  });
});
