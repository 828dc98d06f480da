import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { FollowLevelForm } from "#app/components/forum/follow-level";
import { ThreadList } from "#app/components/forum/thread-list";
import { Button, ButtonLink } from "#app/components/ui/button";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import type { ActionResult } from "#app/lib/action-result";
import { actionFailure, actionSuccess, invalidInput, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { FollowLevelSchema, followSaved, groupLevel, setGroupLevel } from "#app/modules/forums/follow.server";
import { getForum, listThreads } from "#app/modules/forums/threads.server";
import { HeldPending } from "#app/components/safety/held-pending";
import { HELD_WITHDRAWN, WithdrawHeldSchema } from "#app/modules/safety/held.schema";
import { ownPending } from "#app/modules/safety/held.server";
import { withdrawHeld } from "#app/modules/safety/publish-held.server";
import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";
import { CursorSchema, GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.group.name} forum — Hearth` : "Forum not found — Hearth" }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, z.object({ slug: GroupSlugSchema }));
  const after = CursorSchema.safeParse(new URL(request.url).searchParams.get("after") ?? undefined);
  return loaderWork(async () => {
    const page = await listThreads(context.app, context.viewer, slug, { after: after.success ? after.data : null });
    return {
      now: new Date().toISOString(),
      signedIn: context.viewer !== null,
      isMember: page.group.membership?.status === "active",
      group: { slug: page.group.slug, name: page.group.name },
      permissions: page.permissions,
      threads: page.threads.map((t) => ({
        id: t.id,
        title: t.title,
        authorName: t.authorName,
        authorHref: t.authorHref,
        authorStaff: t.authorStaff,
        replyCount: t.replyCount,
        pinned: t.pinned,
        locked: t.locked,
        membersOnly: t.membersOnly,
        removed: t.removed,
        hidden: t.hidden,
        lastActivityAt: t.lastActivityAt.toISOString(),
        newLabel: t.newLabel,
      })),
      groupLevel: context.viewer ? await groupLevel(context.app, context.viewer.id, page.group.id) : null,
      // The viewer's own threads waiting for a moderator (nobody else sees them), and the thanks after one.
      held: {
        thanks: new URL(request.url).searchParams.get("held") === "1",
        items: (await ownPending(context.app.db, context.viewer?.id, { groupId: page.group.id, kind: "thread" })).map((h) => ({ id: h.id, label: h.label })),
      },
      nextCursor: page.nextCursor,
      firstPage: !after.success || !after.data,
    };
  });
}

/** The group-wide notification level (watching: every new thread notifies). */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const { slug } = requireParams(params, z.object({ slug: GroupSlugSchema }));
  const viewer = requireViewer(context, request);
  const form = Object.fromEntries(await readForm(request));
  if (form.intent === "withdraw-held") return withdrawAction(context.app, viewer, slug, form);
  const parsed = FollowLevelSchema.safeParse(form);
  if (!parsed.success) return actionFailure(invalidInput(parsed.error, "Choose watching, normal or muted."));
  try {
    const { level } = await setGroupLevel(context.app, viewer, slug, parsed.data.level);
    return actionSuccess(followSaved[level]);
  } catch (e) {
    return actionFailure(e);
  }
}

/** The author withdraws a thread of theirs that waits for review (never published; 404 for anyone else's). */
async function withdrawAction(app: AppContext, viewer: Actor, slug: string, form: Record<string, unknown>) {
  const parsed = WithdrawHeldSchema.safeParse(form);
  if (!parsed.success) return actionFailure(invalidInput(parsed.error, "That request was not understood. Please reload the page and try again."));
  try {
    await getForum(app, viewer, slug);
    await withdrawHeld(app, viewer, parsed.data.heldId);
    return actionSuccess(HELD_WITHDRAWN);
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Forum() {
  const { group, threads, nextCursor, permissions, signedIn, now, firstPage, groupLevel, held } = useLoaderData<typeof loader>();
  const saved = useActionData<typeof action>() as ActionResult | undefined;
  const here = `/groups/${group.slug}/forum`;
  return (
    <div className="space-y-6">
      <p>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">
          ← {group.name}
        </Link>
      </p>
      <h1 className="text-3xl">{group.name} forum</h1>

      <div className="flex flex-wrap items-end justify-between gap-4">
        <Form method="get" action="/search" role="search" aria-label="Search this forum" className="flex flex-wrap items-end gap-2">
          <input type="hidden" name="group" value={group.slug} />
          <label className="flex flex-col gap-1">
            <span className="font-semibold">Search this forum</span>
            <input
              type="search"
              name="q"
              maxLength={200}
              className="min-h-11 w-72 max-w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
            />
          </label>
          <Button type="submit" variant="secondary">
            Search
          </Button>
        </Form>
        {permissions.createThread ? (
          <ButtonLink to={`${here}/new`}>Start a thread</ButtonLink>
        ) : signedIn ? (
          <p>
            <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">Join the group</Link> to start threads and reply.
          </p>
        ) : (
          <p>
            <a href={`/signin?redirectTo=${encodeURIComponent(here)}`} className="inline-flex min-h-11 items-center">Sign in</a> to start threads and reply.
          </p>
        )}
      </div>

      <HeldPending items={held.items} thanks={held.thanks} />

      <ThreadList slug={group.slug} threads={threads} now={now} />

      {/* Without JavaScript the form posts here and the page comes back with the result. */}
      {saved?.message ? saved.ok ? <StatusMessage message={saved.message} /> : <FormErrors errors={[saved.message]} /> : null}
      {groupLevel ? <FollowLevelForm scope="group" level={groupLevel} /> : null}

      <nav aria-label="More threads" className="flex gap-4">
        {!firstPage ? (
          <Link to={here} className="inline-flex min-h-11 items-center">
            Back to the newest threads
          </Link>
        ) : null}
        {nextCursor ? (
          <Link to={`${here}?after=${nextCursor}`} className="inline-flex min-h-11 items-center">
            Older threads →
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
