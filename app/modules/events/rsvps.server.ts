import { and, asc, eq, gt, inArray, lte, sql } from "drizzle-orm";
import { eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict } from "#app/lib/errors";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { assertCan, can, type Actor } from "#app/policy.server";
import { countGoing, findEvent, lockEvent, targetsFor, type LockedEvent, type Tx } from "./common.server";
import { PROMOTED_PER_JOB } from "./notify.server";
import { recordRsvpChange, type RsvpChange } from "./rsvp-changes.server";

/** RSVPs: going, the waitlist, withdrawing, promotion from the waitlist, and releasing places people may no longer hold. */

/** People holding a place (all of them, or these) who may no longer hold it (policy `event.keepRsvp`). */
export async function placesLost(tx: Tx, eventId: string, userIds?: readonly string[]): Promise<string[]> {
  const holders = await tx
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted"]), userIds ? inArray(eventRsvps.userId, [...userIds]) : undefined));
  const people = await targetsFor(tx, eventId, holders.map((h) => h.userId));
  const keep = new Set(people.filter((p) => can(p.actor, "event.keepRsvp", p.target)).map((p) => p.userId));
  return holders.map((h) => h.userId).filter((u) => !keep.has(u));
}

/**
 * Cancels these people's live RSVPs; when a going place frees up before the start of a scheduled
 * event, the waitlist moves up in the same transaction. Call with the event row locked; once it
 * committed, tell the promoted with queuePromotions.
 */
export async function withdrawPlaces(tx: Tx, eventId: string, locked: LockedEvent, userIds: readonly string[], change: Extract<RsvpChange, "cancelled" | "removed"> = "cancelled") {
  if (userIds.length === 0) return { withdrawn: [], promoted: [] };
  const live = await tx
    .select({ userId: eventRsvps.userId, status: eventRsvps.status })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, [...userIds]), inArray(eventRsvps.status, ["going", "waitlisted"])));
  const withdrawn = live.map((r) => ({ userId: r.userId, status: r.status as "going" | "waitlisted" }));
  if (withdrawn.length === 0) return { withdrawn, promoted: [] };
  await tx
    .update(eventRsvps)
    .set({ status: "cancelled", updatedAt: sql`now()` })
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, withdrawn.map((w) => w.userId))));
  await recordRsvpChange(tx, eventId, withdrawn.map((w) => w.userId), change);
  const freed = withdrawn.some((w) => w.status === "going") && locked.status === "scheduled" && Date.now() < locked.startsAt.getTime();
  const promoted = freed ? await promoteFromWaitlist(tx, eventId, locked.capacity) : [];
  return { withdrawn, promoted };
}

/**
 * Moves the first waitlisted people up while there is room. Call with the event row locked. Anyone
 * next in line who may no longer hold a place (lost access to the group) is released, not promoted.
 */
export async function promoteFromWaitlist(tx: Tx, eventId: string, capacity: number | null): Promise<string[]> {
  let free = capacity === null ? Number.MAX_SAFE_INTEGER : capacity - (await countGoing(tx, eventId));
  const ids: string[] = [];
  while (free > 0) {
    const next = await tx
      .select({ userId: eventRsvps.userId })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "waitlisted")))
      .orderBy(asc(eventRsvps.seq))
      .limit(Math.min(free, 10_000));
    if (next.length === 0) break;
    const lost = new Set(await placesLost(tx, eventId, next.map((n) => n.userId)));
    if (lost.size > 0) {
      await tx
        .update(eventRsvps)
        .set({ status: "cancelled", updatedAt: sql`now()` })
        .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, [...lost])));
      await recordRsvpChange(tx, eventId, [...lost], "cancelled");
    }
    const up = next.map((n) => n.userId).filter((u) => !lost.has(u));
    if (up.length > 0) {
      await tx
        .update(eventRsvps)
        .set({ status: "going", updatedAt: sql`now()` })
        .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, up), eq(eventRsvps.status, "waitlisted")));
      await recordRsvpChange(tx, eventId, up, "going");
      ids.push(...up);
      free -= up.length;
    }
    // Each round either fills places or releases someone, so this ends; no releases: the line is done.
    if (lost.size === 0) break;
  }
  return ids;
}

/** After the promotion committed: the promoted people are told (the fan-out job reads who still holds the place). */
export async function queuePromotions(app: AppContext, eventId: string, userIds: readonly string[]) {
  for (let i = 0; i < userIds.length; i += PROMOTED_PER_JOB) {
    await queueNotification(app, "events.notice", { change: "promoted", eventId, userIds: userIds.slice(i, i + PROMOTED_PER_JOB) });
  }
}

/** Going and waitlisted hold or wait for a place; maybe, not going and cancelled never do (decision 0021). */
export function holdsOrWaits(status: string | null | undefined): status is "going" | "waitlisted" {
  return status === "going" || status === "waitlisted";
}

export type RsvpResult = { status: "going" | "waitlisted" | "maybe" | "not_going"; position: number | null };

/**
 * RSVP "going". In one transaction with the event row locked (SELECT … FOR UPDATE), so concurrent
 * RSVPs queue: the first `capacity` get places, the rest join the waitlist in the order they got the
 * lock (events.rsvp_seq). Going twice is harmless: it answers the current status.
 */
/** Re-checked under the row lock: the policy's view may be a moment old when the transaction starts. */
function assertOpenForReplies(locked: LockedEvent): LockedEvent {
  const now = Date.now();
  if (locked.status === "cancelled") throw Conflict("This event has been cancelled.");
  if (now >= locked.startsAt.getTime() || (locked.registrationDeadline && now > locked.registrationDeadline.getTime())) {
    throw Conflict("RSVPs for this event are closed.");
  }
  return locked;
}

export async function rsvpToEvent(app: AppContext, viewer: Actor | null, eventId: string): Promise<RsvpResult> {
  const event = await findEvent(app, viewer, eventId);
  if (holdsOrWaits(event.myRsvp) && event.permissions.view) return { status: event.myRsvp, position: event.waitlistPosition };
  assertCan(viewer, "event.rsvp", event.target, "That event");
  const userId = viewer!.id;
  return app.db.transaction(async (tx) => {
    const locked = assertOpenForReplies(await lockEvent(tx, eventId));
    const [existing] = await tx
      .select({ status: eventRsvps.status, seq: eventRsvps.seq })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    if (existing && holdsOrWaits(existing.status)) {
      return { status: existing.status, position: existing.status === "waitlisted" ? await positionOf(tx, eventId, existing.seq) : null };
    }
    const going = await countGoing(tx, eventId);
    const status = locked.capacity === null || going < locked.capacity ? "going" : "waitlisted";
    const [bumped] = await tx
      .update(events)
      .set({ rsvpSeq: sql`${events.rsvpSeq} + 1` })
      .where(eq(events.id, eventId))
      .returning({ seq: events.rsvpSeq });
    const seq = bumped!.seq;
    await tx
      .insert(eventRsvps)
      .values({ eventId, userId, status, seq })
      .onConflictDoUpdate({
        target: [eventRsvps.eventId, eventRsvps.userId],
        set: { status, seq, createdAt: sql`now()`, updatedAt: sql`now()` },
      });
    await recordRsvpChange(tx, eventId, userId, status);
    return { status, position: status === "waitlisted" ? await positionOf(tx, eventId, seq) : null };
  });
}

/**
 * Answers "maybe" or "not going", in the same locked transaction as rsvpToEvent. Neither takes a
 * place nor joins the waitlist; a going member who answers so gives the place up and the first
 * waitlisted person is promoted in the same transaction (told once it committed).
 */
export async function respondToEvent(app: AppContext, viewer: Actor | null, eventId: string, answer: "maybe" | "not_going"): Promise<{ previous: MyRsvpStatus | null; promoted: string[] }> {
  const event = await findEvent(app, viewer, eventId);
  if (event.myRsvp === answer && event.permissions.view) return { previous: answer, promoted: [] };
  assertCan(viewer, "event.respond", event.target, "That event");
  const userId = viewer!.id;
  const result = await app.db.transaction(async (tx) => {
    const locked = assertOpenForReplies(await lockEvent(tx, eventId));
    const [existing] = await tx
      .select({ status: eventRsvps.status })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    const previous = existing && existing.status !== "cancelled" ? existing.status : null;
    if (previous === answer) return { previous, promoted: [] };
    const [bumped] = await tx
      .update(events)
      .set({ rsvpSeq: sql`${events.rsvpSeq} + 1` })
      .where(eq(events.id, eventId))
      .returning({ seq: events.rsvpSeq });
    await tx
      .insert(eventRsvps)
      .values({ eventId, userId, status: answer, seq: bumped!.seq })
      .onConflictDoUpdate({ target: [eventRsvps.eventId, eventRsvps.userId], set: { status: answer, seq: bumped!.seq, updatedAt: sql`now()` } });
    await recordRsvpChange(tx, eventId, userId, answer);
    const promoted = previous === "going" ? await promoteFromWaitlist(tx, eventId, locked.capacity) : [];
    return { previous, promoted };
  });
  await queuePromotions(app, eventId, result.promoted);
  return result;
}
type MyRsvpStatus = "going" | "waitlisted" | "maybe" | "not_going";

async function positionOf(tx: Tx, eventId: string, seq: number): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "waitlisted"), lte(eventRsvps.seq, seq)));
  return row?.n ?? 1;
}

/**
 * Withdraws the viewer's RSVP. When a going member leaves a scheduled event that hasn't started,
 * the first waitlisted person is promoted in the same transaction (and told so once it committed).
 */
export async function cancelRsvp(app: AppContext, viewer: Actor | null, eventId: string): Promise<{ previous: "going" | "waitlisted" | "maybe" | "not_going" | null; promoted: string[] }> {
  const event = await findEvent(app, viewer, eventId);
  if (!event.myRsvp && event.permissions.view && viewer) return { previous: null, promoted: [] };
  assertCan(viewer, "event.cancelRsvp", event.target, "That event");
  const userId = viewer!.id;
  const result = await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    const { withdrawn, promoted } = await withdrawPlaces(tx, eventId, locked, [userId]);
    if (withdrawn[0]) return { previous: withdrawn[0].status, promoted };
    // A "maybe" or "not going" holds no place: withdrawing it only clears the reply.
    const [reply] = await tx
      .select({ status: eventRsvps.status })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId), inArray(eventRsvps.status, ["maybe", "not_going"])));
    if (!reply) return { previous: null, promoted };
    await tx.update(eventRsvps).set({ status: "cancelled", updatedAt: sql`now()` }).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    await recordRsvpChange(tx, eventId, userId, "cancelled");
    return { previous: reply.status as "maybe" | "not_going", promoted };
  });
  await queuePromotions(app, eventId, result.promoted);
  return result;
}

/**
 * Inside the caller's transaction (account deletion): withdraws every place this person holds, the
 * way they would cancel (each event's row locked, in id order so two such calls can't deadlock; the
 * waitlist moves up). Answers the promotions, for queuePromotions once the caller committed.
 */
export async function withdrawAllPlacesOf(tx: Tx, userId: string): Promise<{ eventId: string; promoted: string[] }[]> {
  const held = await tx
    .selectDistinct({ eventId: eventRsvps.eventId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.userId, userId), inArray(eventRsvps.status, ["going", "waitlisted"])))
    .orderBy(asc(eventRsvps.eventId));
  const promotions: { eventId: string; promoted: string[] }[] = [];
  for (const { eventId } of held) {
    const { promoted } = await withdrawPlaces(tx, eventId, await lockEvent(tx, eventId), [userId]);
    if (promoted.length > 0) promotions.push({ eventId, promoted });
  }
  return promotions;
}

/**
 * After people lost access to a group (left, declined, banned, removed from the organization's
 * team, the group turned private): releases the places they may no longer hold (policy
 * `event.keepRsvp`) in the group's events that have not ended, one transaction per event with its
 * row locked, so the waitlist moves up exactly as when they cancel. Without userIds, every holder
 * is checked. They get no notice: the event is no longer theirs to see.
 */
export async function releaseLostPlaces(app: AppContext, scope: { groupId: string; userIds?: readonly string[] }) {
  const userIds = scope.userIds ? [...scope.userIds] : undefined;
  if (userIds?.length === 0) return { released: 0, promoted: [] as string[] };
  const affected = await app.db
    .selectDistinct({ eventId: events.id })
    .from(events)
    .innerJoin(eventRsvps, eq(eventRsvps.eventId, events.id))
    .where(
      and(
        eq(events.groupId, scope.groupId),
        eq(events.status, "scheduled"),
        gt(events.endsAt, new Date()),
        inArray(eventRsvps.status, ["going", "waitlisted"]),
        userIds ? inArray(eventRsvps.userId, userIds) : undefined,
      ),
    );
  let released = 0;
  const promoted: string[] = [];
  for (const { eventId } of affected) {
    const result = await app.db.transaction(async (tx) => {
      const locked = await lockEvent(tx, eventId);
      return withdrawPlaces(tx, eventId, locked, await placesLost(tx, eventId, userIds));
    });
    await queuePromotions(app, eventId, result.promoted);
    released += result.withdrawn.length;
    promoted.push(...result.promoted);
  }
  return { released, promoted };
}
