import { and, asc, eq, inArray, isNull, lte, sql } from "drizzle-orm";
import { eventRsvpChanges, events, organizationMembers } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { rowsOf } from "#app/lib/db-rows.server";
import { recordNotifications } from "#app/modules/notifications/record.server";
import { can } from "#app/policy.server";
import { targetsFor } from "./common.server";
import type { RsvpChange } from "./rsvp-changes.server";

/**
 * The "events.rsvp-digest" sweep: the organizers of an event hear about its new RSVPs and
 * cancellations in one notice per batch ("Peer support evening: 3 new going, 1 cancelled"). A batch
 * waits until its changes have been quiet for 10 minutes (a burst becomes one notice) and an event
 * gets at most one notice an hour. Each batch is claimed by stamping digested_at in one transaction
 * over the rows locked with SKIP LOCKED, so two nodes sweeping never report a change twice; the
 * notice's key is the batch's first change, so a retried record adds nothing.
 */

const MIN = 60_000;
/** A batch is ripe once no change came for this long. */
export const DIGEST_QUIET_MS = 10 * MIN;
/** And an event is digested at most once per this. */
export const DIGEST_EVERY_MS = 60 * MIN;
const EVENTS_PER_SWEEP = 200;

const LABELS: Record<RsvpChange, string> = {
  going: "new going",
  waitlisted: "joined the waitlist",
  maybe: "maybe",
  not_going: "not going",
  cancelled: "cancelled",
  removed: "removed",
};
const ORDER = Object.keys(LABELS) as RsvpChange[];

/** "3 new going, 1 cancelled, 1 maybe": each person counted once, by their latest change in the batch. */
export function digestSummary(changes: { userId: string; status: string }[]): string {
  const latest = new Map<string, string>();
  for (const c of changes) latest.set(c.userId, c.status);
  const counts = new Map<string, number>();
  for (const s of latest.values()) counts.set(s, (counts.get(s) ?? 0) + 1);
  return ORDER.filter((s) => counts.has(s))
    .map((s) => `${counts.get(s)} ${LABELS[s]}`)
    .join(", ");
}

export async function rsvpDigestSweep(app: AppContext, now: Date): Promise<void> {
  const quietSince = new Date(now.getTime() - DIGEST_QUIET_MS).toISOString();
  const lastAllowed = new Date(now.getTime() - DIGEST_EVERY_MS).toISOString();
  const due = rowsOf<{ event_id: string }>(
    await app.db.execute(sql`
      select c.event_id from ${eventRsvpChanges} c
      where c.digested_at is null
      group by c.event_id
      having max(c.created_at) <= ${quietSince}::timestamptz
        and not exists (
          select 1 from ${eventRsvpChanges} d
          where d.event_id = c.event_id and d.digested_at > ${lastAllowed}::timestamptz
        )
      limit ${EVENTS_PER_SWEEP}`),
  );
  for (const { event_id } of due) await digestEvent(app, event_id, now);
}

async function digestEvent(app: AppContext, eventId: string, now: Date): Promise<void> {
  const batch = await app.db.transaction(async (tx) => {
    const pending = await tx
      .select({ id: eventRsvpChanges.id, userId: eventRsvpChanges.userId, status: eventRsvpChanges.status })
      .from(eventRsvpChanges)
      .where(and(eq(eventRsvpChanges.eventId, eventId), isNull(eventRsvpChanges.digestedAt), lte(eventRsvpChanges.createdAt, now)))
      .orderBy(asc(eventRsvpChanges.createdAt), asc(eventRsvpChanges.id))
      .for("update", { skipLocked: true });
    if (pending.length === 0) return null;
    // Stamped by id in this transaction: the other node's SKIP LOCKED passed over these rows.
    await tx
      .update(eventRsvpChanges)
      .set({ digestedAt: now })
      .where(inArray(eventRsvpChanges.id, pending.map((p) => p.id)));
    const [event] = await tx.select({ title: events.title, organizationId: events.organizationId, groupId: events.groupId }).from(events).where(eq(events.id, eventId));
    if (!event) return null;
    const staff = await tx
      .select({ userId: organizationMembers.userId })
      .from(organizationMembers)
      .where(and(eq(organizationMembers.organizationId, event.organizationId), inArray(organizationMembers.role, ["owner", "admin", "moderator"])));
    // Those who may still see who is coming (the attendees page this links to).
    const organizers = (await targetsFor(tx, eventId, staff.map((s) => s.userId))).filter((p) => can(p.actor, "event.viewAttendees", p.target)).map((p) => p.userId);
    return { event, organizers, summary: digestSummary(pending), key: pending[0]!.id };
  });
  if (!batch || batch.organizers.length === 0 || !batch.summary) return;
  await recordNotifications(app, {
    kind: "event_rsvps",
    recipients: batch.organizers,
    audience: { organizationStaff: batch.event.organizationId },
    title: `${batch.event.title}: ${batch.summary}`,
    link: `/events/${eventId}/attendees`,
    groupId: batch.event.groupId,
    eventId,
    dedupeKey: `rsvps:${eventId}:${batch.key}`,
  });
}
