import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConfirmLinkForm, linkErrorBoundary } from "#app/components/account-links";
import { deviceLabel } from "#app/lib/device-label";
import { loaderWork } from "#app/lib/http.server";
import { linkTokenInForm, linkTokenInUrl } from "#app/modules/accounts/link-session.server";
import { checkVerificationLink, confirmEmail } from "#app/modules/accounts/verification.server";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Confirm your e-mail address — Hearth" }];

const AGAIN = { to: "/signin/link", label: "Send me a new link" };

/** Only checks the link: confirming is the button's POST (no loader changes state; mail scanners follow GETs). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = linkTokenInUrl(request);
  await loaderWork(() => checkVerificationLink(context.app, token));
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const token = await linkTokenInForm(request);
  // A refused link (used, expired, suspended account) is thrown, so the boundary shows the same page as the GET's.
  const session = await loaderWork(() => confirmEmail(context.app, token, deviceLabel(request.headers.get("user-agent"))));
  // A new member lands on the welcome page (what Hearth is for, the groups to join).
  return redirect("/welcome?confirmed=email", { headers: { "Set-Cookie": setSessionTokenCookie(session.token, session.expiresAt, context.secure) } });
}

export default function VerifyEmail() {
  const { token } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="verify-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="verify-title" className="text-3xl">
        Confirm your e-mail address
      </h1>
      <p>One step left: press the button to confirm this address is yours. You will be signed in on this device.</p>
      <ConfirmLinkForm token={token} label="Confirm my e-mail address" />
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary(AGAIN);
