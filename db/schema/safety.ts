import { index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, unique } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { chatRooms } from "./chat";
import { posts, threads } from "./forums";
import { groups } from "./groups";
import { organizations } from "./organizations";

/**
 * Safety automation (issue 15): watched words, held content awaiting approval, and server drafts.
 * Auto-hidden content is a `hidden_at` column on the content itself; flagged content is a report
 * without a reporter (reports.reporter_id NULL). See docs/decisions/0020-held-content-is-queued-not-published.md.
 */

export const watchedAction = pgEnum("watched_action", ["block", "hold", "flag"]);

/**
 * One watched word or phrase. organization_id NULL: site-wide (site admins). `pattern` is stored
 * normalised (lower case, accents removed, single spaces; letters, digits, spaces and `*` only), so
 * the unique key catches "Cure" and "cure" alike. Never a regular expression.
 */
export const watchedWords = pgTable(
  "watched_words",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "cascade" }),
    pattern: text("pattern").notNull(),
    action: watchedAction("action").notNull(),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("watched_words_org_pattern_key").on(t.organizationId, t.pattern).nullsNotDistinct()],
);

export const heldKind = pgEnum("held_kind", ["thread", "post", "chat_message"]);
export const heldReason = pgEnum("held_reason", ["new_member", "watched_word"]);
export const heldStatus = pgEnum("held_status", ["pending", "approved", "rejected"]);

/** What a held item needs to be published later through the ordinary write path. */
export interface HeldPayload {
  /** Chat: the sender's idempotency key and the message replied to. */
  clientId?: string;
  replyToId?: string | null;
  /** Threads: the author chose "members only". */
  membersOnly?: boolean;
}

/**
 * A thread, reply or chat message held for a moderator's approval (Discourse's queued post): it is
 * not in threads/posts/chat_messages until approved, so no read path can leak it. Approve publishes
 * it through the ordinary write path (published_id is the new row) and tells the author; reject
 * tells the author why.
 */
export const heldContent = pgTable(
  "held_content",
  {
    id: text("id").primaryKey(),
    kind: heldKind("kind").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    authorId: text("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Replies: the thread replied to. */
    threadId: text("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    /** Chat messages: the room. */
    roomId: text("room_id").references(() => chatRooms.id, { onDelete: "cascade" }),
    /** Threads: the title. */
    title: text("title"),
    body: text("body").notNull(),
    payload: jsonb("payload").$type<HeldPayload>().notNull().default({}),
    reason: heldReason("reason").notNull(),
    /** The watched words that matched (normalised patterns), for the moderator. */
    matched: jsonb("matched").$type<string[]>().notNull().default([]),
    status: heldStatus("status").notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: text("resolved_by").references(() => users.id, { onDelete: "set null" }),
    /** Rejected: the reason the author is told. */
    rejectReason: text("reject_reason").notNull().default(""),
    /** Approved: the thread, post or chat message id it became. */
    publishedId: text("published_id"),
  },
  (t) => [
    index("held_content_queue_idx").on(t.groupId, t.status, t.createdAt),
    index("held_content_author_idx").on(t.authorId, t.status, t.createdAt),
  ],
);

/**
 * A server draft, saved while the person types: a new thread in a group (key `thread:<groupId>`),
 * a reply (`reply:<threadId>`) or an edit (`edit:<postId>`). One per person and key; deleted when
 * posted or dismissed. Listed on the home page.
 */
export const drafts = pgTable(
  "drafts",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    threadId: text("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    postId: text("post_id").references(() => posts.id, { onDelete: "cascade" }),
    title: text("title").notNull().default(""),
    body: text("body").notNull().default(""),
    /** Bumped on every save; a save carrying an older revision than the stored one is refused (two tabs). */
    revision: integer("revision").notNull().default(1),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index("drafts_user_updated_idx").on(t.userId, t.updatedAt)],
);
