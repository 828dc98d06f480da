import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { eventMessages, eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Audience, NotificationDraft } from "#app/modules/notifications/record.server";
import { mayStillSee } from "./notices.server";

/**
 * The "events.message" notification source: an organizer's message, told to the people who have
 * one of the addressed answers when the job runs and may still see the event (one row each, keyed by
 * the message). recordNotifications applies each person's preference for "event_message".
 */

const KEY = "event_message:";

export const eventMessageSource = {
  data: z.object({ messageId: z.string().min(1).max(64) }),
  async resolve(app: AppContext, data: { messageId: string }): Promise<NotificationDraft[]> {
    const [m] = await app.db
      .select({ eventId: eventMessages.eventId, senderId: eventMessages.senderId, audience: eventMessages.audience, subject: eventMessages.subject, body: eventMessages.body, title: events.title, groupId: events.groupId, status: events.status })
      .from(eventMessages)
      .innerJoin(events, eq(events.id, eventMessages.eventId))
      .where(eq(eventMessages.id, data.messageId));
    // Gone, or cancelled since (the cancellation notice says all there is to say).
    if (!m || m.status === "cancelled") return [];
    const holders = await app.db
      .select({ userId: eventRsvps.userId })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, m.eventId), inArray(eventRsvps.status, m.audience as ("going" | "waitlisted" | "maybe")[])));
    const recipients = await app.db.transaction((tx) => mayStillSee(tx, m.eventId, holders.map((h) => h.userId)));
    const audience: Audience = m.groupId ? { group: m.groupId, may: "group.view" } : "account";
    return [
      {
        kind: "event_message",
        recipients,
        audience,
        actorId: m.senderId,
        title: `Message about “${m.title}”: ${m.subject}`,
        body: m.body,
        link: `/events/${m.eventId}`,
        groupId: m.groupId,
        eventId: m.eventId,
        dedupeKey: `${KEY}${data.messageId}`,
      },
    ];
  },
};

/**
 * The mail for an event_message row: "[event title] subject" and the whole message (the in-app row
 * keeps an excerpt). It is the organizer's words to attendees, not anything about the reader.
 */
export async function eventMessageMail(app: AppContext, dedupeKey: string | null): Promise<{ subject: string; body: string } | null> {
  if (!dedupeKey?.startsWith(KEY)) return null;
  const [m] = await app.db
    .select({ subject: eventMessages.subject, body: eventMessages.body, title: events.title })
    .from(eventMessages)
    .innerJoin(events, eq(events.id, eventMessages.eventId))
    .where(eq(eventMessages.id, dedupeKey.slice(KEY.length)));
  return m ? { subject: `[${m.title}] ${m.subject}`, body: m.body } : null;
}
