import { eq, sql } from "drizzle-orm";
import { chatMessages, chatReactions } from "#db/schema/index";
import { rowsOf } from "#app/lib/db-rows.server";
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
  await app.limiter.hit(`chat:react:${viewer.id}`, REACT_RATE);

  const { messageId, kind } = input;
  const result = await app.db.transaction(async (tx) => {
    // The message row's lock makes reactions to one message take turns, so the count read after it
    // includes every change committed before (READ COMMITTED: a new snapshot per statement), and a
    // deletion racing this reaction either happens first (refused here) or after (reactions go).
    const [locked] = await tx.select({ deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, messageId)).for("no key update");
    if (!locked) throw NotFound(MESSAGE);
    if (locked.deletedAt) throw Forbidden("That message has been deleted.");
    // The change and the new count in one statement (the lock is held for one round trip less). The
    // count's subquery reads the statement's snapshot, which doesn't hold its own change: add it.
    const change = input.reacted
      ? sql`insert into ${chatReactions} (message_id, user_id, kind) values (${messageId}, ${viewer.id}, ${kind}) on conflict do nothing returning 1`
      : sql`delete from ${chatReactions} where message_id = ${messageId} and user_id = ${viewer.id} and kind = ${kind} returning 1`;
    const [row] = rowsOf<{ n: number | string; changed: number | string }>(
      await tx.execute(sql`with changed as (${change})
        select (select count(*)::int from ${chatReactions} where message_id = ${messageId} and kind = ${kind})
                 ${sql.raw(input.reacted ? "+" : "-")} (select count(*)::int from changed) as n,
               (select count(*)::int from changed) as changed`),
    );
    return { changed: Number(row?.changed ?? 0) > 0, count: Number(row?.n ?? 0) };
  });

  if (result.changed) {
    app.realtime.chat.reactionChanged({ roomId: message.roomId, messageId: input.messageId, kind: input.kind, count: result.count, userId: viewer.id, reacted: input.reacted });
  }
  return { messageId: input.messageId, kind: input.kind, count: result.count, reacted: input.reacted };
}
