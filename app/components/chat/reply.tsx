import { useCallback, useEffect, useRef, useState } from "react";
import { Button } from "#app/components/ui/button";
import { messageAnchor } from "#app/lib/chat-links";
import { reducedMotion } from "#app/lib/preferences";
import type { ChatMessage } from "#app/realtime/events";

/** "Replying to <name>: <excerpt>" above the composer, with Cancel. */
export function ReplyingTo({ message, onCancel }: { message: ChatMessage; onCancel: () => void }) {
  const excerpt = message.body.length > 120 ? `${message.body.slice(0, 120)}…` : message.body;
  return (
    <div className="flex flex-wrap items-center gap-3 rounded-lg border-l-4 border-brand-700 bg-stone-100 p-2 dark:border-brand-100 dark:bg-stone-800" data-testid="chat-replying-to">
      <p className="min-w-0 flex-1 break-words">
        Replying to <span className="font-semibold">{message.author.displayName}</span>: {excerpt}
      </p>
      <Button variant="secondary" onClick={onCancel}>
        Cancel reply
      </Button>
    </div>
  );
}

/**
 * Jumping to one message (a reply's quote, a permalink): if it is not in the list, the page around
 * it replaces the list first; then it is highlighted, scrolled to (no motion when reduced motion is
 * asked) and focused, so a screen reader reads it next.
 */
export function useJump({ messages, around, initial }: { messages: ChatMessage[]; around: (seq: number) => Promise<boolean>; initial: number | null }) {
  const [highlightSeq, setHighlightSeq] = useState<number | null>(initial);
  const [tick, setTick] = useState(initial === null ? 0 : 1);
  const held = useRef(messages);
  held.current = messages;
  useEffect(() => {
    if (tick === 0 || highlightSeq === null) return;
    const el = document.getElementById(messageAnchor(highlightSeq));
    if (!el) return;
    el.scrollIntoView({ block: "center", behavior: reducedMotion() ? "auto" : "smooth" });
    el.focus({ preventScroll: true });
    // Focus once per jump (later renders leave focus where the reader put it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tick]);
  const jumpTo = useCallback(
    async (seq: number) => {
      if (!held.current.some((m) => m.seq === seq) && !(await around(seq))) return;
      setHighlightSeq(seq);
      setTick((t) => t + 1);
    },
    [around],
  );
  const clear = useCallback(() => setHighlightSeq(null), []);
  return { highlightSeq, jumpTo: (seq: number) => void jumpTo(seq), clear };
}
