import { Link } from "@remix-run/react";
import { Button } from "#app/components/ui/button";

/**
 * The gentle, non-blocking prompt an author sees when what they wrote matched a crisis phrase.
 * Their words were published as usual; this only points at help. With `onDismiss` (live chat, where
 * it appears without a page load) it is a polite status region with a "Dismiss" button.
 */
export function CrisisPrompt({ onDismiss }: { onDismiss?: () => void } = {}) {
  return (
    <aside role={onDismiss ? "status" : undefined} aria-labelledby="crisis-prompt-title" className="space-y-2 rounded-xl border-2 border-brand-700 bg-brand-50 p-4 text-stone-900 dark:border-brand-100 dark:bg-stone-900 dark:text-stone-50">
      <h2 id="crisis-prompt-title" className="text-xl">
        You are not alone
      </h2>
      <p>
        Your words have been shared with the group. If you are going through something very hard right now, people are ready to
        listen, day and night.
      </p>
      <p className="flex flex-wrap items-center gap-4">
        <Link to="/help" className="inline-flex min-h-11 items-center font-semibold">
          Get help now
        </Link>
        {onDismiss ? (
          <Button variant="secondary" onClick={onDismiss}>
            Dismiss
          </Button>
        ) : null}
      </p>
    </aside>
  );
}
