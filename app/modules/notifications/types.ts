/**
 * The notification types a member can choose channels for (settings → notifications), their
 * labels and defaults. Client-safe: the settings page and the notifications page import it.
 */
export const NOTIFICATION_TYPES = [
  "reply",
  "mention",
  "reaction",
  "join_decided",
  "join_request",
  "report",
  "event_reminder",
  "event_update",
  "event_message",
  "event_rsvps",
  "resource_review",
  "direct_message",
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** off: nothing at all; in_app: the bell only; email: the bell and an e-mail at once (after quiet hours); digest: the bell and the daily digest. */
export const CHANNELS = ["off", "in_app", "email", "digest"] as const;
export type Channel = (typeof CHANNELS)[number];

export const NOTIFICATION_TYPE_INFO: Record<NotificationType, { label: string; hint: string; default: Channel; staffOnly?: true }> = {
  reply: { label: "Replies in threads I follow", hint: "Threads you started or replied to, and any you watch.", default: "email" },
  mention: { label: "Mentions of me", hint: "Someone wrote @ and your name in a post or a chat room.", default: "email" },
  reaction: { label: "Reactions to my posts", hint: "Hugs, “same here” and “helpful”, gathered into one notice per post.", default: "in_app" },
  join_decided: { label: "My requests to join a group", hint: "When a moderator accepts or declines your request.", default: "email" },
  join_request: { label: "Requests to join groups I moderate", hint: "For moderators.", default: "in_app", staffOnly: true },
  report: { label: "New reports in groups I moderate", hint: "For moderators. Crisis reports always arrive at once, by e-mail too.", default: "email", staffOnly: true },
  event_reminder: { label: "Event reminders", hint: "24 hours and 1 hour before an event you are going to.", default: "email" },
  event_update: { label: "Changes to my events", hint: "An event you are going to moved, changed or was cancelled, or you got a place.", default: "email" },
  event_message: { label: "Messages from event organizers", hint: "An organizer wrote to the people going to, waiting for, or maybe coming to an event of yours.", default: "email" },
  event_rsvps: { label: "RSVPs to events I organize", hint: "For organization staff: new RSVPs and cancellations, gathered into one notice per event.", default: "digest", staffOnly: true },
  resource_review: { label: "Library resources due for review", hint: "For organization staff.", default: "digest", staffOnly: true },
  direct_message: { label: "Direct messages", hint: "Someone wrote to you in a direct conversation (never what they wrote), one notice per conversation until you read it.", default: "in_app" },
};

export const CHANNEL_LABELS: Record<Channel, string> = {
  off: "Off",
  in_app: "In Hearth only",
  email: "In Hearth and by e-mail at once",
  digest: "In Hearth and in the daily e-mail digest",
};

/**
 * Stored `notifications.kind` values → the type whose preference governs them. Kinds not listed
 * (moderation decisions about the member, organization notices) are always in-app and never mailed.
 */
export const KIND_TYPE: Record<string, NotificationType> = {
  reply: "reply",
  /** A new thread in a group the member watches: governed by the replies preference. */
  new_thread: "reply",
  mention: "mention",
  reaction: "reaction",
  join_decided: "join_decided",
  join_request: "join_request",
  report: "report",
  event_reminder: "event_reminder",
  event_changed: "event_update",
  event_cancelled: "event_update",
  event_promoted: "event_update",
  /** An organizer removed the member, or moved them back to the waitlist when lowering the capacity. */
  event_removed: "event_update",
  event_demoted: "event_update",
  event_message: "event_message",
  event_rsvps: "event_rsvps",
  /** A link resource stopped answering (the weekly link check): for the organization's staff. */
  resource_link_broken: "resource_review",
  resource_review: "resource_review",
  direct_message: "direct_message",
};

/** What a live tab receives over the member's user channel (and the header count with it). */
export interface LiveNotification {
  id: string;
  kind: string;
  title: string;
  link: string | null;
  urgent: boolean;
  createdAt: string;
}
