import { Form, Link, useRevalidator } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { PageLinks } from "#app/components/ui/page-links";
import { useLiveHeldCount } from "./moderation-link";
import type { QueueFeedback } from "./queue-item";
import { When } from "./when";

export interface HeldItemView {
  id: string;
  kind: "thread" | "post" | "chat_message";
  kindLabel: string;
  title: string | null;
  body: string;
  reason: string;
  createdAt: string;
  authorName: string;
  group: { id: string; name: string; slug: string };
  destination: { label: string; link: string };
}

/** The queue's form key for a held item (each result names the item it answers). */
export const heldKey = (id: string) => `held:${id}`;

/**
 * "Held for review": new members' first posts and watched-word holds, waiting for a moderator
 * (docs/decisions/0020). The heading's count is live (the `queue` socket event); when it differs from
 * the list, a button loads the list again. Each item: Approve, or Reject with a reason the author sees.
 */
export function HeldItems({
  items,
  total,
  pages,
  feedback,
  busy,
}: {
  items: HeldItemView[];
  total: number;
  pages: { previous: string | null; next: string | null };
  feedback: QueueFeedback | null;
  busy: boolean;
}) {
  const live = useLiveHeldCount(total);
  const revalidator = useRevalidator();
  return (
    <section aria-labelledby="held-title" className="space-y-4">
      <h2 id="held-title" className="text-2xl" data-testid="held-heading">
        Held for review ({live})
      </h2>
      {live !== total ? (
        <p>
          <Button variant="secondary" onClick={() => revalidator.revalidate()} disabled={revalidator.state !== "idle"}>
            Show the latest held items
          </Button>
        </p>
      ) : null}
      {items.length === 0 ? <p>Nothing is waiting for review.</p> : null}
      <div className="space-y-6">
        {items.map((item) => (
          <HeldItem key={item.id} item={item} feedback={feedback && feedback.key === heldKey(item.id) ? feedback : null} busy={busy} />
        ))}
      </div>
      <PageLinks label="Pages of held items" previous={pages.previous} next={pages.next} previousText="← Earlier held items" nextText="More held items →" />
    </section>
  );
}

function HeldItem({ item, feedback, busy }: { item: HeldItemView; feedback: QueueFeedback | null; busy: boolean }) {
  const reasonError = feedback && !feedback.ok ? feedback.fieldErrors?.reason?.[0] : undefined;
  const titleId = `held-${item.id}-title`;
  return (
    <article aria-labelledby={titleId} className="space-y-3 rounded-xl border-2 border-amber-600 p-4 dark:border-amber-400" data-testid="held-item">
      <h3 id={titleId} className="text-xl">
        {item.kindLabel} by {item.authorName} in {item.group.name}
      </h3>
      <p>
        <strong>Why it waits:</strong> {item.reason}
      </p>
      <p>
        Written <When iso={item.createdAt} />. Goes to:{" "}
        <Link to={item.destination.link} className="inline-flex min-h-11 items-center">
          {item.destination.label}
        </Link>
      </p>
      {item.title ? <p className="text-lg font-semibold">{item.title}</p> : null}
      <blockquote className="whitespace-pre-wrap break-words border-l-4 border-stone-400 pl-3">{item.body}</blockquote>
      {feedback && !feedback.ok && !feedback.fieldErrors ? (
        <p role="alert" className="font-medium text-red-800 dark:text-red-300">
          {feedback.message}
        </p>
      ) : null}
      <div className="flex flex-wrap items-end gap-4">
        <Form method="post">
          <input type="hidden" name="heldId" value={item.id} />
          <Button type="submit" name="intent" value="approveHeld" disabled={busy}>
            Approve and publish<span className="sr-only">: {item.kindLabel.toLowerCase()} by {item.authorName}</span>
          </Button>
        </Form>
        <Form method="post" className="flex min-w-0 flex-1 flex-col gap-2">
          <input type="hidden" name="heldId" value={item.id} />
          <label htmlFor={`held-${item.id}-reason`} className="font-semibold">
            Reason for rejecting (the author sees it)
          </label>
          <textarea
            id={`held-${item.id}-reason`}
            name="reason"
            rows={2}
            maxLength={500}
            className="w-full rounded-lg border-2 border-stone-500 bg-white px-3 py-2 text-lg text-stone-900 dark:bg-stone-800 dark:text-stone-50"
            aria-invalid={reasonError ? true : undefined}
            aria-describedby={`held-${item.id}-reason-error`}
          />
          <p id={`held-${item.id}-reason-error`} className="font-medium text-red-800 dark:text-red-300">
            {reasonError}
          </p>
          <div>
            <Button type="submit" name="intent" value="rejectHeld" variant="danger" disabled={busy}>
              Reject<span className="sr-only">: {item.kindLabel.toLowerCase()} by {item.authorName}</span>
            </Button>
          </div>
        </Form>
      </div>
    </article>
  );
}
