import { Marked, type Tokens } from "marked";
import sanitizeHtml from "sanitize-html";

/**
 * The one Markdown renderer (forum posts now; events and the library later). Markdown is rendered
 * on the server by marked and the result is passed through sanitize-html with a strict allow-list,
 * so what reaches the browser is inert whatever was typed:
 * - raw HTML in the source is shown as text, never rendered;
 * - links keep only http, https and mailto URLs and always get rel="nofollow ugc noopener noreferrer";
 * - images are never embedded: they become a link to the image (or just their text);
 * - headings become bold paragraphs, so a post can't break the page's heading outline.
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

const marked = new Marked({
  gfm: true,
  // People who find typing hard shouldn't need two spaces for a line break.
  breaks: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      const text = escapeHtml(token.text);
      return "block" in token && token.block ? `<p>${text.trim().replace(/\n/g, "<br>")}</p>\n` : text;
    },
    heading({ tokens }: Tokens.Heading) {
      return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>\n`;
    },
    link({ href, tokens }: Tokens.Link) {
      const inner = this.parser.parseInline(tokens);
      const url = safeUrl(href);
      return url ? `<a href="${escapeHtml(url)}" rel="${LINK_REL}">${inner}</a>` : inner;
    },
    image({ href, text }: Tokens.Image) {
      const url = safeUrl(href);
      const label = escapeHtml(text || "image");
      return url ? `<a href="${escapeHtml(url)}" rel="${LINK_REL}">${label} (image link)</a>` : label;
    },
  },
});

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: ["p", "br", "strong", "em", "del", "s", "ul", "ol", "li", "blockquote", "code", "pre", "a", "hr", "table", "thead", "tbody", "tr", "th", "td"],
  allowedAttributes: { a: ["href", "rel"], ol: ["start"], th: ["align"], td: ["align"] },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: {},
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  disallowedTagsMode: "discard",
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: LINK_REL } }),
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
const cache = new Map<string, string>();
let cachedChars = 0;

export function renderMarkdown(source: string): string {
  const hit = cache.get(source);
  if (hit !== undefined) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const html = render(source);
  const size = source.length + html.length;
  if (size < CACHE_MAX_CHARS / 100) {
    cache.set(source, html);
    cachedChars += size;
    for (const [k, v] of cache) {
      if (cachedChars <= CACHE_MAX_CHARS) break;
      cache.delete(k);
      cachedChars -= k.length + v.length;
    }
  }
  return html;
}
