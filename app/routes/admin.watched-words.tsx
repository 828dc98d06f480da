import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { WatchedWordsPage } from "#app/components/safety/watched-words-page";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { watchedPageAction } from "#app/modules/safety/watched-form.server";
import { listWatchedWords } from "#app/modules/safety/watched.server";

export const meta: MetaFunction = () => [{ title: "Site-wide watched words — Hearth" }];

/** The site-wide watched words, applied in every organization and to display names: site admins (404 for others). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const { words } = await listWatchedWords(context.app, viewer, { site: true });
    return { words: words.map((w) => ({ id: w.id, pattern: w.pattern, action: w.action })) };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  return watchedPageAction(context.app, viewer, { site: true }, request);
}

export default function SiteWatchedWords() {
  const { words } = useLoaderData<typeof loader>();
  return (
    <WatchedWordsPage
      title="Site-wide watched words"
      intro={<p>These apply in every organization's groups, events and resources, and to members' display names (which only this list checks).</p>}
      words={words}
      csvHref="/admin/watched-words.csv"
      back={
        <Link to="/admin" className="inline-flex min-h-11 items-center">
          ← Administration
        </Link>
      }
    />
  );
}
