import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { WatchedWordsPage } from "#app/components/safety/watched-words-page";
import { loaderWork, requireParams, requireViewer } from "#app/lib/http.server";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { watchedPageAction } from "#app/modules/safety/watched-form.server";
import { listWatchedWords } from "#app/modules/safety/watched.server";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Watched words — ${data?.owner.name ?? "Organization"} — Hearth` }];

const Params = z.object({ slug: OrganizationSlugSchema });

/** An organization's watched words: owners and admins (404 for anyone outside the organization). */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, Params);
  return loaderWork(async () => {
    const { owner, words } = await listWatchedWords(context.app, viewer, { organizationSlug: slug });
    return { owner, words: words.map((w) => ({ id: w.id, pattern: w.pattern, action: w.action })) };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, Params);
  return watchedPageAction(context.app, viewer, { organizationSlug: slug }, request);
}

export default function OrganizationWatchedWords() {
  const { owner, words } = useLoaderData<typeof loader>();
  return (
    <WatchedWordsPage
      title={`Watched words: ${owner.name}`}
      intro={
        <p>
          These apply to everything written in {owner.name}'s groups (threads, replies, chat), its events and resources. The site-wide list applies too; where a word
          is on both, the stronger action wins.
        </p>
      }
      words={words}
      csvHref={`/organizations/${owner.slug}/watched-words.csv`}
      back={
        <Link to={`/organizations/${owner.slug}`} className="inline-flex min-h-11 items-center">
          ← {owner.name}
        </Link>
      }
    />
  );
}
