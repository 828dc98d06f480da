import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { LinkProblem, linkErrorBoundary } from "#app/components/account-links";
import { Button, ButtonLink } from "#app/components/ui/button";
import { StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, loaderWork, readForm } from "#app/lib/http.server";
import { LinkTokenSchema } from "#app/modules/accounts/account-mail.schema";
import { confirmEmailChange } from "#app/modules/accounts/email-change.server";
import { checkLink } from "#app/modules/accounts/link-session.server";

export const meta: MetaFunction = () => [{ title: "Confirm your new e-mail address — Hearth" }];

const AGAIN = { to: "/settings/email", label: "Ask for a new link" };

/** Only checks the link: the change is the button's POST (no loader changes state; mail scanners follow GETs). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const { token } = LinkTokenSchema.parse({ token: new URL(request.url).searchParams.get("token") ?? "" });
  await loaderWork(() => checkLink(context.app, token, "change_email"));
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { token } = LinkTokenSchema.parse(Object.fromEntries(await readForm(request)));
  try {
    await confirmEmailChange(context.app, token);
    return actionSuccess("Your e-mail address is changed. Use it from now on to sign in.");
  } catch (e) {
    return actionFailure(e);
  }
}

export default function ChangeEmail() {
  const { token } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (result && !result.ok) return <LinkProblem message={result.message} again={AGAIN} />;
  return (
    <section aria-labelledby="change-email-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="change-email-title" className="text-3xl">
        Confirm your new e-mail address
      </h1>
      {result?.ok ? (
        <>
          <StatusMessage message={result.message} />
          <p>
            <ButtonLink to="/settings/email">Back to your settings</ButtonLink>
          </p>
        </>
      ) : (
        <>
          <p>Press the button to move your Hearth account to this address. Your old address will no longer work for signing in.</p>
          <Form method="post">
            <input type="hidden" name="token" value={token} />
            <Button type="submit" disabled={busy} className="min-h-16 px-8 text-xl">
              {busy ? "Confirming…" : "Use this address"}
            </Button>
          </Form>
        </>
      )}
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary(AGAIN);
