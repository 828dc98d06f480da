import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { assertCan, type Actor } from "#app/policy.server";
import { countGoing, findEvent, lockEvent, type Tx } from "./common.server";
import { PROMOTED_PER_JOB } from "./notify.server";
import { recordRsvpChange } from "./rsvp-changes.server";
import { queuePromotions, withdrawPlaces } from "./rsvps.server";

/**
 * The organizers' attendee tools: remove someone, promote from the waitlist by hand, move the
 * latest arrivals back to the waitlist when capacity drops, and check-in on the day. Every act
 * runs under the event row lock (so it queues with RSVPs) and asks `event.manageAttendees`.
 */

/** Check-in is "on the day": from 2 h before the start until 24 h after the end (the page says so otherwise). */
export const CHECK_IN_OPENS_MS = 2 * 3_600_000;
export const CHECK_IN_CLOSES_MS = 24 * 3_600_000;

export function checkInWindow(e: { startsAt: Date; endsAt: Date }, now: Date): "early" | "open" | "over" {
  if (now.getTime() < e.startsAt.getTime() - CHECK_IN_OPENS_MS) return "early";
  if (now.getTime() > e.endsAt.getTime() + CHECK_IN_CLOSES_MS) return "over";
  return "open";
}

/** The event as an organizer who may manage its attendees sees it; a member gets the policy's 403, an outsider 404. */
async function managedEvent(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await findEvent(app, viewer, eventId);
  assertCan(viewer, "event.view", event.target, "That event");
  assertCan(viewer, "event.manageAttendees", event.target, "That event");
  return event;
}

async function notifyPeople(app: AppContext, change: "removed" | "demoted", eventId: string, userIds: readonly string[], actorId: string) {
  const key = newId();
  for (let i = 0; i < userIds.length; i += PROMOTED_PER_JOB) {
    await queueNotification(app, "events.notice", { change, eventId, userIds: userIds.slice(i, i + PROMOTED_PER_JOB), actorId, key: `${key}-${i}` });
  }
}

/**
 * Removes someone's RSVP (going, waitlisted or maybe). A going removal frees a place, and the first
 * waitlisted person is promoted in the same transaction. The removed person is told (event_removed).
 */
export async function removeAttendee(app: AppContext, viewer: Actor | null, eventId: string, userId: string) {
  await managedEvent(app, viewer, eventId);
  const result = await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    const [row] = await tx
      .select({ status: eventRsvps.status })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    if (!row || row.status === "cancelled" || row.status === "not_going") throw NotFound("That attendee");
    if (row.status === "maybe") {
      await tx.update(eventRsvps).set({ status: "cancelled", updatedAt: sql`now()` }).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
      await recordRsvpChange(tx, eventId, userId, "removed");
      return { previous: "maybe" as const, promoted: [] as string[] };
    }
    const { withdrawn, promoted } = await withdrawPlaces(tx, eventId, locked, [userId], "removed");
    return { previous: withdrawn[0]!.status, promoted };
  });
  await queuePromotions(app, eventId, result.promoted);
  await notifyPeople(app, "removed", eventId, [userId], viewer!.id);
  return result;
}

/**
 * Gives a waitlisted person a place by hand (out of turn: the organizer's call). When the event is
 * full this is refused unless `raiseCapacity`: then capacity grows by one in the same transaction.
 * The person is told as any promotion (event_promoted).
 */
export async function promoteAttendee(app: AppContext, viewer: Actor | null, eventId: string, userId: string, opts: { raiseCapacity?: boolean } = {}) {
  await managedEvent(app, viewer, eventId);
  const capacity = await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    if (locked.status === "cancelled") throw Conflict("This event has been cancelled.");
    const [row] = await tx
      .select({ status: eventRsvps.status })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    if (!row || row.status !== "waitlisted") throw Conflict("That person is no longer on the waitlist.");
    let capacity = locked.capacity;
    if (capacity !== null && (await countGoing(tx, eventId)) >= capacity) {
      if (!opts.raiseCapacity) throw Conflict("The event is full. Use “Promote and raise capacity by 1” to give this person a place anyway.");
      capacity += 1;
      await tx.update(events).set({ capacity, updatedAt: sql`now()` }).where(eq(events.id, eventId));
    }
    await tx.update(eventRsvps).set({ status: "going", updatedAt: sql`now()` }).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    await recordRsvpChange(tx, eventId, userId, "going");
    return capacity;
  });
  await queuePromotions(app, eventId, [userId]);
  return { capacity };
}

/**
 * Capacity lowered below the number going: the latest RSVPs (highest seq first) go back to the
 * waitlist, keeping their seq, so they line up by when they replied. Call with the event row locked;
 * tell them with notifyDemoted once committed.
 */
export async function demoteLatest(tx: Tx, eventId: string, capacity: number): Promise<string[]> {
  const excess = (await countGoing(tx, eventId)) - capacity;
  if (excess <= 0) return [];
  const latest = await tx
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "going")))
    .orderBy(desc(eventRsvps.seq))
    .limit(excess);
  const ids = latest.map((r) => r.userId);
  await tx
    .update(eventRsvps)
    .set({ status: "waitlisted", updatedAt: sql`now()`, checkedInAt: null, checkedInBy: null })
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, ids)));
  await recordRsvpChange(tx, eventId, ids, "waitlisted");
  return ids;
}

export function notifyDemoted(app: AppContext, eventId: string, userIds: readonly string[], actorId: string) {
  return userIds.length > 0 ? notifyPeople(app, "demoted", eventId, userIds, actorId) : Promise.resolve();
}

/** Marks a going attendee as here (or not). Organizers may do so outside the window too (the page warns). */
export async function setCheckedIn(app: AppContext, viewer: Actor | null, eventId: string, userId: string, here: boolean) {
  await managedEvent(app, viewer, eventId);
  return app.db.transaction(async (tx) => {
    await lockEvent(tx, eventId);
    const [row] = await tx
      .update(eventRsvps)
      .set(here ? { checkedInAt: sql`coalesce(${eventRsvps.checkedInAt}, now())`, checkedInBy: sql`coalesce(${eventRsvps.checkedInBy}, ${viewer!.id})` } : { checkedInAt: null, checkedInBy: null })
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId), eq(eventRsvps.status, "going")))
      .returning({ checkedInAt: eventRsvps.checkedInAt });
    if (!row) throw NotFound("That attendee");
    return { here: row.checkedInAt !== null };
  });
}
