import { describe, expect, it } from "vitest";
import { compileList, globMatchesWord, matchText, normaliseText, parsePattern, wordsOf } from "#app/modules/safety/watched-words";

const patternOf = (s: string) => {
  const p = parsePattern(s);
  if (!p.ok) throw new Error(`${s}: ${p.error}`);
  return p.pattern;
};
const match = (patterns: string[], text: string) => matchText(compileList(patterns), text).sort();

/** A reference glob matcher by dynamic programming (obviously right, quadratic): the fast one must agree. */
function referenceGlob(glob: string, word: string): boolean {
  const g = [...glob];
  const w = [...word];
  let row = Array<boolean>(w.length + 1).fill(false);
  row[0] = true;
  for (const c of g) {
    const next = Array<boolean>(w.length + 1).fill(false);
    if (c === "*") {
      let any = false;
      for (let j = 0; j <= w.length; j++) {
        any = any || row[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 1; j <= w.length; j++) next[j] = row[j - 1]! && w[j - 1] === c;
    }
    row = next;
  }
  return row[w.length]!;
}

describe("normaliseText", () => {
  it("folds case and accents alike", () => {
    expect(normaliseText("Curé")).toBe("cure");
    expect(normaliseText("CURE")).toBe("cure");
    expect(normaliseText("ÇA VA, Ñandú")).toBe("ca va, nandu");
  });
  it("handles ß, dotless ı, final sigma and compatibility forms", () => {
    expect(normaliseText("Straße")).toBe("strasse");
    expect(normaliseText("STRASSE")).toBe("strasse");
    expect(normaliseText("İstanbul")).toBe("istanbul");
    expect(normaliseText("ıstanbul")).toBe("istanbul");
    expect(normaliseText("ΣΟΦΟΣ")).toBe(normaliseText("σοφος"));
    expect(normaliseText("ﬁx ＣＵＲＥ")).toBe("fix cure");
  });
});

describe("parsePattern", () => {
  it("normalises letters, digits, spaces and stars", () => {
    expect(parsePattern("  Miracle   CURÉ ")).toEqual({ ok: true, pattern: "miracle cure" });
    expect(parsePattern("cur*")).toEqual({ ok: true, pattern: "cur*" });
    expect(parsePattern("mir**cle")).toEqual({ ok: true, pattern: "mir*cle" });
    expect(parsePattern("covid19")).toEqual({ ok: true, pattern: "covid19" });
  });
  it("refuses regular-expression and other syntax, never interpreting it", () => {
    for (const bad of ["(a+)+", "a|b", "cure.", "[abc]", "a?", "^cure$", "c\\d", "<script>", "a'; drop table"]) {
      const p = parsePattern(bad);
      expect(p.ok, bad).toBe(false);
      if (!p.ok) expect(p.error).toMatch(/Only letters, digits, spaces and \*/);
    }
  });
  it("refuses empty, lone stars, too many stars, words or characters", () => {
    expect(parsePattern("   ").ok).toBe(false);
    expect(parsePattern("*").ok).toBe(false);
    expect(parsePattern("cure *").ok).toBe(false);
    expect(parsePattern("a*b*c*d").ok).toBe(true);
    expect(parsePattern("a*b*c*d*e").ok).toBe(false);
    expect(parsePattern("one two three four five").ok).toBe(true);
    expect(parsePattern("one two three four five six").ok).toBe(false);
    expect(parsePattern("a".repeat(64)).ok).toBe(true);
    expect(parsePattern("a".repeat(65)).ok).toBe(false);
  });
});

describe("globMatchesWord", () => {
  it("matches stars inside one word", () => {
    expect(globMatchesWord("cur*", "cures")).toBe(true);
    expect(globMatchesWord("cur*", "cur")).toBe(true);
    expect(globMatchesWord("*cure", "procure")).toBe(true);
    expect(globMatchesWord("mir*cle", "miracle")).toBe(true);
    expect(globMatchesWord("mir*cle", "mircle")).toBe(true);
    expect(globMatchesWord("mir*cle", "miracles")).toBe(false);
    expect(globMatchesWord("a*a", "a")).toBe(false);
    expect(globMatchesWord("ab*ba", "aba")).toBe(false);
  });
  it("agrees with a reference matcher on every small glob and word", () => {
    const letters = ["a", "b", "*"];
    const all = (n: number): string[] => (n === 0 ? [""] : all(n - 1).flatMap((s) => letters.map((c) => s + c)));
    const globs = [1, 2, 3, 4, 5].flatMap(all).filter((g) => /[ab]/.test(g));
    const words = [1, 2, 3, 4, 5].flatMap(all).filter((w) => !w.includes("*"));
    for (const g of globs) for (const w of words) expect(globMatchesWord(g, w), `${g} ~ ${w}`).toBe(referenceGlob(g, w));
  });
});

describe("matchText", () => {
  it("matches whole words only, case and accents aside", () => {
    expect(match(["cure"], "Find a CURÉ today")).toEqual(["cure"]);
    expect(match(["cure"], "a secure line, curable")).toEqual([]);
    expect(match([patternOf("miracle cure")], "Buy my Miracle  CURE!")).toEqual(["miracle cure"]);
    expect(match([patternOf("miracle cure")], "a miracle, then a cure")).toEqual([]);
    expect(match(["cur*"], "it cures")).toEqual(["cur*"]);
    expect(match(["cur*"], "secure")).toEqual([]);
    expect(match(["*cure"], "procure it")).toEqual(["*cure"]);
    expect(match([patternOf("mir*cle cur*")], "MIRACLE curés")).toEqual(["mir*cle cur*"]);
  });
  it("answers each pattern once, however often it matches", () => {
    expect(match(["cure", "cur*", "cure"], "cure cure cures")).toEqual(["cur*", "cure"]);
  });
  it("skips anything in a list that does not parse", () => {
    expect(match(["(a+)+", "a.b", "*"], "aaaa a.b")).toEqual([]);
  });
  it("splits on punctuation, line breaks and symbols", () => {
    expect(wordsOf("cure,cure\ncure—CURE's")).toEqual(["cure", "cure", "cure", "cure", "s"]);
  });
  it("finds phrases at the end of the text, not past it", () => {
    expect(match(["miracle cure"], "it is a miracle")).toEqual([]);
    expect(match(["*acle cure"], "a miracle cure")).toEqual(["*acle cure"]);
  });

  it("survives hostile patterns, long lists and a megabyte text", () => {
    const hostile = ["a*a*a*", "*a*a*a", "a*a*a*b", "*aaa*b", "a*a*a*c", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa*b"];
    const many = Array.from({ length: 1000 }, (_, i) => `${"a".repeat(1 + (i % 50))}*a*a*${String.fromCharCode(98 + Math.floor(i / 50))}`);
    const phrases = [...Array.from({ length: 200 }, (_, i) => `*a a*a a${i}`), ...Array.from({ length: 50 }, (_, i) => `*a a*a ${"a".repeat(i + 1)}*b`)];
    const text = `${"a".repeat(1024 * 1024)}b`;
    expect(new Set(many).size).toBe(1000);
    const list = compileList([...hostile, ...many, ...phrases]);
    const found = matchText(list, text).sort();
    // The text is one word of a's ending in b: patterns ending in b (or in a star) match, the others don't.
    expect(found).toContain("a*a*a*");
    expect(found).toContain("a*a*a*b");
    expect(found).toContain("*aaa*b");
    expect(found).toContain("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa*b");
    expect(found).not.toContain("*a*a*a");
    expect(found).not.toContain("a*a*a*c");
    expect(found.filter((p) => many.includes(p)).length).toBe(many.filter((p) => p.endsWith("b")).length);
    // Many short words: the phrases are tried at every position.
    const words = Array.from({ length: 30_000 }, () => "aaa").join(" ");
    expect(matchText(list, words)).toContain("a*a*a*");
    expect(matchText(list, `${words} b a7`).filter((p) => phrases.includes(p))).toEqual([]);
    expect(matchText(list, `${words} a7`)).toContain("*a a*a a7");
  });
});
