import type { heldContent } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";

export type HeldRow = typeof heldContent.$inferSelect;

/**
 * Publishes an approved held item through the ordinary write path (thread, reply or chat message:
 * notifications, mentions and the live broadcast happen as for any write) and answers the new
 * row's id and a link to it. The caller (the review queue) has checked `moderation.reviewHeld` and
 * marks the held row approved in the same transaction.
 * STUB (foundation): the hold-pipeline helper implements it; the signature is fixed for the round.
 */
export async function publishHeld(_app: AppContext, _held: HeldRow, _moderator: Actor): Promise<{ id: string; link: string }> {
  throw new Error("publishHeld is not implemented yet");
}
