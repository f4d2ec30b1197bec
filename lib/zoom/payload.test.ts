// What the webhook accepts before anything reaches Postgres: bounds on times and text, and a
// jsonb-safe copy of the body (test/webhook/fuzz.test.ts drives the same cases over HTTP).
import { describe, expect, it } from "vitest";
import { MAX_BODY_DEPTH, parseStoredEvent, storableJson, storableText } from "./payload";

function joined(participant: Record<string, unknown>, eventTs = Date.UTC(2026, 10, 25, 17)) {
  return {
    event: "meeting.participant_joined",
    event_ts: eventTs,
    payload: {
      account_id: "acc",
      object: {
        uuid: "4444AAAiAAAAAiAiAiiAii==",
        id: "97711976001",
        participant: {
          user_id: "16778240",
          user_name: "Ana Lima",
          email: "ana@school.edu",
          join_time: "2026-11-25T17:00:00Z",
          ...participant,
        },
      },
    },
  };
}

describe("storableText / storableJson", () => {
  it("replaces NUL and unpaired surrogates, keeps real pairs and ordinary text", () => {
    expect(storableText("Ana\u0000Lima")).toBe("Ana\ufffdLima");
    expect(storableText("Ana \ud83d")).toBe("Ana \ufffd");
    expect(storableText("\udfff Ana")).toBe("\ufffd Ana");
    expect(storableText("Ana 😀 Lima")).toBe("Ana 😀 Lima");
  });

  it("copies keys and values, and refuses nesting past the limit", () => {
    expect(storableJson({ "k\u0000": ["v\u0000", 1, null, { deep: true }] })).toEqual({
      ok: true,
      value: { "k\ufffd": ["v\ufffd", 1, null, { deep: true }] },
    });
    let nested: unknown = "leaf";
    for (let level = 0; level < MAX_BODY_DEPTH; level += 1) nested = [nested];
    expect(storableJson(nested).ok).toBe(true);
    expect(storableJson([nested])).toEqual({
      ok: false,
      message: `the body is nested more than ${MAX_BODY_DEPTH} levels deep`,
    });
  });
});

describe("parseStoredEvent bounds", () => {
  it("accepts a normal join", () => {
    expect(parseStoredEvent(joined({})).ok).toBe(true);
  });

  it.each([
    ["a join_time in year 0", joined({ join_time: "0000-01-01T00:00:00Z" }), "between the years 2000 and 2199"],
    [
      "a join_time in year +200000",
      joined({ join_time: "+200000-01-01T00:00:00Z" }),
      "between the years 2000 and 2199",
    ],
    ["event_ts at the largest JavaScript date", joined({}, 8.64e15), "event_ts must be Unix milliseconds"],
    ["an identifier of 3,000 characters", joined({ participant_user_id: "x".repeat(3000) }), "at most 1000 characters"],
  ])("refuses %s with a message saying why", (_name, body, message) => {
    const parsed = parseStoredEvent(body);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.message).toContain(message);
  });
});
