import { and, eq, ne, sql } from "drizzle-orm";
import sanitizeHtml from "sanitize-html";
import { z } from "zod";
import { groupMemberships, groups, posts, reactions, threadFollows, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { encodeCursor } from "#app/lib/cursor";
import { renderMarkdown } from "#app/lib/markdown.server";
import { mentionKey, parseMentions } from "#app/lib/mentions";
import { countOf } from "#app/lib/plural";
import type { NotificationDraft } from "#app/modules/notifications/record.server";
import type { NotificationSource } from "#app/modules/notifications/sources.server";
import { PostIdSchema, ThreadIdSchema } from "./forums.schema";
import { mutedForSql } from "./reading.server";

/**
 * The forum's notification sources (registered in notifications/sources.server.ts, queued after the
 * post's transaction committed). Each resolves when its job runs, from the database as it is then:
 * a deleted post or removed thread notifies nobody; only active members are candidates, and
 * recordNotifications checks forum.read for each (a group turned private drops outsiders).
 */

const EXCERPT = 200;

/** A post's Markdown as plain text for a notice: rendered, tags dropped, whitespace folded. */
export function plainExcerpt(markdown: string, max = EXCERPT): string {
  const text = sanitizeHtml(renderMarkdown(markdown), { allowedTags: [], allowedAttributes: {} })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}

/** One live post with its thread, group and author, and the link to the page that starts at it (reply and mention notices). */
export async function loadLivePost(app: AppContext, postId: string) {
  const [row] = await app.db
    .select({
      postId: posts.id,
      body: posts.body,
      authorId: posts.authorId,
      authorName: users.displayName,
      createdKey: sql<string>`to_char(${posts.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      threadId: threads.id,
      title: threads.title,
      membersOnly: threads.membersOnly,
      groupId: groups.id,
      slug: groups.slug,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .innerJoin(users, eq(users.id, posts.authorId))
    // Removed or auto-hidden (pending review) posts notify nobody: a notice would carry the hidden words.
    .where(
      and(eq(posts.id, postId), sql`${posts.deletedAt} is null`, sql`${threads.deletedAt} is null`, sql`${posts.hiddenAt} is null`, sql`${threads.hiddenAt} is null`),
    );
  if (!row) return null;
  // A page "after (its time, '')" starts at this post, however many came since.
  const link = `/groups/${row.slug}/forum/${row.threadId}?after=${encodeCursor([row.createdKey, ""])}#post-${row.postId}`;
  return { ...row, link };
}

/** Active members of the group, for the candidate lists below. */
const activeIn = (groupId: unknown, userId: unknown) =>
  sql`exists (select 1 from ${groupMemberships} gm where gm.group_id = ${groupId} and gm.user_id = ${userId} and gm.status = 'active')`;

export const forumReplySource = {
  data: z.object({ postId: PostIdSchema }),
  async resolve(app: AppContext, { postId }: { postId: string }): Promise<NotificationDraft[]> {
    const post = await loadLivePost(app, postId);
    if (!post) return [];
    // People the reply mentions hear of it once, as a mention (the "mentions" source), not twice.
    const mentioned = new Set(parseMentions(post.body));
    const followers = await app.db
      .select({ userId: threadFollows.userId, name: users.displayName })
      .from(threadFollows)
      .innerJoin(users, eq(users.id, threadFollows.userId))
      .where(
        and(
          eq(threadFollows.threadId, post.threadId),
          eq(threadFollows.level, "watching"),
          ne(threadFollows.userId, post.authorId),
          activeIn(post.groupId, threadFollows.userId),
          // A muted group silences automatic follows; a level chosen for this thread wins.
          sql`not ${mutedForSql(sql`${threadFollows.userId}`, sql`${post.threadId}`, sql`${post.groupId}`)}`,
        ),
      );
    const watchers = followers.filter((f) => !mentioned.has(mentionKey(f.name)));
    return [
      {
        kind: "reply",
        recipients: watchers.map((w) => w.userId),
        audience: { group: post.groupId, may: "forum.read", membersOnly: post.membersOnly },
        title: `${post.authorName} replied in “${post.title}”`,
        body: plainExcerpt(post.body),
        link: post.link,
        groupId: post.groupId,
        actorId: post.authorId,
        dedupeKey: `reply:${post.postId}`,
      },
    ];
  },
} satisfies NotificationSource<z.ZodTypeAny>;

export const forumNewThreadSource = {
  data: z.object({ threadId: ThreadIdSchema }),
  async resolve(app: AppContext, { threadId }: { threadId: string }): Promise<NotificationDraft[]> {
    const [opening] = await app.db.select({ id: posts.id }).from(posts).where(and(eq(posts.threadId, threadId), eq(posts.isOpening, true)));
    const post = opening ? await loadLivePost(app, opening.id) : null;
    if (!post) return [];
    const [group] = await app.db.select({ name: groups.name }).from(groups).where(eq(groups.id, post.groupId));
    const watchers = await app.db
      .select({ userId: groupMemberships.userId })
      .from(groupMemberships)
      .where(
        and(
          eq(groupMemberships.groupId, post.groupId),
          eq(groupMemberships.status, "active"),
          eq(groupMemberships.notificationLevel, "watching"),
          ne(groupMemberships.userId, post.authorId),
        ),
      );
    return [
      {
        kind: "new_thread",
        recipients: watchers.map((w) => w.userId),
        audience: { group: post.groupId, may: "forum.read", membersOnly: post.membersOnly },
        title: `${post.authorName} started “${post.title}” in ${group?.name ?? "a group you watch"}`,
        body: plainExcerpt(post.body),
        link: `/groups/${post.slug}/forum/${post.threadId}`,
        groupId: post.groupId,
        actorId: post.authorId,
        dedupeKey: `thread:${post.threadId}`,
      },
    ];
  },
} satisfies NotificationSource<z.ZodTypeAny>;

export const forumReactionSource = {
  data: z.object({ postId: PostIdSchema, actorId: z.string().max(64) }),
  async resolve(app: AppContext, { postId, actorId }: { postId: string; actorId: string }): Promise<NotificationDraft[]> {
    const post = await loadLivePost(app, postId);
    if (!post) return [];
    // The count comes from the reactions as they are now (a reaction taken back no longer counts).
    const [state] = await app.db
      .select({
        people: sql<number>`count(distinct ${reactions.userId})::int`,
        eligible: sql<boolean>`${activeIn(post.groupId, post.authorId)} and not ${mutedForSql(post.authorId, sql`${post.threadId}`, sql`${post.groupId}`)}`,
      })
      .from(reactions)
      .where(and(eq(reactions.postId, postId), ne(reactions.userId, post.authorId)));
    if (!state || state.people === 0 || !state.eligible) return [];
    return [
      {
        kind: "reaction",
        recipients: [post.authorId],
        audience: { group: post.groupId, may: "forum.read", membersOnly: post.membersOnly },
        title: `${countOf(state.people, "person", "people")} reacted to your post in “${post.title}”`,
        body: plainExcerpt(post.body),
        link: post.link,
        groupId: post.groupId,
        // The job may stand for several reactions: never let the actor field drop the author.
        actorId: actorId === post.authorId ? null : actorId,
        dedupeKey: `reaction:${post.postId}`,
        batch: true,
      },
    ];
  },
} satisfies NotificationSource<z.ZodTypeAny>;
