import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod";
import { Form, isRouteErrorResponse, Link, useActionData, useNavigation, useRouteError } from "@remix-run/react";
import { EmailOnlySchema } from "#app/modules/accounts/account-mail.schema";
import { Button, ButtonLink } from "./ui/button";
import { Field, formTiming } from "./ui/field";
import { FormErrors } from "./ui/form-errors";

/** Where a person gets a fresh link when theirs no longer works. */
export interface FreshLink {
  to: string;
  label: string;
}

/** The page for an expired, used or forged link: what happened, and the way to a new one. */
export function LinkProblem({ message, again, refused = false }: { message: string; again: FreshLink; refused?: boolean }) {
  return (
    <section aria-labelledby="link-problem-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="link-problem-title" className="text-3xl">
        {refused ? "You can't use this link" : "This link doesn't work any more"}
      </h1>
      <p role="alert">{message}</p>
      <p>
        <ButtonLink to={again.to}>{again.label}</ButtonLink>
      </p>
    </section>
  );
}

/**
 * The one big button a mailed link's page shows: its POST does what the link is for (the page's GET
 * only checked it, since mail scanners follow links), posting the token back.
 */
export function ConfirmLinkForm({ token, label, busyLabel = "Confirming…" }: { token: string; label: string; busyLabel?: string }) {
  const busy = useNavigation().state === "submitting";
  return (
    <Form method="post">
      <input type="hidden" name="token" value={token} />
      <Button type="submit" disabled={busy} className="min-h-16 px-8 text-xl">
        {busy ? busyLabel : label}
      </Button>
    </Form>
  );
}

/**
 * A link route's boundary: its loader's 400 (the link failed its check), or its action's thrown
 * refusal (403 for a suspended account), becomes the LinkProblem page.
 */
export function linkErrorBoundary(again: FreshLink) {
  return function LinkErrorBoundary() {
    const error = useRouteError();
    const message =
      isRouteErrorResponse(error) && typeof error.data === "object" && error.data && "message" in error.data
        ? String(error.data.message)
        : "Something went wrong with this link. Please ask for a new one.";
    return <LinkProblem message={message} again={again} refused={isRouteErrorResponse(error) && error.status === 403} />;
  };
}

/**
 * The one-field "e-mail me a link" form (forgot password, sign-in link). Its answer is the same
 * "check your e-mail" page for every address, so the only errors it shows are the person's own
 * typing and the rate limits.
 */
export function EmailLinkForm({ title, intro, submit, busyLabel }: { title: string; intro: string; submit: string; busyLabel: string }) {
  const lastResult = useActionData<SubmissionResult<string[]>>();
  const busy = useNavigation().state === "submitting";
  const [form, fields] = useForm({
    lastResult,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: EmailOnlySchema }),
    ...formTiming,
  });
  return (
    <section aria-labelledby="email-link-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="email-link-title" className="text-3xl">
        {title}
      </h1>
      <p>{intro}</p>
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <FormErrors id={form.errorId} errors={form.errors} />
        <Field label="Email" meta={fields.email} type="email" inputProps={{ autoComplete: "email" }} />
        <Button type="submit" disabled={busy}>
          {busy ? busyLabel : submit}
        </Button>
      </Form>
      <p>
        <Link to="/signin" className="inline-flex min-h-11 items-center">
          Back to sign in
        </Link>
      </p>
    </section>
  );
}
