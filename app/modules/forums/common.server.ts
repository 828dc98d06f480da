import { and, eq, sql } from "drizzle-orm";
import { groupMemberships, groups, organizationMembers, posts, threads, users } from "#db/schema/index";
import { placeholder, preparedStatement } from "#db/prepared";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound } from "#app/lib/errors";
import { groupStandingColumns, groupTargetOf, standingJoins } from "#app/modules/groups/standing.server";
import { assertCan, can, type Actor, type PostTarget, type ThreadTarget } from "#app/policy.server";

/**
 * Private helpers shared by the forum's threads, posts and reactions files (not used outside
 * app/modules/forums): loading a thread or a post with the viewer's standing.
 */

const groupColumns = { groupId: groups.id, groupSlug: groups.slug, groupName: groups.name, ...groupStandingColumns };

/** One thread with its group and the viewer's standing: prepared (db/prepared.ts), as every thread view and reply runs it. */
const threadWithStanding = preparedStatement((db) => {
  const viewerId = placeholder("viewerId");
  return db
    .select({
      ...groupColumns,
      id: threads.id,
      title: threads.title,
      authorId: threads.authorId,
      authorName: users.displayName,
      pinned: threads.pinned,
      locked: threads.locked,
      membersOnly: threads.membersOnly,
      replyCount: threads.replyCount,
      createdAt: threads.createdAt,
      lastActivityAt: threads.lastActivityAt,
      deletedAt: threads.deletedAt,
      deletionReason: threads.deletionReason,
      hiddenAt: threads.hiddenAt,
    })
    .from(threads)
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .leftJoin(groupMemberships, standingJoins(viewerId).membership)
    .leftJoin(organizationMembers, standingJoins(viewerId).orgRole)
    .where(and(eq(threads.id, sql.placeholder("threadId")), eq(groups.slug, sql.placeholder("slug"))))
    .limit(1)
    .prepare("thread_with_standing");
});

/** One thread with its group and the viewer's relationship to the group: one query. */
export async function loadThread(app: AppContext, viewer: Actor | null, slug: string, threadId: string) {
  const [row] = await threadWithStanding(app.db).execute({ viewerId: viewer?.id ?? "", threadId, slug });
  if (!row) throw NotFound("That thread");
  const groupTarget = groupTargetOf(row);
  const target: ThreadTarget = { ...groupTarget, thread: { locked: row.locked, deleted: row.deletedAt !== null, membersOnly: row.membersOnly } };
  assertCan(viewer, "forum.read", target, "That thread");
  const moderate = can(viewer, "forum.moderate", groupTarget);
  // A removed thread is gone for everyone but moderators (its author sees why).
  const removed = row.deletedAt !== null;
  return { row, target, groupTarget, moderate, removed };
}

/** One post with its thread, group and the viewer's relationship to the group: one query. */
export async function loadPost(app: AppContext, viewer: Actor | null, slug: string, threadId: string, postId: string) {
  const [row] = await app.db
    .select({
      ...groupColumns,
      threadTitle: threads.title,
      threadLocked: threads.locked,
      threadMembersOnly: threads.membersOnly,
      threadDeletedAt: threads.deletedAt,
      postId: posts.id,
      authorId: posts.authorId,
      isOpening: posts.isOpening,
      body: posts.body,
      deletedAt: posts.deletedAt,
      deletedBy: posts.deletedBy,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .leftJoin(groupMemberships, standingJoins(viewer?.id ?? null).membership)
    .leftJoin(organizationMembers, standingJoins(viewer?.id ?? null).orgRole)
    .where(and(eq(posts.id, postId), eq(threads.id, threadId), eq(groups.slug, slug)))
    .limit(1);
  if (!row) throw NotFound("That post");
  const groupTarget = groupTargetOf(row);
  assertCan(viewer, "forum.read", { ...groupTarget, thread: { membersOnly: row.threadMembersOnly } }, "That post");
  const threadDeleted = row.threadDeletedAt !== null;
  if (threadDeleted && !can(viewer, "forum.moderate", groupTarget)) throw NotFound("That post");
  const target: PostTarget = {
    ...groupTarget,
    thread: { locked: row.threadLocked, deleted: threadDeleted, membersOnly: row.threadMembersOnly },
    post: { authorId: row.authorId, deleted: row.deletedAt !== null },
  };
  return { row, target, groupTarget };
}
