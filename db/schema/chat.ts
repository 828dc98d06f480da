import { sql, type SQL } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";
import { reactionKind } from "./forums";
import { tsvector } from "./types";

/** A group's room (its members chat), or a direct conversation between 2–8 people who chose it. */
export const chatRoomKind = pgEnum("chat_room_kind", ["group", "direct"]);
/** text: typed; voice: a recorded note (with an optional short text); system: a line the app leaves (a move to the forum). */
export const chatMessageKind = pgEnum("chat_message_kind", ["text", "voice", "system"]);

/** A voice note's stored file (through the library's FileStorage, served through the policy). */
export interface ChatVoice {
  key: string;
  mime: "audio/webm" | "audio/ogg";
  bytes: number;
  durationMs: number;
}
/** What a system line points at: the forum thread messages were moved to. */
export interface ChatSystemData {
  type: "moved";
  threadId: string;
  title: string;
  messageCount: number;
}

export const chatRooms = pgTable(
  "chat_rooms",
  {
    id: text("id").primaryKey(),
    kind: chatRoomKind("kind").notNull().default("group"),
    /** Null exactly for direct conversations (check constraint). */
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /** A group room's name; for a direct conversation "" (the page names it by its members). */
    name: text("name").notNull(),
    /** Delete messages older than this many days (30, 90 or 365; pinned kept); null keeps them forever. */
    retentionDays: integer("retention_days"),
    /** Who started a direct conversation (null for group rooms). */
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    slowModeSeconds: integer("slow_mode_seconds").notNull().default(0),
    locked: boolean("locked").notNull().default(false),
    archivedAt: timestamp("archived_at", { withTimezone: true }),
    /**
     * The last sequence number handed out in this room. Bumped in the inserting transaction, so
     * "everything after seq N" can never skip a message that committed late.
     */
    lastSeq: bigint("last_seq", { mode: "number" }).notNull().default(0),
    pinnedMessageId: text("pinned_message_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("chat_rooms_group_id_idx").on(t.groupId, t.createdAt),
    check("chat_rooms_kind_group_check", sql`(${t.kind} = 'group') = (${t.groupId} is not null)`),
    check("chat_rooms_retention_check", sql`${t.retentionDays} is null or ${t.retentionDays} in (30, 90, 365)`),
  ],
);

/** The people of a direct conversation. Leaving sets left_at (the row stays, so history keeps its author names). */
export const chatRoomMembers = pgTable(
  "chat_room_members",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    joinedAt: timestamp("joined_at", { withTimezone: true }).notNull().defaultNow(),
    leftAt: timestamp("left_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("chat_room_members_user_id_idx").on(t.userId, t.roomId)],
);

export const chatMessages = pgTable(
  "chat_messages",
  {
    id: text("id").primaryKey(),
    roomId: text("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    seq: bigint("seq", { mode: "number" }).notNull(),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: chatMessageKind("kind").notNull().default("text"),
    /** Typed text; for a voice note its optional short note; for a system line its words. */
    body: text("body").notNull(),
    /** The message this one replies to (no foreign key: the quote says "no longer available" once retention removed it). */
    replyToId: text("reply_to_id"),
    voice: jsonb("voice").$type<ChatVoice>(),
    system: jsonb("system").$type<ChatSystemData>(),
    /** Set when the author last edited it; earlier bodies are in chat_message_versions. */
    editedAt: timestamp("edited_at", { withTimezone: true }),
    /** The forum thread a moderator moved this message into (it stays in the room, marked, with a link). */
    movedToThreadId: text("moved_to_thread_id"),
    search: tsvector("search").generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${chatMessages.body})`),
    /** Chosen by the sending client; a retried send with the same id returns the stored message. */
    clientId: text("client_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: text("deleted_by").references(() => users.id, { onDelete: "set null" }),
    deletionReason: text("deletion_reason"),
    /** Auto-hidden pending review (reported by enough members); a moderator's decision clears it. */
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
  },
  (t) => [
    uniqueIndex("chat_messages_room_seq_key").on(t.roomId, t.seq),
    uniqueIndex("chat_messages_author_client_key").on(t.authorId, t.clientId),
    // A member's own messages in time order (data export).
    index("chat_messages_author_created_idx").on(t.authorId, t.createdAt, t.id),
    index("chat_messages_search_idx").using("gin", t.search),
    index("chat_messages_reply_to_idx").on(t.replyToId),
    // The retention sweep: a room's messages older than a cutoff.
    index("chat_messages_room_created_idx").on(t.roomId, t.createdAt),
  ],
);

/** An edited message's earlier bodies, newest last: moderators can read them. */
export const chatMessageVersions = pgTable(
  "chat_message_versions",
  {
    id: text("id").primaryKey(),
    messageId: text("message_id")
      .notNull()
      .references(() => chatMessages.id, { onDelete: "cascade" }),
    /** The body as it was before this edit. */
    body: text("body").notNull(),
    /** When that body was replaced. */
    replacedAt: timestamp("replaced_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("chat_message_versions_message_idx").on(t.messageId, t.replacedAt)],
);

/** Hug / Same here / Helpful on a chat message (the forum's reaction kinds). */
export const chatReactions = pgTable(
  "chat_reactions",
  {
    messageId: text("message_id")
      .notNull()
      .references(() => chatMessages.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: reactionKind("kind").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.userId, t.kind] }), index("chat_reactions_user_id_idx").on(t.userId)],
);

/** Per-room sanctions: a mute until a time, or a ban. */
export const chatRoomSanctions = pgTable(
  "chat_room_sanctions",
  {
    roomId: text("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    mutedUntil: timestamp("muted_until", { withTimezone: true }),
    bannedAt: timestamp("banned_at", { withTimezone: true }),
    reason: text("reason"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.roomId, t.userId] }), index("chat_room_sanctions_user_id_idx").on(t.userId)],
);
