import type { Database, Transaction } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict, Invalid } from "#app/lib/errors";
import type { Actor, ChatTarget } from "#app/policy.server";
import { holdContent } from "./held.server";
import { screenChatSend, screenGroupWrite, type Screening } from "./screen.server";

/**
 * The safety gate for chat (typed messages, voice notes' text, edits). Direct conversations have no
 * group and no moderators, so nothing is screened there (null). See screen.server.ts.
 */

/** A chat send that went to a moderator instead of the room: acked to the sender only. */
export interface HeldSend {
  held: true;
  clientId: string;
  heldId: string;
  /** True when this clientId was already held: nothing new stored. */
  duplicate: boolean;
}

type Room = { id: string; groupId: string | null; target: ChatTarget };

/** Screens chat text in a group room; null in a direct conversation. */
export function screenChatWrite(db: Database | Transaction, actor: Actor, room: Room, kind: "chat_message" | "chat_edit", body: string, confirmedPersonal?: boolean): Promise<Screening | null> | null {
  if (room.groupId === null || "kind" in room.target) return null;
  return screenGroupWrite(db, { actor, groupId: room.groupId, target: room.target, kind, texts: [body], confirmedPersonal });
}

/**
 * Before a typed message is stored: a retry of a clientId that is already held answers held again
 * (idempotent, no second row); otherwise screen it, and a hold stores the held row (clientId and the
 * message replied to kept for publishing). `screening` goes to fileWatchedFlag after the write.
 */
export async function gateChatSend(
  app: AppContext,
  { actor, room }: { actor: Actor; room: Room },
  input: { body: string; clientId: string; replyToId?: string | null; confirmedPersonal?: boolean },
): Promise<{ held: HeldSend } | { screening: Screening | null }> {
  if (room.groupId === null || "kind" in room.target) return { screening: null };
  const gate = await screenChatSend(app.db, { actor, groupId: room.groupId, target: room.target, body: input.body, clientId: input.clientId, confirmedPersonal: input.confirmedPersonal });
  if ("held" in gate) {
    if (gate.held.roomId !== room.id) throw Conflict("That clientId was already used for a message in another room.");
    return { held: { held: true, clientId: input.clientId, heldId: gate.held.id, duplicate: true } };
  }
  const { screening } = gate;
  if (screening.verdict !== "hold") return { screening };
  const { heldId } = await holdContent(
    app,
    { kind: "chat_message", groupId: room.groupId, authorId: actor.id, roomId: room.id, body: input.body, payload: { clientId: input.clientId, replyToId: input.replyToId ?? null } },
    screening,
  );
  return { held: { held: true, clientId: input.clientId, heldId, duplicate: false } };
}

/**
 * A voice note's text is screened like a message; a voice note cannot wait for review (the held
 * row keeps text only), so where a typed message would be held the note is refused with the reason.
 */
export async function gateVoiceNote(db: Database | Transaction, send: { actor: Actor; room: Room }, note: string, confirmedPersonal?: boolean): Promise<Screening | null> {
  const screening = await screenChatWrite(db, send.actor, send.room, "chat_message", note, confirmedPersonal);
  if (screening?.verdict === "hold") {
    throw Invalid("Your messages here wait for a moderator's review for now, and a voice note can't wait: please type your message instead.");
  }
  return screening;
}
