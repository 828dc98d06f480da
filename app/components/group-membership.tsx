import { Link, useFetcher } from "@remix-run/react";
import { useRef } from "react";
import { useSettled } from "./use-settled";
import { Button, buttonClass } from "./ui/button";
import { type ActionResult } from "#app/lib/action-result";

export interface MembershipState {
  slug: string;
  name: string;
  membership: { role: "member" | "moderator"; status: "active" | "pending" | "banned" } | null;
  permissions: { join: boolean; requestJoin: boolean; leave: boolean };
}


/**
 * Join / request / withdraw for one group. Works without JavaScript (plain POST + redirect back);
 * with it, stays on the page, announces the result and keeps the keyboard focus on the new control
 * (the pressed button is replaced, e.g. Join → Leave). Leaving is a link to a confirmation page.
 */
export function MembershipControls({ group, signedIn, returnTo }: { group: MembershipState; signedIn: boolean; returnTo: string }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const status = group.membership?.status ?? null;
  const action = `/groups/${group.slug}/membership`;
  const box = useRef<HTMLDivElement>(null);
  const result = useRef<HTMLParagraphElement>(null);
  useSettled(busy, () => {
    // The pressed button was disabled or replaced, which drops focus to the page body.
    const active = document.activeElement;
    if (active && active !== document.body) return;
    const control = box.current?.querySelector<HTMLElement>("button:not([disabled]), a[href]");
    (control ?? result.current)?.focus();
  });

  let label: string | null = null;
  let intent: "join" | "leave" | null = null;
  let variant: "primary" | "secondary" = "primary";
  if (group.permissions.join) [label, intent] = ["Join group", "join"];
  else if (group.permissions.requestJoin) [label, intent] = ["Ask to join", "join"];
  else if (group.permissions.leave && status === "pending") [label, intent, variant] = ["Withdraw request", "leave", "secondary"];
  const leave = group.permissions.leave && status === "active";

  return (
    <div ref={box} className="flex flex-wrap items-center gap-3">
      {status === "active" ? <p className="font-semibold">You are a member{group.membership?.role === "moderator" ? " (moderator)" : ""}.</p> : null}
      {status === "pending" ? <p className="font-semibold">Request pending: a moderator will review it.</p> : null}
      {status === "banned" ? <p className="font-semibold">You can't take part in this group.</p> : null}
      {!signedIn ? (
        <a href={`/signin?redirectTo=${encodeURIComponent(returnTo)}`} className="inline-flex min-h-11 items-center">
          Sign in to join {group.name}
        </a>
      ) : null}
      {label && intent ? (
        <fetcher.Form method="post" action={action}>
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <Button
            type="submit"
            variant={variant}
            disabled={busy}
            aria-label={`${label}: ${group.name}`}
            aria-describedby={`membership-${group.slug}-result`}
          >
            {busy ? "Working…" : label}
          </Button>
        </fetcher.Form>
      ) : null}
      {leave ? (
        <Link to={`/groups/${group.slug}/leave`} className={buttonClass("secondary")}>
          Leave group<span className="sr-only">: {group.name}</span>
        </Link>
      ) : null}
      <p ref={result} tabIndex={-1} id={`membership-${group.slug}-result`} role="status" className={fetcher.data && !fetcher.data.ok ? "text-red-800 dark:text-red-300" : ""}>
        {fetcher.state === "idle" ? fetcher.data?.message : null}
      </p>
    </div>
  );
}
