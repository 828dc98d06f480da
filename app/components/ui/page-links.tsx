import { Link } from "@remix-run/react";

/** Previous / Next links of a keyset-paged list, in a labelled nav; nothing when there is one page. */
export function PageLinks({ label, previous, next, previousText = "← Previous page", nextText = "Next page →" }: { label: string; previous: string | null; next: string | null; previousText?: string; nextText?: string }) {
  if (!previous && !next) return null;
  return (
    <nav aria-label={label} className="flex flex-wrap gap-4">
      {previous ? (
        <Link to={previous} className="inline-flex min-h-11 min-w-11 items-center">
          {previousText}
        </Link>
      ) : null}
      {next ? (
        <Link to={next} className="inline-flex min-h-11 min-w-11 items-center">
          {nextText}
        </Link>
      ) : null}
    </nav>
  );
}
