import { useFetcher } from "@remix-run/react";
import { useId } from "react";
import { Button } from "#app/components/ui/button";
import type { ActionResult } from "#app/lib/action-result";

export type FollowLevel = "watching" | "normal" | "muted";

const SENTENCES: Record<"thread" | "group", Record<FollowLevel, string>> = {
  thread: {
    watching: "You get a notification for every reply.",
    normal: "New replies show as “new” in the thread list, without a notification.",
    muted: "No notifications, and the thread never shows as new.",
  },
  group: {
    watching: "You get a notification for every new thread, and replies in threads you follow.",
    normal: "You get notifications for replies in threads you follow.",
    muted: "Nothing in this group notifies you or shows as new, unless you choose a level for a thread.",
  },
};
const LABELS: Record<FollowLevel, string> = { watching: "Watching", normal: "Normal", muted: "Muted" };

/**
 * Watching / Normal / Muted for a thread or a whole group: a radio group in a small form (posts the
 * `follow` intent to the page's own action), so it works by keyboard and without JavaScript.
 */
export function FollowLevelForm({ scope, level }: { scope: "thread" | "group"; level: FollowLevel }) {
  const fetcher = useFetcher<ActionResult>();
  const id = useId();
  const busy = fetcher.state !== "idle";
  const failed = fetcher.data && !fetcher.data.ok;
  return (
    <fetcher.Form method="post" preventScrollReset className="space-y-3 rounded-xl border-2 border-stone-200 p-4 dark:border-stone-700">
      <input type="hidden" name="intent" value="follow" />
      <fieldset className="space-y-2">
        <legend className="text-lg font-semibold">{scope === "thread" ? "Notifications for this thread" : "Notifications for this group"}</legend>
        {(Object.keys(LABELS) as FollowLevel[]).map((value) => (
          // The whole label is the target (≥ 44 px), the radio inside it.
          <label key={value} htmlFor={`${id}-${value}`} className="flex min-h-11 items-start gap-3">
            <input
              type="radio"
              id={`${id}-${value}`}
              name="level"
              value={value}
              defaultChecked={value === level}
              aria-describedby={`${id}-${value}-hint`}
              className="mt-1 h-6 w-6 shrink-0"
            />
            <span className="flex flex-col">
              <span className="font-semibold">{LABELS[value]}</span>
              <span id={`${id}-${value}-hint`} className="text-base">
                {SENTENCES[scope][value]}
              </span>
            </span>
          </label>
        ))}
      </fieldset>
      <Button type="submit" variant="secondary" disabled={busy}>
        {busy ? "Saving…" : "Save notification level"}
      </Button>
      <p role="status" className={failed ? "text-red-800 dark:text-red-300" : ""}>
        {fetcher.state === "idle" ? fetcher.data?.message : null}
      </p>
    </fetcher.Form>
  );
}
