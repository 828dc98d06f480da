import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ConfirmLinkForm, linkErrorBoundary } from "#app/components/account-links";
import { StatusMessage } from "#app/components/ui/form-errors";
import { actionFailure, actionSuccess, loaderWork } from "#app/lib/http.server";
import { linkTokenInForm, linkTokenInUrl } from "#app/modules/accounts/link-session.server";
import { checkUnsubscribe, unsubscribe } from "#app/modules/notifications/unsubscribe.server";

/**
 * The link in every notification e-mail (RFC 8058). GET only shows what it would stop (link scanners
 * follow links); the POST changes that one preference: the page's button, or a mail client's
 * one-click `List-Unsubscribe=One-Click` POST to this address, which has no session and no form
 * token (server.ts lets exactly this POST past the origin check; the token is the proof).
 */

export const meta: MetaFunction = () => [{ title: "Unsubscribe — Hearth" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = linkTokenInUrl(request);
  const { label } = await loaderWork(() => checkUnsubscribe(context.app, token));
  return { token, label };
}

export async function action({ request, context }: ActionFunctionArgs) {
  // The button posts the token; a mail client posts only "List-Unsubscribe=One-Click" to the link.
  const token = (await linkTokenInForm(request)) || linkTokenInUrl(request);
  try {
    const { changed } = await unsubscribe(context.app, token);
    return actionSuccess(
      changed.length ? `Done. These now reach you in Hearth only, not by e-mail: ${changed.join("; ")}.` : "Done. These were already not e-mailed to you.",
    );
  } catch (e) {
    return actionFailure(e);
  }
}

export default function Unsubscribe() {
  const { token, label } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section aria-labelledby="unsubscribe-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="unsubscribe-title" className="text-3xl">
        Stop these e-mails
      </h1>
      {result?.ok ? (
        <StatusMessage message={result.message} />
      ) : (
        <>
          <p>
            This stops e-mail for: <strong>{label}</strong>. You will still see them on your notifications page in Hearth. Nothing else changes.
          </p>
          <ConfirmLinkForm token={token} label="Stop these e-mails" busyLabel="Stopping…" />
        </>
      )}
      <p>
        <Link to="/settings/notifications" className="inline-flex min-h-11 items-center">
          Choose what Hearth e-mails you in your notification settings
        </Link>
      </p>
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary({ to: "/settings/notifications", label: "Open your notification settings" });
