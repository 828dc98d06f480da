import { createContext, useContext, useState } from "react";

/** The help text under every Markdown field (forum posts, event descriptions, guides). */
export const MARKDOWN_HINT =
  "You can use Markdown: **bold**, *italic*, lists starting with -, > for quotes, [a link](https://example.org). HTML and images are shown as text or links.";

/** The fragments a document request's loaders kept for the server render (app/lib/rendered-once.server.ts). */
export const ServerHtmlContext = createContext<ReadonlyMap<string, string>>(new Map());

/**
 * Server-rendered, sanitized Markdown (app/lib/markdown.server.ts). Only ever pass HTML that came
 * from `renderMarkdown`: it is the one place that makes user text safe to insert. Styled by the
 * `.markdown-body` class in tailwind.css: one short class per post keeps long threads light.
 *
 * `html` null (a document request's data, see htmlOnce): the server render takes the fragment kept
 * under `id`, and the browser keeps what that render put in the element, so the HTML is sent once.
 */
export function MarkdownContent({ html, id }: { html: string | null; id?: string }) {
  const kept = useContext(ServerHtmlContext);
  // Read once, when the element mounts or hydrates: later data (navigation, revalidation) carries `html`.
  const [fallback] = useState(() => (html !== null || !id ? "" : (kept.get(id) ?? (typeof document === "undefined" ? "" : (document.getElementById(id)?.innerHTML ?? "")))));
  return (
    <div
      id={id}
      className="markdown-body"
      dangerouslySetInnerHTML={{ __html: html ?? fallback }}
    />
  );
}
