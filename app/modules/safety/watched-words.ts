/**
 * Watched words: the pure matcher (no database; runs in Node and could run in the browser).
 *
 * A pattern is one to five words of letters and digits, where `*` inside a word stands for any run
 * of letters or digits within that ONE word (`cur*`, `*cure`, `mir*cle`). Matching is on whole
 * words, case- and accent-insensitive ("Curé", "CURE" and "cure" alike; "cure" never matches
 * "secure"). No regular expression is ever built from a pattern: the text is split into words once,
 * and each word is compared with a wildcard word by its literal pieces (prefix, suffix, then the
 * middle pieces leftmost-first with indexOf), which is O(n·m) in the worst case and never
 * backtracks (issue 15: no ReDoS).
 */

export const PATTERN_MAX_CHARS = 64;
export const PATTERN_MAX_WORDS = 5;
export const PATTERN_MAX_STARS_PER_WORD = 3;

/** Letters, digits and the combining marks that belong to them (after NFKD these are stripped). */
const COMBINING = /\p{M}+/gu;
/** What separates words in a normalised text: anything that is not a letter or a digit. */
const NOT_WORD = /[^\p{L}\p{N}]+/u;
const WORD_CHAR = /^[\p{L}\p{N}]$/u;

/**
 * The form both patterns and texts are compared in: compatibility decomposition (NFKD: "ﬁ" → "fi",
 * full-width letters → ASCII), accents stripped, lower case in no particular locale, and the few
 * letters whose lower case still differs by language folded by hand (ß → ss, dotless ı → i).
 */
export function normaliseText(s: string): string {
  return s
    .normalize("NFKD")
    .replace(COMBINING, "")
    .toLocaleLowerCase("und")
    .replace(/ß/g, "ss")
    .replace(/ı/g, "i")
    .replace(/ς/g, "σ");
}

export type ParsedPattern = { ok: true; pattern: string } | { ok: false; error: string };

/**
 * A typed pattern as the stored, normalised form ("Miracle  CURÉ" → "miracle cure"), or the reason
 * it can't be one. Nothing but letters, digits, spaces and `*` is accepted, so no syntax of any
 * other matcher (regular expressions, globs' `?` or `[...]`) can ever mean anything.
 */
export function parsePattern(input: string): ParsedPattern {
  const trimmed = input.trim();
  if (trimmed === "") return { ok: false, error: "Please type a word or phrase." };
  if ([...trimmed].length > PATTERN_MAX_CHARS) return { ok: false, error: `A watched word is at most ${PATTERN_MAX_CHARS} characters.` };
  const normal = normaliseText(trimmed);
  const words = normal.split(/\s+/).filter((w) => w !== "");
  const bad = [...words.join("")].find((c) => c !== "*" && !WORD_CHAR.test(c));
  if (bad !== undefined) return { ok: false, error: `Only letters, digits, spaces and * are allowed ("${bad}" isn't).` };
  if (words.length > PATTERN_MAX_WORDS) return { ok: false, error: `A phrase is at most ${PATTERN_MAX_WORDS} words.` };
  for (const w of words) {
    const stars = [...w].filter((c) => c === "*").length;
    if (stars === w.length) return { ok: false, error: "A * needs at least one letter or digit beside it in the same word." };
    if (stars > PATTERN_MAX_STARS_PER_WORD) return { ok: false, error: `At most ${PATTERN_MAX_STARS_PER_WORD} * in one word.` };
  }
  // "a**b" means the same as "a*b": fold runs of stars so equal patterns are stored once.
  const pattern = words.map((w) => w.replace(/\*+/g, "*")).join(" ");
  if ([...pattern].length > PATTERN_MAX_CHARS) return { ok: false, error: `A watched word is at most ${PATTERN_MAX_CHARS} characters.` };
  return { ok: true, pattern };
}

/**
 * One glob word split at its stars: the literal start, the literal end and the literal pieces in
 * between ("mir*a*cle" → "mir", ["a"], "cle"). A word matches when it starts with `head`, ends with
 * `tail` and holds the middle pieces in order between them; taking each piece's leftmost place is
 * always right for `*`-only globs, so the match is a few `indexOf` scans, never a backtracking search.
 */
interface GlobWord {
  /** Phrases: this word's place among the list's phrase words (for remembering answers while matching). */
  slot: number;
  text: string;
  star: boolean;
  head: string;
  middle: string[];
  tail: string;
}

function globWordOf(word: string): GlobWord {
  if (!word.includes("*")) return { slot: -1, text: word, star: false, head: word, middle: [], tail: "" };
  const pieces = word.split("*");
  return { slot: -1, text: word, star: true, head: pieces[0]!, middle: pieces.slice(1, -1).filter((p) => p !== ""), tail: pieces[pieces.length - 1]! };
}

/** Does one normalised word match one glob word (`*` = any run, possibly empty, of that word's letters and digits)? */
export function globMatchesWord(glob: string | GlobWord, word: string): boolean {
  const g = typeof glob === "string" ? globWordOf(glob) : glob;
  if (!g.star) return g.text === word;
  const end = word.length - g.tail.length;
  if (end < g.head.length || !word.startsWith(g.head) || !word.endsWith(g.tail)) return false;
  let at = g.head.length;
  for (const piece of g.middle) {
    const found = word.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

interface CompiledPattern {
  pattern: string;
  words: GlobWord[];
}

export interface CompiledList {
  /** Single exact words (the common case): one lookup per distinct word of the text. */
  exact: Map<string, string>;
  /** Single wildcard words, by the first letter of their literal start ("cur*" under "c"). */
  wildByHead: Map<string, CompiledPattern[]>;
  /** Single wildcard words starting with `*`, by the last letter of their literal end ("*cure" under "e"). */
  wildByTail: Map<string, CompiledPattern[]>;
  /** Single wildcard words with a star at both ends ("*cur*"): tried against every distinct word. */
  wildAnywhere: CompiledPattern[];
  /** Phrases with an exact word, by their first exact word (the anchor) and its place in the phrase. */
  phraseByAnchor: Map<string, { p: CompiledPattern; offset: number }[]>;
  /** Phrases of wildcard words only: tried at every position, each word's result remembered per distinct word. */
  phraseAllWild: CompiledPattern[];
  /** How many phrase words have a slot. */
  slots: number;
  size: number;
}

function push<K>(map: Map<K, CompiledPattern[]>, key: K, p: CompiledPattern) {
  const list = map.get(key);
  if (list) list.push(p);
  else map.set(key, [p]);
}

/**
 * Compiles patterns (as stored; each goes through `parsePattern` again, and anything that does not
 * parse is skipped, never interpreted). Duplicates count once.
 */
export function compileList(patterns: readonly string[]): CompiledList {
  const list: CompiledList = { exact: new Map(), wildByHead: new Map(), wildByTail: new Map(), wildAnywhere: [], phraseByAnchor: new Map(), phraseAllWild: [], slots: 0, size: 0 };
  const seen = new Set<string>();
  for (const raw of patterns) {
    const parsed = parsePattern(raw);
    if (!parsed.ok || seen.has(parsed.pattern)) continue;
    seen.add(parsed.pattern);
    list.size++;
    const p: CompiledPattern = { pattern: parsed.pattern, words: parsed.pattern.split(" ").map(globWordOf) };
    const first = p.words[0]!;
    if (p.words.length > 1) {
      for (const w of p.words) w.slot = list.slots++;
      const offset = p.words.findIndex((w) => !w.star);
      if (offset === -1) list.phraseAllWild.push(p);
      else {
        const anchored = list.phraseByAnchor.get(p.words[offset]!.text);
        if (anchored) anchored.push({ p, offset });
        else list.phraseByAnchor.set(p.words[offset]!.text, [{ p, offset }]);
      }
    } else if (!first.star) list.exact.set(first.text, p.pattern);
    else if (first.head !== "") push(list.wildByHead, first.head[0]!, p);
    else if (first.tail !== "") push(list.wildByTail, first.tail[first.tail.length - 1]!, p);
    else list.wildAnywhere.push(p);
  }
  return list;
}

/** The words of a text, normalised: split once on anything that is not a letter or digit. */
export function wordsOf(text: string): string[] {
  return normaliseText(text)
    .split(NOT_WORD)
    .filter((w) => w !== "");
}

/**
 * The patterns (normalised, each once) that match the text as whole words. One pass splits the
 * text into words; single-word patterns are checked once per DISTINCT word (a text of one word
 * repeated costs one check), through indexes, so a long list costs lookups, not a scan per word.
 * Phrases are found from their exact word (one lookup per position); phrases of wildcard words
 * only are tried at every position, with each glob word's answer for each distinct word
 * remembered, so the work stays (positions × such phrases) lookups.
 */
export function matchText(list: CompiledList, text: string): string[] {
  if (list.size === 0) return [];
  const found = new Set<string>();
  const words = wordsOf(text);
  const check = (p: CompiledPattern, word: string) => {
    if (!found.has(p.pattern) && globMatchesWord(p.words[0]!, word)) found.add(p.pattern);
  };
  for (const word of new Set(words)) {
    const exact = list.exact.get(word);
    if (exact !== undefined) found.add(exact);
    for (const p of list.wildByHead.get(word[0]!) ?? []) check(p, word);
    for (const p of list.wildByTail.get(word[word.length - 1]!) ?? []) check(p, word);
    for (const p of list.wildAnywhere) check(p, word);
  }
  if (list.phraseByAnchor.size === 0 && list.phraseAllWild.length === 0) return [...found];

  // Each distinct word gets a number; each wildcard word remembers its answer per number (0 unknown, 1 no, 2 yes).
  const ids = new Map<string, number>();
  const distinct: string[] = [];
  const idOf = Int32Array.from(words, (w) => {
    let id = ids.get(w);
    if (id === undefined) {
      ids.set(w, (id = distinct.length));
      distinct.push(w);
    }
    return id;
  });
  const memo: (Uint8Array | undefined)[] = new Array(list.slots);
  const wordMatches = (g: GlobWord, at: number): boolean => {
    if (!g.star) return g.text === words[at];
    const answers = (memo[g.slot] ??= new Uint8Array(distinct.length));
    const id = idOf[at]!;
    if (answers[id] === 0) answers[id] = globMatchesWord(g, distinct[id]!) ? 2 : 1;
    return answers[id] === 2;
  };
  const phraseAt = (p: CompiledPattern, at: number): boolean => {
    if (at < 0 || at + p.words.length > words.length) return false;
    for (let k = 0; k < p.words.length; k++) if (!wordMatches(p.words[k]!, at + k)) return false;
    return true;
  };
  for (let i = 0; i < words.length; i++) {
    for (const { p, offset } of list.phraseByAnchor.get(words[i]!) ?? []) {
      if (!found.has(p.pattern) && phraseAt(p, i - offset)) found.add(p.pattern);
    }
    for (const p of list.phraseAllWild) {
      if (!found.has(p.pattern) && phraseAt(p, i)) found.add(p.pattern);
    }
  }
  return [...found];
}
