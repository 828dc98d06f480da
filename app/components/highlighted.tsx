import type { SnippetPart } from "#app/lib/search-snippets";

/** Highlighted search text: the server sends plain parts and a flag; React escapes the text. */
export function Highlighted({ parts }: { parts: SnippetPart[] }) {
  return (
    <>
      {parts.map((p, i) =>
        p.hit ? (
          <mark key={i} className="rounded bg-amber-200 px-0.5 text-stone-950">
            {p.text}
          </mark>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
