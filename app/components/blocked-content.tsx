import { useEffect, useRef, useState, type ReactNode } from "react";
import { Button } from "#app/components/ui/button";

/**
 * Content by someone the reader blocks, collapsed to one line they can open per item (never
 * remembered: the next page load collapses it again). Moderators never get it (blocks don't hide
 * moderation).
 */

const lineClass = "flex flex-wrap items-center gap-x-3 italic text-stone-700 dark:text-stone-300";

/** Chat (live, so client state): a button that says whether the message is shown. */
export function BlockedToggle({ id, shown, onToggle, what = "Message" }: { id: string; shown: boolean; onToggle: () => void; what?: string }) {
  return (
    <p className={lineClass} data-testid="blocked-line">
      <span>{what} from someone you blocked</span>
      <Button id={id} variant="quiet" aria-expanded={shown} onClick={onToggle} className="px-3 not-italic">
        {shown ? "Hide" : "Show"}
      </Button>
    </p>
  );
}

/**
 * A chat message's collapse state: per message (`key`), collapsed whenever its author is blocked.
 * The open and closed item are different elements, so the button keeps focus by its id after a toggle.
 */
export function useBlockedCollapse(blocked: boolean, key: string) {
  const [shown, setShown] = useState(false);
  const toggled = useRef(false);
  const id = `blocked-toggle-${key}`;
  useEffect(() => {
    if (!toggled.current) return;
    toggled.current = false;
    document.getElementById(id)?.focus();
  }, [shown, id]);
  const onToggle = () => {
    toggled.current = true;
    setShown((s) => !s);
  };
  return { collapsed: blocked && !shown, toggle: blocked ? <BlockedToggle id={id} shown={shown} onToggle={onToggle} /> : null };
}

/** Forum posts (server-rendered, so no JS needed): a native disclosure around the whole post. */
export function BlockedDisclosure({ id, what = "Post", children }: { id?: string; what?: string; children: ReactNode }) {
  return (
    <details id={id} className="group rounded-xl border-2 border-stone-200 p-2 dark:border-stone-700" data-testid="blocked-post">
      <summary className={`${lineClass} min-h-11 cursor-pointer rounded-lg px-2`}>
        <span>{what} from someone you blocked</span>
        <span className="font-semibold not-italic text-brand-800 underline underline-offset-2 dark:text-brand-100">
          <span className="group-open:hidden">Show</span>
          <span className="hidden group-open:inline">Hide</span>
        </span>
      </summary>
      <div className="mt-2">{children}</div>
    </details>
  );
}
