import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Audience, NotificationDraft } from "#app/modules/notifications/record.server";
import { described, mayStillSee } from "./notices.server";

/**
 * The "events.notice" notification source: an event changed, was cancelled, or someone got a place
 * from the waitlist. Queued after the change committed; the resolver reads the event and the RSVPs
 * as they are when the job runs (a late job tells today's place and time, skips people who have
 * since cancelled or lost sight of the event) and recordNotifications applies preferences.
 */

/** What changed in an edit; the notice's text is written from the event as it is when sent. */
export const EVENT_CHANGES = ["title", "time", "format", "place", "link", "description"] as const;
export type EventChange = (typeof EVENT_CHANGES)[number];

const id = z.string().min(1).max(64);
/** Promotions per fan-out job (rsvps.server.ts queues them in chunks of this). */
export const PROMOTED_PER_JOB = 1_000;

const noticeData = z.discriminatedUnion("change", [
  z.object({ change: z.literal("changed"), eventId: id, sequence: z.number().int().min(0), what: z.array(z.enum(EVENT_CHANGES)).min(1).max(EVENT_CHANGES.length), actorId: id }),
  z.object({ change: z.literal("cancelled"), eventId: id, actorId: id }),
  z.object({ change: z.literal("promoted"), eventId: id, userIds: z.array(id).min(1).max(PROMOTED_PER_JOB) }),
  // Organizer acts (attendees.server.ts): `key` makes each act its own notice (a retried job adds nothing).
  z.object({ change: z.literal("removed"), eventId: id, userIds: z.array(id).min(1).max(PROMOTED_PER_JOB), actorId: id, key: id }),
  z.object({ change: z.literal("demoted"), eventId: id, userIds: z.array(id).min(1).max(PROMOTED_PER_JOB), actorId: id, key: id }),
]);
export type EventNoticeData = z.infer<typeof noticeData>;

export const eventNoticeSource = {
  data: noticeData,
  async resolve(app: AppContext, data: EventNoticeData): Promise<NotificationDraft[]> {
    const [event] = await app.db
      .select({ title: events.title, startsAt: events.startsAt, timeZone: events.timeZone, location: events.location, groupId: events.groupId, status: events.status })
      .from(events)
      .where(eq(events.id, data.eventId));
    // Gone, or cancelled since (the cancellation's own notice says so): nothing more to tell.
    if (!event || (event.status === "cancelled" && data.change !== "cancelled")) return [];
    const audience: Audience = event.groupId ? { group: event.groupId, may: "group.view" } : "account";
    const base = {
      audience,
      link: `/events/${data.eventId}`,
      groupId: event.groupId,
      eventId: data.eventId,
    };
    const holders = await app.db
      .select({ userId: eventRsvps.userId, status: eventRsvps.status, seq: eventRsvps.seq })
      .from(eventRsvps)
      .where(
        and(
          eq(eventRsvps.eventId, data.eventId),
          data.change === "promoted"
            ? and(eq(eventRsvps.status, "going"), inArray(eventRsvps.userId, data.userIds))
            : // Still removed / still moved back when the job runs (re-joined since: nothing to tell).
              data.change === "removed"
              ? and(eq(eventRsvps.status, "cancelled"), inArray(eventRsvps.userId, data.userIds))
              : data.change === "demoted"
                ? and(eq(eventRsvps.status, "waitlisted"), inArray(eventRsvps.userId, data.userIds))
                : inArray(eventRsvps.status, ["going", "waitlisted"]),
        ),
      );
    // Only those who may still see the event now (the policy, per person, as every event notice asks).
    const seeing = new Set(await app.db.transaction((tx) => mayStillSee(tx, data.eventId, holders.map((h) => h.userId))));
    const told = holders.filter((h) => seeing.has(h.userId));

    if (data.change === "promoted") {
      // One key per place held (rsvp seq): a retried job adds nothing, a later promotion after re-joining the line is new.
      return told.map((h) => ({
        ...base,
        kind: "event_promoted",
        recipients: [h.userId],
        title: `A place opened up: you are going to "${event.title}"`,
        body: "You were on the waitlist and now have a place. If you can't make it, please cancel so the next person can go.",
        dedupeKey: `promoted:${data.eventId}:${h.seq}`,
      }));
    }
    if (data.change === "removed" || data.change === "demoted") {
      const removed = data.change === "removed";
      return told.map((h) => ({
        ...base,
        kind: removed ? "event_removed" : "event_demoted",
        recipients: [h.userId],
        actorId: data.actorId,
        title: removed ? `The organizers removed your RSVP to "${event.title}"` : `You are back on the waitlist for "${event.title}"`,
        body: removed
          ? "You no longer have a place or a spot on the waitlist. If you think this is a mistake, contact the organizers."
          : "The organizers reduced the number of places and the latest RSVPs went back to the waitlist. You'll get a place automatically if one opens up.",
        dedupeKey: `${data.change}:${data.eventId}:${data.key}`,
      }));
    }
    const ids = (status: "going" | "waitlisted") => told.filter((h) => h.status === status).map((h) => h.userId);
    if (data.change === "cancelled") {
      return [
        {
          ...base,
          kind: "event_cancelled",
          recipients: [...ids("going"), ...ids("waitlisted")],
          actorId: data.actorId,
          title: `Cancelled: "${event.title}"`,
          body: `The organizers cancelled this event (it was due to start ${described(event)}).`,
          dedupeKey: `cancelled:${data.eventId}`,
        },
      ];
    }
    const lines: Record<EventChange, string> = {
      title: `The title is now "${event.title}".`,
      time: `It now starts ${described(event)}.`,
      format: "The format changed.",
      place: event.location ? `The place is now: ${event.location}.` : "It no longer has a physical location.",
      link: "The online link changed: see the event page.",
      description: "The description was updated.",
    };
    const changed = { ...base, kind: "event_changed", actorId: data.actorId, title: `"${event.title}" has changed`, dedupeKey: `changed:${data.eventId}:${data.sequence}` };
    // The waitlist can't see the online link, so it isn't told of it.
    const forWaitlist = data.what.filter((w) => w !== "link");
    return [
      { ...changed, recipients: ids("going"), body: data.what.map((w) => lines[w]).join(" ") },
      ...(forWaitlist.length > 0 ? [{ ...changed, recipients: ids("waitlisted"), body: forWaitlist.map((w) => lines[w]).join(" ") }] : []),
    ];
  },
};

