import { createContext, useContext } from "react";
import type { RoomAddress } from "#app/lib/chat-links";
import type { Ack, ChatMessage, ChatMessageEdited, ChatReactionKind } from "#app/realtime/events";
import type { useRoom } from "#app/realtime/use-room";
import type { ActionKind } from "./action-form";

export type Self = { id: string; displayName: string };

/**
 * What every message in a room needs to know and do, given once by ChatRoom instead of drilled
 * through MessageList into each MessageItem. Features add what they need here (small, stable).
 */
export interface ChatRoomContextValue {
  self: Self;
  /** The room's address, for links (messageHref, roomHref). */
  room: RoomAddress;
  /** Any socket request with its ack (never rejects). */
  request: ReturnType<typeof useRoom>["request"];
  canModerate: boolean;
  canReport: boolean;
  hydrated: boolean;
  pinnedId: string | null;
  /** Opens the reason form (moderator delete, mute, remove, report). */
  onAction: (kind: ActionKind, message: ChatMessage) => void;
  onPin: (message: ChatMessage | null) => void;
  /** Start a reply to this message (the composer shows the quote). */
  onReply: (message: ChatMessage) => void;
  /** Show the message with this seq (loading the page around it if needed) and focus it. */
  jumpTo: (seq: number) => void;
  /** The author edits their message (the list shows the ack's edit at once). */
  edit: (messageId: string, body: string, confirmPersonal?: boolean) => Promise<Ack<ChatMessageEdited & { changed: boolean }>>;
  /** The author deletes their message. */
  deleteOwn: (messageId: string) => Promise<Ack<unknown>>;
  /** The reader may react (the same standing as sending: not muted, room not locked). */
  canReact: boolean;
  /** Sets the reader's reaction (the list shows the ack's count). */
  react: (messageId: string, kind: ChatReactionKind, reacted: boolean) => Promise<Ack<{ count: number; reacted: boolean }>>;
  /** The seq to highlight (opened by a permalink or a quote), or null. */
  highlightSeq: number | null;
  /** Authors the viewer blocks (from room:join): their messages show collapsed, "Show" per message. */
  blockedIds?: readonly string[];
}

const ChatRoomContext = createContext<ChatRoomContextValue | null>(null);

export const ChatRoomProvider = ChatRoomContext.Provider;

export function useChatRoom(): ChatRoomContextValue {
  const value = useContext(ChatRoomContext);
  if (!value) throw new Error("useChatRoom outside a ChatRoomProvider");
  return value;
}
