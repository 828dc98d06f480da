import { describe, expect, it } from "vitest";
import { displayNameSkeleton, uts39Skeleton } from "#app/modules/accounts/display-name.server";
import { DisplayNameSchema } from "#app/modules/auth/auth.schema";

const INVISIBLE_MESSAGE = /invisible or text-direction/;

function parse(v: string) {
  const r = DisplayNameSchema.safeParse(v);
  return r.success ? { ok: true as const, value: r.data } : { ok: false as const, messages: r.error.issues.map((i) => i.message) };
}

describe("UTS #39 skeleton (confusables.txt prototypes between two NFDs)", () => {
  it("maps the standard's own examples", () => {
    // "paypal" with Cyrillic р, а and Latin/Cyrillic mixes all share one skeleton.
    expect(uts39Skeleton("\u0440\u0430ypal")).toBe(uts39Skeleton("paypal"));
    // m → rn: the table maps the single letter to two.
    expect(uts39Skeleton("m")).toBe("rn");
    expect(uts39Skeleton("rn")).toBe("rn");
    // Digits and letters: 0 → O, 1 → l.
    expect(uts39Skeleton("0")).toBe("O");
    expect(uts39Skeleton("1")).toBe("l");
  });

  it("is the identity on a prototype string and idempotent", () => {
    for (const s of ["Sam the moderator", "Ирина", "Ελένη", "José"]) {
      expect(uts39Skeleton(uts39Skeleton(s))).toBe(uts39Skeleton(s));
    }
  });

  it("decomposes before mapping, so a precomposed and a combining accent agree", () => {
    expect(uts39Skeleton("Jos\u00e9")).toBe(uts39Skeleton("Jose\u0301"));
  });
});

describe("display-name uniqueness key", () => {
  const sam = displayNameSkeleton("Sam the moderator");

  it.each([
    ["Cyrillic а (U+0430)", "S\u0430m the moderator"],
    ["Cyrillic е and о", "Sam th\u0435 m\u043ederator"],
    ["Greek ο (U+03BF)", "Sam the m\u03bfderator"],
    ["rn for m", "Sarn the rnoderator"],
    ["rn for m, once", "Sam the rnoderator"],
    ["upper case", "SAM THE MODERATOR"],
    ["mixed case", "sAm ThE mOdErAtOr"],
    ["Cyrillic capital Ѕ and Greek capitals", "\u0405am the moderator"],
    ["fullwidth letters (NFKC)", "\uff33\uff41\uff4d the moderator"],
    ["doubled space", "Sam  the moderator"],
    ["mathematical bold letters", "\ud835\udc12am the moderator"],
  ])("%s collides with the original", (_label, lookAlike) => {
    expect(displayNameSkeleton(lookAlike)).toBe(sam);
  });

  it("capital I, small l and digit 1 collide", () => {
    expect(displayNameSkeleton("Bill")).toBe(displayNameSkeleton("BiII"));
    expect(displayNameSkeleton("Bill")).toBe(displayNameSkeleton("Bi11"));
  });

  it("letter O and digit 0 collide", () => {
    expect(displayNameSkeleton("Robin")).toBe(displayNameSkeleton("R0bin"));
  });

  it("different names stay different", () => {
    expect(displayNameSkeleton("Sam the moderator")).not.toBe(displayNameSkeleton("Sam the organizer"));
    expect(displayNameSkeleton("Alex")).not.toBe(displayNameSkeleton("Alexa"));
    expect(displayNameSkeleton("Ирина")).not.toBe(displayNameSkeleton("Irina K"));
  });
});

describe("DisplayNameSchema", () => {
  it("normalises to NFKC", () => {
    expect(parse("\uff33\uff41\uff4d")).toEqual({ ok: true, value: "Sam" });
    expect(parse("Jose\u0301")).toEqual({ ok: true, value: "Jos\u00e9" });
    expect(parse("  River  ")).toEqual({ ok: true, value: "River" });
  });

  it("accepts names in other scripts", () => {
    for (const name of ["Ирина", "Ελένη", "Nguyễn Văn", "李小龙", "देवनागरी", "O'Brien", "anne-marie.k"]) {
      expect(parse(name)).toMatchObject({ ok: true });
    }
  });

  it.each([
    ["right-to-left override U+202E", "Sam\u202eretaredom"],
    ["left-to-right embedding U+202A", "\u202aSam the moderator"],
    ["pop directional formatting U+202C", "Sam\u202c the moderator"],
    ["first strong isolate U+2068", "Sam \u2068the\u2069 moderator"],
    ["right-to-left mark U+200F", "Sam\u200f the moderator"],
    ["zero-width space U+200B", "Sam\u200b the moderator"],
    ["zero-width joiner U+200D", "Sa\u200dm"],
    ["soft hyphen U+00AD", "Sam\u00adthe"],
    ["byte order mark U+FEFF", "\ufeffSam"],
    ["Hangul filler U+3164 (default ignorable)", "Sam\u3164"],
    ["variation selector U+FE0F", "Sam\ufe0f"],
    ["tag character U+E0041", "Sam\udb40\udc41"],
    ["NUL-like control U+0007", "Sam\u0007"],
    ["newline", "Sam\nthe moderator"],
    ["line separator U+2028", "Sam\u2028x"],
  ])("refuses %s with a clear message", (_label, value) => {
    const r = parse(value);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.messages.join(" ")).toMatch(INVISIBLE_MESSAGE);
  });

  it("refuses stacked combining marks (zalgo)", () => {
    expect(parse("Sa\u0301\u0302\u0303\u0304m").ok).toBe(false);
  });

  it("refuses empty, too short and too long names, and punctuation-only ones", () => {
    expect(parse("").ok).toBe(false);
    expect(parse("ab").ok).toBe(false);
    expect(parse("x".repeat(33)).ok).toBe(false);
    expect(parse("<script>").ok).toBe(false);
    expect(parse("---").ok).toBe(false);
  });

  it("counts length after NFKC (a ligature becomes two letters)", () => {
    // "ﬃ" (U+FB03) is one character that NFKC makes into "ffi".
    expect(parse("\ufb03")).toEqual({ ok: true, value: "ffi" });
  });
});
