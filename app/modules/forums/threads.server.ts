import { and, asc, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { posts, reactions, threads, users } from "#db/schema/index";
import type { Transaction } from "#db/client";
import { placeholder, preparedStatement } from "#db/prepared";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Invalid } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import type { RateRule } from "#app/lib/rate-limit.server";
import { profileHref, profileOpensInGroupSql } from "#app/modules/accounts/profile.server";
import { blocksSql } from "#app/modules/accounts/blocks.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { staffStanding } from "#app/modules/groups/staff-standing.server";
import { auditContentAction } from "#app/modules/moderation/moderation.server";
import { seesHidden, shownTitle, shownTitleSql } from "#app/modules/moderation/auto-hide.server";
import { announceNotices } from "#app/modules/notifications/notifications.server";
import { matchesCrisisPhrase } from "#app/modules/moderation/moderation.schema";
import { assertCan, can, refusal, type Actor, type PostTarget } from "#app/policy.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { loadThread } from "./common.server";
import { deleteDraftAfterPost, draftKeys } from "./drafts.server";
import { mentionLinker } from "./mention-links.server";
import { queueMentions } from "./mention-queue.server";
import { autoFollow } from "./follow.server";
import { newLabel, unreadColumns } from "./reading.server";
import { reactionKinds, type ReactionKind } from "./forums.schema";
import { screenGroupWrite } from "#app/modules/safety/screen.server";
import { holdContent, publishedOnly } from "#app/modules/safety/held.server";
import { fileWatchedFlag } from "#app/modules/safety/flags.server";

/**
 * Group forums, threads: the forum page, the thread list, the thread page, starting and moderating a thread. Every function takes
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

/** Keyset cursors carry timestamps at the database's microsecond precision, as text. */
const utcText = (col: SQL | typeof threads.lastActivityAt | typeof posts.createdAt) =>
  sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

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
      // A thread hidden pending review keeps its place; only moderators read its title (auto-hide.server.ts).
      title: forum.permissions.moderate ? threads.title : shownTitleSql(threads.title, threads.hiddenAt),
      hidden: sql<boolean>`${threads.hiddenAt} is not null`,
      pinned: threads.pinned,
      locked: threads.locked,
      membersOnly: threads.membersOnly,
      replyCount: threads.replyCount,
      lastActivityAt: threads.lastActivityAt,
      lastActivityKey: lastActivity,
      createdAt: threads.createdAt,
      removed: sql<boolean>`${threads.deletedAt} is not null`,
      authorId: threads.authorId,
      authorName: users.displayName,
      authorStaff: staffStanding(threads.groupId, threads.authorId),
      authorProfileOpens: profileOpensInGroupSql(threads.groupId),
      // "N new" for the signed-in member, in this same query (never a query per row).
      ...unreadColumns(viewer?.id ?? null, threads),
    })
    .from(threads)
    .innerJoin(users, eq(users.id, threads.authorId))
    .where(
      and(
        eq(threads.groupId, forum.group.id),
        forum.permissions.moderate ? undefined : isNull(threads.deletedAt),
        // Members-only threads are listed to those who may read them (the policy: insiders).
        can(viewer, "forum.read", { ...forum.group.target, thread: { membersOnly: true } }) ? undefined : eq(threads.membersOnly, false),
        cursor
          ? sql`(${threads.pinned}, ${threads.lastActivityAt}, ${threads.id}) < (${cursor[0] === 1}, ${String(cursor[1])}::timestamptz, ${String(cursor[2])})`
          : undefined,
      ),
    )
    // "nulls last" as threads_group_list_idx is built (Drizzle's .desc()): plain DESC means NULLS FIRST,
    // which that index cannot serve, so every page sorted the whole forum. The columns are NOT NULL.
    .orderBy(sql`${threads.pinned} desc nulls last`, sql`${threads.lastActivityAt} desc nulls last`, sql`${threads.id} desc nulls last`)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    ...forum,
    threads: page.map(({ lastActivityKey: _k, authorId, authorProfileOpens, unread, fresh, muted, ...t }) => ({
      ...t,
      newLabel: newLabel({ unread, fresh, muted }),
      authorHref: profileHref(viewer, authorId, authorProfileOpens, forum.group.membership?.status === "active"),
    })),
    nextCursor: rows.length > limit && last ? encodeCursor([last.pinned ? 1 : 0, last.lastActivityKey, last.id]) : null,
  };
}

type ReactionCounts = Record<ReactionKind, number>;
const kindBit: Record<ReactionKind, number> = { helpful: 1, hug: 2, same_here: 4 };

/**
 * One page of a thread's posts with their authors' standing and reactions, the viewer's own
 * among them: prepared per shape (db/prepared.ts), as every view of a thread runs it.
 */
const postsPage = preparedStatement(
  (db, shape: { backwards: boolean; cursor: boolean; signedIn: boolean }) => {
    const rx = db
      .select({
        helpful: sql<number>`count(*) filter (where ${reactions.kind} = 'helpful')::int`.as("rx_helpful"),
        hug: sql<number>`count(*) filter (where ${reactions.kind} = 'hug')::int`.as("rx_hug"),
        sameHere: sql<number>`count(*) filter (where ${reactions.kind} = 'same_here')::int`.as("rx_same_here"),
        mine: sql<number>`coalesce(sum(case when ${reactions.userId} = ${placeholder("viewerId")} then
          case ${reactions.kind} when 'helpful' then 1 when 'hug' then 2 else 4 end else 0 end), 0)::int`.as("rx_mine"),
      })
      .from(reactions)
      .where(eq(reactions.postId, posts.id))
      .as("rx");
    const cursorRow = sql`(${placeholder("cursorTime")}::timestamptz, ${placeholder("cursorId")})`;
    return db
      .select({
        id: posts.id,
        authorId: posts.authorId,
        authorName: users.displayName,
        authorStaff: staffStanding(placeholder("groupId"), posts.authorId),
        authorProfileOpens: profileOpensInGroupSql(placeholder("groupId")),
        // In the page's own query: whether the viewer blocks the author (their posts show collapsed).
        authorBlocked: shape.signedIn ? blocksSql(placeholder("viewerId"), posts.authorId) : sql<boolean>`false`,
        isOpening: posts.isOpening,
        body: posts.body,
        createdAt: posts.createdAt,
        createdKey: utcText(posts.createdAt),
        editedAt: posts.editedAt,
        deletedAt: posts.deletedAt,
        deletedBy: posts.deletedBy,
        deletionReason: posts.deletionReason,
        hiddenAt: posts.hiddenAt,
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
          eq(posts.threadId, sql.placeholder("threadId")),
          shape.cursor ? (shape.backwards ? sql`(${posts.createdAt}, ${posts.id}) < ${cursorRow}` : sql`(${posts.createdAt}, ${posts.id}) > ${cursorRow}`) : undefined,
        ),
      )
      .orderBy(...(shape.backwards ? [desc(posts.createdAt), desc(posts.id)] : [asc(posts.createdAt), asc(posts.id)]))
      .limit(sql.placeholder("limit"))
      .prepare("thread_posts");
  },
  (shape) => `${shape.backwards}:${shape.cursor}:${shape.signedIn}`,
);

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
    title: shownTitle(row.title, row.hiddenAt, moderate),
    hidden: row.hiddenAt !== null,
    authorName: row.authorName,
    pinned: row.pinned,
    locked: row.locked,
    membersOnly: row.membersOnly,
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
  const replyNotice = permissions.reply ? null : (refusal(viewer, "forum.reply", target, "That thread")?.message ?? null);
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

  const cursor = after ?? before;
  const rows = await postsPage(app.db, { backwards, cursor: !!cursor, signedIn: !!viewer }).execute({
    threadId: row.id,
    groupId: row.groupId,
    viewerId,
    cursorTime: cursor ? String(cursor[0]) : null,
    cursorId: cursor ? String(cursor[1]) : null,
    limit: pageSize + 1,
  });

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

  const viewerInGroup = groupTarget.membership?.status === "active";
  const visibleBodies = page.filter((p) => (p.deletedAt === null && seesHidden(p.hiddenAt !== null, moderate)) || moderate).map((p) => p.body);
  const linkMentions = await mentionLinker(app, viewer, row.groupId, viewerInGroup, visibleBodies);
  const postViews = page.map((p) => {
    const deleted = p.deletedAt !== null;
    const byAuthor = deleted && p.deletedBy === p.authorId;
    const postTarget: PostTarget = { ...target, post: { authorId: p.authorId, deleted } };
    const state: "visible" | "deleted_by_author" | "removed" = !deleted ? "visible" : byAuthor ? "deleted_by_author" : "removed";
    // Deleted content stays on the server unless the viewer moderates (they audit it).
    // Hidden pending review (auto-hide): the notice instead of the body, except for moderators.
    const hidden = state === "visible" && p.hiddenAt !== null;
    const showBody = (state === "visible" && seesHidden(hidden, moderate)) || moderate;
    const counts: ReactionCounts = { helpful: p.helpful ?? 0, hug: p.hug ?? 0, same_here: p.sameHere ?? 0 };
    const mine = reactionKinds.filter((k) => ((p.mine ?? 0) & kindBit[k]) !== 0);
    return {
      id: p.id,
      authorName: p.authorName,
      authorStaff: p.authorStaff,
      // The name links to the author's profile only where it would open (they share this group).
      authorHref: profileHref(viewer, p.authorId, p.authorProfileOpens, groupTarget.membership?.status === "active"),
      // Collapsed (server-rendered, "Show" needs no JS) for a viewer who blocks the author, never for moderators.
      blocked: p.authorBlocked && !moderate,
      blockUserId: viewer && viewer.id !== p.authorId ? p.authorId : null,
      isOpening: p.isOpening,
      createdAt: p.createdAt,
      editedAt: p.editedAt,
      state,
      hidden,
      html: showBody ? linkMentions(renderMarkdown(p.body)) : null,
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

/** Starts a thread (through the safety gate) for callers that only publish: a held thread is a Conflict. See submitThread. */
export async function createThread(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  input: { title: string; body: string; confirmedPersonal?: boolean; /** The author's "members only" choice. */ membersOnly?: boolean },
) {
  return publishedOnly(await submitThread(app, viewer, slug, input));
}

/** Starts a thread: the thread row and its opening post, in one transaction; or, held by the safety gate, a held row (`held: true`). */
export async function submitThread(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  input: { title: string; body: string; confirmedPersonal?: boolean; membersOnly?: boolean },
) {
  const membersOnly = input.membersOnly === true;
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "forum.createThread", group.target);
  const key = `forum:thread:${viewer!.id}`;
  await app.limiter.check(key, threadRate);
  // The safety gate (block, personal data, hold, flag): a held thread is stored for a moderator, not published.
  const screening = await screenGroupWrite(app.db, { actor: viewer!, groupId: group.id, target: group.target, kind: "thread", texts: [input.title, input.body], confirmedPersonal: input.confirmedPersonal });
  if (screening.verdict === "hold") {
    await app.limiter.record(key, threadRate);
    const held = await holdContent(app, { kind: "thread", groupId: group.id, authorId: viewer!.id, title: input.title, body: input.body, payload: { membersOnly } }, screening);
    // The text is kept in held_content now: the draft it came from is done, as after a post.
    await deleteDraftAfterPost(app, viewer!.id, draftKeys.thread(group.id));
    return { ...held, group: { slug: group.slug, name: group.name } };
  }
  const { threadId, postId } = await publishThread(app, { groupId: group.id, authorId: viewer!.id, title: input.title, body: input.body, membersOnly });
  await deleteDraftAfterPost(app, viewer!.id, draftKeys.thread(group.id));
  await app.limiter.record(key, threadRate);
  await fileWatchedFlag(app.db, screening, { targetType: "thread", targetId: threadId, groupId: group.id });
  // Published either way; the author just sees a gentle "Get help now" prompt.
  const crisisPrompt = matchesCrisisPhrase(`${input.title}\n${input.body}`);
  return { held: false as const, threadId, postId, group: { slug: group.slug, name: group.name }, crisisPrompt };
}

/**
 * Writes a new thread with its opening post by `authorId` and queues its notices and mentions: a
 * thread started now, or a held one a moderator approved (publishHeld). Policy and rate are the caller's.
 */
export async function publishThread(app: AppContext, input: { groupId: string; authorId: string; title: string; body: string; membersOnly?: boolean }) {
  const { threadId, postIds } = await app.db.transaction((tx) =>
    insertThread(tx, { groupId: input.groupId, title: input.title, membersOnly: input.membersOnly, posts: [{ authorId: input.authorId, body: input.body }] }),
  );
  const postId = postIds[0]!;
  await queueNotification(app, "forums.new-thread", { threadId }, threadId);
  await queueMentions(app, { kind: "post", postId }, input.body, postId);
  return { threadId, postId };
}

/**
 * Inserts a thread with its posts, each by its own author, inside the caller's transaction: the first
 * is the opening post (its author starts the thread), the rest replies in the given order (a
 * millisecond apart, so the (created_at, id) order is theirs; a lone post keeps the database's time).
 * Every author follows the thread.
 * Policy, rate limits and notices are the caller's (a new thread; a move from chat).
 */
export async function insertThread(tx: Transaction, input: { groupId: string; title: string; membersOnly?: boolean; posts: { authorId: string; body: string }[] }) {
  const first = input.posts[0];
  if (!first) throw Invalid("A thread needs an opening post.");
  const threadId = newId();
  const postIds = input.posts.map(() => newId());
  const at = Date.now();
  await tx.insert(threads).values({ id: threadId, groupId: input.groupId, authorId: first.authorId, title: input.title, membersOnly: input.membersOnly ?? false, replyCount: input.posts.length - 1 });
  await tx.insert(posts).values(input.posts.map((p, i) => ({ id: postIds[i]!, threadId, authorId: p.authorId, isOpening: i === 0, body: p.body, createdAt: input.posts.length > 1 ? new Date(at + i) : undefined })));
  for (const authorId of new Set(input.posts.map((p) => p.authorId))) await autoFollow(tx, authorId, threadId, authorId === first.authorId ? "created" : "replied");
  return { threadId, postIds };
}

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
    await auditContentAction(
      tx,
      { actorId: viewer!.id, action: `thread.${action}`, targetType: "thread", targetId: threadId, groupId: row.groupId, subjectUserId: row.authorId, reason: reason ?? "" },
      action === "remove" ? { what: "thread", groupName: row.groupName } : undefined,
    );
  });
  if (action === "remove") await announceNotices(app, [row.authorId]);
  return { threadId, action };
}
