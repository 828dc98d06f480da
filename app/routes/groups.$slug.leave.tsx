import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { NotFound } from "#app/lib/errors";
import { loaderWork, pageActionFailure, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { findGroup, leaveGroup } from "#app/modules/groups/groups.server";
import { z } from "zod";

/**
 * "Leave group" asks first, on a page of its own: a plain form that works without JavaScript and
 * needs no dialog. A moderator is told that leaving ends their role; a private group's member that
 * its content goes away.
 */

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `Leave ${data.group.name}? — Hearth` : "Not found — Hearth" }];

const GroupParams = z.object({ slug: GroupSlugSchema });

export async function loader({ params, context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, GroupParams);
  return loaderWork(async () => {
    const group = await findGroup(context.app, viewer, slug);
    if (!group.permissions.view) throw NotFound("That group");
    // Only an active member has something to confirm; anyone else goes back to the group's page.
    if (!group.permissions.leave || group.membership?.status !== "active") throw redirect(`/groups/${group.slug}`);
    return {
      group: { slug: group.slug, name: group.name, private: group.visibility === "private", approval: group.joinPolicy === "approval" },
      moderator: group.membership.role === "moderator",
    };
  });
}

export async function action({ params, context, request }: ActionFunctionArgs) {
  await readForm(request);
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, GroupParams);
  try {
    const { group } = await leaveGroup(context.app, viewer, slug);
    // A private group's page is no longer the person's to see: back to the directory.
    return redirect(group.visibility === "private" ? "/groups" : `/groups/${group.slug}`);
  } catch (e) {
    return pageActionFailure(e);
  }
}

export default function LeaveGroup() {
  const { group, moderator } = useLoaderData<typeof loader>();
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="leave-title" className="max-w-2xl space-y-5">
      <h1 id="leave-title" className="break-words text-3xl">
        Leave {group.name}?
      </h1>
      <ul className="list-disc space-y-2 pl-6 text-lg">
        {moderator ? (
          <li className="font-semibold">
            You are a moderator of this group. If you leave, you stop being one: to moderate again, an organizer has to appoint you again.
          </li>
        ) : null}
        {group.private ? (
          <li>
            This is a private group: you will no longer see its forum, chat rooms or events.
            {group.approval ? " To come back, you would ask to join again and wait for a moderator." : null}
          </li>
        ) : (
          <li>You can still read the group&apos;s public forum, and join again at any time.</li>
        )}
        <li>What you have posted stays in the group.</li>
      </ul>
      {failed ? (
        <p role="alert" className="font-semibold text-red-800 dark:text-red-300">
          {failed.message}
        </p>
      ) : null}
      <div className="flex flex-wrap items-center gap-3">
        <Form method="post">
          <Button type="submit" variant="danger" disabled={busy}>
            {busy ? "Leaving…" : moderator ? "Leave and stop moderating" : "Yes, leave the group"}
          </Button>
        </Form>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center rounded-lg px-3 font-semibold">
          No, stay in {group.name}
        </Link>
      </div>
    </section>
  );
}
