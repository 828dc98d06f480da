import { Link } from "@remix-run/react";

/** The library listing for one tag (other filters are chosen on the list itself). */
export function tagHref(tag: string): string {
  return `/library?${new URLSearchParams({ tag })}`;
}

/** A resource's tags as chips, each a link to the library filtered by it. */
export function TagChips({ tags, size = "base" }: { tags: string[]; size?: "sm" | "base" }) {
  if (!tags.length) return null;
  return (
    <ul aria-label="Tags" className={`flex flex-wrap gap-2 ${size === "sm" ? "text-sm" : "text-base"}`}>
      {tags.map((t) => (
        <li key={t}>
          <Link
            to={tagHref(t)}
            className="inline-flex min-h-11 min-w-11 items-center justify-center rounded-full border-2 border-stone-400 px-3 font-semibold no-underline hover:border-brand-700 dark:border-stone-500"
          >
            <span aria-hidden="true">#</span>
            {t}
          </Link>
        </li>
      ))}
    </ul>
  );
}
