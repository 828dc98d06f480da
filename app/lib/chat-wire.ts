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

/** The forum's reaction kinds, in the order they are shown. */
export const CHAT_REACTIONS = ["hug", "same_here", "helpful"] as const;
export type ChatReactionKind = (typeof CHAT_REACTIONS)[number];
export const chatReactionLabels: Record<ChatReactionKind, string> = { hug: "Hug", same_here: "Same here", helpful: "Helpful" };

/** One reaction kind on a message. `mine` is the reader's own (false in broadcasts: clients keep theirs). */
export interface ChatReaction {
  kind: ChatReactionKind;
  count: number;
  mine: boolean;
}

/** The quoted line of a reply: enough to show it and to jump to the original (`missing`: removed by retention). */
export type ChatReplyQuote =
  | { id: string; seq: number; authorName: string; excerpt: string; deleted: boolean; missing?: false }
  | { id: string; missing: true };

export interface ChatMessage {
  id: string;
  roomId: string;
  /** Per-room sequence number: gap-free order, the reconnect cursor. */
  seq: number;
  kind: "text" | "voice" | "system";
  author: ChatMessageAuthor;
  /** Empty when the message was deleted. For a voice note, its optional short text note. */
  body: string;
  /** The sender's idempotency key, so its own pending copy can be reconciled. */
  clientId: string;
  createdAt: string;
  /** Set when the author last edited it (moderators can read the earlier versions). */
  editedAt: string | null;
  /** Set when it was deleted, by its author or by a moderator; the body is never sent again. */
  deleted: { at: string; byAuthor: boolean } | null;
  replyTo: ChatReplyQuote | null;
  reactions: ChatReaction[];
  /** A voice note: played from `url` (served through the policy). */
  voice: { url: string; durationMs: number } | null;
  /** A line the app left: messages were moved to a forum thread. */
  system: { type: "moved"; href: string; title: string; messageCount: number } | null;
  /** Set when a moderator moved this message into a forum thread (it stays here, with a link). */
  movedTo: { href: string } | null;
  /**
   * Auto-hidden pending review (reported by enough members). Its body and voice note are sent only to
   * the group's moderators, who see them with the notice; everyone else gets "" and the notice. Absent = false.
   */
  hidden?: boolean;
}

/** A message's edit, as every reader gets it. */
export interface ChatMessageEdited {
  roomId: string;
  messageId: string;
  seq: number;
  body: string;
  editedAt: string;
}

/** A reaction turned on or off, with the kind's new count; `userId` says whose (their client sets `mine`). */
export interface ChatReactionChanged {
  roomId: string;
  messageId: string;
  kind: ChatReactionKind;
  count: number;
  userId: string;
  reacted: boolean;
}

export interface ChatRoomState {
  id: string;
  name: string;
  locked: boolean;
  archived: boolean;
  slowModeSeconds: number;
  pinned: ChatMessage | null;
  /** Messages older than this many days are deleted (pinned kept); null keeps them forever. */
  retentionDays: number | null;
}

/** The viewer's standing in a room: what they may do and, when they can't send, why. */
export interface ChatYou {
  canSend: boolean;
  /** Why sending is refused (muted until…, locked, …), for the send box. */
  sendBlockedReason: string | null;
  mutedUntil: string | null;
  canModerate: boolean;
  /** Members the viewer blocks: their messages show collapsed ("Show" per message). Sent on join; absent = none. */
  blockedIds?: string[];
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
