import { and, eq, isNull, sql } from "drizzle-orm";
import { posts, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { auditContentAction } from "#app/modules/moderation/moderation.server";
import { announceNotices } from "#app/modules/notifications/notifications.server";
import { fileLimitedReport } from "#app/modules/moderation/report-rate.server";
import { matchesCrisisPhrase, type ReportInput } from "#app/modules/moderation/moderation.schema";
import { assertCan, can, type Actor, type ThreadTarget } from "#app/policy.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { loadPost, loadThread } from "./common.server";
import { deleteDraftAfterPost, draftKeys } from "./drafts.server";
import { queueMentions } from "./mention-queue.server";
import { autoFollow } from "./follow.server";
import { screenGroupWrite } from "#app/modules/safety/screen.server";
import { holdContent, publishedOnly } from "#app/modules/safety/held.server";
import { fileWatchedFlag } from "#app/modules/safety/flags.server";

/** Group forums, posts: replying, editing, deleting, reporting and moderating one post. */

export const replyRate: RateRule = {
  limit: 20,
  windowSeconds: 10 * 60,
  message: "You are replying faster than we allow. Your reply is kept here.",
};
export const editRate: RateRule = {
  limit: 20,
  windowSeconds: 10 * 60,
  message: "You have edited posts many times in a short time. Your changes are kept here.",
};

/** The edit form's starting point: the post's Markdown (and the title, for an opening post). */
export async function getPostForEdit(app: AppContext, viewer: Actor | null, slug: string, threadId: string, postId: string) {
  const { row, target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.edit", target, "That post");
  return {
    group: { slug: row.groupSlug, name: row.groupName },
    thread: { id: threadId, title: row.threadTitle },
    post: { id: row.postId, isOpening: row.isOpening, body: row.body },
  };
}

/** Replies to a thread (through the safety gate) for callers that only publish: a held reply is a Conflict. See submitReply. */
export async function createReply(app: AppContext, viewer: Actor | null, slug: string, threadId: string, input: { body: string; confirmedPersonal?: boolean }) {
  return publishedOnly(await submitReply(app, viewer, slug, threadId, input));
}

/** Replies to a thread; bumps the thread's reply count and last activity in the same transaction. Held by the safety gate: a held row (`held: true`). */
export async function submitReply(app: AppContext, viewer: Actor | null, slug: string, threadId: string, input: { body: string; confirmedPersonal?: boolean }) {
  const { target, row } = await loadThread(app, viewer, slug, threadId);
  if (row.deletedAt && !can(viewer, "forum.moderate", target)) throw NotFound("That thread");
  assertCan(viewer, "forum.reply", target, "That thread");
  const key = `forum:reply:${viewer!.id}`;
  await app.limiter.check(key, replyRate);
  // The safety gate: a held reply is stored for a moderator (thread untouched, nobody notified).
  const screening = await screenGroupWrite(app.db, { actor: viewer!, groupId: row.groupId, target, kind: "post", texts: [input.body], confirmedPersonal: input.confirmedPersonal });
  if (screening.verdict === "hold") {
    await app.limiter.record(key, replyRate);
    const held = await holdContent(app, { kind: "post", groupId: row.groupId, authorId: viewer!.id, threadId, body: input.body }, screening);
    // The text is kept in held_content now: the draft it came from is done, as after a post.
    await deleteDraftAfterPost(app, viewer!.id, draftKeys.reply(threadId));
    return held;
  }
  const postId = await publishReply(app, viewer!, target, threadId, input.body);
  await deleteDraftAfterPost(app, viewer!.id, draftKeys.reply(threadId));
  await app.limiter.record(key, replyRate);
  await fileWatchedFlag(app.db, screening, { targetType: "post", targetId: postId, groupId: row.groupId });
  return { held: false as const, postId, crisisPrompt: matchesCrisisPhrase(input.body) };
}

/** A held reply a moderator approved, written as its author if they may still reply there (publishHeld; not screened again). */
export async function replyAsAuthor(app: AppContext, author: Actor, slug: string, threadId: string, body: string) {
  const { target, row } = await loadThread(app, author, slug, threadId);
  if (row.deletedAt) throw NotFound("That thread");
  assertCan(author, "forum.reply", target, "That thread");
  return publishReply(app, author, target, threadId, body);
}

/**
 * Writes a reply by `author` (who may reply: the caller asked) and queues its notices and mentions:
 * a reply posted now, or a held one a moderator approved (publishHeld).
 */
export async function publishReply(app: AppContext, author: Actor, target: ThreadTarget, threadId: string, body: string) {
  const postId = newId();
  await app.db.transaction(async (tx) => {
    // Re-check the lock inside the transaction: a moderator may have locked it a moment ago.
    const [current] = await tx
      .update(threads)
      .set({ replyCount: sql`${threads.replyCount} + 1`, lastActivityAt: sql`now()` })
      .where(eq(threads.id, threadId))
      .returning({ locked: threads.locked, deletedAt: threads.deletedAt });
    if (!current) throw NotFound("That thread");
    assertCan(author, "forum.reply", { ...target, thread: { ...target.thread, locked: current.locked, deleted: current.deletedAt !== null } }, "That thread");
    await tx.insert(posts).values({ id: postId, threadId, authorId: author.id, body });
    await autoFollow(tx, author.id, threadId, "replied");
  });
  // Committed: the followers hear of it from a job, so the reply doesn't wait for them.
  await queueNotification(app, "forums.reply", { postId }, postId);
  await queueMentions(app, { kind: "post", postId }, body, postId);
  return postId;
}

/** Edits one's own post (and the title, for an opening post); marks it edited. */
export async function editPost(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  input: { title?: string; body: string; confirmedPersonal?: boolean },
) {
  const { row, target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.edit", target, "That post");
  if (input.title !== undefined && !row.isOpening) throw Invalid("Only the opening post carries the thread's title.");
  // The safety gate for an edit: block refuses, personal data asks; an edit is never held (holds flag it).
  const screening = await screenGroupWrite(app.db, { actor: viewer!, groupId: row.groupId, target, kind: "post_edit", texts: input.title !== undefined ? [input.title, input.body] : [input.body], confirmedPersonal: input.confirmedPersonal });
  await withinRate(app.limiter, `forum:edit:${viewer!.id}`, editRate, () =>
    app.db.transaction(async (tx) => {
      await tx.update(posts).set({ body: input.body, editedAt: sql`now()` }).where(and(eq(posts.id, postId), isNull(posts.deletedAt)));
      if (input.title !== undefined) await tx.update(threads).set({ title: input.title }).where(eq(threads.id, threadId));
    }),
  );
  await deleteDraftAfterPost(app, viewer!.id, draftKeys.edit(postId));
  // No key: each edit resolves again; only people the post didn't mention before are new rows.
  await queueMentions(app, { kind: "post", postId }, input.body);
  await fileWatchedFlag(app.db, screening, { targetType: "post", targetId: postId, groupId: row.groupId });
  return { postId };
}

/** Deletes one's own post: it stays in place as "deleted by author"; replies stay too. */
export async function deletePost(app: AppContext, viewer: Actor | null, slug: string, threadId: string, postId: string) {
  const { target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.delete", target, "That post");
  await app.db
    .update(posts)
    .set({ deletedAt: sql`now()`, deletedBy: viewer!.id, deletionReason: null })
    .where(and(eq(posts.id, postId), isNull(posts.deletedAt)));
  return { postId };
}

/** Reports a post to the group's moderators (status open). */
export async function reportPost(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  input: ReportInput,
) {
  const { row, target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.report", target, "That post");
  return fileLimitedReport(app, { ...input, reporterId: viewer!.id, targetType: "post", targetId: postId, groupId: row.groupId });
}

/** Remove a post with a reason, or restore a removed one; audited in the same transaction. */
export async function moderatePost(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  action: "remove" | "restore",
  reason?: string,
) {
  const { row, groupTarget } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "forum.moderate", groupTarget, "That post");
  if (action === "remove" && !reason) throw Invalid("Give a reason.", { reason: ["Give a reason: the author will see it."] });
  if (action === "restore" && (row.deletedAt === null || row.deletedBy === row.authorId)) {
    throw Invalid("Only a post a moderator removed can be restored.");
  }
  await app.db.transaction(async (tx) => {
    await tx
      .update(posts)
      .set(
        action === "remove"
          ? { deletedAt: new Date(), deletedBy: viewer!.id, deletionReason: reason ?? "" }
          : { deletedAt: null, deletedBy: null, deletionReason: null },
      )
      .where(eq(posts.id, postId));
    await auditContentAction(
      tx,
      { actorId: viewer!.id, action: `post.${action}`, targetType: "post", targetId: postId, groupId: row.groupId, subjectUserId: row.authorId, reason: reason ?? "" },
      action === "remove" ? { what: "post", groupName: row.groupName } : undefined,
    );
  });
  if (action === "remove") await announceNotices(app, [row.authorId]);
  return { postId, action };
}
