/**
 * @mentions: the one parser (client-safe), used by the server to find whom a post or chat message
 * mentions, by the Markdown renderer and the chat list to style them, and by the autocomplete to
 * insert them. Two forms:
 * - `@[Member abc12]`: any display name, spaces included (what the autocomplete inserts);
 * - `@Sam`: a name without spaces, typed by hand.
 * Display names can never contain "]" (DisplayNameSchema), so the bracketed form is unambiguous.
 * Only the text is parsed here; who the names are, and whether they may read the place, is decided
 * on the server when the notification job runs.
 */

/** At most this many distinct people are notified per post or message (more are rendered, not notified). */
export const MENTION_MAX = 20;

/** The display-name alphabet (DisplayNameSchema): letters, numbers, spaces, . _ ' - and a few combining marks. */
const NAME = /^[\p{L}\p{N}](?:\p{M}{1,2})?(?:[\p{L}\p{N} ._'-](?:\p{M}{1,2})?)*$/u;
const NAME_MIN = 3;
const NAME_MAX = 32;

// Bounded quantifiers: the scan stays linear on hostile input (thousands of "@" or "[").
const BRACKETED = /^@\[([^\]\n]{1,40})\]/u;
const BARE = /^@([\p{L}\p{N}][\p{L}\p{N}\p{M}._'-]{0,40})/u;
/** A mention starts a word: "me@example.org" and "x@@y" are not mentions. */
const WORD_CHAR = /[\p{L}\p{N}\p{M}_.@'-]/u;

export interface MentionMatch {
  /** What matched in the source, "@" included. */
  raw: string;
  /** The name as written (NFKC, spaces collapsed). */
  name: string;
}

/** The comparison key of a name: NFKC, spaces collapsed, lower case (display names are unique on it). */
export function mentionKey(name: string): string {
  return name.normalize("NFKC").trim().replace(/\s+/gu, " ").toLowerCase();
}

function validName(name: string): boolean {
  const n = [...name].length;
  return n >= NAME_MIN && n <= NAME_MAX && NAME.test(name);
}

/**
 * The mention at the very start of `src` (which starts with "@"), if any. `before` is the character
 * just before it ("" at the start of the text): a mention must start a word.
 */
export function mentionAt(src: string, before: string): MentionMatch | null {
  if (src[0] !== "@" || (before !== "" && WORD_CHAR.test(before))) return null;
  const b = BRACKETED.exec(src);
  if (b) {
    const name = b[1]!.normalize("NFKC").trim().replace(/\s+/gu, " ");
    return validName(name) ? { raw: b[0], name } : null;
  }
  const m = BARE.exec(src);
  if (!m) return null;
  // Sentence punctuation after a name ("thanks @Sam.") is not part of it.
  const name = m[1]!.replace(/[._'-]+$/u, "");
  // A run longer than any name is not a mention of a shorter one.
  if (src.length > m[0].length && /[\p{L}\p{N}]/u.test(src[m[0].length]!)) return null;
  return validName(name.normalize("NFKC")) ? { raw: `@${name}`, name: name.normalize("NFKC") } : null;
}

export type MentionPart = { text: string } | { mention: string; raw: string };

/** Splits plain text (a chat message) into text and mentions, for rendering; linear in the text's length. */
export function splitMentions(text: string): MentionPart[] {
  const parts: MentionPart[] = [];
  let plain = "";
  let i = 0;
  while (i < text.length) {
    const at = text.indexOf("@", i);
    if (at === -1) break;
    const m = mentionAt(text.slice(at, at + 48), at === 0 ? "" : text[at - 1]!);
    if (!m) {
      plain += text.slice(i, at + 1);
      i = at + 1;
      continue;
    }
    plain += text.slice(i, at);
    if (plain) parts.push({ text: plain });
    plain = "";
    parts.push({ mention: m.name, raw: m.raw });
    i = at + m.raw.length;
  }
  plain += text.slice(i);
  if (plain) parts.push({ text: plain });
  return parts;
}

/** The distinct names a text mentions, as comparison keys, first MENTION_MAX only. */
export function parseMentions(text: string): string[] {
  const keys = new Set<string>();
  for (const part of splitMentions(text)) {
    if (!("mention" in part)) continue;
    keys.add(mentionKey(part.mention));
    if (keys.size >= MENTION_MAX) break;
  }
  return [...keys];
}

/** What the autocomplete inserts for a member: the bare form when the name has no spaces, else bracketed. */
export function mentionSyntax(displayName: string): string {
  const bare = `@${displayName}`;
  const m = mentionAt(bare, "");
  return m && m.raw === bare ? bare : `@[${displayName}]`;
}

/**
 * The "@query" being typed just before the caret, for the autocomplete: the "@" position and the
 * text after it (letters, spaces after "@[" ), or null when the caret is not in a mention.
 */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const head = text.slice(Math.max(0, caret - 40), caret);
  const m = /(?:^|[^\p{L}\p{N}\p{M}_.@'-])@(\[[^\]\n]{0,32}|[\p{L}\p{N}][\p{L}\p{N}\p{M}._'-]{0,31})$/u.exec(head);
  if (!m) return null;
  const typed = m[1]!;
  const start = caret - typed.length - 1;
  // At the very start of the slice we can't see the character before: look at the full text.
  if (start > 0 && WORD_CHAR.test(text[start - 1]!)) return null;
  const query = typed.startsWith("[") ? typed.slice(1) : typed;
  return { start, query };
}
