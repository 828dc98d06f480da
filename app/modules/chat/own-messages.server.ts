import { and, asc, eq, isNull } from "drizzle-orm";
import { chatMessages, chatMessageVersions } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { ChatMessageEdited } from "#app/lib/chat-wire";
import { Conflict, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { assertCan, can, type ChatMessageTarget, type ChatTarget } from "#app/policy.server";
import { queueMentions } from "#app/modules/forums/mention-queue.server";
import { matchesCrisisPhrase } from "#app/modules/moderation/moderation.schema";
import { screenChatWrite } from "#app/modules/safety/chat-gate.server";
import { fileWatchedFlag } from "#app/modules/safety/flags.server";
import { SEND_RATE } from "./chat.schema";
import { findMessage, loadRoom, publishDeleted, publishMessages, requireActor, softDeleteMessage, type ChatActor, type MessageRow } from "./chat.server";

/**
 * A member's own messages: editing (the earlier body kept for moderators) and deleting ("deleted by
 * its author"). Like every chat change: policy, persist, publish on every node, then the caller acks.
 */

const MESSAGE = "That message";

function messageTarget(target: ChatTarget, m: MessageRow): ChatMessageTarget {
  return { ...target, message: { authorId: m.authorId, deleted: m.deletedAt !== null, kind: m.kind } };
}

/** The message and its room as `actor` sees them (unknown, or a room they can't read: NotFound). */
async function ownMessageIn(app: AppContext, actor: ChatActor, messageId: string) {
  const message = await findMessage(app, messageId);
  if (!message) throw NotFound(MESSAGE);
  const room = await loadRoom(app, actor, message.roomId);
  return { message, room, target: messageTarget(room.target, message) };
}

const editedOf = (m: Pick<MessageRow, "id" | "roomId" | "seq">, body: string, editedAt: Date): ChatMessageEdited => ({
  roomId: m.roomId,
  messageId: m.id,
  seq: Number(m.seq),
  body,
  editedAt: editedAt.toISOString(),
});

/**
 * The author edits their message: in one transaction the earlier body goes to chat_message_versions
 * and the new one (with edited_at) replaces it, only if nobody changed it meanwhile. The same body
 * again changes nothing (no version, no broadcast). Names newly mentioned are notified once.
 */
export async function editOwnMessage(app: AppContext, viewer: ChatActor | null, input: { messageId: string; body: string; confirmedPersonal?: boolean }) {
  const actor = requireActor(viewer);
  const { message, room, target } = await ownMessageIn(app, actor, input.messageId);
  if (!can(actor, "chat.editOwn", target)) {
    // Their own words, but they may not send here now (muted, locked, …): say why, as the send box does.
    if (message.authorId === actor.id && !message.deletedAt) assertCan(actor, "chat.send", room.target, MESSAGE);
    assertCan(actor, "chat.editOwn", target, MESSAGE);
  }
  if (input.body === message.body) {
    return { ...editedOf(message, message.body, message.editedAt ?? message.createdAt), changed: false, ...crisis(input.body) };
  }
  await app.limiter.hit(`chat:edit:${actor.id}`, { ...SEND_RATE, message: "You are editing very quickly. Please wait a few seconds." });
  // The safety gate for an edit: block refuses, personal data asks; an edit is never held (holds flag it).
  const screening = await screenChatWrite(app.db, actor, room, "chat_edit", input.body, input.confirmedPersonal);
  const now = new Date();
  const stored = await app.db.transaction(async (tx) => {
    // Compare-and-set on the body read above: the version row holds exactly the text replaced.
    const [row] = await tx
      .update(chatMessages)
      .set({ body: input.body, editedAt: now })
      .where(and(eq(chatMessages.id, message.id), isNull(chatMessages.deletedAt), eq(chatMessages.body, message.body)))
      .returning({ id: chatMessages.id, hiddenAt: chatMessages.hiddenAt });
    if (!row) return null;
    await tx.insert(chatMessageVersions).values({ id: newId(), messageId: message.id, body: message.body, replacedAt: now });
    return { hidden: row.hiddenAt !== null };
  });
  if (!stored) throw Conflict("That message changed meanwhile (edited or deleted). Please look again.");
  const edited = editedOf({ ...message, roomId: room.id }, input.body, now);
  // Auto-hidden pending review: the room gets it again as the wire shows a hidden message (edited,
  // no body); the new words reach only the author's ack (and the moderators' history).
  if (stored.hidden) await publishMessages(app, [message.id]);
  else app.realtime.chat.messageEdited(edited);
  // No job key of its own: the mention fan-out dedupes per person, so only names new to the message hear of it.
  await queueMentions(app, { kind: "chat", messageId: message.id }, input.body);
  if (room.groupId) await fileWatchedFlag(app.db, screening, { targetType: "chat_message", targetId: message.id, groupId: room.groupId });
  return { ...edited, changed: true, ...crisis(input.body) };
}

/** For the author's ack only (never broadcast), as for a send: the gentle "Get help now" prompt. */
function crisis(body: string): { crisisPrompt?: true } {
  return matchesCrisisPhrase(body) ? { crisisPrompt: true } : {};
}

/** The author deletes their message: the moderators' soft delete (unpinning it too), by the author. */
export async function deleteOwnMessage(app: AppContext, viewer: ChatActor | null, input: { messageId: string }) {
  const actor = requireActor(viewer);
  const { message, room, target } = await ownMessageIn(app, actor, input.messageId);
  // Already gone: the author may ask again (a retry) and hear so, but only they, and only while they may read the room.
  if (message.deletedAt) {
    assertCan(actor, "chat.deleteOwn", { ...target, message: { ...target.message, deleted: false } }, MESSAGE);
    return { roomId: room.id, messageId: message.id, alreadyDeleted: true };
  }
  assertCan(actor, "chat.deleteOwn", target, MESSAGE);
  const unpinned = await softDeleteMessage(app, message, room, { actorId: actor.id, reason: null });
  await publishDeleted(app, message, unpinned, true);
  return { roomId: room.id, messageId: message.id, alreadyDeleted: false };
}

/** Moderators: the bodies an edited message had, oldest first. */
export async function messageVersions(app: AppContext, viewer: ChatActor | null, input: { messageId: string }) {
  const actor = requireActor(viewer);
  const { message, room } = await ownMessageIn(app, actor, input.messageId);
  assertCan(actor, "chat.viewVersions", room.target, MESSAGE);
  const rows = await app.db
    .select({ body: chatMessageVersions.body, replacedAt: chatMessageVersions.replacedAt })
    .from(chatMessageVersions)
    .where(eq(chatMessageVersions.messageId, message.id))
    .orderBy(asc(chatMessageVersions.replacedAt), asc(chatMessageVersions.id));
  return { messageId: message.id, versions: rows.map((r) => ({ body: r.body, replacedAt: r.replacedAt.toISOString() })) };
}
