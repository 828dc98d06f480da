import type { MetaFunction } from "@remix-run/node";
import { ButtonLink } from "#app/components/ui/button";

/** Where a deleted account lands, signed out (settings.delete clears the cookie). Static: nothing to load. */

export const meta: MetaFunction = () => [{ title: "Account deleted — Hearth" }];

export default function AccountDeleted() {
  return (
    <section aria-labelledby="deleted-title" className="max-w-2xl space-y-5">
      <h1 id="deleted-title" className="text-3xl">
        Your account has been deleted
      </h1>
      <p className="text-lg">
        Your e-mail address, password and settings are erased, and you are signed out on every device. What you chose for your posts and chat messages
        has been done.
      </p>
      <p className="text-lg">Thank you for being part of Hearth. Take care.</p>
      <ButtonLink to="/" variant="secondary">
        Go to the home page
      </ButtonLink>
    </section>
  );
}
