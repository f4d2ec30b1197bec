import { describe, expect, it } from "vitest";
import { clientAddress, parseTrustedProxies } from "./client-address";

const trusted = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1").list;

describe("client address", () => {
  it("is the socket's peer when no proxy is trusted, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", null)).toBe("203.0.113.9");
    expect(clientAddress("::ffff:203.0.113.9", undefined, null)).toBe("203.0.113.9");
  });

  it("is the peer when the peer is not a trusted proxy", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", trusted)).toBe("203.0.113.9");
  });

  it("behind trusted proxies, is the right-most hop that is not one of them", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1, 203.0.113.5", trusted)).toBe("203.0.113.5");
    expect(clientAddress("::ffff:127.0.0.1", "198.51.100.1, 203.0.113.5, 10.1.2.3", trusted)).toBe("203.0.113.5");
    expect(clientAddress("::1", ["198.51.100.1", "2001:db8::7"], trusted)).toBe("2001:db8::7");
  });

  it("believes nothing beyond a garbled hop, and falls back to the peer without the header", () => {
    expect(clientAddress("127.0.0.1", "198.51.100.1, not-an-ip", trusted)).toBe("127.0.0.1");
    expect(clientAddress("127.0.0.1", undefined, trusted)).toBe("127.0.0.1");
  });

  it("parses CIDR ranges and reports bad entries", () => {
    const parsed = parseTrustedProxies("192.168.0.0/16, 2001:db8::/32, nope, 10.0.0.0/40");
    expect(parsed.entries).toEqual(["192.168.0.0/16", "2001:db8::/32"]);
    expect(parsed.problems).toEqual([
      '"nope" is not an IP address or CIDR range',
      '"10.0.0.0/40" has a bad prefix length (0–32)',
    ]);
    expect(parsed.list.check("192.168.4.4", "ipv4")).toBe(true);
    expect(parsed.list.check("2001:db8:1::1", "ipv6")).toBe(true);
  });
});
