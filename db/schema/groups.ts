import { boolean, index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { organizations } from "./organizations";

export const groupVisibility = pgEnum("group_visibility", ["public", "private"]);
export const joinPolicy = pgEnum("join_policy", ["open", "approval"]);
export const groupRole = pgEnum("group_role", ["member", "moderator"]);
export const membershipStatus = pgEnum("membership_status", ["active", "pending", "banned"]);

/**
 * How much a member hears about a thread or a group (Discourse's levels, three of them):
 * watching — every reply (thread) or every new thread (group) notifies; normal — unread counts show,
 * only mentions notify; muted — nothing notifies and nothing counts as unread.
 */
export const notificationLevel = pgEnum("notification_level", ["watching", "normal", "muted"]);

export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    /** The group's own rules (Markdown), shown on its page beside the site's guidelines. */
    rules: text("rules").notNull().default(""),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    visibility: groupVisibility("visibility").notNull().default("public"),
    joinPolicy: joinPolicy("join_policy").notNull().default("open"),
    /**
     * Public groups only: visitors and non-members may read the forum; private groups ignore it. The
     * create-group form starts it off; the column's default keeps groups that existed before it readable.
     */
    forumPublic: boolean("forum_public").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("groups_slug_key").on(t.slug),
    index("groups_organization_id_idx").on(t.organizationId),
    index("groups_name_id_idx").on(t.name, t.id),
  ],
);

export const groupMemberships = pgTable(
  "group_memberships",
  {
    groupId: text("group_id")
      .notNull()
      .references(() => groups.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: groupRole("role").notNull().default("member"),
    status: membershipStatus("status").notNull().default("active"),
    mutedUntil: timestamp("muted_until", { withTimezone: true }),
    /** Watching: every new thread notifies; muted: the group's threads never notify or count as new. */
    notificationLevel: notificationLevel("notification_level").notNull().default("normal"),
    /** When the member last opened the group's page: the home page counts what is new since. */
    lastVisitedAt: timestamp("last_visited_at", { withTimezone: true }),
    /** When the row reached its current status (requested, joined, banned). */
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.userId] }),
    index("group_memberships_user_id_idx").on(t.userId),
    // Member lists and pending queues are read per group and status, oldest first.
    index("group_memberships_group_status_created_idx").on(t.groupId, t.status, t.createdAt, t.userId),
  ],
);
