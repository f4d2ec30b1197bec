// lib/log.ts masks email addresses in every line it writes, whatever passed them in.
import { afterEach, describe, expect, it, vi } from "vitest";
import { log, redactEmails } from "../../lib/log";

afterEach(() => vi.restoreAllMocks());

describe("log redaction", () => {
  it("masks addresses in free text, including odd but valid ones", () => {
    expect(redactEmails("5.1.1 <Ana.Lima+class@Students.Example.edu>: Recipient address rejected")).toBe(
      "5.1.1 <[email]>: Recipient address rejected",
    );
    expect(redactEmails("o'brien@school.ie and ben_okafor@mail.co.uk")).toBe("[email] and [email]");
  });

  it("leaves text without an address alone", () => {
    const text = "Failed task send_notification (job 42) with error: connect ECONNREFUSED 127.0.0.1:2525 @ 10:04";
    expect(redactEmails(text)).toBe(text);
  });

  it("applies to the message and to every field of a written line", () => {
    const lines: string[] = [];
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    log.error("Failed task for ana@school.edu", {
      error: "550 <ana@school.edu> unknown",
      nested: { to: ["ben@school.edu"] },
    });
    expect(lines).toHaveLength(1);
    const written = JSON.parse(lines[0]!) as { message: string; error: string; nested: { to: string[] } };
    expect(written.message).toBe("Failed task for [email]");
    expect(written.error).toBe("550 <[email]> unknown");
    expect(written.nested.to).toEqual(["[email]"]);
  });
});
