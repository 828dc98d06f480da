import { Form } from "@remix-run/react";
import { Button } from "#app/components/ui/button";
import { HELD_THANKS } from "#app/modules/safety/held.schema";

export interface PendingItem {
  id: string;
  label: string;
}

/**
 * The author's own writing that waits for a moderator (only they ever see it): the thanks after a
 * held post, and "Waiting for review: <title or first line> · Withdraw" for each item.
 */
export function HeldPending({ items, thanks }: { items: PendingItem[]; thanks: boolean }) {
  if (!thanks && items.length === 0) return null;
  return (
    <section id="held" aria-labelledby="held-title" className="space-y-3 rounded-lg border-2 border-amber-700 bg-amber-50 p-4 text-amber-950 dark:bg-amber-950 dark:text-amber-50" tabIndex={-1}>
      <h2 id="held-title" className="text-xl">
        Waiting for a moderator
      </h2>
      {thanks ? <p>{HELD_THANKS}</p> : null}
      {items.length > 0 ? (
        <ul className="space-y-2">
          {items.map((item) => (
            <li key={item.id} className="flex flex-wrap items-center gap-2">
              <span>
                Waiting for review: <span className="font-semibold">{item.label}</span>
              </span>
              <span aria-hidden="true">·</span>
              <Form method="post" preventScrollReset>
                <input type="hidden" name="intent" value="withdraw-held" />
                <input type="hidden" name="heldId" value={item.id} />
                <Button type="submit" variant="secondary" aria-label={`Withdraw “${item.label}”`}>
                  Withdraw
                </Button>
              </Form>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
