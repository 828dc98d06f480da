import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { Button } from "#app/components/ui/button";
import { CheckboxField } from "#app/components/ui/checkbox-field";
import { Field, FieldShell, formTiming, hasErrors, inputClass } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { BIO_MAX, bioLength, ProfileSchema } from "#app/modules/accounts/profile.schema";
import { getProfileSettings, RENAME_LIMIT, updateProfile } from "#app/modules/accounts/profile.server";

/** Settings → profile: display name (rate-limited), bio, who can see the profile, member-list listing. */

export const meta: MetaFunction = () => [{ title: "Your profile — Settings — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => {
    const profile = await getProfileSettings(context.app, viewer);
    return { profile, userId: viewer.id, renameLimit: { count: RENAME_LIMIT.count, days: RENAME_LIMIT.windowMs / 86_400_000 } };
  });
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: ProfileSchema });
  if (submission.status !== "success") return formInvalid(submission);
  try {
    const { renamed } = await updateProfile(context.app, viewer, submission.value);
    return json({ ...submission.reply(), saved: renamed ? "Saved. Your new display name shows everywhere now." : "Saved." });
  } catch (e) {
    return formFailure(submission, e);
  }
}

const visibilityChoices = [
  { value: "members", label: "Members who share a group with me", hint: "They can open your profile from your posts and from member lists." },
  { value: "nobody", label: "Nobody", hint: "Your name still shows on what you post, but it doesn't lead to a profile." },
] as const;

export default function ProfileSettings() {
  const { profile, userId, renameLimit } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    defaultValue: {
      displayName: profile.displayName,
      bio: profile.bio,
      profileVisibility: profile.profileVisibility,
      listedInMembers: profile.listedInMembers ? "on" : undefined,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ProfileSchema }),
    ...formTiming,
  });
  const saved = lastResult && "saved" in lastResult && typeof lastResult.saved === "string" ? lastResult.saved : null;
  const { key: bioKey, ...bioProps } = getTextareaProps(fields.bio, { ariaDescribedBy: `${fields.bio.descriptionId} bio-count` });
  const [bioCount, setBioCount] = useState(() => bioLength(String(fields.bio.initialValue ?? "")));
  const visibilityErrors = fields.profileVisibility.errors?.filter(Boolean) ?? [];
  const renameHint =
    profile.renamesLeft > 0
      ? `You can change it ${profile.renamesLeft} more ${profile.renamesLeft === 1 ? "time" : "times"} in ${renameLimit.days} days (at most ${renameLimit.count}). Names that look like someone else's are refused.`
      : `You have changed it ${renameLimit.count} times in ${renameLimit.days} days; you can change it again from ${profile.nextRenameAt ? new Date(profile.nextRenameAt).toUTCString().slice(0, 16) : "later"}.`;
  return (
    <section aria-labelledby="profile-title" className="max-w-2xl space-y-6">
      <h2 id="profile-title" className="text-2xl">
        Your profile
      </h2>
      <p>
        <Link to={`/members/${userId}`} className="inline-flex min-h-11 items-center">
          See your profile page
        </Link>
      </p>
      <StatusMessage message={saved} />
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Display name" meta={fields.displayName} hint={renameHint} inputProps={{ autoComplete: "nickname" }} />
        <FieldShell label="About you (optional)" meta={fields.bio} hint={`Plain text, up to ${BIO_MAX} characters. Shown on your profile page.`}>
          <textarea
            key={bioKey}
            {...bioProps}
            rows={5}
            className={inputClass(hasErrors(fields.bio))}
            onChange={(e) => setBioCount(bioLength(e.currentTarget.value))}
          />
          <p id="bio-count" className={`text-sm ${bioCount > BIO_MAX ? "font-semibold text-red-800 dark:text-red-300" : "text-stone-700 dark:text-stone-300"}`}>
            {bioCount} of {BIO_MAX} characters
          </p>
        </FieldShell>
        <fieldset className="space-y-1" aria-describedby={visibilityErrors.length ? fields.profileVisibility.errorId : undefined}>
          <legend className="text-base font-semibold">Who can see your profile page</legend>
          {visibilityChoices.map((c) => (
            <div key={c.value}>
              <label className="flex min-h-11 cursor-pointer items-center gap-3">
                <input
                  type="radio"
                  name={fields.profileVisibility.name}
                  value={c.value}
                  defaultChecked={fields.profileVisibility.initialValue === c.value}
                  aria-describedby={`visibility-${c.value}-hint`}
                  className="h-6 w-6"
                />
                {c.label}
              </label>
              <p id={`visibility-${c.value}-hint`} className="ml-9 text-sm text-stone-700 dark:text-stone-300">
                {c.hint}
              </p>
            </div>
          ))}
          <p id={fields.profileVisibility.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
            {visibilityErrors.length ? visibilityErrors.join(" ") : null}
          </p>
        </fieldset>
        <CheckboxField
          meta={fields.listedInMembers}
          label="Show me in the member lists of my groups"
          hint="The moderators of your groups always see every member."
        />
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save profile"}
        </Button>
      </Form>
    </section>
  );
}
