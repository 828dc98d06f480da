import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PasskeyReauth } from "#app/components/passkeys/passkey-reauth";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { DeleteAccountSchema, FORMER_MEMBER, REMOVED_BY_AUTHOR } from "#app/modules/accounts/deletion.schema";
import { deleteAccount, organizationsOwnedAlone } from "#app/modules/accounts/deletion.server";
import { deleteSessionTokenCookie } from "#app/modules/auth/session.server";

/**
 * Settings → delete account (GDPR Art. 17): what happens, the choice for the member's posts and
 * chat messages, and re-authentication. The only owner of an organization is told up front to hand
 * it over first (and the action refuses).
 */

export const meta: MetaFunction = () => [{ title: "Delete your account — Hearth" }];

const HIDDEN = ["currentPassword", "passkeyResponse"];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  return loaderWork(async () => ({ ownedAlone: await organizationsOwnedAlone(context.app.db, viewer.id) }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: DeleteAccountSchema });
  if (submission.status !== "success") return formInvalid(submission, {}, { hideFields: HIDDEN });
  try {
    await deleteAccount(context.app, viewer, { content: submission.value.content, reauth: submission.value });
  } catch (e) {
    return formFailure(submission, e, HIDDEN);
  }
  // Every session is already gone on the server; this clears this browser's cookie too.
  return redirect("/account-deleted", { headers: { "Set-Cookie": deleteSessionTokenCookie(context.secure) } });
}

const choices = [
  {
    value: "keep",
    label: `Keep them readable under "${FORMER_MEMBER}" and a number`,
    hint: "Conversations stay whole for the people who replied to you.",
  },
  {
    value: "remove",
    label: `Replace their text with "${REMOVED_BY_AUTHOR}"`,
    hint: "The titles of threads you started are replaced too. Other people's replies stay.",
  },
] as const;

export default function DeleteAccount() {
  const { ownedAlone } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: DeleteAccountSchema }),
    ...formTiming,
  });
  const contentErrors = fields.content.errors?.filter(Boolean) ?? [];
  return (
    <section aria-labelledby="delete-title" className="max-w-2xl space-y-6">
      <h2 id="delete-title" className="text-2xl">
        Delete your account
      </h2>
      {ownedAlone.length > 0 ? (
        <div role="alert" className="space-y-2 rounded-lg border-2 border-red-700 bg-red-50 p-4 text-red-900 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">You are the only owner of {ownedAlone.length === 1 ? "an organization" : "these organizations"}. Hand it over before you delete your account:</p>
          <ul className="list-disc space-y-1 pl-6">
            {ownedAlone.map((o) => (
              <li key={o.slug}>
                <Link to={`/organizations/${o.slug}#org-team`} className="inline-flex min-h-11 items-center font-semibold">
                  Make someone else owner of {o.name}
                </Link>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="space-y-2">
        <h3 className="text-xl">What happens</h3>
        <ul className="list-disc space-y-2 pl-6 text-lg">
          <li>Your e-mail address, password, passkeys, bio and settings are erased, and you are signed out on every device.</li>
          <li>Your name becomes &quot;{FORMER_MEMBER}&quot; and a number. Nobody can tell it was you.</li>
          <li>You leave your groups and organization teams. Your places at events are given up, so the next person on a waitlist gets them.</li>
          <li>Your notifications and data exports are deleted.</li>
          <li>Reports and moderators&apos; records stay, under the anonymous name.</li>
          <li className="font-semibold">This can&apos;t be undone. To come back, you would create a new account.</li>
        </ul>
        <p>
          Want a copy of your data first?{" "}
          <Link to="/settings/data" className="inline-flex min-h-11 items-center font-semibold">
            Export your data
          </Link>
        </p>
      </div>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <fieldset className="flex flex-col gap-2" aria-describedby={fields.content.errorId}>
          <legend className="text-base font-semibold">Your posts and chat messages</legend>
          {choices.map((c) => (
            <label key={c.value} className="flex min-h-11 cursor-pointer items-start gap-3 text-lg">
              <input
                type="radio"
                name={fields.content.name}
                value={c.value}
                defaultChecked={fields.content.initialValue === c.value}
                aria-invalid={contentErrors.length ? true : undefined}
                className="mt-1 h-6 w-6 shrink-0"
              />
              <span>
                {c.label}
                <span className="block text-base text-stone-700 dark:text-stone-300">{c.hint}</span>
              </span>
            </label>
          ))}
          <p id={fields.content.errorId} className="text-base font-medium text-red-800 dark:text-red-300" aria-live="polite">
            {contentErrors.length ? contentErrors.join(" ") : null}
          </p>
        </fieldset>
        <Field
          label="Your current password"
          meta={fields.currentPassword}
          type="password"
          revealable
          hint="To make sure it is really you."
          inputProps={{ autoComplete: "current-password" }}
        />
        <PasskeyReauth />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="danger" disabled={busy || ownedAlone.length > 0}>
            {busy ? "Deleting…" : "Delete my account for good"}
          </Button>
          <Link to="/settings" className="inline-flex min-h-11 items-center rounded-lg px-3 font-semibold">
            No, keep my account
          </Link>
        </div>
      </Form>
    </section>
  );
}
