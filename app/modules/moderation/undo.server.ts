import { and, eq, isNotNull, sql } from "drizzle-orm";
import { chatRooms, chatRoomSanctions, groupMemberships, posts, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { banUser, muteUser, restoreMessage } from "#app/modules/chat/chat.server";
import { moderatePost } from "#app/modules/forums/posts.server";
import { moderateThread } from "#app/modules/forums/threads.server";
import type { Actor } from "#app/policy.server";

/**
 * The moderation decisions a member may appeal, and what overturning each one undoes. The registry
 * is a Record over the list, so a new appealable kind can't compile without its undo, and the appeal
 * tests walk the list and prove every undo through the real stack.
 */
export const appealableActions = ["post.remove", "thread.remove", "chat.message.delete", "user.warn", "group.mute", "group.ban", "chat.mute", "chat.ban"] as const;
export type AppealableAction = (typeof appealableActions)[number];

export function isAppealable(action: string): action is AppealableAction {
  return (appealableActions as readonly string[]).includes(action);
}

/** The overturned decision as the audit log recorded it, and who overturned it with what note. */
export interface Overturn {
  actor: Actor;
  targetId: string;
  groupId: string | null;
  groupSlug: string | null;
  subjectUserId: string;
  details: Record<string, unknown>;
  note: string;
}

type Undo = (app: AppContext, o: Overturn) => Promise<void>;

function groupSlugOf(o: Overturn) {
  if (!o.groupSlug || !o.groupId) throw new Error("an overturned group decision has no group");
  return { slug: o.groupSlug, id: o.groupId };
}

const reason = (o: Overturn) => `Appeal accepted: ${o.note}`;

/** Tells the person's live sockets in every room of the group that a group sanction was lifted (they re-join). */
async function tellRooms(app: AppContext, groupId: string, userId: string, message: string) {
  const rooms = await app.db.select({ id: chatRooms.id }).from(chatRooms).where(eq(chatRooms.groupId, groupId));
  for (const room of rooms) app.realtime.chat.sanctioned(userId, { roomId: room.id, mutedUntil: null, banned: false, message });
}

/**
 * Each undo is idempotent (already undone → nothing to do) and leaves a later, separate sanction in
 * place: lifting an overturned mute only lifts that mute, not one given since.
 */
export const undoOf: Record<AppealableAction, Undo> = {
  async "post.remove"(app, o) {
    const [post] = await app.db.select({ threadId: posts.threadId, deletedAt: posts.deletedAt }).from(posts).where(eq(posts.id, o.targetId));
    if (post?.deletedAt) await moderatePost(app, o.actor, groupSlugOf(o).slug, post.threadId, o.targetId, "restore");
  },

  async "thread.remove"(app, o) {
    const [thread] = await app.db.select({ deletedAt: threads.deletedAt }).from(threads).where(eq(threads.id, o.targetId));
    if (thread?.deletedAt) await moderateThread(app, o.actor, groupSlugOf(o).slug, o.targetId, "restore");
  },

  async "chat.message.delete"(app, o) {
    // Restored in the database and shown again in every live room, on every node.
    await restoreMessage(app, o.actor, { messageId: o.targetId, reason: reason(o) });
  },

  async "user.warn"() {
    // A warning changes nothing but the member's record: the overturn itself (audited, and the
    // member is told the decision was reversed) is the whole undo.
  },

  async "group.mute"(app, o) {
    const group = groupSlugOf(o);
    const until = typeof o.details.until === "string" ? o.details.until : null;
    if (!until) return;
    const lifted = await app.db
      .update(groupMemberships)
      .set({ mutedUntil: null })
      .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, o.subjectUserId), sql`${groupMemberships.mutedUntil} = ${until}::timestamptz`))
      .returning({ userId: groupMemberships.userId });
    if (lifted.length) await tellRooms(app, group.id, o.subjectUserId, "A moderator lifted your mute in this group after your appeal. You can post and send messages again.");
  },

  async "group.ban"(app, o) {
    const group = groupSlugOf(o);
    const where = and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, o.subjectUserId), eq(groupMemberships.status, "banned"));
    // Back to where they stood before the ban; someone banned without being a member just loses the ban.
    // (Bans recorded before previousStatus existed were of members: back to active.)
    const previous = "previousStatus" in o.details ? o.details.previousStatus : "active";
    if (previous === "banned") return; // banned already before: this decision changed nothing
    const lifted =
      previous === "active" || previous === "pending"
        ? await app.db.update(groupMemberships).set({ status: previous }).where(where).returning({ userId: groupMemberships.userId })
        : await app.db.delete(groupMemberships).where(where).returning({ userId: groupMemberships.userId });
    if (lifted.length) await tellRooms(app, group.id, o.subjectUserId, "A moderator lifted your ban from this group after your appeal.");
  },

  async "chat.mute"(app, o) {
    const until = typeof o.details.until === "string" ? o.details.until : null;
    const [sanction] = await app.db
      .select({ roomId: chatRoomSanctions.roomId })
      .from(chatRoomSanctions)
      .where(and(eq(chatRoomSanctions.roomId, o.targetId), eq(chatRoomSanctions.userId, o.subjectUserId), sql`${chatRoomSanctions.mutedUntil} = ${until}::timestamptz`));
    if (sanction) await muteUser(app, o.actor, { roomId: o.targetId, userId: o.subjectUserId, minutes: 0, reason: reason(o) });
  },

  async "chat.ban"(app, o) {
    const [sanction] = await app.db
      .select({ roomId: chatRoomSanctions.roomId })
      .from(chatRoomSanctions)
      .where(and(eq(chatRoomSanctions.roomId, o.targetId), eq(chatRoomSanctions.userId, o.subjectUserId), isNotNull(chatRoomSanctions.bannedAt)));
    if (sanction) await banUser(app, o.actor, { roomId: o.targetId, userId: o.subjectUserId, banned: false, reason: reason(o) });
  },
};
