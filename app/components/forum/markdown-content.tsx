/**
 * Server-rendered, sanitized Markdown (app/lib/markdown.server.ts). Only ever pass HTML that came
 * from `renderMarkdown`: it is the one place that makes user text safe to insert.
 */
export function MarkdownContent({ html, id }: { html: string; id?: string }) {
  return (
    <div
      id={id}
      className={
        "max-w-none space-y-3 break-words text-lg " +
        "[&_ul]:list-disc [&_ul]:pl-7 [&_ol]:list-decimal [&_ol]:pl-7 [&_li]:my-1 " +
        "[&_blockquote]:border-l-4 [&_blockquote]:border-stone-400 [&_blockquote]:pl-4 [&_blockquote]:italic " +
        "[&_pre]:overflow-x-auto [&_pre]:rounded-lg [&_pre]:bg-stone-100 [&_pre]:p-3 dark:[&_pre]:bg-stone-800 " +
        "[&_code]:font-mono [&_code]:text-base [&_table]:border-collapse [&_td]:border [&_td]:p-2 [&_th]:border [&_th]:p-2"
      }
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
