/** The help text under every Markdown field (forum posts, event descriptions, guides). */
export const MARKDOWN_HINT =
  "You can use Markdown: **bold**, *italic*, lists starting with -, > for quotes, [a link](https://example.org). HTML and images are shown as text or links.";

/**
 * Server-rendered, sanitized Markdown (app/lib/markdown.server.ts). Only ever pass HTML that came
 * from `renderMarkdown`: it is the one place that makes user text safe to insert. Styled by the
 * `.markdown-body` class in tailwind.css: one short class per post keeps long threads light.
 */
export function MarkdownContent({ html, id }: { html: string; id?: string }) {
  return (
    <div
      id={id}
      className="markdown-body"
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
