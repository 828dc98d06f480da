import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { PasskeySignIn } from "#app/components/passkeys/passkey-signin";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { deviceLabel } from "#app/lib/device-label";
import { formFailure, formInvalid, readForm } from "#app/lib/http.server";
import { signIn } from "#app/modules/accounts/accounts.server";
import { safeRedirect } from "#app/lib/redirect";
import { SignInSchema } from "#app/modules/auth/auth.schema";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in — Hearth" }];

export async function loader({ context, request }: LoaderFunctionArgs) {
  if (context.viewer) throw redirect(safeRedirect(new URL(request.url).searchParams.get("redirectTo")));
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: SignInSchema });
  if (submission.status !== "success") return formInvalid(submission, {}, { hideFields: ["password"] });
  try {
    const { token, expiresAt } = await signIn(context.app, submission.value, context.clientIp, deviceLabel(request.headers.get("user-agent")));
    return redirect(safeRedirect(submission.value.redirectTo), {
      headers: { "Set-Cookie": setSessionTokenCookie(token, expiresAt, context.secure) },
    });
  } catch (e) {
    return formFailure(submission, e, ["password"]);
  }
}

export default function SignIn() {
  const lastResult = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignInSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="signin-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="signin-title" className="text-3xl">
        Sign in
      </h1>
      <p>
        New here? <Link to="/signup" className="inline-flex min-h-11 items-center">Create an account</Link>.
      </p>
      <PasskeySignIn redirectTo={searchParams.get("redirectTo") ?? ""} />
      <p className="text-stone-700 dark:text-stone-300">Or with your e-mail and password:</p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: "email" }} />
        <Field label="Password" meta={fields.password} type="password" revealable inputProps={{ autoComplete: "current-password" }} />
        <Button type="submit" disabled={busy}>
          {busy ? "Signing in…" : "Sign in"}
        </Button>
      </Form>
      <p className="flex flex-wrap gap-x-6">
        <Link to="/forgot-password" className="inline-flex min-h-11 items-center">
          Forgot password?
        </Link>
        <Link to="/signin/link" className="inline-flex min-h-11 items-center">
          E-mail me a sign-in link
        </Link>
      </p>
    </section>
  );
}
