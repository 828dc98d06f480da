import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CheckEmailReason } from "#app/modules/accounts/account-mail.schema";

export const meta: MetaFunction = () => [{ title: "Check your e-mail — Hearth" }];

export function loader({ request }: LoaderFunctionArgs) {
  return { reason: CheckEmailReason.parse(new URL(request.url).searchParams.get("for")) };
}

// Worded so it is true whether or not the address has an account: the page must not tell.
const texts: Record<CheckEmailReason, { lead: string; next: string }> = {
  signup: {
    lead: "We have sent a message to the address you gave. Follow the link in it to confirm your address and sign in.",
    next: "If you already have an account with that address, the message tells you how to get back into it instead.",
  },
  reset: {
    lead: "If an account uses that address, we have sent it a link to choose a new password. The link works for 30 minutes.",
    next: "You can close this page; the link opens Hearth again.",
  },
  "signin-link": {
    lead: "If an account uses that address, we have sent it a link to sign in. The link works once, for 15 minutes.",
    next: "Open it on the device you want to sign in on.",
  },
};

export default function CheckEmail() {
  const { reason } = useLoaderData<typeof loader>();
  const text = texts[reason];
  return (
    <section aria-labelledby="check-email-title" className="mx-auto max-w-xl space-y-6">
      <h1 id="check-email-title" className="text-3xl">
        Check your e-mail
      </h1>
      <p>{text.lead}</p>
      <p>{text.next}</p>
      <p>
        Nothing there after a few minutes? Look in your spam folder, or{" "}
        <Link to={reason === "reset" ? "/forgot-password" : reason === "signin-link" ? "/signin/link" : "/signup"} className="inline-flex min-h-11 items-center">
          try again
        </Link>
        .
      </p>
    </section>
  );
}
