import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { eventMessages, eventRsvps } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import { withinRate } from "#app/lib/rate-limit.server";
import { assertCan, type Actor } from "#app/policy.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { refuseWatchedWords } from "#app/modules/safety/watched.server";
import { findEvent } from "./common.server";
import { MESSAGE_AUDIENCES, type EventMessageInput, type MessageAudience } from "./messages.schema";

/**
 * Organizers write to an event's attendees by status. The message is stored (the sent list, and the
 * e-mail's full text), then delivered by the "events.message" fan-out (message-notify.server.ts),
 * which decides the recipients when it runs: a person who changed their answer or lost sight of the
 * event since gets nothing.
 */

/** Per organizer: a handful an hour is plenty; more is a mistake or a misused account. */
export const messageRate: RateRule = { limit: 10, windowSeconds: 3600, message: "You have sent several messages in the last hour. Please wait before sending another." };

/** How many people hold each status now (the form's preview adds up the boxes ticked). */
async function audienceCounts(app: AppContext, eventId: string): Promise<Record<MessageAudience, number>> {
  const rows = await app.db
    .select({ status: eventRsvps.status, n: sql<number>`count(*)::int` })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, [...MESSAGE_AUDIENCES])))
    .groupBy(eventRsvps.status);
  const counts = { going: 0, waitlisted: 0, maybe: 0 };
  for (const r of rows) counts[r.status as MessageAudience] = r.n;
  return counts;
}

/** The message page: the event (organizers only), the counts per status, and what was sent, newest first. */
export async function getMessagePage(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await findEvent(app, viewer, eventId, app.clock.now());
  assertCan(viewer, "event.message", event.target, "That event");
  const [counts, sent] = await Promise.all([
    audienceCounts(app, eventId),
    app.db
      .select({ id: eventMessages.id, subject: eventMessages.subject, audience: eventMessages.audience, recipientCount: eventMessages.recipientCount, createdAt: eventMessages.createdAt })
      .from(eventMessages)
      .where(eq(eventMessages.eventId, eventId))
      .orderBy(desc(eventMessages.createdAt), desc(eventMessages.id))
      .limit(50),
  ]);
  return { event, counts, sent };
}

export async function sendEventMessage(app: AppContext, viewer: Actor | null, eventId: string, input: EventMessageInput) {
  const event = await findEvent(app, viewer, eventId, app.clock.now());
  assertCan(viewer, "event.message", event.target, "That event");
  return withinRate(app.limiter, `event:message:${viewer!.id}`, messageRate, async () => {
    await refuseWatchedWords(app.db, event.organizationId, { subject: input.subject, body: input.body });
    const counts = await audienceCounts(app, eventId);
    const recipientCount = input.audience.reduce((n, a) => n + counts[a], 0);
    if (recipientCount === 0) throw Invalid("Nobody has that answer yet: choose people who have replied.", { audience: ["Nobody has that answer yet: choose people who have replied."] });
    const id = newId();
    await app.db.insert(eventMessages).values({ id, eventId, senderId: viewer!.id, audience: input.audience, subject: input.subject, body: input.body, recipientCount, createdAt: app.clock.now() });
    await queueNotification(app, "events.message", { messageId: id }, id);
    return { id, recipientCount };
  });
}
