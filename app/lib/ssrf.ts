import { isIP } from "node:net";

/**
 * Which addresses the server may connect to on someone else's behalf (the library's link check):
 * only public unicast ones. Everything the internet can't route to us is refused (private,
 * loopback, link-local incl. cloud metadata 169.254.169.254, CGNAT, unique-local, multicast,
 * unspecified, documentation and reserved ranges), also when written as IPv4 inside IPv6
 * (::ffff:127.0.0.1, ::127.0.0.1, 64:ff9b::/96 NAT64, 2002::/16 6to4).
 */

type Range = [prefix: number[], bits: number, reason: string];

const V4: Range[] = [
  [[0, 0, 0, 0], 8, "unspecified address"],
  [[10, 0, 0, 0], 8, "private address"],
  [[100, 64, 0, 0], 10, "shared (CGNAT) address"],
  [[127, 0, 0, 0], 8, "loopback address"],
  [[169, 254, 0, 0], 16, "link-local address"],
  [[172, 16, 0, 0], 12, "private address"],
  [[192, 0, 0, 0], 24, "reserved address"],
  [[192, 0, 2, 0], 24, "documentation address"],
  [[192, 88, 99, 0], 24, "reserved address"],
  [[192, 168, 0, 0], 16, "private address"],
  [[198, 18, 0, 0], 15, "benchmarking address"],
  [[198, 51, 100, 0], 24, "documentation address"],
  [[203, 0, 113, 0], 24, "documentation address"],
  [[224, 0, 0, 0], 4, "multicast address"],
  [[240, 0, 0, 0], 4, "reserved address"],
];

// IPv6 as 16 bytes; ranges that embed IPv4 are handled before these.
const V6: Range[] = [
  [[0xfe, 0x80], 10, "link-local address"],
  [[0xfe, 0xc0], 10, "site-local address"],
  [[0xfc, 0x00], 7, "unique-local address"],
  [[0xff, 0x00], 8, "multicast address"],
  [[0x20, 0x01, 0x0d, 0xb8], 32, "documentation address"],
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, "discard address"],
  [[0x20, 0x01, 0x00, 0x00], 23, "reserved (IETF) address"],
];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((bytes[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

/** "::ffff:1.2.3.4", "fe80::1%eth0", "2001:db8::1" → 16 bytes (null if not IPv6). */
export function ipv6Bytes(address: string): number[] | null {
  let text = address.replace(/%.*$/, "");
  if (isIP(text) !== 6) return null;
  // A dotted IPv4 tail becomes two hex groups.
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (tail) {
    const [a, b, c, d] = tail[1]!.split(".").map(Number) as [number, number, number, number];
    text = text.slice(0, -tail[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = text.includes("::") ? (text.split("::") as [string, string]) : [text, null];
  const h = head ? head.split(":") : [];
  const r = rest === null ? [] : rest ? rest.split(":") : [];
  const groups = rest === null ? h : [...h, ...Array<string>(8 - h.length - r.length).fill("0"), ...r];
  return groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
}

function v4Reason(bytes: number[]): string | null {
  if (bytes.every((b) => b === 255)) return "broadcast address";
  return V4.find((range) => inRange(bytes, range))?.[2] ?? null;
}

/** Why the address must not be connected to, or null when it is a public unicast address. */
export function refusedAddressReason(address: string): string | null {
  const kind = isIP(address.replace(/%.*$/, ""));
  if (kind === 4) return v4Reason(address.split(".").map(Number));
  if (kind !== 6) return "not an IP address";
  const b = ipv6Bytes(address)!;
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 16)) return "unspecified address";
  if (zeros(0, 15) && b[15] === 1) return "loopback address";
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): judged as the IPv4 inside.
  if (zeros(0, 10) && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))) return v4Reason(b.slice(12));
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach an IPv4 address too.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return v4Reason(b.slice(12));
  if (b[0] === 0x20 && b[1] === 0x02) return v4Reason(b.slice(2, 6));
  return V6.find((range) => inRange(b, range))?.[2] ?? null;
}

/** The same address in one spelling (IPv6 as 8 full hex groups), to compare with an allow list. */
export function normalizeAddress(address: string): string {
  const b = ipv6Bytes(address);
  if (!b) return address;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
  return groups.join(":");
}

/**
 * The reason to refuse `address` unless it is in `allowed` (LINK_CHECK_ALLOW_ADDRESSES, for tests
 * against a local server only), or null when the connection may be made.
 */
export function addressRefusal(address: string, allowed: readonly string[] = []): string | null {
  const reason = refusedAddressReason(address);
  if (!reason) return null;
  const n = normalizeAddress(address);
  return allowed.some((a) => normalizeAddress(a) === n) ? null : reason;
}
