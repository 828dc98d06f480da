import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";
import { mentionAt } from "./mentions";

/**
 * The one Markdown renderer (forum posts, event descriptions, library summaries and guides). Markdown is rendered
 * on the server by marked and the result is passed through sanitize-html with a strict allow-list,
 * so what reaches the browser is inert whatever was typed:
 * - raw HTML in the source is shown as text, never rendered;
 * - links keep only http, https and mailto URLs and always get rel="nofollow ugc noopener noreferrer";
 * - images are never embedded (they become a link to the image, or just their text), except in a
 *   guide, where an image uploaded to the library (src exactly /library/images/<id>, served through
 *   the policy) is an <img loading="lazy"> with its alt text; `![](/library/images/<id> "decorative")`
 *   is the explicit way to say alt="" (saving checks every guide image has one or the other: images.server.ts);
 * - headings: in posts, descriptions and summaries (renderMarkdown) they become bold paragraphs, so
 *   someone's "# HELP" can't break the page's heading outline; in a guide (renderGuide), a long
 *   document curated by an organization, they are real headings shifted one level down (# → h2, the
 *   page's h1 being the resource's title; ### and deeper → h4) with ids, and come back as a list
 *   for the page's contents;
 * - @mentions (app/lib/mentions.ts) become a styled <span class="mention">, never a link here: who
 *   may open whose profile depends on the viewer (see linkMentions).
 */

const LINK_REL = "nofollow ugc noopener noreferrer";
const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The URL, normalised, if it is absolute and http/https/mailto; otherwise null. */
export function safeUrl(href: string | null | undefined): string | null {
  if (!href) return null;
  // Browsers ignore ASCII control characters and whitespace inside schemes ("java\tscript:").
  const cleaned = href.trim();
  for (let i = 0; i < cleaned.length; i++) {
    const c = cleaned.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return null;
  }
  let url: URL;
  try {
    url = new URL(cleaned);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : null;
}

export interface GuideHeading {
  /** The heading's id, "section-…" (prefixed so it can never clash with the page's own ids). */
  id: string;
  /** Plain text, for the contents list (render it as text). */
  text: string;
  level: 2 | 3 | 4;
}

/** Set only while renderGuide parses (parsing is synchronous, so no other render sees it). */
let outline: { headings: GuideHeading[]; used: Set<string> } | null = null;

const HEADING_ID = /^section-[\p{L}\p{N}-]{1,80}$/u;

/** The only images a guide embeds: ones uploaded to the library (app/routes/library.images.$imageId.tsx). */
export const GUIDE_IMAGE_SRC = /^\/library\/images\/([A-Za-z0-9_-]{1,64})$/;
/** The Markdown image title that marks an image decorative (alt=""). */
export const DECORATIVE_TITLE = "decorative";

export interface GuideImageRef {
  /** The library_images id, or null for an image that is not a library upload (shown as a link, never embedded). */
  id: string | null;
  alt: string;
  decorative: boolean;
}

/** "Dosing & timing (2024)" → "section-dosing-timing-2024", unique within the guide. */
function headingId(text: string, used: Set<string>): string {
  const slug =
    text
      .normalize("NFKD")
      .replace(/\p{M}/gu, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60)
      .replace(/-+$/, "") || "part";
  let id = `section-${slug}`;
  for (let n = 2; used.has(id); n++) id = `section-${slug}-${n}`;
  used.add(id);
  return id;
}

const marked = new Marked({
  gfm: true,
  // People who find typing hard shouldn't need two spaces for a line break.
  breaks: true,
  async: false,
  extensions: [
    {
      name: "mention",
      level: "inline",
      // Only an "@" that starts a word: "mail@example.org" stays whole for GFM's e-mail autolink.
      start: (src: string) => {
        const m = /(?:^|[^\p{L}\p{N}\p{M}_.@'-])@/u.exec(src);
        return m ? m.index + m[0].length - 1 : undefined;
      },
      tokenizer(src: string, tokens: Tokens.Generic[]) {
        const before = tokens.at(-1)?.raw.at(-1) ?? "";
        const m = mentionAt(src.slice(0, 48), before);
        return m ? { type: "mention", raw: m.raw, name: m.name } : undefined;
      },
      renderer: (token: Tokens.Generic) => `<span class="mention">@${escapeHtml(String(token.name))}</span>`,
    },
  ],
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      const text = escapeHtml(token.text);
      return "block" in token && token.block ? `<p>${text.trim().replace(/\n/g, "<br>")}</p>\n` : text;
    },
    heading({ tokens, depth }: Tokens.Heading) {
      const inner = this.parser.parseInline(tokens);
      if (!outline) return `<p><strong>${inner}</strong></p>\n`;
      const level = Math.min(depth + 1, 4) as GuideHeading["level"];
      const text = this.parser.parseInline(tokens, this.parser.textRenderer).replace(/\s+/g, " ").trim();
      const id = headingId(text, outline.used);
      outline.headings.push({ id, text, level });
      return `<h${level} id="${id}">${inner}</h${level}>\n`;
    },
    link({ href, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      return url ? `<a href="${escapeHtml(url)}" rel="${LINK_REL}">${inner}</a>` : inner;
    },
    image({ href, text, title }: Tokens.Image) {
      if (outline && GUIDE_IMAGE_SRC.test(href)) {
        const alt = title === DECORATIVE_TITLE ? "" : text.replace(/\s+/g, " ").trim();
        return `<img src="${escapeHtml(href)}" alt="${escapeHtml(alt)}" loading="lazy">`;
      }
      const url = safeUrl(href);
      const label = escapeHtml(text || "image");
      return url ? `<a href="${escapeHtml(url)}" rel="${LINK_REL}">${label} (image link)</a>` : label;
    },
  },
});

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "em", "del", "s", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr", "table", "thead", "tbody", "tr", "th", "td", "h2", "h3", "h4", "span", "img"],
  allowedClasses: { span: ["mention"] },
  allowedAttributes: { a: ["href", "rel"], ol: ["start"], th: ["align"], td: ["align"], h2: ["id"], h3: ["id"], h4: ["id"], img: ["src", "alt", "loading"] },
  // An <img> survives only with a library image's address (the renderer makes no other; this is the backstop).
  exclusiveFilter: (frame) => frame.tag === "img" && !GUIDE_IMAGE_SRC.test(frame.attribs.src ?? ""),
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
    img: (tagName, attribs) => ({ tagName, attribs: { src: attribs.src ?? "", alt: attribs.alt ?? "", loading: "lazy" } }),
    // Only the ids renderGuide made (raw HTML never gets here as tags, but the allow-list stays strict).
    ...Object.fromEntries(
      ["h2", "h3", "h4"].map((tag) => [tag, (tagName: string, attribs: sanitizeHtml.Attributes) => ({ tagName, attribs: attribs.id && HEADING_ID.test(attribs.id) ? { id: attribs.id } : {} })]),
    ),
  },
};

/** Renders without the cache. */
function render(source: string): string {
  const html = marked.parse(source, { async: false }) as string;
  return sanitizeHtml(html, sanitizeOptions).trim();
}

/**
 * A small LRU of rendered bodies keyed by their source: a thread page renders the same posts again
 * and again, and rendering + sanitizing is most of its cost. Bounded by total characters.
 */
const CACHE_MAX_CHARS = 8_000_000;
const cache = new Map<string, { value: unknown; size: number }>();
let cachedChars = 0;

function cached<T>(key: string, compute: () => T, chars: (value: T) => number): T {
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit.value as T;
  }
  const value = compute();
  const size = key.length + chars(value);
  if (size < CACHE_MAX_CHARS / 100) {
    cache.set(key, { value, size });
    cachedChars += size;
    for (const [k, v] of cache) {
      if (cachedChars <= CACHE_MAX_CHARS) break;
      cache.delete(k);
      cachedChars -= v.size;
    }
  }
  return value;
}

/** Posts, descriptions, summaries: headings become bold paragraphs. */
export function renderMarkdown(source: string): string {
  return cached(`p:${source}`, () => render(source), (html) => html.length);
}

/** A guide: real headings (h2–h4) with ids, and the list of them for the page's contents. */
export function renderGuide(source: string): { html: string; headings: GuideHeading[] } {
  return cached(
    `g:${source}`,
    () => {
      outline = { headings: [], used: new Set() };
      try {
        const html = render(source);
        return { html, headings: outline.headings };
      } finally {
        outline = null;
      }
    },
    (r) => r.html.length + r.headings.reduce((n, h) => n + h.text.length + h.id.length, 0),
  );
}

/**
 * The images a guide's Markdown contains (as the renderer sees them: not inside code), for the
 * save's checks: each library image needs alt text or the explicit "decorative" title.
 */
export function guideImageRefs(source: string): GuideImageRef[] {
  const refs: GuideImageRef[] = [];
  marked.walkTokens(marked.lexer(source), (token) => {
    if (token.type !== "image") return;
    const image = token as Tokens.Image;
    refs.push({
      id: GUIDE_IMAGE_SRC.exec(image.href)?.[1] ?? null,
      alt: image.text.replace(/\s+/g, " ").trim(),
      decorative: image.title === DECORATIVE_TITLE,
    });
  });
  return refs;
}
