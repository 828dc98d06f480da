import { Link } from "@remix-run/react";
import { chatMoveHref, messageAnchor, type RoomAddress } from "#app/lib/chat-links";
import type { ChatMessage } from "#app/realtime/events";

/**
 * A line the app left in the room (kind "system": messages were moved to the forum). Not a message:
 * no author line, no options, set apart in its own style; the thread's title is the link.
 */
export function SystemLine({ message }: { message: ChatMessage }) {
  const system = message.system;
  return (
    <li
      id={messageAnchor(message.seq)}
      tabIndex={-1}
      data-seq={message.seq}
      data-testid="chat-system-line"
      className="my-2 rounded-lg border-2 border-dashed border-stone-400 bg-stone-100 px-3 py-2 text-base focus:outline-none focus-visible:ring-4 focus-visible:ring-brand-700 dark:border-stone-500 dark:bg-stone-800"
    >
      {system ? (
        <>
          {system.messageCount} {system.messageCount === 1 ? "message was" : "messages were"} moved to the forum:{" "}
          <Link to={system.href} className="inline-flex min-h-11 items-center font-semibold underline underline-offset-2">
            {system.title}
          </Link>
        </>
      ) : (
        message.body
      )}
    </li>
  );
}

/** Under a message a moderator moved: where it went. */
export function MovedNote({ message }: { message: ChatMessage }) {
  if (!message.movedTo) return null;
  return (
    <p className="text-base">
      <Link to={message.movedTo.href} className="inline-flex min-h-11 items-center underline underline-offset-2" data-testid="chat-moved-link">
        Moved to the forum<span className="sr-only">: open the thread</span>
      </Link>
    </p>
  );
}

/** The moderator's "Move to forum" entry in a message's options (group rooms only: a direct conversation has no forum). */
export function MoveToForumLink({ message, room }: { message: ChatMessage; room: RoomAddress }) {
  if (!room.groupSlug || message.kind === "system" || message.movedTo || message.deleted) return null;
  return (
    <Link
      to={chatMoveHref(room, message.id)}
      className="inline-flex min-h-11 min-w-11 items-center rounded-lg border-2 border-stone-500 px-4 font-semibold focus-visible:ring-4 focus-visible:ring-brand-700"
    >
      Move to forum<span className="sr-only"> (the message from {message.author.displayName} and its replies)</span>
    </Link>
  );
}
