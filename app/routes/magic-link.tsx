import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ConfirmLinkForm, linkErrorBoundary } from "#app/components/account-links";
import { deviceLabel } from "#app/lib/device-label";
import { loaderWork } from "#app/lib/http.server";
import { linkTokenInForm, linkTokenInUrl } from "#app/modules/accounts/link-session.server";
import { checkMagicLink, signInWithMagicLink } from "#app/modules/accounts/magic-link.server";
import { setSessionTokenCookie } from "#app/modules/auth/session.server";

export const meta: MetaFunction = () => [{ title: "Sign in with your link — Hearth" }];

const AGAIN = { to: "/signin/link", label: "Send me a new sign-in link" };

/** Only checks the link: signing in is the button's POST (mail scanners follow GETs). */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = linkTokenInUrl(request);
  await loaderWork(() => checkMagicLink(context.app, token));
  return { token };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const token = await linkTokenInForm(request);
  // A refused link (used, expired, suspended account) is thrown, so the boundary shows the same page as the GET's.
  const session = await loaderWork(() => signInWithMagicLink(context.app, token, deviceLabel(request.headers.get("user-agent"))));
  return redirect("/groups", { headers: { "Set-Cookie": setSessionTokenCookie(session.token, session.expiresAt, context.secure) } });
}

export default function MagicLink() {
  const { token } = useLoaderData<typeof loader>();
  return (
    <section aria-labelledby="magic-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="magic-title" className="text-3xl">
        Sign in to Hearth
      </h1>
      <p>Press the button to sign in on this device. The link then stops working.</p>
      <ConfirmLinkForm token={token} label="Sign in" busyLabel="Signing in…" />
    </section>
  );
}

export const ErrorBoundary = linkErrorBoundary(AGAIN);
