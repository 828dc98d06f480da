import { and, asc, desc, eq, isNull, or, sql } from "drizzle-orm";
import { groupMemberships, groups, notifications, organizationMembers, posts, threadFollows, threadReads, threads } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { encodeCursor } from "#app/lib/cursor";
import { can, type Actor } from "#app/policy.server";
import { forumVisibleSql, groupForumVisibleSql } from "#app/policy-sql.server";
import { listMyNextEvents } from "#app/modules/events/mine.server";
import { utcText } from "#app/modules/forums/reading.server";
import { listDrafts } from "#app/modules/forums/drafts.server";
import { listGroups } from "#app/modules/groups/groups.server";
import { groupStandingColumns, groupTargetOf, joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import { listNewResourcesForMember } from "#app/modules/library/library.server";
import { shownTitleSql } from "#app/modules/moderation/auto-hide.server";

/**
 * The signed-in member's home: each section is one query whatever its length (five in all, plus the
 * suggestions for someone in no group yet), filtered by the policy's SQL rules over the viewer's
 * standing and checked again with `can()` per row, so a group left or a ban hides its content at once.
 */

export const HOME_LIMITS = { groups: 8, follows: 8, mentions: 5, events: 5, resources: 5, suggestions: 3 } as const;
/** New library resources are those of the last two weeks. */
const RESOURCE_WINDOW_DAYS = 14;

/** The member's active groups, each with how many threads have posts by others since their last visit (or since joining). */
async function myGroups(app: AppContext, viewer: Actor) {
  const on = standingJoins(viewer.id);
  const since = sql`coalesce(${groupMemberships.lastVisitedAt}, ${groupMemberships.createdAt})`;
  const rows = await app.db
    .select({
      slug: groups.slug,
      name: groups.name,
      ...groupStandingColumns,
      // Muted groups never count as new (their level says so).
      newCount: sql<number>`(case when ${groupMemberships.notificationLevel} = 'muted' then 0 else (
        select count(*)::int from ${threads} t
        where t.group_id = ${groups.id} and t.deleted_at is null and t.last_activity_at > ${since}
          and exists (select 1 from ${posts} p where p.thread_id = t.id and p.deleted_at is null and p.author_id <> ${viewer.id} and p.created_at > ${since})
      ) end)`,
    })
    .from(groups)
    .innerJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(groupMemberships.status, "active"))
    .orderBy(asc(groups.name), asc(groups.id))
    .limit(HOME_LIMITS.groups + 1);
  const visible = rows.filter((r) => can(viewer, "group.view", groupTargetOf(r)));
  return { groups: visible.slice(0, HOME_LIMITS.groups).map((r) => ({ slug: r.slug, name: r.name, newCount: r.newCount })), more: rows.length > HOME_LIMITS.groups };
}

/**
 * Threads the member watches that have replies they haven't read: replies after their read marker
 * (every reply when never opened), not their own, with the first unread one to link to.
 */
async function followedUnread(app: AppContext, viewer: Actor) {
  const on = standingJoins(viewer.id, { groupId: threads.groupId });
  const unread = sql`(${posts.threadId} = ${threads.id} and ${posts.deletedAt} is null and not ${posts.isOpening} and ${posts.authorId} <> ${viewer.id}
    and (${threadReads.userId} is null or (${posts.createdAt}, ${posts.id}) > (${threadReads.lastReadAt}, ${threadReads.lastReadPostId})))`;
  const rows = await app.db
    .select({
      id: threads.id,
      // A thread hidden pending review shows as such here (the moderators review it in the queue).
      title: shownTitleSql(threads.title, threads.hiddenAt),
      groupSlug: groups.slug,
      groupName: groups.name,
      membersOnly: threads.membersOnly,
      ...groupStandingColumns,
      unread: sql<number>`u.n`,
      firstUnreadId: sql<string | null>`u.first_id`,
      // The read marker as the thread page's keyset cursor: its page starts at the first unread post.
      markerTime: utcText(threadReads.lastReadAt),
      markerId: threadReads.lastReadPostId,
    })
    .from(threadFollows)
    .innerJoin(threads, eq(threads.id, threadFollows.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .leftJoin(threadReads, and(eq(threadReads.threadId, threads.id), eq(threadReads.userId, viewer.id)))
    .innerJoinLateral(
      sql`(select count(*)::int as n, (array_agg(${posts.id} order by ${posts.createdAt}, ${posts.id}))[1] as first_id from ${posts} where ${unread}) u`,
      sql`u.n > 0`,
    )
    .where(and(eq(threadFollows.userId, viewer.id), eq(threadFollows.level, "watching"), isNull(threads.deletedAt), forumVisibleSql(viewer, { ...joinedStanding, membersOnly: threads.membersOnly })))
    .orderBy(desc(threads.lastActivityAt), desc(threads.id))
    .limit(HOME_LIMITS.follows + 1);
  const visible = rows.filter((r) => can(viewer, "forum.read", { ...groupTargetOf(r), thread: { membersOnly: r.membersOnly } }));
  return {
    threads: visible.slice(0, HOME_LIMITS.follows).map((r) => ({
      id: r.id,
      title: r.title,
      group: { slug: r.groupSlug, name: r.groupName },
      unread: r.unread,
      // Like the thread page's "Jump to first unread": never opened → the first page holds the first reply.
      href: `/groups/${r.groupSlug}/forum/${r.id}${r.markerId && r.markerTime ? `?after=${encodeCursor([r.markerTime, r.markerId])}` : ""}#post-${r.firstUnreadId}`,
    })),
    more: rows.length > HOME_LIMITS.follows,
  };
}

/** The latest mentions of the member whose place they may still read (a group left hides them). */
async function mentions(app: AppContext, viewer: Actor) {
  const on = standingJoins(viewer.id, { groupId: notifications.groupId });
  const rows = await app.db
    .select({
      id: notifications.id,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      groupId: notifications.groupId,
      ...groupStandingColumns,
    })
    .from(notifications)
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(and(eq(notifications.userId, viewer.id), eq(notifications.kind, "mention"), or(isNull(notifications.groupId), groupForumVisibleSql(viewer, joinedStanding))))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(HOME_LIMITS.mentions + 1);
  const visible = rows.filter((r) => r.groupId === null || (r.visibility !== null && can(viewer, "forum.read", groupTargetOf({ ...r, visibility: r.visibility, joinPolicy: r.joinPolicy ?? "open", forumPublic: r.forumPublic ?? false }))));
  return {
    mentions: visible.slice(0, HOME_LIMITS.mentions).map((r) => ({ id: r.id, title: r.title, body: r.body, link: r.link, createdAt: r.createdAt, unread: r.readAt === null })),
    more: rows.length > HOME_LIMITS.mentions,
  };
}

/** A few groups to join for someone in none yet: the first ones of the directory they may join. */
async function suggestions(app: AppContext, viewer: Actor) {
  const { groups: list } = await listGroups(app, viewer, { limit: 12 });
  return list.filter((g) => g.permissions.join || g.permissions.requestJoin).slice(0, HOME_LIMITS.suggestions);
}

export async function getHome(app: AppContext, viewer: Actor) {
  const since = new Date(app.clock.now().getTime() - RESOURCE_WINDOW_DAYS * 24 * 60 * 60 * 1000);
  const [groupsPart, followsPart, mentionsPart, eventsPart, resourcesPart, draftsPart] = await Promise.all([
    myGroups(app, viewer),
    followedUnread(app, viewer),
    mentions(app, viewer),
    listMyNextEvents(app, viewer, HOME_LIMITS.events),
    listNewResourcesForMember(app, viewer, since, HOME_LIMITS.resources),
    listDrafts(app, viewer),
  ]);
  return {
    groups: groupsPart,
    follows: followsPart,
    mentions: mentionsPart,
    events: eventsPart,
    resources: resourcesPart,
    drafts: draftsPart,
    suggestions: groupsPart.groups.length === 0 ? await suggestions(app, viewer) : [],
  };
}
