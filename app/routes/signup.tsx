import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, readForm } from "#app/lib/http.server";
import { signUp } from "#app/modules/accounts/accounts.server";
import { SignUpSchema } from "#app/modules/auth/auth.schema";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Create an account — Hearth" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.viewer) throw redirect("/groups");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: SignUpSchema });
  if (submission.status !== "success") return formInvalid(submission, {}, { hideFields: ["password"] });
  try {
    const { token, expiresAt } = await signUp(context.app, submission.value, context.clientIp);
    return redirect("/groups", { headers: { "Set-Cookie": setSessionTokenCookie(token, expiresAt, context.secure) } });
  } catch (e) {
    return formFailure(submission, e, ["password"]);
  }
}

export default function SignUp() {
  const lastResult = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: SignUpSchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="signup-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="signup-title" className="text-3xl">
        Create an account
      </h1>
      <p>
        Already have one? <Link to="/signin" className="inline-flex min-h-11 items-center">Sign in</Link>.
      </p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Email" meta={fields.email} type="email" hint="Only used to sign in. Nobody else sees it." inputProps={{ autoComplete: "email" }} />
        <Field
          label="Display name"
          meta={fields.displayName}
          hint="How others see you. A nickname is fine: you don't have to use your real name."
          inputProps={{ autoComplete: "nickname" }}
        />
        <Field
          label="Password"
          meta={fields.password}
          type="password"
          revealable
          hint="At least 8 characters. A few words strung together is easy to type and hard to guess."
          inputProps={{ autoComplete: "new-password" }}
        />
        <Button type="submit" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </Button>
      </Form>
    </section>
  );
}
