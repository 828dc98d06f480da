import { type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { loaderWork, requireParams } from "#app/lib/http.server";
import { MemberIdSchema } from "#app/modules/accounts/profile.schema";
import { getMemberProfile } from "#app/modules/accounts/profile.server";
import { mayMessage } from "#app/modules/chat/direct.server";
import { Button, ButtonLink } from "#app/components/ui/button";
import { blockHref } from "#app/lib/block-links";

/**
 * A member's profile: pseudonym, bio, groups in common, recent posts the viewer may read. 404 for
 * visitors, for a member who shows their profile to nobody, and for someone who shares no group
 * with them (the page never says which). No e-mail, ever.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.member.displayName} — Hearth` : "Not found — Hearth" }];

const MemberParams = z.object({ userId: MemberIdSchema });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { userId } = requireParams(params, MemberParams);
  return loaderWork(async () => {
    const profile = await getMemberProfile(context.app, context.viewer, userId);
    // Only when dm.start allows it (the member's own choice, no block either way).
    return { ...profile, canMessage: await mayMessage(context.app, context.viewer, userId) };
  });
}

const dateFormat = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

/** Block goes through the confirm page (it says what a block does); Unblock is one plain form. */
function BlockControl({ userId, displayName, blocked }: { userId: string; displayName: string; blocked: boolean }) {
  const here = `/members/${userId}`;
  return blocked ? (
    <Form method="post" action={blockHref(userId)} className="flex flex-wrap items-center gap-3">
      <span>You block {displayName}: their posts and messages show collapsed for you.</span>
      <input type="hidden" name="back" value={here} />
      <Button type="submit" name="intent" value="unblock" variant="secondary">
        Unblock {displayName}
      </Button>
    </Form>
  ) : (
    <p>
      <ButtonLink to={blockHref(userId, here)} variant="secondary">
        Block {displayName}
      </ButtonLink>
    </p>
  );
}

export default function MemberProfile() {
  const { member, self, blocked, profileVisibility, groupsInCommon, recentPosts, canMessage } = useLoaderData<typeof loader>();
  return (
    <article aria-labelledby="member-title" className="max-w-3xl space-y-6">
      <header className="space-y-2">
        <h1 id="member-title" className="text-3xl">
          {member.displayName}
        </h1>
        <p className="text-stone-700 dark:text-stone-300">Member since {dateFormat.format(new Date(member.memberSince))}</p>
        {self ? (
          <p className="rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600">
            This is your profile.{" "}
            {profileVisibility === "nobody" ? "Nobody else can see it." : "Members who share a group with you can see it."}{" "}
            <Link to="/settings/profile" className="inline-flex min-h-11 items-center">
              Edit your profile
            </Link>
          </p>
        ) : (
          <>
            {canMessage ? (
              <p>
                <ButtonLink to={`/messages/new?to=${encodeURIComponent(member.displayName)}`}>Send a message</ButtonLink>
              </p>
            ) : null}
            <BlockControl userId={member.id} displayName={member.displayName} blocked={blocked} />
          </>
        )}
      </header>
      <section aria-labelledby="bio-title" className="space-y-2">
        <h2 id="bio-title" className="text-2xl">
          About
        </h2>
        {/* Plain text: whitespace-pre-line keeps the member's line breaks, nothing is rendered as HTML. */}
        {member.bio ? <p className="whitespace-pre-line break-words">{member.bio}</p> : <p className="text-stone-700 dark:text-stone-300">No bio yet.</p>}
      </section>
      {!self ? (
        <section aria-labelledby="common-title" className="space-y-2">
          <h2 id="common-title" className="text-2xl">
            Groups you share
          </h2>
          {groupsInCommon.length ? (
            <ul className="flex flex-wrap gap-2">
              {groupsInCommon.map((g) => (
                <li key={g.slug}>
                  <Link to={`/groups/${g.slug}`} className="inline-flex min-h-11 items-center rounded-lg border-2 border-stone-300 px-3 dark:border-stone-600">
                    {g.name}
                  </Link>
                </li>
              ))}
            </ul>
          ) : (
            <p className="text-stone-700 dark:text-stone-300">None that can be shown.</p>
          )}
        </section>
      ) : null}
      <section aria-labelledby="posts-title" className="space-y-2">
        <h2 id="posts-title" className="text-2xl">
          Recent posts
        </h2>
        {recentPosts.length ? (
          <ul className="space-y-3">
            {recentPosts.map((p) => (
              <li key={p.id} className="space-y-1 rounded-xl border-2 border-stone-200 bg-white p-4 dark:border-stone-700 dark:bg-stone-950">
                <p>
                  <Link to={`/groups/${p.group.slug}/forum/${p.thread.id}${p.isOpening ? "" : `#post-${p.id}`}`} className="inline-flex min-h-11 items-center font-semibold">
                    {p.isOpening ? p.thread.title : `Re: ${p.thread.title}`}
                  </Link>
                </p>
                <p className="text-sm text-stone-700 dark:text-stone-300">
                  in {p.group.name} · {dateFormat.format(new Date(p.createdAt))}
                </p>
                <p className="break-words">{p.excerpt}</p>
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-stone-700 dark:text-stone-300">No posts you can see.</p>
        )}
      </section>
    </article>
  );
}
