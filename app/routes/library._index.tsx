import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { ResourceCard } from "#app/components/library/resource-card";
import { Button, ButtonLink } from "#app/components/ui/button";
import { loaderWork } from "#app/lib/http.server";
import { categoryLabels, LibraryQuerySchema, resourceCategories } from "#app/modules/library/library.schema";
import { listCuratorChoices, listLibraryFilters, listLibraryOrganizations, listResources } from "#app/modules/library/library.server";
import { librarySummary } from "#app/modules/library/list-summary";
import { toCard } from "#app/modules/library/present.server";
import { inputClass } from "#app/components/ui/field";
import { FilterSelect } from "#app/components/ui/filter-select";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.q ? `Library search: ${data.q} — Hearth` : "Resource library — Hearth" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = LibraryQuerySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loaderWork(async () => {
    const [list, organizations, curators, facets] = await Promise.all([
      listResources(context.app, context.viewer, query),
      listLibraryOrganizations(context.app, context.viewer),
      listCuratorChoices(context.app, context.viewer),
      listLibraryFilters(context.app, context.viewer),
    ]);
    return {
      q: list.q,
      category: query.category ?? "",
      organization: query.organization ?? "",
      tag: query.tag ?? "",
      group: query.group ?? "",
      summary: librarySummary({
        total: list.total,
        q: list.q,
        tag: query.tag,
        category: query.category ? categoryLabels[query.category] : undefined,
        group: facets.groups.find((g) => g.slug === query.group)?.name ?? query.group,
        organization: organizations.find((o) => o.slug === query.organization)?.name ?? query.organization,
      }),
      groups: facets.groups,
      tags: facets.tags,
      resources: list.resources.map(toCard),
      nextCursor: list.nextCursor,
      organizations,
      canCreate: curators.length > 0,
      signedIn: context.viewer !== null,
    };
  });
}


export default function Library() {
  const { q, category, organization, tag, group, summary, groups, tags, resources, nextCursor, organizations, canCreate, signedIn } = useLoaderData<typeof loader>();
  // Every filter stays in the URL, so they combine, survive paging and can be shared.
  const kept = Object.fromEntries(Object.entries({ q, category, organization, tag, group }).filter(([, v]) => v));
  const nextLink = nextCursor ? `/library?${new URLSearchParams({ ...kept, after: nextCursor })}` : null;
  const filtered = Object.keys(kept).length > 0;
  const tagOptions = tag && !tags.includes(tag) ? [tag, ...tags] : tags;
  return (
    <section aria-labelledby="library-title" className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="library-title" className="text-3xl">
          Resource library
        </h1>
        <div className="flex flex-wrap gap-3">
          {signedIn ? (
            <ButtonLink to="/library/bookmarks" variant="secondary">
              My bookmarks
            </ButtonLink>
          ) : null}
          {canCreate ? <ButtonLink to="/library/new">Add a resource</ButtonLink> : null}
        </div>
      </div>
      <p className="max-w-3xl text-lg">
        Guides, links and documents chosen and reviewed by patient organizations. Nothing here replaces advice from your own care team.
      </p>
      <Form method="get" role="search" aria-label="Search and filter the library" className="grid gap-4 rounded-xl border-2 border-stone-300 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-stone-600">
        <div className="flex flex-col gap-1 sm:col-span-2">
          <label htmlFor="library-q" className="text-base font-semibold">
            Search the library
          </label>
          <input id="library-q" name="q" type="search" defaultValue={q} maxLength={200} className={inputClass()} />
        </div>
        <FilterSelect
          key={`category-${category}`}
          id="library-category"
          name="category"
          label="Category"
          value={category}
          allLabel="All categories"
          options={resourceCategories.map((c) => ({ value: c, label: categoryLabels[c] }))}
        />
        <FilterSelect
          key={`group-${group}`}
          id="library-group"
          name="group"
          label="Group"
          value={group}
          allLabel="All groups"
          options={groups.map((g) => ({ value: g.slug, label: g.name }))}
        />
        <FilterSelect
          key={`tag-${tag}`}
          id="library-tag"
          name="tag"
          label="Tag"
          value={tag}
          allLabel="All tags"
          options={tagOptions.map((t) => ({ value: t, label: t }))}
        />
        <FilterSelect
          key={`organization-${organization}`}
          id="library-organization"
          name="organization"
          label="Organization"
          value={organization}
          allLabel="All organizations"
          options={organizations.map((o) => ({ value: o.slug, label: o.name }))}
        />
        <div className="flex flex-wrap items-end gap-3 sm:col-span-2 lg:col-span-4">
          <Button type="submit">Search</Button>
          {filtered ? (
            <ButtonLink to="/library" variant="quiet">
              Clear search and filters
            </ButtonLink>
          ) : null}
        </div>
      </Form>
      <nav aria-label="Categories">
        <ul className="flex flex-wrap gap-2">
          {resourceCategories.map((c) => (
            <li key={c}>
              <Link
                to={`/library?category=${c}`}
                aria-current={category === c && !q ? "page" : undefined}
                className="inline-flex min-h-11 items-center rounded-full border-2 border-stone-400 px-4 font-semibold no-underline aria-[current=page]:border-brand-700 aria-[current=page]:bg-brand-50 dark:aria-[current=page]:bg-stone-700"
              >
                {categoryLabels[c]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {/* Announced when the filters change: the heading and "12 resources tagged botox". */}
      <div aria-live="polite" aria-atomic="true" className="space-y-1">
        <h2 className="text-2xl">
          {q ? `Results for “${q}”` : category ? categoryLabels[category as keyof typeof categoryLabels] : tag ? `Tagged ${tag}` : filtered ? "Filtered resources" : "All resources"}
        </h2>
        <p className="text-lg">{summary}.</p>
      </div>
      {resources.length === 0 ? (
        <p className="text-lg">{q ? "Nothing in the library matches that search. Try fewer or other words." : "No resources here yet."}</p>
      ) : (
        <ul className="space-y-4">
          {resources.map((r) => (
            <li key={r.id}>
              <ResourceCard r={r} headingLevel={3} />
            </li>
          ))}
        </ul>
      )}
      {nextLink ? (
        <p>
          <ButtonLink to={nextLink} variant="secondary">
            More resources
          </ButtonLink>
        </p>
      ) : null}
    </section>
  );
}
