import { and, count, eq } from "drizzle-orm";
import { chatMessages, chatReactions } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { ChatReactionKind } from "#app/lib/chat-wire";
import { Forbidden, NotFound, Unauthenticated } from "#app/lib/errors";
import { assertCan, type ChatMessageTarget } from "#app/policy.server";
import { loadRoomForSend, type ChatActor } from "./chat.server";

/**
 * Hug / Same here / Helpful on chat messages. Setting a reaction is idempotent (reacting twice, or
 * removing one that isn't there, is the same state and an ok ack); a real change is committed, then
 * published to the room with the kind's new count, then acked.
 */

const MESSAGE = "That message";

/** Per person, across rooms: generous for a human clicking, a wall for a script flooding a room. */
export const REACT_RATE = { limit: 30, windowSeconds: 10, message: "You are reacting very quickly. Please wait a few seconds." };

export async function setReaction(app: AppContext, viewer: ChatActor | null, input: { messageId: string; kind: ChatReactionKind; reacted: boolean }) {
  if (!viewer) throw Unauthenticated();
  const [message] = await app.db
    .select({ roomId: chatMessages.roomId, authorId: chatMessages.authorId, deletedAt: chatMessages.deletedAt, kind: chatMessages.kind })
    .from(chatMessages)
    .where(eq(chatMessages.id, input.messageId))
    .limit(1);
  if (!message) throw NotFound(MESSAGE);
  const room = await loadRoomForSend(app, viewer, message.roomId);
  const target: ChatMessageTarget = { ...room.target, message: { authorId: message.authorId, deleted: message.deletedAt !== null, kind: message.kind } };
  // Someone who may not read the room learns nothing of its messages: NotFound, like an unknown id.
  assertCan(viewer, "chat.react", target, MESSAGE);
  app.limiter.hit(`chat:react:${viewer.id}`, REACT_RATE);

  const mine = and(eq(chatReactions.messageId, input.messageId), eq(chatReactions.userId, viewer.id), eq(chatReactions.kind, input.kind));
  const result = await app.db.transaction(async (tx) => {
    // The message row's lock makes reactions to one message take turns, so each count read below
    // includes every change committed before it (READ COMMITTED: a new snapshot per statement), and
    // a deletion racing this reaction either happens first (refused here) or after (reactions go).
    const [locked] = await tx.select({ deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, input.messageId)).for("no key update");
    if (!locked) throw NotFound(MESSAGE);
    if (locked.deletedAt) throw Forbidden("That message has been deleted.");
    const changed = input.reacted
      ? await tx.insert(chatReactions).values({ messageId: input.messageId, userId: viewer.id, kind: input.kind }).onConflictDoNothing().returning({ kind: chatReactions.kind })
      : await tx.delete(chatReactions).where(mine).returning({ kind: chatReactions.kind });
    const [counted] = await tx
      .select({ n: count() })
      .from(chatReactions)
      .where(and(eq(chatReactions.messageId, input.messageId), eq(chatReactions.kind, input.kind)));
    return { changed: changed.length > 0, count: Number(counted?.n ?? 0) };
  });

  if (result.changed) {
    app.realtime.chat.reactionChanged({ roomId: message.roomId, messageId: input.messageId, kind: input.kind, count: result.count, userId: viewer.id, reacted: input.reacted });
  }
  return { messageId: input.messageId, kind: input.kind, count: result.count, reacted: input.reacted };
}
