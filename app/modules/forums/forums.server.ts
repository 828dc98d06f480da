import { and, asc, desc, eq, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import { groupMemberships, groups, organizationMembers, posts, reactions, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Invalid, NotFound, RateLimited } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { HEADLINE_OPTIONS, SNIPPET_STRIP, snippetParts, TITLE_OPTIONS } from "#app/lib/search-snippets";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { staffStanding } from "#app/modules/groups/staff-standing.server";
import { notifyRemoval, recordModerationAction } from "#app/modules/moderation/moderation.server";
import { fileLimitedReport } from "#app/modules/moderation/report-rate.server";
import { matchesCrisisPhrase, type ReportInput } from "#app/modules/moderation/moderation.schema";
import {
  assertCan,
  can,
  forumReadScope,
  type Actor,
  type GroupTarget,
  type PostTarget,
  type ThreadTarget,
} from "#app/policy.server";
import { reactionKinds, SEARCH_PAGE_SIZE, type ReactionKind } from "./forums.schema";

/**
 * Group forums: threads, replies, reactions, reports, moderation and search. Every function takes
 * the AppContext and the viewer, asks the policy, and reads with a fixed number of queries whatever
 * the page size (joins and one lateral aggregate, never a query per row).
 */

export const THREADS_PAGE_SIZE = 25;
export const POSTS_PAGE_SIZE = 50;

export const threadRate: RateRule = {
  limit: 5,
  windowSeconds: 15 * 60,
  message: "You have started several threads in a short time. Your draft is kept here.",
};
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

/**
 * Throws RateLimited when the person has used up the rule's window. Built from `peek` so the error
 * is this bundle's DomainError: the limiter itself is created by server.ts, outside the Remix build,
 * and an error class from that copy of errors.ts fails the build's `instanceof` check (a 500).
 */
function checkRate(app: AppContext, key: string, rule: RateRule) {
  const { remaining, retryAfter } = app.limiter.peek(key, rule);
  if (remaining <= 0) throw RateLimited(rule.message, retryAfter);
}

/** Keyset cursors carry timestamps at the database's microsecond precision, as text. */
const utcText = (col: SQL | typeof threads.lastActivityAt | typeof posts.createdAt) =>
  sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function membershipJoin(viewerId: string | null) {
  return and(eq(groupMemberships.groupId, groups.id), eq(groupMemberships.userId, viewerId ?? ""));
}
function orgRoleJoin(viewerId: string | null) {
  return and(eq(organizationMembers.organizationId, groups.organizationId), eq(organizationMembers.userId, viewerId ?? ""));
}

const groupColumns = {
  groupId: groups.id,
  groupSlug: groups.slug,
  groupName: groups.name,
  visibility: groups.visibility,
  joinPolicy: groups.joinPolicy,
  membershipRole: groupMemberships.role,
  membershipStatus: groupMemberships.status,
  mutedUntil: groupMemberships.mutedUntil,
  orgRole: organizationMembers.role,
};

type GroupColumns = {
  visibility: "public" | "private";
  joinPolicy: "open" | "approval";
  membershipRole: "member" | "moderator" | null;
  membershipStatus: "active" | "pending" | "banned" | null;
  mutedUntil: Date | null;
  orgRole: "owner" | "admin" | "moderator" | null;
};

function groupTargetOf(row: GroupColumns): GroupTarget {
  return {
    visibility: row.visibility,
    joinPolicy: row.joinPolicy,
    membership:
      row.membershipRole && row.membershipStatus
        ? { role: row.membershipRole, status: row.membershipStatus, mutedUntil: row.mutedUntil }
        : null,
    orgRole: row.orgRole ?? null,
  };
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/** The forum of one group: the group and what the viewer may do there. 404 for private groups' outsiders. */
export async function getForum(app: AppContext, viewer: Actor | null, slug: string) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "forum.read", group.target);
  return {
    group,
    permissions: {
      createThread: can(viewer, "forum.createThread", group.target),
      moderate: can(viewer, "forum.moderate", group.target),
    },
  };
}

/**
 * The thread list: pinned first, then most recent activity; keyset-paginated on
 * (pinned, last_activity_at, id). Removed threads are listed for moderators only. Two queries.
 */
export async function listThreads(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  opts: { after?: string | null; limit?: number } = {},
) {
  const forum = await getForum(app, viewer, slug);
  const limit = Math.max(1, Math.min(opts.limit ?? THREADS_PAGE_SIZE, 100));
  const cursor = decodeCursor(opts.after, ["flag", "time", "text"]);
  const lastActivity = utcText(threads.lastActivityAt);
  const rows = await app.db
    .select({
      id: threads.id,
      title: threads.title,
      pinned: threads.pinned,
      locked: threads.locked,
      replyCount: threads.replyCount,
      lastActivityAt: threads.lastActivityAt,
      lastActivityKey: lastActivity,
      createdAt: threads.createdAt,
      removed: sql<boolean>`${threads.deletedAt} is not null`,
      authorName: users.displayName,
      authorStaff: staffStanding(threads.groupId, threads.authorId),
    })
    .from(threads)
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(
      and(
        eq(threads.groupId, forum.group.id),
        forum.permissions.moderate ? undefined : isNull(threads.deletedAt),
        cursor
          ? sql`(${threads.pinned}, ${threads.lastActivityAt}, ${threads.id}) < (${cursor[0] === 1}, ${String(cursor[1])}::timestamptz, ${String(cursor[2])})`
          : undefined,
      ),
    )
    .orderBy(desc(threads.pinned), desc(threads.lastActivityAt), desc(threads.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ...forum,
    threads: page.map(({ lastActivityKey: _k, ...t }) => t),
    nextCursor: rows.length > limit && last ? encodeCursor([last.pinned ? 1 : 0, last.lastActivityKey, last.id]) : null,
  };
}

/** One thread with its group and the viewer's relationship to the group: one query. */
async function loadThread(app: AppContext, viewer: Actor | null, slug: string, threadId: string) {
  const [row] = await app.db
    .select({
      ...groupColumns,
      id: threads.id,
      title: threads.title,
      authorId: threads.authorId,
      authorName: users.displayName,
      pinned: threads.pinned,
      locked: threads.locked,
      replyCount: threads.replyCount,
      createdAt: threads.createdAt,
      lastActivityAt: threads.lastActivityAt,
      deletedAt: threads.deletedAt,
      deletionReason: threads.deletionReason,
    })
    .from(threads)
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .innerJoin(users, eq(users.id, threads.authorId))
    .leftJoin(groupMemberships, membershipJoin(viewer?.id ?? null))
    .leftJoin(organizationMembers, orgRoleJoin(viewer?.id ?? null))
    .where(and(eq(threads.id, threadId), eq(groups.slug, slug)))
    .limit(1);
  if (!row) throw NotFound("That thread");
  const groupTarget = groupTargetOf(row);
  const target: ThreadTarget = { ...groupTarget, thread: { locked: row.locked, deleted: row.deletedAt !== null } };
  assertCan(viewer, "forum.read", groupTarget, "That thread");
  const moderate = can(viewer, "forum.moderate", groupTarget);
  // A removed thread is gone for everyone but moderators (its author sees why).
  const removed = row.deletedAt !== null;
  return { row, target, groupTarget, moderate, removed };
}

type ReactionCounts = Record<ReactionKind, number>;
const kindBit: Record<ReactionKind, number> = { helpful: 1, hug: 2, same_here: 4 };

/**
 * The thread page: the thread and one page of posts (opening post first) in order, with authors,
 * reaction counts and the viewer's own reactions. Two queries whatever the page size.
 * Paging: first page by default; `after`/`before` cursors; `latest` for the newest posts.
 */
export async function getThreadPage(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  opts: { after?: string | null; before?: string | null; latest?: boolean; pageSize?: number } = {},
) {
  const { row, target, groupTarget, moderate, removed } = await loadThread(app, viewer, slug, threadId);
  const group = { id: row.groupId, slug: row.groupSlug, name: row.groupName, visibility: row.visibility };
  const thread = {
    id: row.id,
    title: row.title,
    authorName: row.authorName,
    pinned: row.pinned,
    locked: row.locked,
    replyCount: row.replyCount,
    createdAt: row.createdAt,
    lastActivityAt: row.lastActivityAt,
    removed,
    removalReason: removed && (moderate || viewer?.id === row.authorId) ? row.deletionReason : null,
  };
  const permissions = {
    reply: can(viewer, "forum.reply", target),
    moderate,
    createThread: can(viewer, "forum.createThread", groupTarget),
  };
  /** Why the viewer can't reply, in the policy's own words (locked, muted, not a member, signed out). */
  let replyNotice: string | null = null;
  if (!permissions.reply) {
    try {
      assertCan(viewer, "forum.reply", target, "That thread");
    } catch (e) {
      replyNotice = e instanceof Error ? e.message : null;
    }
  }
  if (removed && !moderate) {
    // Nothing of a removed thread's content leaves the server for non-moderators.
    return {
      group,
      thread: { ...thread, title: "Removed thread" },
      posts: [],
      paging: { older: null, newer: null },
      permissions,
      replyNotice,
    };
  }

  const pageSize = Math.max(1, Math.min(opts.pageSize ?? POSTS_PAGE_SIZE, 100));
  const after = decodeCursor(opts.after, ["time", "text"]);
  const before = after ? null : decodeCursor(opts.before, ["time", "text"]);
  const backwards = !!before || (!after && !!opts.latest);
  const viewerId = viewer?.id ?? "";

  const rx = app.db
    .select({
      helpful: sql<number>`count(*) filter (where ${reactions.kind} = 'helpful')::int`.as("rx_helpful"),
      hug: sql<number>`count(*) filter (where ${reactions.kind} = 'hug')::int`.as("rx_hug"),
      sameHere: sql<number>`count(*) filter (where ${reactions.kind} = 'same_here')::int`.as("rx_same_here"),
      mine: sql<number>`coalesce(sum(case when ${reactions.userId} = ${viewerId} then
          case ${reactions.kind} when 'helpful' then 1 when 'hug' then 2 else 4 end else 0 end), 0)::int`.as("rx_mine"),
    })
    .from(reactions)
    .where(eq(reactions.postId, posts.id))
    .as("rx");

  const createdKey = utcText(posts.createdAt);
  const cursor = after ?? before;
  const rows = await app.db
    .select({
      id: posts.id,
      authorId: posts.authorId,
      authorName: users.displayName,
      authorStaff: staffStanding(row.groupId, posts.authorId),
      isOpening: posts.isOpening,
      body: posts.body,
      createdAt: posts.createdAt,
      createdKey,
      editedAt: posts.editedAt,
      deletedAt: posts.deletedAt,
      deletedBy: posts.deletedBy,
      deletionReason: posts.deletionReason,
      helpful: rx.helpful,
      hug: rx.hug,
      sameHere: rx.sameHere,
      mine: rx.mine,
    })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .leftJoinLateral(rx, sql`true`)
    .where(
      and(
        eq(posts.threadId, row.id),
        cursor
          ? backwards
            ? sql`(${posts.createdAt}, ${posts.id}) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])})`
            : sql`(${posts.createdAt}, ${posts.id}) > (${String(cursor[0])}::timestamptz, ${String(cursor[1])})`
          : undefined,
      ),
    )
    .orderBy(...(backwards ? [desc(posts.createdAt), desc(posts.id)] : [asc(posts.createdAt), asc(posts.id)]))
    .limit(pageSize + 1);

  const more = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page.at(-1);
  const keyOf = (p: { createdKey: string; id: string }) => encodeCursor([p.createdKey, p.id]);
  const paging = {
    older: first && (backwards ? more : !!after) ? keyOf(first) : null,
    newer: last && (backwards ? !!before : more) ? keyOf(last) : null,
  };

  const postViews = page.map((p) => {
    const deleted = p.deletedAt !== null;
    const byAuthor = deleted && p.deletedBy === p.authorId;
    const postTarget: PostTarget = { ...target, post: { authorId: p.authorId, deleted } };
    const state: "visible" | "deleted_by_author" | "removed" = !deleted ? "visible" : byAuthor ? "deleted_by_author" : "removed";
    // Deleted content stays on the server unless the viewer moderates (they audit it).
    const showBody = state === "visible" || moderate;
    const counts: ReactionCounts = { helpful: p.helpful ?? 0, hug: p.hug ?? 0, same_here: p.sameHere ?? 0 };
    const mine = reactionKinds.filter((k) => ((p.mine ?? 0) & kindBit[k]) !== 0);
    return {
      id: p.id,
      authorName: p.authorName,
      authorStaff: p.authorStaff,
      isOpening: p.isOpening,
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      state,
      html: showBody ? renderMarkdown(p.body) : null,
      removalReason: state === "removed" && (moderate || viewer?.id === p.authorId) ? p.deletionReason : null,
      reactions: counts,
      mine,
      permissions: {
        edit: can(viewer, "post.edit", postTarget),
        delete: can(viewer, "post.delete", postTarget),
        react: can(viewer, "post.react", postTarget),
        report: can(viewer, "post.report", postTarget),
      },
    };
  });
  return { group, thread, posts: postViews, paging, permissions, replyNotice };
}

/** One post with its thread, group and the viewer's relationship to the group: one query. */
async function loadPost(app: AppContext, viewer: Actor | null, slug: string, threadId: string, postId: string) {
  const [row] = await app.db
    .select({
      ...groupColumns,
      threadTitle: threads.title,
      threadLocked: threads.locked,
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
    .leftJoin(groupMemberships, membershipJoin(viewer?.id ?? null))
    .leftJoin(organizationMembers, orgRoleJoin(viewer?.id ?? null))
    .where(and(eq(posts.id, postId), eq(threads.id, threadId), eq(groups.slug, slug)))
    .limit(1);
  if (!row) throw NotFound("That post");
  const groupTarget = groupTargetOf(row);
  assertCan(viewer, "forum.read", groupTarget, "That post");
  const threadDeleted = row.threadDeletedAt !== null;
  if (threadDeleted && !can(viewer, "forum.moderate", groupTarget)) throw NotFound("That post");
  const target: PostTarget = {
    ...groupTarget,
    thread: { locked: row.threadLocked, deleted: threadDeleted },
    post: { authorId: row.authorId, deleted: row.deletedAt !== null },
  };
  return { row, target, groupTarget };
}

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

// ── writing ──────────────────────────────────────────────────────────────────────────────────

/** Starts a thread: the thread row and its opening post, in one transaction. */
export async function createThread(app: AppContext, viewer: Actor | null, slug: string, input: { title: string; body: string }) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "forum.createThread", group.target);
  const key = `forum:thread:${viewer!.id}`;
  checkRate(app, key, threadRate);
  const threadId = newId();
  const postId = newId();
  await app.db.transaction(async (tx) => {
    await tx.insert(threads).values({ id: threadId, groupId: group.id, authorId: viewer!.id, title: input.title });
    await tx.insert(posts).values({ id: postId, threadId, authorId: viewer!.id, isOpening: true, body: input.body });
  });
  app.limiter.record(key, threadRate);
  // Published either way; the author just sees a gentle "Get help now" prompt.
  const crisisPrompt = matchesCrisisPhrase(`${input.title}\n${input.body}`);
  return { threadId, postId, group: { slug: group.slug, name: group.name }, crisisPrompt };
}

/** Replies to a thread; bumps the thread's reply count and last activity in the same transaction. */
export async function createReply(app: AppContext, viewer: Actor | null, slug: string, threadId: string, input: { body: string }) {
  const { target, row } = await loadThread(app, viewer, slug, threadId);
  if (row.deletedAt && !can(viewer, "forum.moderate", target)) throw NotFound("That thread");
  assertCan(viewer, "forum.reply", target, "That thread");
  const key = `forum:reply:${viewer!.id}`;
  checkRate(app, key, replyRate);
  const postId = newId();
  await app.db.transaction(async (tx) => {
    // Re-check the lock inside the transaction: a moderator may have locked it a moment ago.
    const [current] = await tx
      .update(threads)
      .set({ replyCount: sql`${threads.replyCount} + 1`, lastActivityAt: sql`now()` })
      .where(eq(threads.id, threadId))
      .returning({ locked: threads.locked, deletedAt: threads.deletedAt });
    if (!current) throw NotFound("That thread");
    assertCan(viewer, "forum.reply", { ...target, thread: { locked: current.locked, deleted: current.deletedAt !== null } }, "That thread");
    await tx.insert(posts).values({ id: postId, threadId, authorId: viewer!.id, body: input.body });
  });
  app.limiter.record(key, replyRate);
  return { postId, crisisPrompt: matchesCrisisPhrase(input.body) };
}

/** Edits one's own post (and the title, for an opening post); marks it edited. */
export async function editPost(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  input: { title?: string; body: string },
) {
  const { row, target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.edit", target, "That post");
  if (input.title !== undefined && !row.isOpening) throw Invalid("Only the opening post carries the thread's title.");
  await withinRate(app.limiter, `forum:edit:${viewer!.id}`, editRate, () =>
    app.db.transaction(async (tx) => {
      await tx.update(posts).set({ body: input.body, editedAt: sql`now()` }).where(and(eq(posts.id, postId), isNull(posts.deletedAt)));
      if (input.title !== undefined) await tx.update(threads).set({ title: input.title }).where(eq(threads.id, threadId));
    }),
  );
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

/** Toggles one reaction of the viewer on a post; returns the new counts and whether it is on. */
export async function toggleReaction(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  kind: ReactionKind,
) {
  const { target } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.react", target, "That post");
  const mine = and(eq(reactions.postId, postId), eq(reactions.userId, viewer!.id), eq(reactions.kind, kind));
  const removed = await app.db.delete(reactions).where(mine).returning({ kind: reactions.kind });
  if (removed.length === 0) {
    await app.db.insert(reactions).values({ postId, userId: viewer!.id, kind }).onConflictDoNothing();
  }
  const [counts] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(reactions)
    .where(and(eq(reactions.postId, postId), eq(reactions.kind, kind)));
  return { kind, pressed: removed.length === 0, count: counts?.n ?? 0 };
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

// ── moderation ───────────────────────────────────────────────────────────────────────────────

export type ThreadModeration = "pin" | "unpin" | "lock" | "unlock" | "remove" | "restore";

/** Pin, lock, remove (with a reason) or restore a thread; the audit row is written in the same transaction. */
export async function moderateThread(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  action: ThreadModeration,
  reason?: string,
) {
  const { row, target } = await loadThread(app, viewer, slug, threadId);
  assertCan(viewer, "forum.moderate", target, "That thread");
  if (action === "remove" && !reason) throw Invalid("Give a reason.", { reason: ["Give a reason: the author will see it."] });
  const changes = {
    pin: { pinned: true },
    unpin: { pinned: false },
    lock: { locked: true },
    unlock: { locked: false },
    remove: { deletedAt: new Date(), deletedBy: viewer!.id, deletionReason: reason ?? "" },
    restore: { deletedAt: null, deletedBy: null, deletionReason: null },
  }[action];
  await app.db.transaction(async (tx) => {
    await tx.update(threads).set(changes).where(eq(threads.id, threadId));
    const actionId = await recordModerationAction(tx, {
      actorId: viewer!.id,
      action: `thread.${action}`,
      targetType: "thread",
      targetId: threadId,
      groupId: row.groupId,
      subjectUserId: row.authorId,
      reason: reason ?? "",
    });
    if (action === "remove") {
      await notifyRemoval(tx, { actionId, authorId: row.authorId, actorId: viewer!.id, what: "thread", groupName: row.groupName, reason: reason ?? "" });
    }
  });
  return { threadId, action };
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
    const actionId = await recordModerationAction(tx, {
      actorId: viewer!.id,
      action: `post.${action}`,
      targetType: "post",
      targetId: postId,
      groupId: row.groupId,
      subjectUserId: row.authorId,
      reason: reason ?? "",
    });
    if (action === "remove") {
      await notifyRemoval(tx, { actionId, authorId: row.authorId, actorId: viewer!.id, what: "post", groupName: row.groupName, reason: reason ?? "" });
    }
  });
  return { postId, action };
}

// ── search ───────────────────────────────────────────────────────────────────────────────────

/**
 * Full-text search over thread titles and post bodies (websearch syntax: "quoted phrases", -not, or),
 * ranked, with highlighted snippets. Only what the viewer may read: the visibility filter is part of
 * the SQL (from the policy's forumReadScope), removed and deleted content never matches. Bounded
 * pages (SEARCH_MAX_PAGES × SEARCH_PAGE_SIZE).
 */
export async function searchForums(
  app: AppContext,
  viewer: Actor | null,
  input: { q: string; group?: string; page?: number },
) {
  const q = input.q.trim();
  const page = Math.max(1, input.page ?? 1);
  let scopedGroup: { id: string; slug: string; name: string } | null = null;
  if (input.group) {
    const forum = await getForum(app, viewer, input.group);
    scopedGroup = { id: forum.group.id, slug: forum.group.slug, name: forum.group.name };
  }
  if (!q) return { q, group: scopedGroup, results: [], hasMore: false, page };

  const query = sql`websearch_to_tsquery('english', ${q})`;
  const viewerId = viewer?.id ?? "";
  const scope = forumReadScope(viewer);
  const visible =
    scope === "all"
      ? undefined
      : scope === "public"
        ? eq(groups.visibility, "public")
        : or(eq(groups.visibility, "public"), eq(groupMemberships.status, "active"), isNotNull(organizationMembers.role));
  // Two GIN-indexed matches (bodies; opening posts of matching titles), unioned.
  const matching = sql`(
    select p.id from ${posts} p where p.search @@ ${query}
    union
    select p.id from ${threads} t join ${posts} p on p.thread_id = t.id and p.is_opening where t.search @@ ${query}
  )`;
  const rank = sql<number>`ts_rank(${posts.search}, ${query}) + case when ${posts.isOpening} then 2 * ts_rank(${threads.search}, ${query}) else 0 end`;
  const rows = await app.db
    .select({
      postId: posts.id,
      threadId: threads.id,
      isOpening: posts.isOpening,
      createdAt: posts.createdAt,
      authorName: users.displayName,
      authorStaff: staffStanding(groups.id, posts.authorId),
      groupSlug: groups.slug,
      groupName: groups.name,
      title: sql<string>`ts_headline('english', translate(${threads.title}, ${SNIPPET_STRIP}, ''), ${query}, ${TITLE_OPTIONS})`,
      snippet: sql<string>`ts_headline('english', translate(${posts.body}, ${SNIPPET_STRIP}, ''), ${query}, ${HEADLINE_OPTIONS})`,
      rank,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .leftJoin(groupMemberships, and(eq(groupMemberships.groupId, groups.id), eq(groupMemberships.userId, viewerId)))
    .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, groups.organizationId), eq(organizationMembers.userId, viewerId)))
    .where(
      and(
        sql`${posts.id} in ${matching}`,
        isNull(posts.deletedAt),
        isNull(threads.deletedAt),
        visible,
        scopedGroup ? eq(groups.id, scopedGroup.id) : undefined,
      ),
    )
    .orderBy(desc(rank), desc(posts.createdAt), asc(posts.id))
    .limit(SEARCH_PAGE_SIZE + 1)
    .offset((page - 1) * SEARCH_PAGE_SIZE);
  return {
    q,
    group: scopedGroup,
    page,
    hasMore: rows.length > SEARCH_PAGE_SIZE,
    results: rows.slice(0, SEARCH_PAGE_SIZE).map((r) => ({
      postId: r.postId,
      threadId: r.threadId,
      isOpening: r.isOpening,
      createdAt: r.createdAt,
      authorName: r.authorName,
      authorStaff: r.authorStaff,
      group: { slug: r.groupSlug, name: r.groupName },
      title: snippetParts(r.title),
      snippet: snippetParts(r.snippet),
    })),
  };
}
