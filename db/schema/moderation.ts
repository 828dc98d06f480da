import { sql } from "drizzle-orm";
import { index, jsonb, pgEnum, pgTable, text, timestamp, unique, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";

export const reportTargetType = pgEnum("report_target_type", ["thread", "post", "chat_message", "user"]);
export const reportReason = pgEnum("report_reason", ["spam", "harassment", "medical_misinformation", "crisis", "other", "watched_word"]);
export const reportStatus = pgEnum("report_status", ["open", "dismissed", "actioned", "escalated"]);

/**
 * A report still waiting for a moderator (open, or escalated to the site's admins), written out as
 * literals: reports_queue_idx covers exactly these rows, and a filter with bound parameters
 * (`status in ($1, $2)`) could not use it in a generic plan.
 */
export const reportWaits = (status: AnyPgColumn) => sql`${status} in ('open', 'escalated')`;

export const reports = pgTable(
  "reports",
  {
    id: text("id").primaryKey(),
    targetType: reportTargetType("target_type").notNull(),
    targetId: text("target_id").notNull(),
    /** The group the content lives in, so each group's moderators see their own queue. */
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /** NULL: raised automatically (a watched word's "flag"), one per piece of content and group. */
    reporterId: text("reporter_id").references(() => users.id, { onDelete: "cascade" }),
    reason: reportReason("reason").notNull(),
    details: text("details").notNull().default(""),
    status: reportStatus("status").notNull().default("open"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: text("resolved_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    // One report per person per piece of content per group: a person (target "user") reported in two
    // groups has one report in each, for each group's own moderators (nulls equal: one site-level report).
    unique("reports_target_reporter_group_key").on(t.targetType, t.targetId, t.reporterId, t.groupId).nullsNotDistinct(),
    // The queue reads open and escalated reports only; resolved ones are most rows and never read by
    // group, so they stay out of this index (a site's history must not slow its moderators' queue).
    index("reports_queue_idx").on(t.groupId, t.createdAt).where(reportWaits(t.status)),
    index("reports_reporter_id_idx").on(t.reporterId),
  ],
);

/**
 * The moderation audit log. Append-only: the app has no update or delete path for it.
 * `action` is a dotted name such as "thread.lock" or "chat.mute".
 */
export const moderationActions = pgTable(
  "moderation_actions",
  {
    id: text("id").primaryKey(),
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id").notNull(),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /** Whose content or account the action concerns. */
    subjectUserId: text("subject_user_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason").notNull().default(""),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("moderation_actions_group_created_idx").on(t.groupId, t.createdAt),
    index("moderation_actions_subject_idx").on(t.subjectUserId, t.createdAt),
    index("moderation_actions_actor_idx").on(t.actorId),
    // The site-wide audit log is read newest first, filtered by action.
    index("moderation_actions_created_idx").on(t.createdAt, t.id),
  ],
);

export const appealStatus = pgEnum("appeal_status", ["open", "upheld", "overturned"]);

/**
 * A member's appeal against one moderation action that concerned them: at most one per action
 * (unique moderation_action_id). Open appeals go back into the group's moderation queue.
 */
export const appeals = pgTable(
  "appeals",
  {
    id: text("id").primaryKey(),
    moderationActionId: text("moderation_action_id")
      .notNull()
      .references(() => moderationActions.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    body: text("body").notNull(),
    status: appealStatus("status").notNull().default("open"),
    decisionNote: text("decision_note").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: text("resolved_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    uniqueIndex("appeals_moderation_action_key").on(t.moderationActionId),
    index("appeals_queue_idx").on(t.groupId, t.status, t.createdAt),
    index("appeals_user_id_idx").on(t.userId),
    index("appeals_resolved_by_idx").on(t.resolvedBy),
  ],
);
