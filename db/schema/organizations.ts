import { check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { users } from "./accounts";

export const organizationRole = pgEnum("organization_role", ["owner", "admin", "moderator"]);

export const organizations = pgTable(
  "organizations",
  {
    id: text("id").primaryKey(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    website: text("website"),
    verifiedAt: timestamp("verified_at", { withTimezone: true }),
    /** Plain text shown on the "Get help now" page: the organization's helplines and crisis contacts. */
    helplines: text("helplines").notNull().default(""),
    /** New-member review: the first N posts and chat messages of a member new to its groups wait for approval (0 = off). */
    newMemberHolds: integer("new_member_holds").notNull().default(0),
    /** Auto-hide: content reported by this many distinct members is hidden pending review. */
    autoHideReports: integer("auto_hide_reports").notNull().default(3),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("organizations_slug_key").on(t.slug),
    check("organizations_new_member_holds_range", sql`${t.newMemberHolds} between 0 and 5`),
    check("organizations_auto_hide_reports_range", sql`${t.autoHideReports} between 1 and 50`),
  ],
);

export const organizationMembers = pgTable(
  "organization_members",
  {
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    role: organizationRole("role").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index("organization_members_user_id_idx").on(t.userId),
  ],
);

// ── organization applications ──────────────────────────────────────────────────────────────
export const organizationApplicationStatus = pgEnum("organization_application_status", ["pending", "verified", "declined"]);

/** Someone asks to register a patient organization; a site admin verifies (creating it) or declines. */
export const organizationApplications = pgTable(
  "organization_applications",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    website: text("website").notNull(),
    description: text("description").notNull(),
    /** How the site admins can reach the organization (never shown to members). */
    contact: text("contact").notNull(),
    applicantId: text("applicant_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: organizationApplicationStatus("status").notNull().default("pending"),
    /** The organization created when the application was verified. */
    organizationId: text("organization_id").references(() => organizations.id, { onDelete: "set null" }),
    decisionNote: text("decision_note").notNull().default(""),
    reviewedBy: text("reviewed_by").references(() => users.id, { onDelete: "set null" }),
    reviewedAt: timestamp("reviewed_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("organization_applications_status_created_idx").on(t.status, t.createdAt, t.id),
    index("organization_applications_applicant_idx").on(t.applicantId),
    index("organization_applications_organization_idx").on(t.organizationId),
    index("organization_applications_reviewed_by_idx").on(t.reviewedBy),
  ],
);
