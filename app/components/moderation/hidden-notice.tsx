import type { ReactNode } from "react";
import { HIDDEN_NOTICE } from "#app/modules/moderation/auto-hide";

/**
 * In place of auto-hidden content (reported by enough members): the notice alone for readers, or the
 * notice above the content for the group's moderators (`children`), who review it where it is.
 */
export function HiddenNotice({ children }: { children?: ReactNode }) {
  return (
    <div>
      <p className="rounded border border-amber-700 bg-amber-50 px-3 py-2 text-stone-900 dark:border-amber-400 dark:bg-stone-800 dark:text-stone-100">
        {HIDDEN_NOTICE}
      </p>
      {children ? <div className="mt-2">{children}</div> : null}
    </div>
  );
}
