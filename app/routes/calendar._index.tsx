import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { groupFeedList } from "#app/modules/events/group-feed.server";
import { createFeedToken, findFeedToken, resetFeedToken } from "#app/modules/events/feeds.server";
import { Invalid } from "#app/lib/errors";

export const meta: MetaFunction = () => [{ title: "Calendar feeds — Hearth" }];

/** Reads only (no loader changes state): the personal address exists once its owner asked for it. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const origin = new URL(request.url).origin;
  return loaderWork(async () => {
    const token = await findFeedToken(context.app, viewer);
    return {
      personal: token ? `${origin}/calendar/${token}/events.ics` : null,
      // A private group's feed goes through the personal token (calendar apps send no cookies).
      groups: await groupFeedList(context.app, viewer, origin, token),
    };
  });
}

const CalendarIntentSchema = z.object({ intent: z.enum(["create", "reset"]) });

export async function action({ request, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const parsed = CalendarIntentSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return actionFailure(Invalid("Unknown request."));
  if (parsed.data.intent === "create") {
    await createFeedToken(context.app, viewer);
    return actionSuccess("Done: your calendar address is below. Add it to your calendar app.");
  }
  await resetFeedToken(context.app, viewer);
  return actionSuccess("Done: you have a new feed address. The old one no longer works.");
}

export default function CalendarFeeds() {
  const { personal, groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section aria-labelledby="calendar-title" className="max-w-3xl space-y-6">
      <p>
        <Link to="/events" className="inline-flex min-h-11 items-center">
          ← All events
        </Link>
      </p>
      <h1 id="calendar-title" className="text-3xl">
        Calendar feeds
      </h1>
      <p>Subscribe in your calendar app (“add calendar from URL”) and events appear there by themselves.</p>
      <section aria-labelledby="personal-title" className="space-y-3">
        <h2 id="personal-title" className="text-2xl">
          Your events
        </h2>
        <p>The events you are going to or waiting for. This address is secret: it works without signing in, so only share it with your own calendar.</p>
        {personal ? (
          <>
            <label htmlFor="personal-feed" className="block font-semibold">
              Your personal feed address
            </label>
            <input id="personal-feed" readOnly value={personal} className="min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-base text-stone-900 dark:bg-stone-800 dark:text-stone-50" />
          </>
        ) : null}
        <StatusMessage message={result?.message} />
        <Form method="post">
          <input type="hidden" name="intent" value={personal ? "reset" : "create"} />
          <Button type="submit" variant={personal ? "secondary" : "primary"} disabled={busy}>
            {personal ? "Make a new address (the old one stops working)" : "Create my calendar address"}
          </Button>
        </Form>
      </section>
      <section aria-labelledby="group-feeds-title" className="space-y-3">
        <h2 id="group-feeds-title" className="text-2xl">
          Group feeds
        </h2>
        <p>Every event of one group. These never include online links. A private group’s address contains your secret token and works only while you are a member.</p>
        <ul className="space-y-2">
          {groups.map((g) => (
            <li key={g.slug}>
              {g.url ? (
                <a href={g.url} className="inline-flex min-h-11 items-center">
                  {g.name} events (.ics){g.private ? " — private, yours only" : ""}
                </a>
              ) : (
                <span className="inline-flex min-h-11 items-center">{g.name} (private): create your calendar address above first.</span>
              )}
            </li>
          ))}
        </ul>
      </section>
    </section>
  );
}
