import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { HomePage } from "#app/components/home/home-page";
import { ButtonLink } from "#app/components/ui/button";
import { loaderWork } from "#app/lib/http.server";
import { eventTimes } from "#app/lib/time";
import { getHome } from "#app/modules/home/home.server";

/** Visitors get the welcome page; signed-in members their home (app/modules/home). */
export async function loader({ context }: LoaderFunctionArgs) {
  const viewer = context.viewer;
  if (!viewer) return { signedIn: false as const, home: null };
  return loaderWork(async () => {
    const h = await getHome(context.app, viewer);
    return {
      signedIn: true as const,
      home: {
        displayName: viewer.displayName,
        groups: h.groups,
        follows: h.follows,
        mentions: { ...h.mentions, mentions: h.mentions.mentions.map((m) => ({ ...m, createdAt: m.createdAt.toISOString() })) },
        events: {
          more: h.events.more,
          events: h.events.events.map((e) => ({
            id: e.id,
            title: e.title,
            ...eventTimes(e),
            myRsvp: e.myRsvp,
            waitlistPosition: e.waitlistPosition,
            group: e.group ? { slug: e.group.slug, name: e.group.name } : null,
          })),
        },
        resources: {
          more: h.resources.more,
          resources: h.resources.resources.map((r) => ({ id: r.id, title: r.title, organization: { name: r.organization.name }, group: r.group ? { slug: r.group.slug, name: r.group.name } : null })),
        },
        drafts: h.drafts,
        suggestions: h.suggestions.map(({ target: _target, id: _id, ...g }) => g),
      },
    };
  });
}

export default function Home() {
  const { signedIn, home } = useLoaderData<typeof loader>();
  if (home) return <HomePage home={home} />;
  return (
    <div className="space-y-8">
      <section aria-labelledby="welcome" className="space-y-4">
        <h1 id="welcome" className="text-4xl">
          A warm place for people living with dystonia
        </h1>
        <p className="max-w-3xl text-lg">
          Dystonia makes muscles contract on their own: the neck turns, the eyelids close, the hand cramps over a pen. It is
          often slow to be diagnosed and hard to explain to others. Here you can talk with people who understand, under a
          name of your choosing, in groups run by patient organizations.
        </p>
        <div className="flex flex-wrap gap-3">
          <ButtonLink to="/groups">Browse the groups</ButtonLink>
          {signedIn ? null : (
            <ButtonLink to="/signup" variant="secondary">
              Create an account
            </ButtonLink>
          )}
        </div>
      </section>
      <section aria-labelledby="safe" className="space-y-2">
        <h2 id="safe" className="text-2xl">
          Your privacy comes first
        </h2>
        <ul className="list-disc space-y-1 pl-6">
          <li>Others see only the display name you pick, never your email.</li>
          <li>Private groups are invisible to anyone who isn't a member.</li>
          <li>Trained moderators from patient organizations look after every group.</li>
        </ul>
      </section>
    </div>
  );
}
