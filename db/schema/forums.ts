import { sql, type SQL } from "drizzle-orm";
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";
import { tsvector } from "./types";

/**
 * A thread is a title plus its posts; the opening post is the first row in `posts`
 * (is_opening = true), so edit, delete, react, report and search treat every post alike.
 */
export const threads = pgTable(
  "threads",
  {
    id: text("id").primaryKey(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    pinned: boolean("pinned").notNull().default(false),
    locked: boolean("locked").notNull().default(false),
    /** In a group whose forum visitors may read: the author kept this thread to the group's members. */
    membersOnly: boolean("members_only").notNull().default(false),
    replyCount: integer("reply_count").notNull().default(0),
    lastActivityAt: timestamp("last_activity_at", { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Soft delete: by the author (deleted_by = author) or a moderator (with a reason). */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: text("deleted_by").references(() => users.id, { onDelete: "set null" }),
    deletionReason: text("deletion_reason"),
    /** Auto-hidden pending review (reported by enough members); a moderator's decision clears it. */
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
    search: tsvector("search").generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${threads.title})`),
  },
  (t) => [
    // The thread list: pinned first, then most recent activity; keyset on (pinned, last_activity_at, id).
    index("threads_group_list_idx").on(t.groupId, t.pinned.desc(), t.lastActivityAt.desc(), t.id.desc()),
    index("threads_author_id_idx").on(t.authorId),
    index("threads_search_idx").using("gin", t.search),
    // Search: the newest threads whose title matches a common word, walked backwards (search.server.ts).
    index("threads_created_idx").on(t.createdAt, t.id),
  ],
);

export const posts = pgTable(
  "posts",
  {
    id: text("id").primaryKey(),
    threadId: text("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    isOpening: boolean("is_opening").notNull().default(false),
    body: text("body").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    deletedBy: text("deleted_by").references(() => users.id, { onDelete: "set null" }),
    deletionReason: text("deletion_reason"),
    /** Auto-hidden pending review (reported by enough members); a moderator's decision clears it. */
    hiddenAt: timestamp("hidden_at", { withTimezone: true }),
    search: tsvector("search").generatedAlwaysAs((): SQL => sql`to_tsvector('english', ${posts.body})`),
  },
  (t) => [
    // Replies in order, keyset on (created_at, id).
    index("posts_thread_created_idx").on(t.threadId, t.createdAt, t.id),
    // A member's own posts in time order (data export, profile page): keyset pages stay index scans.
    index("posts_author_created_idx").on(t.authorId, t.createdAt, t.id),
    index("posts_search_idx").using("gin", t.search),
    // Search: the newest posts matching a common word, walked backwards (search.server.ts).
    index("posts_created_idx").on(t.createdAt, t.id),
  ],
);

export const reactionKind = pgEnum("reaction_kind", ["helpful", "hug", "same_here"]);

export const reactions = pgTable(
  "reactions",
  {
    postId: text("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: reactionKind("kind").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.postId, t.userId, t.kind] }), index("reactions_user_id_idx").on(t.userId)],
);
