import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ResourceCard } from "#app/components/library/resource-card";
import { ButtonLink } from "#app/components/ui/button";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { listBookmarks } from "#app/modules/library/library.server";
import { toCard } from "#app/modules/library/present.server";

export const meta: MetaFunction = () => [{ title: "My bookmarks — Library — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const after = new URL(request.url).searchParams.get("after");
  return loaderWork(async () => {
    const list = await listBookmarks(context.app, viewer, after);
    return { resources: list.resources.map(toCard), nextCursor: list.nextCursor };
  });
}

export default function Bookmarks() {
  const { resources, nextCursor } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="bookmarks-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/library" className="inline-flex min-h-11 items-center">
          ← The library
        </Link>
      </p>
      <h1 id="bookmarks-title" className="text-3xl">
        My bookmarks
      </h1>
      {resources.length === 0 ? (
        <p className="text-lg">
          Nothing bookmarked yet. Use the “Bookmark” button on any resource to keep it here. Only you can see your bookmarks.
        </p>
      ) : (
        <ul className="space-y-4">
          {resources.map((r) => (
            <li key={r.id}>
              <ResourceCard r={r} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <p>
          <ButtonLink to={`/library/bookmarks?after=${encodeURIComponent(nextCursor)}`} variant="secondary">
            More bookmarks
          </ButtonLink>
        </p>
      ) : null}
    </section>
  );
}
