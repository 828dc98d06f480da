import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "#app/components/forum/relative-time";
import { StaffBadge } from "#app/components/ui/staff-badge";
import { Highlighted } from "#app/components/highlighted";
import { Button } from "#app/components/ui/button";
import { loaderWork } from "#app/lib/http.server";
import { SEARCH_MAX_PAGES, SearchQuerySchema } from "#app/modules/forums/forums.schema";
import { searchForums } from "#app/modules/forums/search.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `Search: ${data.q} — Hearth` : "Search the forums — Hearth" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const parsed = SearchQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const input = parsed.success ? parsed.data : { q: "", page: 1, group: undefined };
  return loaderWork(async () => {
    const res = await searchForums(context.app, context.viewer, input);
    return {
      now: new Date().toISOString(),
      q: res.q,
      error: parsed.success ? null : "Use at most 200 characters.",
      group: res.group ? { slug: res.group.slug, name: res.group.name } : null,
      page: res.page,
      hasMore: res.hasMore && res.page < SEARCH_MAX_PAGES,
      results: res.results.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    };
  });
}

export default function Search() {
  const { q, group, results, page, hasMore, now, error } = useLoaderData<typeof loader>();
  const pageLink = (n: number) => `/search?${new URLSearchParams({ q, ...(group ? { group: group.slug } : {}), page: String(n) })}`;
  return (
    <div className="space-y-6">
      <h1 className="text-3xl">{group ? `Search the ${group.name} forum` : "Search the forums"}</h1>
      <Form method="get" role="search" aria-label="Forums" className="flex flex-wrap items-end gap-2">
        {group ? <input type="hidden" name="group" value={group.slug} /> : null}
        <label className="flex w-full min-w-0 flex-col gap-1 sm:w-auto">
          <span className="font-semibold">Search for</span>
          <input
            type="search"
            name="q"
            defaultValue={q}
            maxLength={200}
            aria-describedby="search-hint"
            className="min-h-11 w-full rounded-lg sm:w-96 border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
          />
        </label>
        <Button type="submit">Search</Button>
        <p id="search-hint" className="w-full text-sm text-stone-700 dark:text-stone-300">
          Searches thread titles and posts you can see. Use "quotes" for a phrase and a minus sign to leave a word out.
        </p>
      </Form>
      {error ? <p className="font-semibold text-red-800 dark:text-red-300">{error}</p> : null}
      {group ? (
        <p>
          Searching {group.name} only. <Link to={`/search?${new URLSearchParams({ q })}`} className="inline-flex min-h-11 items-center">Search every forum</Link> ·{" "}
          <Link to={`/groups/${group.slug}/forum`} className="inline-flex min-h-11 items-center">
            Back to the {group.name} forum
          </Link>
        </p>
      ) : null}

      {q ? (
        <section aria-labelledby="results-heading" className="space-y-4">
          <h2 id="results-heading" className="text-2xl" aria-live="polite">
            {results.length === 0 ? `No results for “${q}”` : `Results for “${q}”${page > 1 ? `, page ${page}` : ""}`}
          </h2>
          {results.length > 0 ? (
            <ol className="space-y-4">
              {results.map((r) => (
                <li key={r.postId} className="space-y-1 rounded-xl border-2 border-stone-200 bg-white p-4 dark:border-stone-700 dark:bg-stone-950">
                  <h3 className="text-xl">
                    <Link to={`/groups/${r.group.slug}/forum/${r.threadId}${r.isOpening ? "" : `?from=latest#post-${r.postId}`}`} className="inline-flex min-h-11 items-center">
                      <span>
                        <Highlighted parts={r.title} />
                      </span>
                    </Link>
                  </h3>
                  <p className="text-base">
                    {r.isOpening ? "Thread" : "Reply"} by <strong>{r.authorName}</strong> <StaffBadge role={r.authorStaff} /> in {r.group.name} ·{" "}
                    <RelativeTime iso={r.createdAt} now={now} />
                  </p>
                  <p>
                    <Highlighted parts={r.snippet} />
                  </p>
                </li>
              ))}
            </ol>
          ) : null}
          <nav aria-label="More results" className="flex gap-4">
            {page > 1 ? (
              <Link to={pageLink(page - 1)} className="inline-flex min-h-11 items-center">
                ← Previous results
              </Link>
            ) : null}
            {hasMore ? (
              <Link to={pageLink(page + 1)} className="inline-flex min-h-11 items-center">
                More results →
              </Link>
            ) : null}
          </nav>
        </section>
      ) : null}
    </div>
  );
}
