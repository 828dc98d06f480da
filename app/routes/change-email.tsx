import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmLinkForm, LinkProblem, linkErrorBoundary } from "#app/components/account-links";
import { ButtonLink } from "#app/components/ui/button";
import { StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, loaderWork } from "#app/lib/http.server";
import { confirmEmailChange } from "#app/modules/accounts/email-change.server";
import { checkLink, linkTokenInForm, linkTokenInUrl } from "#app/modules/accounts/link-session.server";

export const meta: MetaFunction = () => [{ title: "Confirm your new e-mail address — Hearth" }];

const AGAIN = { to: "/settings/email", label: "Ask for a new link" };

/** Only checks the link: the change is the button's POST (no loader changes state; mail scanners follow GETs). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = linkTokenInUrl(request);
  await loaderWork(() => checkLink(context.app, token, "change_email"));
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const token = await linkTokenInForm(request);
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
          <ConfirmLinkForm token={token} label="Use this address" />
        </>
      )}
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary(AGAIN);
