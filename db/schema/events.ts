import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { chatRooms } from "./chat";
import { threads } from "./forums";
import { groups } from "./groups";
import { organizations } from "./organizations";

export const eventFormat = pgEnum("event_format", ["online", "in_person", "hybrid"]);
export const eventStatus = pgEnum("event_status", ["scheduled", "cancelled"]);
/** going and waitlisted hold or wait for a place; maybe and not_going never take one (decision 0021). */
export const rsvpStatus = pgEnum("rsvp_status", ["going", "waitlisted", "cancelled", "maybe", "not_going"]);

/**
 * A recurring series: the rule and the zone its wall-clock times live in. Every occurrence is an
 * ordinary events row with series_id (capacity, waitlist, RSVPs and notices work per occurrence).
 * "This and following" splits a series: the old one gets an UNTIL, the new one starts at the occurrence.
 */
export const eventSeries = pgTable(
  "event_series",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id")
      .notNull()
      .references(() => organizations.id, { onDelete: "cascade" }),
    groupId: text("group_id").references(() => groups.id, { onDelete: "set null" }),
    /** Normalised RFC 5545 RRULE value without "RRULE:" (FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10). */
    rrule: text("rrule").notNull(),
    /** IANA zone the rule is expanded in: 18:00 stays 18:00 across DST. */
    timeZone: text("time_zone").notNull(),
    /** iCalendar SEQUENCE of the series' master VEVENT. */
    sequence: integer("sequence").notNull().default(0),
    createdBy: text("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("event_series_organization_id_idx").on(t.organizationId),
    index("event_series_group_id_idx").on(t.groupId),
    index("event_series_created_by_idx").on(t.createdBy),
  ],
);

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
    /** Recurring events: the series this occurrence belongs to. */
    seriesId: text("series_id").references(() => eventSeries.id, { onDelete: "set null" }),
    /** The start the rule gave this occurrence (ICS RECURRENCE-ID / EXDATE), kept when it is moved. */
    recurrenceId: timestamp("recurrence_id", { withTimezone: true }),
    /** Edited on its own ("this occurrence"): exported as an override VEVENT with RECURRENCE-ID. */
    detached: boolean("detached").notNull().default(false),
    /** Discussion for the attendees, opened by an organizer: a thread in the group's forum and/or a chat room. */
    discussionThreadId: text("discussion_thread_id").references(() => threads.id, { onDelete: "set null" }),
    discussionRoomId: text("discussion_room_id").references(() => chatRooms.id, { onDelete: "set null" }),
  },
  (t) => [
    // Listing: upcoming/past by start time, keyset on (starts_at, id), optionally per group or organization.
    index("events_starts_at_id_idx").on(t.startsAt, t.id),
    index("events_group_starts_idx").on(t.groupId, t.startsAt, t.id),
    index("events_organization_starts_idx").on(t.organizationId, t.startsAt, t.id),
    index("events_created_by_idx").on(t.createdBy),
    index("events_cancelled_by_idx").on(t.cancelledBy),
    uniqueIndex("events_series_recurrence_key").on(t.seriesId, t.recurrenceId),
    index("events_discussion_thread_id_idx").on(t.discussionThreadId),
    index("events_discussion_room_id_idx").on(t.discussionRoomId),
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
    /** Check-in on the day: when an organizer marked this person as present (null: not marked). */
    checkedInAt: timestamp("checked_in_at", { withTimezone: true }),
    checkedInBy: text("checked_in_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.userId] }),
    index("event_rsvps_checked_in_by_idx").on(t.checkedInBy),
    index("event_rsvps_user_id_idx").on(t.userId, t.status),
    index("event_rsvps_event_status_seq_idx").on(t.eventId, t.status, t.seq),
  ],
);

/**
 * Every RSVP transition (new status per person), for the organizers' digest: the digest job reads the
 * rows with digested_at null and stamps them in the same transaction that records the digest.
 */
export const eventRsvpChanges = pgTable(
  "event_rsvp_changes",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The new status (going | waitlisted | maybe | not_going | cancelled | removed). */
    status: text("status").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    digestedAt: timestamp("digested_at", { withTimezone: true }),
  },
  (t) => [
    index("event_rsvp_changes_event_created_idx").on(t.eventId, t.createdAt),
    index("event_rsvp_changes_pending_idx").on(t.createdAt).where(sql`${t.digestedAt} is null`),
    index("event_rsvp_changes_user_id_idx").on(t.userId),
  ],
);

/** A message from an organizer to an event's attendees by status (delivered in-app and by e-mail). */
export const eventMessages = pgTable(
  "event_messages",
  {
    id: text("id").primaryKey(),
    eventId: text("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    senderId: text("sender_id").references(() => users.id, { onDelete: "set null" }),
    /** Statuses addressed: going | waitlisted | maybe. */
    audience: text("audience").array().notNull(),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    recipientCount: integer("recipient_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("event_messages_event_created_idx").on(t.eventId, t.createdAt), index("event_messages_sender_id_idx").on(t.senderId)],
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
