/**
 * Search snippets shared by every full-text search (forums, library): ts_headline marks hits with
 * private-use characters, and snippetParts turns its output into plain-text parts with a flag, so
 * no HTML from user content can ever ride along with a snippet.
 */

/** Highlight markers: private-use characters, removed from the text before ts_headline adds them. */
export const MARK_START = "\uE000";
export const MARK_END = "\uE001";
/** Markdown emphasis and code punctuation dropped from snippets, plus the markers themselves. */
export const SNIPPET_STRIP = `*_\`#~${MARK_START}${MARK_END}`;
export const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "`;
export const TITLE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, HighlightAll=true`;

export interface SnippetPart {
  text: string;
  hit: boolean;
}

/**
 * Splits ts_headline output into plain-text parts. The browser gets text only (React escapes it)
 * and the highlight is a flag, so no HTML from a post can ever ride along with a snippet.
 */
export function snippetParts(headline: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let hit = false;
  let text = "";
  for (const ch of headline) {
    if (ch === MARK_START || ch === MARK_END) {
      if (text) parts.push({ text, hit });
      text = "";
      hit = ch === MARK_START;
    } else text += ch;
  }
  if (text) parts.push({ text, hit });
  return parts;
}
