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

/** One setting as a sentence with a number in it ("Hold the first [1] posts…"): the whole sentence is the input's name. */
function NumberSetting(props: { name: string; legend: string; before: string; after: string; min: number; max: number; value: number; hint: string; error?: string }) {
  const { name, error } = props;
  return (
    <fieldset className="space-y-2">
      <legend className="text-xl font-semibold">{props.legend}</legend>
      <div className="flex flex-wrap items-center gap-2">
        <label htmlFor={name} id={`${name}-label`}>
          {props.before}
        </label>
        <input
          id={name}
          name={name}
          type="number"
          inputMode="numeric"
          min={props.min}
          max={props.max}
          step={1}
          required
          defaultValue={props.value}
          className={input}
          aria-labelledby={`${name}-label ${name}-after`}
          aria-describedby={`${name}-hint ${name}-error`}
          aria-invalid={error ? true : undefined}
        />
        <span id={`${name}-after`}>{props.after}</span>
      </div>
      <p id={`${name}-hint`} className="text-stone-700 dark:text-stone-300">
        {props.hint}
      </p>
      <p id={`${name}-error`} className="font-medium text-red-800 dark:text-red-300">
        {error}
      </p>
    </fieldset>
  );
}

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
        <NumberSetting
          name="newMemberHolds"
          legend="New-member review"
          before="Hold the first"
          after="posts and chat messages of members new to our groups"
          min={0}
          max={5}
          value={settings.newMemberHolds}
          hint="0 to 5. 0 turns it off. A moderator approves or rejects each one; the author is told either way."
          error={err("newMemberHolds")}
        />
        <NumberSetting
          name="autoHideReports"
          legend="Auto-hide"
          before="Hide content reported by"
          after="different members until a moderator decides"
          min={1}
          max={50}
          value={settings.autoHideReports}
          hint="1 to 50 (usually 3). Readers see a notice in its place; a moderator's decision ends it."
          error={err("autoHideReports")}
        />
        <Button type="submit" disabled={busy}>
          Save safety settings
        </Button>
      </Form>
    </section>
  );
}
