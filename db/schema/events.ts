import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { groups } from "./groups";
import { organizations } from "./organizations";

export const eventFormat = pgEnum("event_format", ["online", "in_person", "hybrid"]);
export const eventStatus = pgEnum("event_status", ["scheduled", "cancelled"]);
export const rsvpStatus = pgEnum("rsvp_status", ["going", "waitlisted", "cancelled"]);

export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    /** Optional: an event of one of the organization's groups (private groups' events stay private). */
    groupId: text("group_id").references(() => groups.id, { onDelete: "set null" }),
    title: text("title").notNull(),
    /** Markdown source; rendered through app/lib/markdown.server.ts. */
    description: text("description").notNull().default(""),
    /** UTC instants; the wall-clock time is startsAt seen in timeZone. */
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull(),
    endsAt: timestamp("ends_at", { withTimezone: true }).notNull(),
    /** IANA zone the organizer planned in (Europe/Berlin). */
    timeZone: text("time_zone").notNull(),
    format: eventFormat("format").notNull(),
    location: text("location"),
    /** Shown only to members who are going and to organizers (policy: event.viewOnlineLink). */
    onlineUrl: text("online_url"),
    capacity: integer("capacity"),
    registrationDeadline: timestamp("registration_deadline", { withTimezone: true }),
    status: eventStatus("status").notNull().default("scheduled"),
    /** Bumped under the row lock for every RSVP: the order of RSVPs, and so of the waitlist. */
    rsvpSeq: bigint("rsvp_seq", { mode: "number" }).notNull().default(0),
    /** iCalendar SEQUENCE: bumped in the same update as every change a calendar app shows. */
    sequence: integer("sequence").notNull().default(0),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    cancelledAt: timestamp("cancelled_at", { withTimezone: true }),
    cancelledBy: text("cancelled_by").references(() => users.id, { onDelete: "set null" }),
    /** Reminders sent (the sweep's idempotency; cleared when the start time changes). */
    reminder24hSentAt: timestamp("reminder_24h_sent_at", { withTimezone: true }),
    reminder1hSentAt: timestamp("reminder_1h_sent_at", { withTimezone: true }),
  },
  (t) => [
    // Listing: upcoming/past by start time, keyset on (starts_at, id), optionally per group or organization.
    index("events_starts_at_id_idx").on(t.startsAt, t.id),
    index("events_group_starts_idx").on(t.groupId, t.startsAt, t.id),
    index("events_organization_starts_idx").on(t.organizationId, t.startsAt, t.id),
    index("events_created_by_idx").on(t.createdBy),
    index("events_cancelled_by_idx").on(t.cancelledBy),
    check("events_ends_after_start", sql`${t.endsAt} > ${t.startsAt}`),
    check("events_capacity_positive", sql`${t.capacity} is null or ${t.capacity} >= 1`),
  ],
);

export const eventRsvps = pgTable(
  "event_rsvps",
  {
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    status: rsvpStatus("status").notNull(),
    /** events.rsvp_seq at the time of this RSVP: waitlist order. */
    seq: bigint("seq", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.userId] }),
    index("event_rsvps_user_id_idx").on(t.userId, t.status),
    index("event_rsvps_event_status_seq_idx").on(t.eventId, t.status, t.seq),
  ],
);

/** Per-user secret for the subscribable calendar feed; resetting replaces the token. */
export const calendarFeeds = pgTable(
  "calendar_feeds",
  {
    userId: text("user_id")
      .primaryKey()
      .references(() => users.id, { onDelete: "cascade" }),
    token: text("token").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("calendar_feeds_token_key").on(t.token)],
);

/**
 * Notifications: one row per recipient per subject (app/modules/notifications). In-app always; the
 * e-mail columns say whether and when it is mailed (at once after quiet hours, or in the digest).
 */
export const notifications = pgTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** event_changed | event_cancelled | event_promoted | reply | mention | … (notifications/types.ts) */
    kind: text("kind").notNull(),
    /** The group the subject lives in: the home page and delivery re-check access through it. */
    groupId: text("group_id").references(() => groups.id, { onDelete: "cascade" }),
    /** Who caused it (the replier, the reporter is never named). */
    actorId: text("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** Idempotency per recipient ("reply:<postId>"): a retried job finds the row and adds nothing. */
    dedupeKey: text("dedupe_key"),
    urgent: boolean("urgent").notNull().default(false),
    /** Batched notices (reactions): how many events this row stands for. */
    count: integer("count").notNull().default(1),
    /** null: in-app only; pending → sending → sent; digest → sent; skipped (access lost, preference changed). */
    emailStatus: text("email_status"),
    /** Pending mail is sent from this time on (the end of the member's quiet hours). */
    emailDueAt: timestamp("email_due_at", { withTimezone: true }),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    /** A path inside the app (never an external URL). */
    link: text("link"),
    eventId: text("event_id").references(() => events.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [
    index("notifications_user_created_idx").on(t.userId, t.createdAt, t.id),
    index("notifications_user_unread_idx").on(t.userId).where(sql`${t.readAt} is null`),
    index("notifications_event_id_idx").on(t.eventId),
    uniqueIndex("notifications_user_dedupe_key").on(t.userId, t.dedupeKey),
    index("notifications_group_id_idx").on(t.groupId),
    index("notifications_actor_id_idx").on(t.actorId),
    index("notifications_email_due_idx").on(t.emailDueAt).where(sql`${t.emailStatus} = 'pending'`),
    index("notifications_digest_idx").on(t.userId).where(sql`${t.emailStatus} = 'digest'`),
  ],
);
