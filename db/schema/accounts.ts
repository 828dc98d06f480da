import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const siteRole = pgEnum("site_role", ["member", "admin"]);
export const accountStatus = pgEnum("account_status", ["active", "suspended"]);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Always stored lower-cased; never shown to other users. */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    /** A pseudonym, unique regardless of case. */
    displayName: text("display_name").notNull(),
    bio: text("bio").notNull().default(""),
    siteRole: siteRole("site_role").notNull().default("member"),
    status: accountStatus("status").notNull().default("active"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_display_name_lower_key").on(sql`lower(${t.displayName})`),
  ],
);

/** Lucia v3 session table (id is the session token itself). */
export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);
