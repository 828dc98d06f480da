import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { linkErrorBoundary } from "#app/components/account-links";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { deviceLabel } from "#app/lib/device-label";
import { formFailure, formInvalid, loaderWork, readForm } from "#app/lib/http.server";
import { ResetPasswordSchema } from "#app/modules/accounts/account-mail.schema";
import { linkTokenInUrl } from "#app/modules/accounts/link-session.server";
import { checkResetLink, resetPassword } from "#app/modules/accounts/password-reset.server";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Choose a new password — Hearth" }];

/** Peeks at the link (nothing used up): the form, or the "expired" page. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = linkTokenInUrl(request);
  await loaderWork(() => checkResetLink(context.app, token));
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: ResetPasswordSchema });
  if (submission.status !== "success") return formInvalid(submission, {}, { hideFields: ["password"] });
  try {
    const session = await resetPassword(context.app, submission.value.token, submission.value.password, deviceLabel(request.headers.get("user-agent")));
    return redirect("/groups?password=reset", { headers: { "Set-Cookie": setSessionTokenCookie(session.token, session.expiresAt, context.secure) } });
  } catch (e) {
    return formFailure(submission, e, ["password"]);
  }
}

export default function ResetPassword() {
  const { token } = useLoaderData<typeof loader>();
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: ResetPasswordSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="reset-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="reset-title" className="text-3xl">
        Choose a new password
      </h1>
      <p>After this, you are signed in here and signed out everywhere else.</p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="token" value={token} />
        <Field
          label="New password"
          meta={fields.password}
          type="password"
          revealable
          hint="At least 8 characters. A few words strung together is easy to type and hard to guess."
          inputProps={{ autoComplete: "new-password" }}
        />
        <Button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save my new password"}
        </Button>
      </Form>
      <p>
        Link not working? <Link to="/forgot-password" className="inline-flex min-h-11 items-center">Ask for a new one</Link>.
      </p>
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary({ to: "/forgot-password", label: "Send me a new reset link" });
