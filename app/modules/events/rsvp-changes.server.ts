import { eventRsvpChanges } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import type { Tx } from "./common.server";

/** What the organizers' digest reports: a person's new reply, or that an organizer removed them. */
export type RsvpChange = "going" | "waitlisted" | "maybe" | "not_going" | "cancelled" | "removed";

/**
 * Logs one RSVP transition for the organizers' digest (app/modules/events/digest.server.ts), in the
 * transaction that made it, so a rolled-back RSVP leaves no line in anyone's digest.
 */
export async function recordRsvpChange(tx: Tx, eventId: string, userIds: string | readonly string[], status: RsvpChange): Promise<void> {
  const ids = typeof userIds === "string" ? [userIds] : userIds;
  if (ids.length === 0) return;
  await tx.insert(eventRsvpChanges).values(ids.map((userId) => ({ id: newId(), eventId, userId, status })));
}
