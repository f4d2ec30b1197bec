// Who is on the other end of a request? The address comes from the TCP socket; X-Forwarded-For is
// believed only for hops added by proxies named in TRUSTED_PROXIES (anyone can write that header).
// scripts/serve.ts computes the address once per request and hands it to Next in an internal
// header, overwriting any copy the client sent; lib/auth.ts reads it for sign-in throttling.
import net from "node:net";

/** Set by scripts/serve.ts from the socket; a client-supplied copy is always replaced. */
export const CLIENT_ADDRESS_HEADER = "x-rollcall-client-address";

/** "::ffff:10.0.0.1" (IPv4 on an IPv6 socket) → "10.0.0.1"; anything else as it is, lower-cased. */
export function normalizeAddress(address: string): string {
  const trimmed = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(trimmed);
  return mapped ? mapped[1] : trimmed;
}

/**
 * Parses TRUSTED_PROXIES: comma-separated IP addresses or CIDR ranges (e.g. "10.0.0.0/8, ::1").
 * Returns the problems found, so configuration can name the bad entry.
 */
export function parseTrustedProxies(value: string): { list: net.BlockList; entries: string[]; problems: string[] } {
  const list = new net.BlockList();
  const entries: string[] = [];
  const problems: string[] = [];
  for (const raw of value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [address, prefix, extra] = raw.split("/");
    const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : null;
    if (!family || extra !== undefined) {
      problems.push(`"${raw}" is not an IP address or CIDR range`);
      continue;
    }
    if (prefix === undefined) {
      list.addAddress(address, family);
    } else {
      const bits = Number(prefix);
      const max = family === "ipv4" ? 32 : 128;
      if (!/^\d+$/.test(prefix) || bits > max) {
        problems.push(`"${raw}" has a bad prefix length (0–${max})`);
        continue;
      }
      list.addSubnet(address, bits, family);
    }
    entries.push(raw);
  }
  return { list, entries, problems };
}

function isTrusted(list: net.BlockList, address: string): boolean {
  if (net.isIPv4(address)) return list.check(address, "ipv4");
  if (net.isIPv6(address)) return list.check(address, "ipv6");
  return false;
}

/**
 * The client's address: the socket's peer, unless that peer is a trusted proxy — then the
 * right-most X-Forwarded-For hop that is not itself a trusted proxy (hops further left were written
 * by whoever sent the request and prove nothing).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trusted: net.BlockList | null,
): string {
  const peer = socketAddress ? normalizeAddress(socketAddress) : "unknown";
  if (!trusted || !isTrusted(trusted, peer) || forwardedFor === undefined) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(",") : forwardedFor)
    .split(",")
    .map((hop) => normalizeAddress(hop))
    .filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index];
    if (!net.isIP(hop)) return peer; // a garbled hop: believe nothing beyond the proxy we know
    if (!isTrusted(trusted, hop)) return hop;
  }
  // Every hop is a trusted proxy: the left-most is as close to the client as we can tell.
  return hops[0] ?? peer;
}
