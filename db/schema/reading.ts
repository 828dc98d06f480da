import { bigint, index, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { chatRooms } from "./chat";
import { threads } from "./forums";
import { notificationLevel } from "./groups";

/** A member's level for one thread. Starting or replying sets "watching" (reason says why); the member may change it. */
export const threadFollows = pgTable(
  "thread_follows",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    level: notificationLevel("level").notNull(),
    /** created | replied | mentioned | chosen: an automatic follow never overrides a chosen level. */
    reason: text("reason").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] }), index("thread_follows_thread_level_idx").on(t.threadId, t.level)],
);

/**
 * Per member and thread, the last post read, as its (created_at, id) keyset position: the unread
 * posts are those after it, counted with the posts' (thread_id, created_at, id) index, one query per list.
 */
export const threadReads = pgTable(
  "thread_reads",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    lastReadPostId: text("last_read_post_id").notNull(),
    lastReadAt: timestamp("last_read_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.threadId] }), index("thread_reads_thread_id_idx").on(t.threadId)],
);

/** Per member and chat room, the last message seq read: unread = room.last_seq − last_read_seq. */
export const roomReads = pgTable(
  "room_reads",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    roomId: text("room_id")
      .notNull()
      .references(() => chatRooms.id, { onDelete: "cascade" }),
    lastReadSeq: bigint("last_read_seq", { mode: "number" }).notNull().default(0),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId] }), index("room_reads_room_id_idx").on(t.roomId)],
);
