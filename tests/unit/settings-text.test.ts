import { describe, expect, it } from "vitest";
import { maskEmail } from "#app/modules/accounts/email-change.server";
import { approximateLastUse } from "#app/modules/accounts/sessions.server";

describe("approximateLastUse", () => {
  const now = new Date("2026-12-01T12:00:00Z");
  const ago = (ms: number) => approximateLastUse(new Date(now.getTime() - ms), now);
  const MIN = 60_000;
  const DAY = 24 * 60 * MIN;

  it.each([
    [0, "active now"],
    [14 * MIN, "active now"],
    [16 * MIN, "today"],
    [23 * 60 * MIN, "today"],
    [DAY + MIN, "yesterday"],
    [3 * DAY + MIN, "3 days ago"],
    [13 * DAY, "13 days ago"],
    [15 * DAY, "2 weeks ago"],
    [7 * 7 * DAY, "7 weeks ago"],
    [90 * DAY, "over 2 months ago"],
  ])("%d ms ago → %s", (ms, text) => {
    expect(ago(ms)).toBe(text);
  });

  it("never shows a clock time or a date", () => {
    for (const ms of [0, 5 * 60 * 60_000, 40 * DAY]) expect(ago(ms)).not.toMatch(/\d{1,2}:\d{2}|2026/);
  });
});

describe("maskEmail", () => {
  it.each([
    ["kit@example.org", "k…@e….org"],
    ["moved-123@elsewhere.test", "m…@e….test"],
    ["a@b.co.uk", "a…@b….uk"],
    ["nodot@localhost", "n…@l…"],
  ])("%s → %s", (email, masked) => {
    expect(maskEmail(email)).toBe(masked);
  });

  it("never contains the address's local part or domain name in full", () => {
    const masked = maskEmail("secretname@hiddendomain.org");
    expect(masked).not.toContain("secretname");
    expect(masked).not.toContain("hiddendomain");
  });
});
