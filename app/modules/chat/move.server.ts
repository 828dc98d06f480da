import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { rowsOf } from "#app/lib/db-rows.server";
import { chatMessages, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { messageHref, roomHref } from "#app/lib/chat-links";
import { Conflict, Invalid, NotFound, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { countOf } from "#app/lib/plural";
import { assertCan, type Actor } from "#app/policy.server";
import { insertThread } from "#app/modules/forums/threads.server";
import { recordModerationAction } from "#app/modules/moderation/moderation.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { groupRoomOnly, insertMessage, loadRoom, publishMessages } from "./chat.server";
import { MOVE_MAX, type MoveToForumInput } from "./move.schema";

/**
 * Move to forum: a moderator turns a chat message and the replies to it (transitively, in the same
 * room) into a new thread of the room's group. Each message becomes a post by its own author; the
 * messages stay in the room marked with a link, and one system line says where they went.
 */

const MESSAGE = "That message";

type Candidate = { id: string; seq: number; authorId: string; authorName: string; body: string; kind: "text" | "voice" | "system"; createdAt: Date; voice: boolean };


async function movableRoom(app: AppContext, viewer: Actor | null, slug: string, roomId: string) {
  if (!viewer) throw Unauthenticated();
  // A direct conversation has no forum and no moderators: for a move it doesn't exist.
  const room = groupRoomOnly(await loadRoom(app, viewer, roomId));
  if (room.group.slug !== slug) throw NotFound("That room");
  assertCan(viewer, "chat.read", room.target, "That room");
  assertCan(viewer, "chat.moveToForum", room.group.target, MESSAGE);
  return { actor: viewer, room };
}

/**
 * The message and every reply to it, to any depth, in this room, in seq order: one recursive query.
 * Deleted messages, system lines and messages already moved are left out (a message moves once).
 */
async function movableTree(app: AppContext, roomId: string, messageId: string): Promise<Candidate[]> {
  const result = await app.db.execute(sql`
    with recursive tree as (
      select m.id from ${chatMessages} m where m.id = ${messageId} and m.room_id = ${roomId}
      union
      select m.id from ${chatMessages} m join tree t on m.reply_to_id = t.id where m.room_id = ${roomId}
    )
    select m.id, m.seq, m.author_id, u.display_name, m.body, m.kind, m.created_at, m.voice is not null as voice
    from tree join ${chatMessages} m on m.id = tree.id join ${users} u on u.id = m.author_id
    where m.deleted_at is null and m.kind <> 'system' and m.moved_to_thread_id is null
    order by m.seq
    limit ${MOVE_MAX + 1}`);
  return rowsOf<{ id: string; seq: number | string; author_id: string; display_name: string; body: string; kind: Candidate["kind"]; created_at: Date | string; voice: boolean }>(result).map((r) => ({
    id: r.id,
    seq: Number(r.seq),
    authorId: r.author_id,
    authorName: r.display_name,
    body: r.body,
    kind: r.kind,
    createdAt: new Date(r.created_at),
    voice: r.voice,
  }));
}

/** Why a message can't be moved, in words (it must exist in this room, be visible, and not moved yet). */
async function refuseRoot(app: AppContext, roomId: string, messageId: string): Promise<never> {
  const [m] = await app.db
    .select({ deletedAt: chatMessages.deletedAt, kind: chatMessages.kind, moved: chatMessages.movedToThreadId })
    .from(chatMessages)
    .where(and(eq(chatMessages.id, messageId), eq(chatMessages.roomId, roomId)));
  if (!m) throw NotFound(MESSAGE);
  if (m.moved) throw Conflict("That message was already moved to the forum.");
  if (m.deletedAt) throw Invalid("That message was deleted, so it can't be moved.");
  throw Invalid("That line can't be moved.");
}

/** The move page: the room, and the messages that would move (the message first, then its replies). */
export async function movePreview(app: AppContext, viewer: Actor | null, slug: string, input: { roomId: string; messageId: string }) {
  const { room } = await movableRoom(app, viewer, slug, input.roomId);
  const messages = await movableTree(app, room.id, input.messageId);
  if (messages[0]?.id !== input.messageId) await refuseRoot(app, room.id, input.messageId);
  return {
    group: { slug: room.group.slug, name: room.group.name },
    room: { id: room.id, name: room.name, href: roomHref({ roomId: room.id, groupSlug: room.group.slug }) },
    messages: messages.slice(0, MOVE_MAX).map((m) => ({ id: m.id, seq: m.seq, authorName: m.authorName, body: m.body, voice: m.voice, createdAt: m.createdAt.toISOString() })),
    truncated: messages.length > MOVE_MAX,
  };
}

/** Markdown's punctuation in a room name stays text. */
const escapeMarkdown = (s: string) => s.replace(/[\\`*_[\]<>#|~]/g, "\\$&");

/**
 * Moves the chosen messages (a subset of the message's tree; anything else is refused) into a new
 * thread, in one transaction: the thread and its posts, the messages marked moved (only those not
 * moved meanwhile, or the whole move is refused), the system line (through the same seq bump as a
 * send) and the audit row. Then the room hears the marked messages and the line, and the authors get
 * a notice. Moving again is refused: a moved message is no longer movable.
 */
export async function moveToForum(app: AppContext, viewer: Actor | null, slug: string, input: { roomId: string; messageId: string } & MoveToForumInput) {
  const { actor, room } = await movableRoom(app, viewer, slug, input.roomId);
  const tree = await movableTree(app, room.id, input.messageId);
  if (tree[0]?.id !== input.messageId) await refuseRoot(app, room.id, input.messageId);
  const wanted = new Set(input.include);
  const chosen = tree.filter((m) => wanted.has(m.id));
  if (chosen.length !== wanted.size) throw Invalid("Some of the chosen messages can't be moved with this one. Reload the page and choose again.", { include: ["Choose among the messages listed."] });

  const address = { roomId: room.id, groupSlug: room.group.slug };
  const bodyOf = (m: Candidate) => {
    // A voice note moves as its text note, with a link to hear it in the room (its file stays there).
    const voice = m.voice ? `[(voice note in chat)](${messageHref(address, m.seq)})` : "";
    return [m.body.trim(), voice].filter(Boolean).join("\n\n");
  };
  // Where the thread came from, at the end of the opening post: every post stays its author's own
  // words, and the mover is "a moderator" as in every notice (the audit log names them).
  const origin = `---\n\n*Moved from the chat room [${escapeMarkdown(room.name)}](${roomHref(address)}) by a moderator.*`;
  const postsIn = chosen.map((m, i) => ({ authorId: m.authorId, body: i === 0 ? `${bodyOf(m)}\n\n${origin}` : bodyOf(m) }));
  const count = chosen.length;
  const systemId = newId();

  const { threadId } = await app.db.transaction(async (tx) => {
    const thread = await insertThread(tx, { groupId: room.groupId, title: input.title, posts: postsIn });
    const marked = await tx
      .update(chatMessages)
      .set({ movedToThreadId: thread.threadId })
      .where(and(inArray(chatMessages.id, chosen.map((m) => m.id)), isNull(chatMessages.movedToThreadId), isNull(chatMessages.deletedAt)))
      .returning({ id: chatMessages.id });
    // Another moderator moved (or deleted) some of them a moment ago: nothing of this move is kept.
    if (marked.length !== count) throw Conflict("Some of these messages were just moved or deleted. Reload the page and try again.");
    await insertMessage(tx, {
      id: systemId,
      roomId: room.id,
      groupId: room.groupId,
      authorId: actor.id,
      kind: "system",
      body: `${countOf(count, "message")} ${count === 1 ? "was" : "were"} moved to the forum: ${input.title}`,
      system: { type: "moved", threadId: thread.threadId, title: input.title, messageCount: count },
      clientId: `moved-${thread.threadId}`,
    });
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "chat.move_to_forum",
      targetType: "chat_message",
      targetId: input.messageId,
      groupId: room.groupId,
      details: { roomId: room.id, threadId: thread.threadId, messageIds: chosen.map((m) => m.id) },
    });
    return thread;
  });

  // Committed: the room sees the moved messages' links and the line (clients replace by id).
  await publishMessages(app, [...chosen.map((m) => m.id), systemId]);
  const authorIds = [...new Set(chosen.map((m) => m.authorId))].filter((id) => id !== actor.id);
  if (authorIds.length) await queueNotification(app, "chat.moved", { threadId, actorId: actor.id, authorIds }, threadId);
  return { threadId, href: `/groups/${room.group.slug}/forum/${threadId}`, moved: count, systemMessageId: systemId };
}
