import { Fragment, useLayoutEffect, useRef, type RefObject } from "react";
import { Button } from "#app/components/ui/button";
import { reducedMotion } from "#app/lib/preferences";
import type { ChatMessage } from "#app/realtime/events";
import type { Pending } from "#app/realtime/use-room";
import { MessageItem } from "./message-item";
import { useChatRoom, type Self } from "./room-context";

export type { Self } from "./room-context";

function PendingItem({ pending, self, onRetry, onDiscard, onEdit }: { pending: Pending; self: Self; onRetry: () => void; onDiscard: () => void; onEdit: () => void }) {
  return (
    <li className="border-b border-stone-200 py-3 dark:border-stone-700" data-testid="chat-pending">
      <div className="flex flex-wrap items-baseline gap-x-3">
        <span className="font-semibold">{self.displayName}</span>
        <span className="text-sm text-stone-700 dark:text-stone-300">
          {{ sending: "Sending…", waiting: "Waiting for the connection: it will be sent when you are back online", failed: "Not sent", held: "Waiting for a moderator's review" }[pending.status]}
        </span>
      </div>
      <p className="whitespace-pre-wrap break-words text-lg text-stone-700 dark:text-stone-300">{pending.body}</p>
      {pending.status === "failed" ? (
        <div className="mt-1 space-y-2">
          <p className="font-medium text-red-800 dark:text-red-300">{pending.error}</p>
          <div className="flex flex-wrap gap-2">
            <Button onClick={onRetry}>Retry</Button>
            <Button variant="secondary" onClick={onEdit}>
              Edit
            </Button>
            <Button variant="quiet" onClick={onDiscard}>
              Discard
            </Button>
          </div>
        </div>
      ) : null}
    </li>
  );
}

/** Before the first message after the reader's last read one: a labelled rule, part of the list so it is read in order. */
function NewMessagesDivider({ label, at }: { label: string; at: RefObject<HTMLLIElement> }) {
  return (
    <li ref={at} className="flex items-center gap-3 py-2 font-semibold text-red-800 dark:text-red-300" data-testid="new-messages-divider">
      <span aria-hidden="true" className="h-0.5 flex-1 bg-current" />
      <span>
        New messages<span className="sr-only"> ({label}) start here</span>
      </span>
      <span aria-hidden="true" className="h-0.5 flex-1 bg-current" />
    </li>
  );
}

/**
 * The room's history and the viewer's own pending sends, in a scrollable region that keeps the
 * newest message in view while the reader is at the bottom (and never yanks them back up).
 */
export function MessageList({
  messages,
  pending,
  self,
  dividerAfter,
  dividerLabel,
  onAtBottom,
  onRetry,
  onDiscard,
  onEdit,
}: {
  messages: ChatMessage[];
  pending: Pending[];
  self: Self;
  /** The divider goes before the first message with a higher seq (null: none). */
  dividerAfter: number | null;
  dividerLabel: string;
  /** Whether the newest message is in view, after every scroll. */
  onAtBottom: (atBottom: boolean) => void;
  onRetry: (pending: Pending) => void;
  onDiscard: (pending: Pending) => void;
  onEdit: (pending: Pending) => void;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const { highlightSeq } = useChatRoom();
  const stick = useRef(true);
  const divider = useRef<HTMLLIElement>(null);
  const placed = useRef(false);
  // Taken to one message (a permalink, a quote): stay there, neither at the divider nor following the newest.
  // (Before the effect below, which reads `stick`.)
  useLayoutEffect(() => {
    if (highlightSeq === null) return;
    stick.current = false;
    placed.current = true;
  }, [highlightSeq]);
  const sentBefore = useRef(pending.length);
  const lastKey = `${messages.at(-1)?.id ?? ""}:${pending.length}`;
  const firstUnread = dividerAfter === null ? undefined : messages.find((m) => m.seq > dividerAfter)?.id;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    // Sending your own message takes you to the newest, wherever you were reading.
    if (pending.length > sentBefore.current) stick.current = true;
    sentBefore.current = pending.length;
    // On opening with unread messages, start at the divider (not the bottom), so they are read in order.
    if (!placed.current && divider.current) {
      el.scrollTop = Math.max(0, divider.current.offsetTop - 8);
      stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    } else if (stick.current) el.scrollTo({ top: el.scrollHeight, behavior: reducedMotion() ? "auto" : "smooth" });
    placed.current = true;
    onAtBottom(stick.current);
  }, [lastKey, onAtBottom, pending.length]);
  return (
    <div
      ref={scroller}
      tabIndex={0}
      role="region"
      aria-label="Message history"
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        onAtBottom(stick.current);
      }}
      className="relative max-h-[60vh] overflow-y-auto rounded-lg border-2 border-stone-300 px-3 dark:border-stone-600"
    >
      {messages.length === 0 && pending.length === 0 ? <p className="py-6">No messages yet. Say hello!</p> : null}
      <ol className="list-none">
        {messages.map((m) => (
          <Fragment key={m.id}>
            {m.id === firstUnread ? <NewMessagesDivider label={dividerLabel} at={divider} /> : null}
            <MessageItem message={m} />
          </Fragment>
        ))}
        {pending.map((p) => (
          <PendingItem key={p.clientId} pending={p} self={self} onRetry={() => onRetry(p)} onDiscard={() => onDiscard(p)} onEdit={() => onEdit(p)} />
        ))}
      </ol>
    </div>
  );
}
