import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { json, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { PasskeyReauth } from "#app/components/passkeys/passkey-reauth";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors, StatusMessage } from "#app/components/ui/form-errors";
import { countOf } from "#app/lib/plural";
import { formFailure, formInvalid, readForm, requireViewer } from "#app/lib/http.server";
import { changePassword } from "#app/modules/accounts/settings.server";
import { ChangePasswordSchema } from "#app/modules/accounts/settings.schema";

export const meta: MetaFunction = () => [{ title: "Password — Settings — Hearth" }];

const HIDE = ["currentPassword", "newPassword", "passkeyResponse"];

export async function action({ context, request }: ActionFunctionArgs) {
  const viewer = requireViewer(context, request);
  const submission = parseWithZod(await readForm(request), { schema: ChangePasswordSchema });
  if (submission.status !== "success") return formInvalid(submission, { done: null }, { hideFields: HIDE });
  try {
    const ended = await changePassword(context.app, viewer, submission.value);
    const others = ended ? ` ${countOf(ended, "other session")} ended.` : "";
    // Emptied: the passwords are not sent back into the page.
    return json({ ...submission.reply({ resetForm: true }), done: `Your password is changed.${others} We sent a notice to your address.` });
  } catch (e) {
    return formFailure(submission, e, HIDE, { done: null });
  }
}

export default function PasswordSettings() {
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ChangePasswordSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="password-title" className="max-w-xl space-y-6">
      <h2 id="password-title" className="text-2xl">
        Password
      </h2>
      <p>Changing your password signs you out on every other device. This one stays signed in.</p>
      <StatusMessage message={lastResult?.done} />
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Current password" meta={fields.currentPassword} type="password" revealable inputProps={{ autoComplete: "current-password" }} />
        <PasskeyReauth />
        <Field
          label="New password"
          meta={fields.newPassword}
          type="password"
          revealable
          hint="At least 8 characters. A few unrelated words are easy to remember and hard to guess."
          inputProps={{ autoComplete: "new-password" }}
        />
        <Button type="submit" disabled={busy}>
          {busy ? "Changing…" : "Change password"}
        </Button>
      </Form>
    </section>
  );
}
