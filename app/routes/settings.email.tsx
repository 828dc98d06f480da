import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { PasskeyReauth } from "#app/components/passkeys/passkey-reauth";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, loaderWork, readForm, requireViewer } from "#app/lib/http.server";
import { currentEmailOf, requestEmailChange } from "#app/modules/accounts/email-change.server";
import { ChangeEmailSchema } from "#app/modules/accounts/settings.schema";

export const meta: MetaFunction = () => [{ title: "E-mail — Settings — Hearth" }];

const HIDE = ["currentPassword", "passkeyResponse"];

export async function loader({ context, request }: LoaderFunctionArgs) {
  const viewer = requireViewer(context, request);
  // Shown to the member alone (their own settings page); never anywhere else.
  return loaderWork(async () => ({ email: await currentEmailOf(context.app, viewer) }));
}

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: ChangeEmailSchema });
  if (submission.status !== "success") return formInvalid(submission, { sentTo: null }, { hideFields: HIDE });
  try {
    await requestEmailChange(context.app, viewer, submission.value);
    // The same answer whether or not the new address has an account.
    return json({ ...submission.reply({ resetForm: true }), sentTo: submission.value.newEmail });
  } catch (e) {
    return formFailure(submission, e, HIDE, { sentTo: null });
  }
}

export default function EmailSettings() {
  const { email } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangeEmailSchema }),
    ...formTiming,
  });
  const sentTo = lastResult?.sentTo;
  return (
    <section aria-labelledby="email-title" className="max-w-xl space-y-6">
      <h2 id="email-title" className="text-2xl">
        E-mail
      </h2>
      <p>
        Your address is <strong>{email}</strong>. Only you see it; other members never do.
      </p>
      <StatusMessage
        message={
          sentTo
            ? `Check ${sentTo}: we sent a link there. Your address changes only when you follow it (within 24 hours). We also told your current address.`
            : null
        }
      />
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="New e-mail address" meta={fields.newEmail} type="email" inputProps={{ autoComplete: "email" }} />
        <Field
          label="Current password"
          meta={fields.currentPassword}
          type="password"
          revealable
          hint="So nobody else using this device can move your account."
          inputProps={{ autoComplete: "current-password" }}
        />
        <PasskeyReauth />
        <Button type="submit" disabled={busy}>
          {busy ? "Sending…" : "Send a confirmation link"}
        </Button>
      </Form>
    </section>
  );
}
