import { type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "#app/components/ui/button";
import { Invalid } from "#app/lib/errors";
import { actionFailure, actionSuccess, fieldErrorsOf, loaderWork, readForm, requireParams, requireViewer } from "#app/lib/http.server";
import { OrganizationSlugSchema } from "#app/modules/organizations/organizations.schema";
import { getSafetySettings, SafetySettingsSchema, saveSafetySettings } from "#app/modules/organizations/safety-settings.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Safety settings — ${data?.organization.name ?? "Organization"} — Hearth` }];

const Params = z.object({ slug: OrganizationSlugSchema });

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, Params);
  return loaderWork(() => getSafetySettings(context.app, viewer, slug));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const { slug } = requireParams(params, Params);
  const form = Object.fromEntries(await readForm(request));
  try {
    const parsed = SafetySettingsSchema.safeParse(form);
    if (!parsed.success) return actionFailure(Invalid("Please check the settings.", fieldErrorsOf(parsed.error)));
    const saved = await saveSafetySettings(context.app, viewer, slug, parsed.data);
    const review = saved.newMemberHolds === 0 ? "New-member review is off" : `The first ${saved.newMemberHolds === 1 ? "post" : `${saved.newMemberHolds} posts`} of new members wait for review`;
    return actionSuccess(`Safety settings saved. ${review}; content reported by ${saved.autoHideReports} different ${saved.autoHideReports === 1 ? "member" : "members"} is hidden until a moderator decides.`);
  } catch (e) {
    return actionFailure(e);
  }
}

const input = "min-h-11 w-24 rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50";

export default function SafetySettingsPage() {
  const { organization, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  const err = (field: string) => errors?.[field]?.join(" ");
  return (
    <section aria-labelledby="safety-title" className="space-y-6">
      <p>
        <Link to={`/organizations/${organization.slug}`} className="inline-flex min-h-11 items-center">
          ← {organization.name}
        </Link>
      </p>
      <h1 id="safety-title" className="text-3xl">
        Safety settings: {organization.name}
      </h1>
      <p>These apply to every group the organization runs. Moderators decide held and hidden content in the moderation queue.</p>
      {result ? (
        <p role={result.ok ? "status" : "alert"} className={result.ok ? "rounded-lg border-2 border-green-700 bg-green-50 p-4 text-green-900 dark:bg-green-950 dark:text-green-100" : "font-medium text-red-800 dark:text-red-300"}>
          {result.message}
        </p>
      ) : null}
      <Form method="post" className="space-y-6">
        <fieldset className="space-y-2">
          <legend className="text-xl font-semibold">New-member review</legend>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor="newMemberHolds" id="newMemberHolds-label">
              Hold the first
            </label>
            <input
              id="newMemberHolds"
              name="newMemberHolds"
              type="number"
              inputMode="numeric"
              min={0}
              max={5}
              step={1}
              required
              defaultValue={settings.newMemberHolds}
              className={input}
              aria-labelledby="newMemberHolds-label newMemberHolds-after"
              aria-describedby="newMemberHolds-hint newMemberHolds-error"
              aria-invalid={err("newMemberHolds") ? true : undefined}
            />
            <span id="newMemberHolds-after">posts and chat messages of members new to our groups</span>
          </div>
          <p id="newMemberHolds-hint" className="text-stone-700 dark:text-stone-300">
            0 to 5. 0 turns it off. A moderator approves or rejects each one; the author is told either way.
          </p>
          <p id="newMemberHolds-error" className="font-medium text-red-800 dark:text-red-300">
            {err("newMemberHolds")}
          </p>
        </fieldset>
        <fieldset className="space-y-2">
          <legend className="text-xl font-semibold">Auto-hide</legend>
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor="autoHideReports" id="autoHideReports-label">
              Hide content reported by
            </label>
            <input
              id="autoHideReports"
              name="autoHideReports"
              type="number"
              inputMode="numeric"
              min={1}
              max={50}
              step={1}
              required
              defaultValue={settings.autoHideReports}
              className={input}
              aria-labelledby="autoHideReports-label autoHideReports-after"
              aria-describedby="autoHideReports-hint autoHideReports-error"
              aria-invalid={err("autoHideReports") ? true : undefined}
            />
            <span id="autoHideReports-after">different members until a moderator decides</span>
          </div>
          <p id="autoHideReports-hint" className="text-stone-700 dark:text-stone-300">
            1 to 50 (usually 3). Readers see a notice in its place; a moderator's decision ends it.
          </p>
          <p id="autoHideReports-error" className="font-medium text-red-800 dark:text-red-300">
            {err("autoHideReports")}
          </p>
        </fieldset>
        <Button type="submit" disabled={busy}>
          Save safety settings
        </Button>
      </Form>
    </section>
  );
}
