import { MarkdownContent } from "#app/components/ui/markdown-content";

export interface LegalDocumentView {
  title: string;
  version: string;
  updated: string | null;
  html: string;
}

/** A legal page (privacy, terms, guidelines): title, which version it is, and the sanitized text. */
export function LegalDocumentPage({ doc }: { doc: LegalDocumentView }) {
  return (
    <article aria-labelledby="legal-title" className="max-w-3xl space-y-4">
      <h1 id="legal-title" className="text-3xl">
        {doc.title}
      </h1>
      <p className="text-base text-stone-700 dark:text-stone-300">
        {doc.updated ? <>Last updated: {doc.updated} · </> : null}Version <code>{doc.version}</code>
      </p>
      <MarkdownContent html={doc.html} />
    </article>
  );
}
