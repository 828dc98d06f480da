import { describe, expect, it } from "vitest";
import { addressRefusal, ipv6Bytes, normalizeAddress, refusedAddressReason } from "#app/lib/ssrf";

/** The link check's address policy (app/lib/ssrf.ts): only public unicast addresses are fetched. */
describe("refusedAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback address"],
    ["127.255.0.9", "loopback address"],
    ["10.1.2.3", "private address"],
    ["172.16.0.1", "private address"],
    ["172.31.255.255", "private address"],
    ["192.168.1.1", "private address"],
    ["169.254.169.254", "link-local address"],
    ["100.64.0.1", "shared (CGNAT) address"],
    ["100.127.255.254", "shared (CGNAT) address"],
    ["0.0.0.0", "unspecified address"],
    ["224.0.0.251", "multicast address"],
    ["255.255.255.255", "broadcast address"],
    ["240.0.0.1", "reserved address"],
    ["192.0.2.10", "documentation address"],
    ["198.18.0.1", "benchmarking address"],
    ["::", "unspecified address"],
    ["::1", "loopback address"],
    ["0:0:0:0:0:0:0:1", "loopback address"],
    ["fe80::1", "link-local address"],
    ["fe80::1%eth0", "link-local address"],
    ["fc00::1", "unique-local address"],
    ["fd12:3456::1", "unique-local address"],
    ["ff02::1", "multicast address"],
    ["::ffff:127.0.0.1", "loopback address"],
    ["::ffff:7f00:1", "loopback address"],
    ["::ffff:10.0.0.1", "private address"],
    ["::ffff:169.254.169.254", "link-local address"],
    ["::127.0.0.1", "loopback address"],
    ["64:ff9b::a00:1", "private address"],
    ["2002:7f00:1::", "loopback address"],
    ["2001:db8::1", "documentation address"],
    ["not-an-ip", "not an IP address"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(refusedAddressReason(address)).toBe(reason);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1"])(
    "allows the public address %s",
    (address) => {
      expect(refusedAddressReason(address)).toBeNull();
    },
  );
});

describe("address spelling", () => {
  it("expands IPv6 with a dotted tail and a zone", () => {
    expect(ipv6Bytes("::ffff:1.2.3.4")).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4]);
    expect(ipv6Bytes("fe80::1%lo")?.slice(0, 2)).toEqual([0xfe, 0x80]);
    expect(ipv6Bytes("1.2.3.4")).toBeNull();
    expect(normalizeAddress("::1")).toBe("0:0:0:0:0:0:0:1");
    expect(normalizeAddress("0:0::1")).toBe(normalizeAddress("::1"));
  });

  it("an allow list (tests only) lets exactly its addresses through", () => {
    expect(addressRefusal("127.0.0.1")).toBe("loopback address");
    expect(addressRefusal("127.0.0.1", ["127.0.0.1"])).toBeNull();
    expect(addressRefusal("127.0.0.2", ["127.0.0.1"])).toBe("loopback address");
    expect(addressRefusal("::1", ["0:0:0:0:0:0:0:1"])).toBeNull();
    // The IPv4-mapped spelling of an allowed IPv4 address is not the same entry.
    expect(addressRefusal("::ffff:127.0.0.1", ["127.0.0.1"])).toBe("loopback address");
    expect(addressRefusal("8.8.8.8", [])).toBeNull();
  });
});
