import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { CheckboxField } from "#app/components/ui/checkbox-field";
import { Field, formTiming } from "#app/components/ui/field";
import { FormErrors } from "#app/components/ui/form-errors";
import { formFailure, formInvalid, readForm } from "#app/lib/http.server";
import { signUp } from "#app/modules/accounts/accounts.server";
import { HEALTH_DATA_CONSENT_HINT, HEALTH_DATA_CONSENT_LABEL, TERMS_CONSENT_LABEL } from "#app/modules/accounts/consent";
import { SignUpSchema } from "#app/modules/auth/auth.schema";

export const meta: MetaFunction = () => [{ title: "Create an account — Hearth" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.viewer) throw redirect("/groups");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema: SignUpSchema });
  if (submission.status !== "success") return formInvalid(submission, {}, { hideFields: ["password"] });
  try {
    // New and registered addresses get the same answer (the mail differs); nobody is signed in yet.
    await signUp(context.app, submission.value, context.clientIp);
  } catch (e) {
    return formFailure(submission, e, ["password"]);
  }
  return redirect("/check-email?for=signup");
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
        <fieldset className="space-y-2">
          <legend className="text-base font-semibold">Your agreement</legend>
          <p className="text-base">
            Please read the{" "}
            <Link to="/privacy" target="_blank" className="inline-flex min-h-11 items-center">
              privacy notice
            </Link>
            ,{" "}
            <Link to="/terms" target="_blank" className="inline-flex min-h-11 items-center">
              terms of use
            </Link>{" "}
            and{" "}
            <Link to="/guidelines" target="_blank" className="inline-flex min-h-11 items-center">
              community guidelines
            </Link>{" "}
            (each opens in a new tab).
          </p>
          <CheckboxField meta={fields.consentTerms} label={TERMS_CONSENT_LABEL} required />
          <CheckboxField meta={fields.consentHealthData} label={HEALTH_DATA_CONSENT_LABEL} hint={HEALTH_DATA_CONSENT_HINT} required />
        </fieldset>
        <Button type="submit" disabled={busy}>
          {busy ? "Creating your account…" : "Create account"}
        </Button>
      </Form>
    </section>
  );
}
