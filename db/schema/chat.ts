import { bigint, boolean, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";

export const chatRooms = pgTable(
  "chat_rooms",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
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
  (t) => [index("chat_rooms_group_id_idx").on(t.groupId, t.createdAt)],
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
    body: text("body").notNull(),
    /** Chosen by the sending client; a retried send with the same id returns the stored message. */
    clientId: text("client_id").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: text("deleted_by").references(() => users.id, { onDelete: "set null" }),
    deletionReason: text("deletion_reason"),
  },
  (t) => [
    uniqueIndex("chat_messages_room_seq_key").on(t.roomId, t.seq),
    uniqueIndex("chat_messages_author_client_key").on(t.authorId, t.clientId),
    // A member's own messages in time order (data export).
    index("chat_messages_author_created_idx").on(t.authorId, t.createdAt, t.id),
  ],
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
