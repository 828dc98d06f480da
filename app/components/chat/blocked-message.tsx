import type { ReactNode } from "react";
import { ButtonLink } from "#app/components/ui/button";
import { useBlockedCollapse } from "#app/components/blocked-content";
import { blockHref } from "#app/lib/block-links";
import { messageAnchor, roomHref } from "#app/lib/chat-links";
import type { ChatMessage } from "#app/realtime/events";
import { useChatRoom } from "./room-context";

/**
 * Blocking in a room: a blocked author's message starts collapsed (by author id, so live messages
 * collapse too; the ids come with room:join), and the options menu offers "Block <name>" (the confirm
 * page, then back to the room, which opens with their messages collapsed).
 */
export function useBlockedMessage(message: ChatMessage) {
  const { blockedIds, canModerate } = useChatRoom();
  // Moderators see what they moderate (the join already sends them none; a live update may not know the room).
  return useBlockedCollapse(!canModerate && !!blockedIds?.includes(message.author.id), message.id);
}

/** The collapsed line in the list's place for the message (its anchor stays, so a permalink still lands). */
export function CollapsedMessage({ message, toggle }: { message: ChatMessage; toggle: ReactNode }) {
  return (
    <li id={messageAnchor(message.seq)} tabIndex={-1} className="border-b border-stone-200 py-2 dark:border-stone-700" data-seq={message.seq} data-testid="chat-message">
      {toggle}
    </li>
  );
}

export function BlockAuthorLink({ message }: { message: ChatMessage }) {
  const { room } = useChatRoom();
  return (
    <ButtonLink to={blockHref(message.author.id, roomHref(room))} variant="secondary">
      Block {message.author.displayName}
    </ButtonLink>
  );
}
