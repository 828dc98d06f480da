import type { StaffRole } from "./staff-role";

/**
 * What chat sends over the wire. Plain types, shared by the chat module (which builds them), the
 * realtime publisher and handlers (which send them) and the browser hook (which receives them).
 * They live in app/lib because app-context.server.ts (the publisher interface) may not import a module.
 */

export interface ChatAuthor {
  id: string;
  displayName: string;
}

/** A message's author, with their staff standing in the room's group (the badge next to the name). */
export interface ChatMessageAuthor extends ChatAuthor {
  staff: StaffRole | null;
}

export interface ChatMessage {
  id: string;
  roomId: string;
  /** Per-room sequence number: gap-free order, the reconnect cursor. */
  seq: number;
  author: ChatMessageAuthor;
  /** Empty when the message was deleted by a moderator. */
  body: string;
  /** The sender's idempotency key, so its own pending copy can be reconciled. */
  clientId: string;
  createdAt: string;
  /** Set when a moderator removed it; the body is never sent again. */
  deleted: { at: string } | null;
}

export interface ChatRoomState {
  id: string;
  name: string;
  locked: boolean;
  archived: boolean;
  slowModeSeconds: number;
  pinned: ChatMessage | null;
}

/** The viewer's standing in a room: what they may do and, when they can't send, why. */
export interface ChatYou {
  canSend: boolean;
  /** Why sending is refused (muted until…, locked, …), for the send box. */
  sendBlockedReason: string | null;
  mutedUntil: string | null;
  canModerate: boolean;
}

export interface ChatPresence {
  roomId: string;
  /** Everyone with at least one socket in the room, by display name (first 100). */
  people: ChatAuthor[];
  count: number;
}

export interface ChatNotice {
  roomId: string;
  message: string;
}

export interface ChatSanction {
  roomId: string;
  mutedUntil: string | null;
  banned: boolean;
  message: string;
}
