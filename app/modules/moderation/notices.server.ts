import { eq } from "drizzle-orm";
import { appeals, chatMessages, groups, moderationActions, posts, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound } from "#app/lib/errors";
import { can, type Actor, type NoticeTarget } from "#app/policy.server";
import { requireActor } from "./common.server";
import { isAppealable, type AppealableAction } from "./undo.server";

/** Member notices: one moderation decision as the person it concerned sees it. */

const noticeWords: Record<AppealableAction, string> = {
  "post.remove": "A moderator removed your post.",
  "thread.remove": "A moderator removed your thread.",
  "chat.message.delete": "A moderator removed your chat message.",
  "user.warn": "A moderator sent you a warning.",
  "group.mute": "A moderator muted you in this group.",
  "group.ban": "A moderator banned you from this group.",
  "chat.mute": "A moderator muted you in a chat room.",
  "chat.ban": "A moderator removed you from a chat room.",
};

/** One decision as the person it concerned sees it; 404 for everyone else. */
export async function getNotice(app: AppContext, viewer: Actor | null, actionId: string) {
  const actor = requireActor(viewer);
  const [row] = await app.db
    .select({
      id: moderationActions.id,
      action: moderationActions.action,
      reason: moderationActions.reason,
      details: moderationActions.details,
      createdAt: moderationActions.createdAt,
      subjectUserId: moderationActions.subjectUserId,
      targetType: moderationActions.targetType,
      targetId: moderationActions.targetId,
      groupName: groups.name,
      groupSlug: groups.slug,
      appealId: appeals.id,
      appealStatus: appeals.status,
      appealBody: appeals.body,
      appealNote: appeals.decisionNote,
    })
    .from(moderationActions)
    .leftJoin(groups, eq(groups.id, moderationActions.groupId))
    .leftJoin(appeals, eq(appeals.moderationActionId, moderationActions.id))
    .where(eq(moderationActions.id, actionId))
    .limit(1);
  if (!row || row.subjectUserId !== actor.id) throw NotFound("That notice");
  const target: NoticeTarget = { kind: "notice", subjectId: row.subjectUserId, appealable: isAppealable(row.action), appealed: row.appealId !== null };
  let removedText: string | null = null;
  if (row.action === "post.remove") {
    const [p] = await app.db.select({ body: posts.body }).from(posts).where(eq(posts.id, row.targetId));
    removedText = p?.body ?? null;
  } else if (row.action === "thread.remove") {
    const [t] = await app.db.select({ title: threads.title }).from(threads).where(eq(threads.id, row.targetId));
    removedText = t?.title ?? null;
  } else if (row.action === "chat.message.delete") {
    const [m] = await app.db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.id, row.targetId));
    removedText = m?.body ?? null;
  }
  const until = typeof row.details.until === "string" ? row.details.until : null;
  return {
    id: row.id,
    action: row.action,
    summary: isAppealable(row.action) ? noticeWords[row.action] : "A moderator took an action that concerns you.",
    reason: row.reason,
    until,
    createdAt: row.createdAt,
    group: row.groupSlug ? { slug: row.groupSlug, name: row.groupName ?? "" } : null,
    removedText,
    appeal: row.appealId ? { status: row.appealStatus!, body: row.appealBody!, note: row.appealNote ?? "" } : null,
    canAppeal: can(actor, "moderation.appeal", target),
  };
}
