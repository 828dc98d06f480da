import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { GroupCard } from "#app/components/group-card";
import { ButtonLink } from "#app/components/ui/button";
import { loaderWork, requireViewer } from "#app/lib/http.server";
import { listGroups } from "#app/modules/groups/groups.server";

export const meta: MetaFunction = () => [{ title: "Welcome to Hearth" }];

/** Where a new member lands after confirming their address (verify-email): what Hearth is for, and the groups. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const { groups, nextCursor } = await listGroups(context.app, viewer);
    return {
      displayName: viewer.displayName,
      emailVerified: viewer.emailVerified,
      moreGroups: nextCursor !== null,
      groups: groups.map(({ target: _target, id: _id, ...g }) => g),
    };
  });
}

export default function Welcome() {
  const { displayName, emailVerified, groups, moreGroups } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-8">
      <section aria-labelledby="welcome-title" className="max-w-3xl space-y-4">
        <h1 id="welcome-title" className="text-4xl">
          Welcome to Hearth, {displayName}
        </h1>
        <p className="text-lg">
          Hearth is a place for peer support among people living with dystonia and those close to them: cervical dystonia, blepharospasm,
          writer's cramp and more. Nobody here needs to explain why the neck turns or the eyelids close.
        </p>
        {emailVerified ? null : (
          <p role="note" className="rounded-lg border-2 border-amber-600 bg-amber-50 p-4 text-stone-900 dark:bg-stone-800 dark:text-stone-50">
            You can read and join groups now. Posting, replying, chat and signing up for events wait until you confirm your e-mail address:
            open the link we sent you.
          </p>
        )}
      </section>
      <section aria-labelledby="welcome-how" className="max-w-3xl space-y-2">
        <h2 id="welcome-how" className="text-2xl">
          How it works
        </h2>
        <ul className="list-disc space-y-1 pl-6">
          <li>Others see only the name you picked, never your e-mail: a pseudonym is welcome.</li>
          <li>Groups are run by patient organizations and looked after by trained moderators; private groups are invisible to outsiders.</li>
          <li>Talk in each group's forum and chat rooms, share what helps and what doesn't.</li>
          <li>Meet at events, online or in person, and find reviewed guides in the resource library.</li>
        </ul>
        <p>
          <Link to="/guidelines" className="inline-flex min-h-11 items-center">
            Read the community guidelines
          </Link>
        </p>
      </section>
      <section aria-labelledby="welcome-groups" className="space-y-4">
        <h2 id="welcome-groups" className="text-2xl">
          Find your group
        </h2>
        <p className="max-w-3xl">Join one or more groups to start. You can leave a group at any time.</p>
        <ul className="grid gap-5" aria-label="Groups to join">
          {groups.map((g) => (
            <li key={g.slug}>
              <GroupCard group={g} signedIn headingLevel={3} returnTo="/welcome" />
            </li>
          ))}
        </ul>
        {moreGroups ? (
          <p>
            <Link to="/groups" className="inline-flex min-h-11 items-center">
              More groups
            </Link>
          </p>
        ) : null}
        <ButtonLink to="/">Go to my home page</ButtonLink>
      </section>
    </div>
  );
}
