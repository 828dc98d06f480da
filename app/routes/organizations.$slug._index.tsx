import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { VerifiedBadge } from "#app/components/ui/badge";
import { Button } from "#app/components/ui/button";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, fieldErrorsOf, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { GroupFormSchema, HelplinesSchema, OrganizationSlugSchema, TeamActionSchema } from "#app/modules/organizations/organizations.schema";
import { createOrganizationGroup, getOrganizationPage, manageTeam, setHelplines } from "#app/modules/organizations/organizations.server";
import { z } from "zod";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.organization.name ?? "Organization"} — Hearth` }];

const OrganizationParams = z.object({ slug: OrganizationSlugSchema });

export async function loader({ params, context }: LoaderFunctionArgs) {
  const { slug } = requireParams(params, OrganizationParams);
  return loaderWork(async () => {
    const { organization, groups, team } = await getOrganizationPage(context.app, context.viewer, slug);
    const { target: _t, ...org } = organization;
    return { organization: org, groups, team };
  });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, OrganizationParams);
  const data = Object.fromEntries(await readForm(request));
  const formName = String(data.form ?? "");
  // The page has several forms: each result names the one it answers.
  const fail = (e: unknown) => actionFailure(e, { form: formName });
  try {
    if (formName === "team") {
      const parsed = TeamActionSchema.safeParse(data);
      if (!parsed.success) return fail(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
      const r = await manageTeam(context.app, viewer, slug, parsed.data);
      return actionSuccess(parsed.data.intent === "remove" ? `${r.displayName} is no longer on the team.` : `${r.displayName} is now ${parsed.data.role === "admin" ? "an admin" : `a ${parsed.data.role}`}.`, { form: formName });
    }
    if (formName === "helplines") {
      const parsed = HelplinesSchema.safeParse(data);
      if (!parsed.success) return fail(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
      await setHelplines(context.app, viewer, slug, parsed.data.helplines);
      return actionSuccess("Helplines saved. They appear on the Get help now page.", { form: formName });
    }
    if (formName === "group") {
      const parsed = GroupFormSchema.safeParse(data);
      if (!parsed.success) return fail(Invalid("Please check the form.", fieldErrorsOf(parsed.error)));
      const { slug: groupSlug } = await createOrganizationGroup(context.app, viewer, slug, parsed.data);
      return redirect(`/groups/${groupSlug}`);
    }
    return fail(Invalid("That request was not understood. Please reload the page."));
  } catch (e) {
    return fail(e);
  }
}

const input = "min-h-11 w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

function ErrorText({ id, errors }: { id: string; errors?: string[] }) {
  return (
    <p id={id} className="font-medium text-red-800 dark:text-red-300">
      {errors?.join(" ")}
    </p>
  );
}

export default function OrganizationPage() {
  const { organization: org, groups, team } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errs = (form: string, field: string) => (result && !result.ok && result.form === form ? result.fieldErrors?.[field] : undefined);
  const message = (form: string) =>
    result && result.form === form && (result.ok || !result.fieldErrors) ? <p role={result.ok ? "status" : "alert"}>{result.message}</p> : null;
  return (
    <section aria-labelledby="org-title" className="space-y-8">
      <header className="space-y-2">
        <h1 id="org-title" className="flex flex-wrap items-center gap-3 text-3xl">
          {org.name} {org.verified ? <VerifiedBadge /> : null}
        </h1>
        <p className="whitespace-pre-wrap">{org.description}</p>
        {org.website ? <p className="break-all">Website: {org.website}</p> : null}
      </header>
      <section aria-labelledby="org-groups" className="space-y-3">
        <h2 id="org-groups" className="text-2xl">
          Groups
        </h2>
        <ul className="list-disc pl-6">
          {groups.map((g) => (
            <li key={g.slug}>
              <Link to={`/groups/${g.slug}`} className="inline-flex min-h-11 items-center">
                {g.name}
              </Link>{" "}
              ({g.visibility}, {g.joinPolicy === "open" ? "open to join" : "approval needed"})
              {org.permissions.manageTeam ? (
                <>
                  {" "}
                  <Link to={`/groups/${g.slug}/settings`} className="inline-flex min-h-11 items-center">
                    Settings and moderators<span className="sr-only">: {g.name}</span>
                  </Link>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
      {org.permissions.staffPage ? (
        <p className="flex flex-wrap gap-4">
          <Link to="/moderation" className="inline-flex min-h-11 items-center">Moderation queue</Link>
          <Link to={`/organizations/${org.slug}/library`} className="inline-flex min-h-11 items-center">Library upkeep</Link>
          {org.permissions.viewAudit ? (
            <Link to={`/organizations/${org.slug}/audit`} className="inline-flex min-h-11 items-center">Audit log</Link>
          ) : null}
          {org.permissions.manageWatchedWords ? (
            <Link to={`/organizations/${org.slug}/watched-words`} className="inline-flex min-h-11 items-center">Watched words</Link>
          ) : null}
          {org.permissions.manageTeam ? (
            <Link to={`/organizations/${org.slug}/safety`} className="inline-flex min-h-11 items-center">Safety settings</Link>
          ) : null}
        </p>
      ) : null}
      {org.permissions.staffPage ? (
        <section aria-labelledby="org-team" className="space-y-3">
          <h2 id="org-team" className="text-2xl">
            Team
          </h2>
          {message("team")}
          <ul className="space-y-2">
            {team.map((m) => (
              <li key={m.userId} className="flex flex-wrap items-center gap-3 rounded-lg border-2 border-stone-300 p-3 dark:border-stone-600">
                <strong>{m.displayName}</strong> <span>{m.role}</span>
                {org.permissions.manageTeam ? (
                  <>
                    <Form method="post" className="flex flex-wrap items-center gap-2">
                      <input type="hidden" name="form" value="team" />
                      <input type="hidden" name="intent" value="role" />
                      <input type="hidden" name="userId" value={m.userId} />
                      <label className="flex items-center gap-2">
                        <span>Role</span>
                        <select name="role" defaultValue={m.role} className={`${input} w-auto`}>
                          <option value="owner">Owner</option>
                          <option value="admin">Admin</option>
                          <option value="moderator">Moderator</option>
                        </select>
                      </label>
                      <Button type="submit" variant="secondary" disabled={busy}>
                        Change role<span className="sr-only">: {m.displayName}</span>
                      </Button>
                    </Form>
                    <Form method="post">
                      <input type="hidden" name="form" value="team" />
                      <input type="hidden" name="intent" value="remove" />
                      <input type="hidden" name="userId" value={m.userId} />
                      <Button type="submit" variant="quiet" disabled={busy}>
                        Remove<span className="sr-only">: {m.displayName}</span>
                      </Button>
                    </Form>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {org.permissions.manageTeam ? (
            <Form method="post" className="grid gap-3 sm:grid-cols-3 sm:items-end">
              <input type="hidden" name="form" value="team" />
              <input type="hidden" name="intent" value="add" />
              <div className="flex flex-col gap-1">
                <label htmlFor="team-name" className="font-semibold">Display name</label>
                <input id="team-name" name="displayName" className={input} aria-describedby="team-name-error" aria-invalid={errs("team", "displayName") ? true : undefined} />
                <ErrorText id="team-name-error" errors={errs("team", "displayName")} />
              </div>
              <div className="flex flex-col gap-1">
                <label htmlFor="team-role" className="font-semibold">Role</label>
                <select id="team-role" name="role" className={input}>
                  <option value="moderator">Moderator</option>
                  <option value="admin">Admin</option>
                </select>
                <ErrorText id="team-role-error" errors={errs("team", "role")} />
              </div>
              <Button type="submit" disabled={busy} className="mb-7">Add to the team</Button>
            </Form>
          ) : null}
        </section>
      ) : null}
      {org.permissions.editHelplines ? (
        <section aria-labelledby="org-helplines" className="space-y-3">
          <h2 id="org-helplines" className="text-2xl">Helplines on "Get help now"</h2>
          {message("helplines")}
          <Form method="post" className="space-y-3">
            <input type="hidden" name="form" value="helplines" />
            <label htmlFor="helplines" className="font-semibold">Helplines text</label>
            <textarea id="helplines" name="helplines" rows={4} maxLength={4000} defaultValue={org.helplines} className={input} aria-describedby="helplines-error" />
            <ErrorText id="helplines-error" errors={errs("helplines", "helplines")} />
            <Button type="submit" disabled={busy}>Save helplines</Button>
          </Form>
        </section>
      ) : null}
      {org.permissions.createGroup ? (
        <section aria-labelledby="org-new-group" className="space-y-3">
          <h2 id="org-new-group" className="text-2xl">Create a group</h2>
          {message("group")}
          <Form method="post" className="space-y-3">
            <input type="hidden" name="form" value="group" />
            <div className="flex flex-col gap-1">
              <label htmlFor="group-name" className="font-semibold">Name</label>
              <input id="group-name" name="name" className={input} aria-describedby="group-name-error" aria-invalid={errs("group", "name") ? true : undefined} />
              <ErrorText id="group-name-error" errors={errs("group", "name")} />
            </div>
            <div className="flex flex-col gap-1">
              <label htmlFor="group-description" className="font-semibold">Description</label>
              <textarea id="group-description" name="description" rows={3} maxLength={2000} className={input} />
            </div>
            <fieldset>
              <legend className="font-semibold">Who can see it</legend>
              <label className="flex min-h-11 items-center gap-3"><input type="radio" name="visibility" value="public" defaultChecked className="h-6 w-6" /> Public: anyone can see the group page</label>
              <label className="flex min-h-11 items-center gap-3"><input type="radio" name="visibility" value="private" className="h-6 w-6" /> Private: members only</label>
            </fieldset>
            <div className="flex flex-col gap-1">
              <label className="flex min-h-11 items-center gap-3 font-semibold">
                <input type="checkbox" name="forumPublic" aria-describedby="group-forum-public-hint" className="h-6 w-6" /> Visitors can read the forum
              </label>
              <p id="group-forum-public-hint">Only for public groups. Off: the forum is for members, who can still mark a thread members only when it is on.</p>
            </div>
            <fieldset>
              <legend className="font-semibold">How people join</legend>
              <label className="flex min-h-11 items-center gap-3"><input type="radio" name="joinPolicy" value="open" defaultChecked className="h-6 w-6" /> Open: join at once</label>
              <label className="flex min-h-11 items-center gap-3"><input type="radio" name="joinPolicy" value="approval" className="h-6 w-6" /> A moderator approves</label>
            </fieldset>
            <Button type="submit" disabled={busy}>Create group</Button>
          </Form>
        </section>
      ) : null}
    </section>
  );
}
