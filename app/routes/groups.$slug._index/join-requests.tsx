import { useFetcher } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { type ActionResult } from "#app/lib/action-result";

interface Request {
  userId: string;
  displayName: string;
  requestedAt: string;
}

/** The moderator's queue of people asking to join, oldest first. */
export function JoinRequests({ slug, requests }: { slug: string; requests: Request[] }) {
  return (
    <section aria-labelledby="requests-title" className="space-y-4 rounded-xl border-2 border-brand-100 bg-white p-5 dark:border-stone-700 dark:bg-stone-950">
      <h2 id="requests-title" className="text-2xl">
        Requests to join
      </h2>
      {requests.length === 0 ? <p>No one is waiting right now.</p> : null}
      <ul className="space-y-3">
        {requests.map((r) => (
          <JoinRequestRow key={r.userId} slug={slug} request={r} />
        ))}
      </ul>
    </section>
  );
}

function JoinRequestRow({ slug, request }: { slug: string; request: Request }) {
  const fetcher = useFetcher<ActionResult>();
  const busy = fetcher.state !== "idle";
  const asked = new Date(request.requestedAt);
  return (
    <li className="flex flex-wrap items-center gap-3">
      <span className="font-semibold">{request.displayName}</span>
      <span className="text-base text-stone-700 dark:text-stone-300">
        asked on <time dateTime={request.requestedAt}>{asked.toISOString().slice(0, 10)}</time>
      </span>
      <fetcher.Form method="post" action={`/groups/${slug}/membership`} className="flex gap-2">
        <input type="hidden" name="userId" value={request.userId} />
        <input type="hidden" name="returnTo" value={`/groups/${slug}`} />
        <Button type="submit" name="intent" value="approve" disabled={busy}>
          Approve<span className="sr-only"> {request.displayName}</span>
        </Button>
        <Button type="submit" name="intent" value="decline" variant="secondary" disabled={busy}>
          Decline<span className="sr-only"> {request.displayName}</span>
        </Button>
      </fetcher.Form>
      <span role="status">{fetcher.data && !fetcher.data.ok ? fetcher.data.message : null}</span>
    </li>
  );
}
