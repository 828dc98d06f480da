import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export const siteRole = pgEnum("site_role", ["member", "admin"]);
export const accountStatus = pgEnum("account_status", ["active", "suspended"]);

export const profileVisibility = pgEnum("profile_visibility", ["members", "nobody"]);

/** Accessibility preferences stored with the account and applied on every device (settings). */
export interface AccountPreferences {
  textSize: 100 | 125 | 150;
  theme: "system" | "light" | "dark" | "contrast";
  reduceMotion: boolean;
  chatSend: "enter" | "ctrl-enter";
  /** Thread-page keyboard shortcuts (app/lib/shortcuts.ts): absent = on with the default keys; read with shortcutSettings(). */
  shortcuts?: { enabled: boolean; keys: Record<string, string> };
}
export const DEFAULT_PREFERENCES: AccountPreferences = { textSize: 100, theme: "system", reduceMotion: false, chatSend: "enter" };

export const dmPolicy = pgEnum("dm_policy", ["nobody", "groups", "anyone"]);

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Always stored lower-cased; never shown to other users. Null once the account is deleted (anonymised). */
    email: text("email"),
    /** Null once the account is deleted. */
    passwordHash: text("password_hash"),
    /** A pseudonym, unique regardless of case. */
    displayName: text("display_name").notNull(),
    /**
     * UTS #39 confusable skeleton of the display name: unique, so look-alike letters can't impersonate
     * someone. Null for rows written before it existed (filled on the next change).
     */
    displayNameSkeleton: text("display_name_skeleton"),
    bio: text("bio").notNull().default(""),
    siteRole: siteRole("site_role").notNull().default("member"),
    status: accountStatus("status").notNull().default("active"),
    /** Null until the address is confirmed by the link we mailed. */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /** Who can open my profile page: members of my groups, or nobody. */
    profileVisibility: profileVisibility("profile_visibility").notNull().default("members"),
    /** Whether I appear in group member lists (moderators of my groups always see me). */
    listedInMembers: boolean("listed_in_members").notNull().default(true),
    preferences: jsonb("preferences").$type<AccountPreferences>().notNull().default(DEFAULT_PREFERENCES),
    /**
     * When the display name was last changed (ISO times, the newest few): renames are rate-limited
     * (accounts/profile.server.ts), and the count must survive a restart and hold on every node.
     */
    displayNameChanges: jsonb("display_name_changes").$type<string[]>().notNull().default([]),
    /** Notification channels per type, quiet hours, time zone, digest hour (app/modules/notifications/settings.ts); {} = defaults. */
    notificationSettings: jsonb("notification_settings").$type<Record<string, unknown>>().notNull().default({}),
    /** When the last daily digest went out: the digest sweep's idempotency. */
    lastDigestAt: timestamp("last_digest_at", { withTimezone: true }),
    /** Who may start a direct conversation with this member: nobody (the default), members of a shared group, anyone signed in. */
    dmPolicy: dmPolicy("dm_policy").notNull().default("nobody"),
    /** Set when the account is deleted (anonymised); the row stays so content and audit keep an id. */
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    uniqueIndex("users_display_name_lower_key").on(sql`lower(${t.displayName})`),
    uniqueIndex("users_display_name_skeleton_key").on(t.displayNameSkeleton),
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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Approximate (updated at most every few minutes): shown in settings, never exact. */
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }).notNull().defaultNow(),
    /** "Firefox on Android": derived from the User-Agent at sign-in; the raw header is not kept. */
    device: text("device").notNull().default(""),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId)],
);

export const accountTokenPurpose = pgEnum("account_token_purpose", [
  "verify_email",
  "reset_password",
  "magic_link",
  "change_email",
  "unsubscribe",
]);

/**
 * Single-use links we mail (verification, reset, magic sign-in, e-mail change). Only the SHA-256 of
 * the token is stored, so a database leak yields no usable link.
 */
export const accountTokens = pgTable(
  "account_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: accountTokenPurpose("purpose").notNull(),
    /** The address the link was sent to (the new address for change_email). */
    email: text("email").notNull(),
    /** What the token is for within its purpose (unsubscribe: the notification type, or "digest"). */
    scope: text("scope"),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("account_tokens_user_idx").on(t.userId, t.purpose)],
);

/** WebAuthn credentials (passkeys); a member may register several and name them. */
export const passkeys = pgTable(
  "passkeys",
  {
    /** The credential id, base64url. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** COSE public key, base64url. */
    publicKey: text("public_key").notNull(),
    counter: bigint("counter", { mode: "number" }).notNull().default(0),
    transports: text("transports").array().notNull().default(sql`'{}'::text[]`),
    deviceType: text("device_type").notNull().default("singleDevice"),
    backedUp: boolean("backed_up").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("passkeys_user_idx").on(t.userId)],
);

/**
 * Outstanding WebAuthn challenges: deleted when used, so a replayed response finds nothing. userId is
 * null for sign-in (the credential names the account).
 */
export const webauthnChallenges = pgTable("webauthn_challenges", {
  id: text("id").primaryKey(),
  userId: text("user_id").references(() => users.id, { onDelete: "cascade" }),
  challenge: text("challenge").notNull(),
  purpose: text("purpose", { enum: ["register", "authenticate", "reauthenticate"] }).notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

export const consentKind = pgEnum("consent_kind", ["terms", "privacy", "guidelines", "health_data"]);

/** What a member agreed to, when, and which version of the text (GDPR Art. 7(1): we must be able to show it). */
export const consents = pgTable(
  "consents",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: consentKind("kind").notNull(),
    version: text("version").notNull(),
    givenAt: timestamp("given_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind, t.version] })],
);

export const dataExportStatus = pgEnum("data_export_status", ["queued", "running", "ready", "failed"]);

/** A member's data export (Art. 15/20): built by a background job, offered for 7 days behind the session. */
export const dataExports = pgTable(
  "data_exports",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: dataExportStatus("status").notNull().default("queued"),
    /** Storage key of the ZIP once ready. */
    storageKey: text("storage_key"),
    sizeBytes: integer("size_bytes"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readyAt: timestamp("ready_at", { withTimezone: true }),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
  },
  (t) => [index("data_exports_user_idx").on(t.userId, t.createdAt)],
);

/**
 * One member blocking another: the blocked person cannot start a direct conversation with or mention
 * the blocker, and their posts and messages are collapsed for the blocker. It never limits moderation.
 */
export const userBlocks = pgTable(
  "user_blocks",
  {
    blockerId: text("blocker_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    blockedId: text("blocked_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.blockerId, t.blockedId] }), index("user_blocks_blocked_idx").on(t.blockedId)],
);
