import type { Database } from "#db/client";
import type { ChatMessage, ChatMessageEdited, ChatNotice, ChatReactionChanged, ChatRoomState, ChatSanction } from "./chat-wire";
import type { Config } from "./config.server";
import type { RateLimiter } from "./rate-limit.server";
import type { JobQueue } from "#app/modules/jobs/queue.server";
import type { Mailer } from "#app/modules/mail/mailer.server";
import type { LiveNotification } from "#app/modules/notifications/types";

/**
 * What chat needs to tell live clients. Every call goes through the Socket.IO adapter, so with
 * REDIS_URL set it reaches the sockets on every node. Called only after the change has committed.
 */
export interface ChatPublisher {
  messageCreated(message: ChatMessage): void;
  /** `byAuthor`: the author deleted it themselves ("deleted by its author"), else a moderator removed it. */
  messageDeleted(event: { roomId: string; messageId: string; seq: number; byAuthor?: boolean }): void;
  messageEdited(event: ChatMessageEdited): void;
  reactionChanged(event: ChatReactionChanged): void;
  roomUpdated(room: ChatRoomState): void;
  notice(notice: ChatNotice): void;
  /** Tell one person (all their sockets) about a mute or ban that concerns them. */
  sanctioned(userId: string, sanction: ChatSanction): void;
  /**
   * Make every socket of this user leave these rooms at once, on every node: one adapter broadcast
   * (modules/groups/access.server.ts calls it for every loss of access to a group). Resolves once
   * the change is announced to every node over the database, so nothing sent after it reaches them
   * (even while Redis is away): await it before answering the person who made the change.
   */
  removeFromRooms(userId: string, roomIds: readonly string[]): void | Promise<void>;
}

/** What live clients need to hear from domain code; server.ts supplies the Socket.IO-backed one. */
export interface RealtimePublisher {
  /** Disconnect every socket opened with this session (sign-out). */
  disconnectSession(sessionId: string): void;
  /** Disconnect every socket of this user (suspension, password change); resolves like removeFromRooms. */
  disconnectUser(userId: string): void | Promise<void>;
  chat: ChatPublisher;
  /** Tell every open tab of this member about a new notification, with their new unread count. */
  notify(userId: string, event: { notification: LiveNotification | null; unread: number }): void;
  /** Tell the member's own open tabs whom they block now (after a block or unblock): open rooms collapse at once. */
  blocksChanged(userId: string, blockedIds: string[]): void;
  /** Tell a moderator's open tabs how many held items wait in their queue now (the header's and the queue page's count). */
  queueChanged(userId: string, event: { held: number }): void;
}

/** The time domain code acts at; tests move it (reminders, digests, quiet hours), never wait for it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export const noopPublisher: RealtimePublisher = {
  disconnectSession() {},
  disconnectUser() {},
  notify() {},
  blocksChanged() {},
  queueChanged() {},
  chat: {
    messageCreated() {},
    messageDeleted() {},
    messageEdited() {},
    reactionChanged() {},
    roomUpdated() {},
    notice() {},
    sanctioned() {},
    removeFromRooms() {},
  },
};

/** The per-process dependencies every domain module takes as its first argument. */
export interface AppContext {
  db: Database;
  config: Config;
  limiter: RateLimiter;
  realtime: RealtimePublisher;
  /** SMTP or the outbox folder (app/modules/mail): send through sendMail, never directly. */
  mail: Mailer;
  /** Background jobs (app/modules/jobs), shared by every node through the database. */
  jobs: JobQueue;
  clock: Clock;
}
