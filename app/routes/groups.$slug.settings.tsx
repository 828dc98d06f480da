import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { MARKDOWN_HINT } from "#app/components/ui/markdown-content";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, fieldErrorsOf, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { GroupSlugSchema } from "#app/modules/groups/groups.schema";
import { GROUP_RULES_MAX, GroupSettingsSchema, ModeratorActionSchema } from "#app/modules/organizations/organizations.schema";
import { editGroup, getGroupSettings, setGroupModerator } from "#app/modules/organizations/organizations.server";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Settings — ${data?.group.name ?? "Group"} — Hearth` }];

const GroupParams = z.object({ slug: GroupSlugSchema });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, GroupParams);
  return loaderWork(async () => {
    const { group, members, canAppoint, rules } = await getGroupSettings(context.app, viewer, slug);
    return {
      group: { slug: group.slug, name: group.name, description: group.description, rules, visibility: group.visibility, joinPolicy: group.joinPolicy, forumPublic: group.target.forumPublic, organization: group.organization },
      members,
      canAppoint,
    };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, GroupParams);
  const data = Object.fromEntries(await readForm(request));
  try {
    if (data.intent === "appoint" || data.intent === "standDown") {
      const parsed = ModeratorActionSchema.safeParse(data);
      if (!parsed.success) return actionFailure(Invalid("Please choose a member."));
      await setGroupModerator(context.app, viewer, slug, parsed.data);
      return actionSuccess(parsed.data.intent === "appoint" ? "Moderator appointed." : "Moderator stood down.");
    }
    const parsed = GroupSettingsSchema.safeParse(data);
    if (!parsed.success) return actionFailure(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
    await editGroup(context.app, viewer, slug, parsed.data);
    return actionSuccess("Group saved.");
  } catch (e) {
    return actionFailure(e);
  }
}

const input = "min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

export default function GroupSettings() {
  const { group, members, canAppoint } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const nameErrors = result?.fieldErrors?.name;
  const rulesErrors = result?.fieldErrors?.rules;
  return (
    <section aria-labelledby="settings-title" className="max-w-3xl space-y-6">
      <p>
        <Link to={`/groups/${group.slug}`} className="inline-flex min-h-11 items-center">← {group.name}</Link>
      </p>
      <h1 id="settings-title" className="text-3xl">Settings: {group.name}</h1>
      {result ? <p role={result.ok ? "status" : "alert"}>{result.message}</p> : null}
      <Form method="post" className="space-y-3">
        <div className="flex flex-col gap-1">
          <label htmlFor="name" className="font-semibold">Name</label>
          <input id="name" name="name" defaultValue={group.name} className={input} aria-invalid={nameErrors ? true : undefined} aria-describedby="name-error" />
          <p id="name-error" className="font-medium text-red-800 dark:text-red-300">{nameErrors?.join(" ")}</p>
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="description" className="font-semibold">Description</label>
          <textarea id="description" name="description" rows={3} maxLength={2000} defaultValue={group.description} className={input} />
        </div>
        <div className="flex flex-col gap-1">
          <label htmlFor="rules" className="font-semibold">Group rules</label>
          <p id="rules-hint">Shown on the group page beside the site guidelines. {MARKDOWN_HINT}</p>
          <textarea id="rules" name="rules" rows={8} maxLength={GROUP_RULES_MAX} defaultValue={group.rules} className={input} aria-invalid={rulesErrors ? true : undefined} aria-describedby="rules-hint rules-error" />
          <p id="rules-error" className="font-medium text-red-800 dark:text-red-300">{rulesErrors?.join(" ")}</p>
        </div>
        <fieldset>
          <legend className="font-semibold">Who can see it</legend>
          <label className="flex min-h-11 items-center gap-3"><input type="radio" name="visibility" value="public" defaultChecked={group.visibility === "public"} className="h-6 w-6" /> Public</label>
          <label className="flex min-h-11 items-center gap-3"><input type="radio" name="visibility" value="private" defaultChecked={group.visibility === "private"} className="h-6 w-6" /> Private</label>
        </fieldset>
        <div className="flex flex-col gap-1">
          <label className="flex min-h-11 items-center gap-3 font-semibold">
            <input type="checkbox" name="forumPublic" defaultChecked={group.forumPublic} aria-describedby="forum-public-hint" className="h-6 w-6" /> Visitors can read the forum
          </label>
          <p id="forum-public-hint">Only for public groups: when it is off, the forum is for members (the group page, rules and events stay visible). Search engines never index group pages.</p>
        </div>
        <fieldset>
          <legend className="font-semibold">How people join</legend>
          <label className="flex min-h-11 items-center gap-3"><input type="radio" name="joinPolicy" value="open" defaultChecked={group.joinPolicy === "open"} className="h-6 w-6" /> Open</label>
          <label className="flex min-h-11 items-center gap-3"><input type="radio" name="joinPolicy" value="approval" defaultChecked={group.joinPolicy === "approval"} className="h-6 w-6" /> A moderator approves</label>
        </fieldset>
        <Button type="submit" disabled={busy}>Save group</Button>
      </Form>
      {canAppoint ? (
        <section aria-labelledby="mods-title" className="space-y-3">
          <h2 id="mods-title" className="text-2xl">Moderators</h2>
          <p>Appoint moderators from the group's members.</p>
          <ul className="space-y-2">
            {members.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center gap-3">
                <strong>{m.displayName}</strong> <span>{m.role}</span>
                <Form method="post">
                  <input type="hidden" name="userId" value={m.userId} />
                  <Button type="submit" name="intent" value={m.role === "moderator" ? "standDown" : "appoint"} variant="secondary" disabled={busy}>
                    {m.role === "moderator" ? "Stand down" : "Appoint moderator"}
                    <span className="sr-only">: {m.displayName}</span>
                  </Button>
                </Form>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </section>
  );
}
