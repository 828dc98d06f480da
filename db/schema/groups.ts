import { index, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { organizations } from "./organizations";

export const groupVisibility = pgEnum("group_visibility", ["public", "private"]);
export const joinPolicy = pgEnum("join_policy", ["open", "approval"]);
export const groupRole = pgEnum("group_role", ["member", "moderator"]);
export const membershipStatus = pgEnum("membership_status", ["active", "pending", "banned"]);

export const groups = pgTable(
  "groups",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "restrict" }),
    visibility: groupVisibility("visibility").notNull().default("public"),
    joinPolicy: joinPolicy("join_policy").notNull().default("open"),
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
