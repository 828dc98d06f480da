import { useFetcher, useSearchParams } from "@remix-run/react";
import type { ActionResult } from "#app/lib/action-result";
import { Button } from "./ui/button";

/**
 * Under the header on every page: for a member whose address is unconfirmed, what waits for it and
 * a "Send the link again" button; after a mailed link was used, the confirmation.
 */
export function AccountBanner({ unverified }: { unverified: boolean }) {
  const resend = useFetcher<ActionResult>();
  const [params] = useSearchParams();
  const done = params.get("confirmed") === "email" ? "Thank you: your e-mail address is confirmed." : params.get("password") === "reset" ? "Your new password is saved. You are signed in here and signed out everywhere else." : null;
  if (!unverified && !done) return null;
  return (
    // A landmark of its own between header and main (axe: all content inside landmarks).
    <aside aria-label="Your account" className="border-b-2 border-amber-700 bg-amber-50 text-stone-900 dark:border-amber-300 dark:bg-stone-900 dark:text-stone-50">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-4 px-4 py-3">
        {done ? (
          <p role="status">{done}</p>
        ) : (
          <>
            <p className="flex-1">
              <strong>Please confirm your e-mail address.</strong> Until then you can read and join groups, but posting, replying, chat and event
              replies wait. Use the link we e-mailed you.
            </p>
            <resend.Form method="post" action="/verify-email/resend">
              <Button type="submit" variant="secondary" disabled={resend.state !== "idle"}>
                {resend.state !== "idle" ? "Sending…" : "Send the link again"}
              </Button>
            </resend.Form>
            <p role={resend.data?.ok === false ? "alert" : "status"} className="w-full">
              {resend.data?.message}
            </p>
          </>
        )}
      </div>
    </aside>
  );
}
