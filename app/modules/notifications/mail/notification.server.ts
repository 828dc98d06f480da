import type { AppContext } from "#app/lib/app-context.server";
import { absoluteUrl, type MailContent } from "#app/modules/mail/compose.server";
import { NOTIFICATION_TYPE_INFO, KIND_TYPE } from "../types";

/**
 * The notification e-mails (one notice at once, or the daily digest), rendered straight into the
 * mail layout by the notifications jobs (they claim rows, so they don't go through `mail.send`).
 * Subjects are fixed per kind: never a group name, a thread title or anything a member wrote.
 */

/** What the mail says about one notice: a fixed subject, and a line for a private group's notice. */
const KIND_TEXT: Record<string, { subject: string; hidden: string }> = {
  reply: { subject: "New reply on Hearth", hidden: "New reply in a private group" },
  mention: { subject: "Someone mentioned you on Hearth", hidden: "Someone mentioned you in a private group" },
  reaction: { subject: "New reactions to your post on Hearth", hidden: "New reactions to your post in a private group" },
  join_decided: { subject: "Your request to join a group on Hearth", hidden: "News about your request to join a private group" },
  join_request: { subject: "A request to join is waiting on Hearth", hidden: "A request to join a private group is waiting" },
  report: { subject: "New report waiting on Hearth", hidden: "New report in a private group" },
  event_reminder: { subject: "Event reminder from Hearth", hidden: "Reminder of an event in a private group" },
  event_changed: { subject: "An event you're going to changed on Hearth", hidden: "An event in a private group changed" },
  event_cancelled: { subject: "An event you're going to was cancelled on Hearth", hidden: "An event in a private group was cancelled" },
  event_promoted: { subject: "You have a place at an event on Hearth", hidden: "You have a place at an event in a private group" },
  event_removed: { subject: "Your place at an event on Hearth was removed", hidden: "Your place at an event in a private group was removed" },
  event_demoted: { subject: "You are back on an event's waitlist on Hearth", hidden: "You are back on the waitlist of an event in a private group" },
  resource_review: { subject: "A library resource is due for review on Hearth", hidden: "A library resource is due for review" },
  event_message: { subject: "A message from event organizers on Hearth", hidden: "A message from the organizers of an event in a private group" },
  event_rsvps: { subject: "New RSVPs to your event on Hearth", hidden: "New RSVPs to an event in a private group" },
};
const OTHER = { subject: "New notification on Hearth", hidden: "Something new in a private group" };

export interface MailedNotice {
  kind: string;
  title: string;
  body: string;
  link: string | null;
  urgent: boolean;
  count: number;
  /** The notice is about a private group and the member asked to leave its text out of e-mail. */
  hideText: boolean;
  /** An organizer's message to attendees: its own subject ("[event title] subject"), never when hideText. */
  subject?: string;
}

export function noticeSubject(n: Pick<MailedNotice, "kind" | "urgent" | "subject" | "hideText">): string {
  if (n.kind === "report" && n.urgent) return "Urgent report waiting on Hearth";
  if (n.subject && !n.hideText) return n.subject;
  return (KIND_TEXT[n.kind] ?? OTHER).subject;
}

/** The notice's one line: its title, or the private-group line that names nothing. */
export function noticeLine(n: Pick<MailedNotice, "kind" | "title" | "hideText">): string {
  return n.hideText ? `${(KIND_TEXT[n.kind] ?? OTHER).hidden}: open Hearth to read it.` : n.title;
}

function footer(app: AppContext, why: string, unsubscribeUrl: string): string[] {
  return [
    why,
    `Choose what Hearth e-mails you: ${absoluteUrl(app.config, "/settings/notifications")}`,
    `Stop these e-mails with one click: ${unsubscribeUrl}`,
  ];
}

export function noticeMail(app: AppContext, n: MailedNotice, unsubscribeUrl: string): MailContent {
  const type = KIND_TYPE[n.kind];
  const why = n.urgent
    ? "Urgent reports always reach the moderators by e-mail at once, whatever their settings."
    : `You get this because “${type ? NOTIFICATION_TYPE_INFO[type].label : "these notices"}” is set to e-mail at once in your notification settings.`;
  const paragraphs = n.hideText ? [] : [n.body.trim()].filter(Boolean);
  return {
    subject: noticeSubject(n),
    heading: noticeLine(n),
    paragraphs,
    action: { label: "Open it on Hearth", url: absoluteUrl(app.config, n.link ?? "/notifications") },
    footer: footer(app, why, unsubscribeUrl),
  };
}

/** At most this many notices are listed; the rest are counted ("and 12 more"). */
export const DIGEST_CAP = 30;

/** The daily digest: the notices grouped by type (in the settings page's order), capped. */
export function digestMail(app: AppContext, notices: MailedNotice[], unsubscribeUrl: string): MailContent {
  const groups = new Map<string, MailedNotice[]>();
  for (const n of notices) {
    const type = KIND_TYPE[n.kind];
    const label = type ? NOTIFICATION_TYPE_INFO[type].label : "Other notices";
    groups.set(label, [...(groups.get(label) ?? []), n]);
  }
  const paragraphs: string[] = [];
  let listed = 0;
  for (const [label, items] of groups) {
    if (listed >= DIGEST_CAP) break;
    const shown = items.slice(0, DIGEST_CAP - listed);
    listed += shown.length;
    paragraphs.push(`${label} (${items.length}):`);
    for (const n of shown) paragraphs.push(`• ${noticeLine(n)}${n.count > 1 ? ` (${n.count})` : ""} — ${absoluteUrl(app.config, n.link ?? "/notifications")}`);
  }
  if (notices.length > listed) paragraphs.push(`And ${notices.length - listed} more on Hearth.`);
  return {
    subject: "Your daily digest from Hearth",
    heading: notices.length === 1 ? "One new notice on Hearth" : `${notices.length} new notices on Hearth`,
    paragraphs,
    action: { label: "Open your notifications", url: absoluteUrl(app.config, "/notifications") },
    footer: footer(app, "You get this once a day because some notices are set to the daily digest in your notification settings.", unsubscribeUrl),
  };
}
