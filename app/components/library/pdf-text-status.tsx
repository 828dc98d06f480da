/** The resources.text_status values (pdf-text.server.ts). */
type TextStatus = "pending" | "indexed" | "empty" | "failed";

/** For the organization's staff on a PDF's page: whether its text was read for search. */
export function PdfTextStatus({ status, pages }: { status: TextStatus; pages: number }) {
  const text =
    status === "indexed"
      ? `Text indexed: ${pages === 1 ? "1 page" : `${pages} pages`}. Searches find words inside this PDF.`
      : status === "pending"
        ? "This PDF's text is being read for search. Reload the page in a moment to see the result."
        : status === "empty"
          ? "This PDF has no text to search (it may be scanned pages). It is still downloadable."
          : "This PDF's text could not be read; it is still downloadable.";
  return <p className="text-base text-stone-700 dark:text-stone-300">{text}</p>;
}
