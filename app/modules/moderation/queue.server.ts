import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { rowsOf } from "#app/lib/db-rows.server";
import {
  appeals,
  chatMessages,
  chatRooms,
  groupMemberships,
  groups,
  moderationActions,
  organizationMembers,
  posts,
  reports,
  reportWaits,
  threads,
  users,
} from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Forbidden } from "#app/lib/errors";
import { keysetPage, keysetRequest, timeKey } from "#app/lib/keyset.server";
import { can, type Actor } from "#app/policy.server";
import { groupModeratedSql } from "#app/policy-sql.server";
import { groupStandingColumns, groupTargetOf, joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import { heldCountSql } from "./held-count.server";
import { queueItemKey } from "./moderation.schema";
import { requireActor, SITE, type TargetType } from "./common.server";

/**
 * The moderation queue across forums and chat: which groups the viewer moderates, the open reports
 * and appeals in keyset pages, and the header's "Moderation"/"Admin" links. Decisions live in
 * decisions.server.ts, notices in notices.server.ts, appeals in appeals.server.ts. Every function asks the policy.
 */

const QUEUE_PAGE = 50;
const HISTORY_PER_AUTHOR = 5;

// ── scope: which groups the viewer moderates ─────────────────────────────────────────────────

/**
 * The groups whose queue the viewer may see. SQL picks them (policy-sql's twin of `moderates`); the
 * policy has the last word on each, so the two can never disagree silently.
 */
export async function moderatedGroups(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  const on = standingJoins(actor.id);
  const rows = await app.db
    .select({
      id: groups.id,
      slug: groups.slug,
      name: groups.name,
      organizationId: groups.organizationId,
      ...groupStandingColumns,
    })
    .from(groups)
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(groupModeratedSql(actor, joinedStanding))
    .orderBy(asc(groups.name));
  return rows
    .map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      organizationId: r.organizationId,
      target: groupTargetOf(r),
    }))
    .filter((g) => can(actor, "moderation.viewQueue", g.target));
}

// ── the queue ────────────────────────────────────────────────────────────────────────────────

export interface QueueContent {
  kind: TargetType;
  authorId: string | null;
  authorName: string | null;
  title: string | null;
  body: string;
  removed: { reason: string | null } | null;
  /** Auto-hidden pending review (enough members reported it); moderators still read it here. */
  hidden: boolean;
  link: string | null;
  /** Chat messages: the messages around the reported one, in order. */
  context: { id: string; authorName: string; body: string; reported: boolean; removed: boolean }[];
}

/** Which page of the queue's reports and of its appeals to show (keyset cursors, each paged on its own). */
export interface QueuePaging {
  after?: string | null;
  before?: string | null;
  appealsAfter?: string | null;
  appealsBefore?: string | null;
}

const QUEUE_KEY = ["flag", "time", "text", "text", "text"] as const;
const APPEAL_KEY = ["time", "text"] as const;

/**
 * Open reports about content in the groups the viewer moderates, one item per piece of content and
 * group (duplicates counted, not repeated): crisis reports first, then oldest first, in keyset pages
 * of 50 (Next/Previous), so no item ever falls off. Each item carries the content in context (removed
 * content too), the reasons, the reporter count and the author's previous moderation history. Site
 * admins also see escalated reports and reports outside any group. A fixed number of queries whatever
 * the queue's length.
 */
export async function listQueue(app: AppContext, viewer: Actor | null, paging: QueuePaging = {}) {
  const actor = requireActor(viewer);
  const siteWide = can(actor, "moderation.viewEscalated", SITE);
  const scope = await moderatedGroups(app, actor);
  if (!siteWide && scope.length === 0) throw Forbidden("You don't moderate any group.");
  const groupIds = scope.map((g) => g.id);
  const byGroup = new Map(scope.map((g) => [g.id, g]));

  const crisis = sql<boolean>`bool_or(${reports.reason} = 'crisis')`;
  const firstAt = sql<Date>`min(${reports.createdAt})`;
  // The queue's order as one ascending key (crisis first, then oldest first, then the item itself),
  // compared as a row after the grouping: the keyset cursor is the last item's key.
  const sortKey = [sql`not ${crisis}`, firstAt, sql`${reports.targetType}::text`, sql`${reports.targetId}`, sql`coalesce(${reports.groupId}, '')`];
  const page = keysetRequest({ after: paging.after, before: paging.before }, QUEUE_KEY);
  const cursor = page.cursor;
  const rows = await app.db
    .select({
      targetType: reports.targetType,
      targetId: reports.targetId,
      groupId: reports.groupId,
      // Members only, each once: a watched word's automatic flag (reporter_id null) is not a reporter.
      reporterCount: sql<number>`count(distinct ${reports.reporterId})::int`,
      flags: sql<string[]>`array_remove(array_agg(case when ${reports.reporterId} is null and ${reports.reason} = 'watched_word' then ${reports.details} end order by ${reports.createdAt}), null)`,
      crisis,
      escalated: sql<boolean>`bool_or(${reports.status} = 'escalated')`,
      reasons: sql<string[]>`array_agg(${reports.reason}::text order by ${reports.createdAt})`,
      details: sql<string[]>`array_remove(array_agg(case when ${reports.reporterId} is not null then nullif(${reports.details}, '') end order by ${reports.createdAt}), null)`,
      firstReportedAt: firstAt,
      firstKey: timeKey(firstAt),
    })
    .from(reports)
    .where(
      and(
        reportWaits(reports.status),
        siteWide ? undefined : groupIds.length ? inArray(reports.groupId, groupIds) : sql`false`,
      ),
    )
    .groupBy(reports.targetType, reports.targetId, reports.groupId)
    .having(
      cursor
        ? sql`(${sql.join(sortKey, sql`, `)}) ${page.backwards ? sql`<` : sql`>`} (${cursor[0] === 1}::boolean, ${cursor[1]}::timestamptz, ${cursor[2]}, ${cursor[3]}, ${cursor[4]})`
        : undefined,
    )
    .orderBy(...sortKey.map((k) => (page.backwards ? sql`${k} desc` : sql`${k} asc`)))
    .limit(QUEUE_PAGE + 1);
  const { items, next, previous } = keysetPage(rows, QUEUE_PAGE, page, (i) => [i.crisis ? 0 : 1, i.firstKey, i.targetType, i.targetId, i.groupId ?? ""]);

  const ids = (t: TargetType) => items.filter((i) => i.targetType === t).map((i) => i.targetId);
  const content = new Map<string, QueueContent>();

  const postIds = ids("post");
  if (postIds.length) {
    const rows = await app.db
      .select({
        id: posts.id,
        body: posts.body,
        authorId: posts.authorId,
        authorName: users.displayName,
        deletedAt: posts.deletedAt,
        deletedBy: posts.deletedBy,
        deletionReason: posts.deletionReason,
        hiddenAt: posts.hiddenAt,
        threadId: threads.id,
        threadTitle: threads.title,
        groupSlug: groups.slug,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .innerJoin(users, eq(users.id, posts.authorId))
      .where(inArray(posts.id, postIds));
    for (const r of rows) {
      content.set(`post:${r.id}`, {
        kind: "post",
        authorId: r.authorId,
        authorName: r.authorName,
        title: r.threadTitle,
        body: r.body,
        removed: r.deletedAt ? { reason: r.deletedBy === r.authorId ? "Deleted by the author." : r.deletionReason } : null,
        hidden: r.hiddenAt !== null,
        link: `/groups/${r.groupSlug}/forum/${r.threadId}#post-${r.id}`,
        context: [],
      });
    }
  }

  const threadIds = ids("thread");
  if (threadIds.length) {
    const rows = await app.db
      .select({
        id: threads.id,
        title: threads.title,
        authorId: threads.authorId,
        authorName: users.displayName,
        deletedAt: threads.deletedAt,
        deletionReason: threads.deletionReason,
        hiddenAt: threads.hiddenAt,
        body: posts.body,
        groupSlug: groups.slug,
      })
      .from(threads)
      .innerJoin(groups, eq(groups.id, threads.groupId))
      .innerJoin(users, eq(users.id, threads.authorId))
      .leftJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.isOpening, true)))
      .where(inArray(threads.id, threadIds));
    for (const r of rows) {
      content.set(`thread:${r.id}`, {
        kind: "thread",
        authorId: r.authorId,
        authorName: r.authorName,
        title: r.title,
        body: r.body ?? "",
        removed: r.deletedAt ? { reason: r.deletionReason } : null,
        hidden: r.hiddenAt !== null,
        link: `/groups/${r.groupSlug}/forum/${r.id}`,
        context: [],
      });
    }
  }

  const messageIds = ids("chat_message");
  if (messageIds.length) {
    // The reported message and up to two messages either side of it, in one query. A direct
    // conversation (only site admins see its reports) gives the five messages before it instead:
    // what led up to it, and nothing the reporter didn't answer to.
    const around = await app.db.execute(sql`
      select r.id as reported_id, m.id, m.body, m.author_id, m.deleted_at, m.deletion_reason, m.hidden_at, m.seq, u.display_name,
             room.name as room_name, room.id as room_id, g.slug as group_slug
      from ${chatMessages} r
      join ${chatRooms} room on room.id = r.room_id
      join ${chatMessages} m on m.room_id = r.room_id
        and m.seq between r.seq - (case when room.kind = 'direct' then 5 else 2 end) and r.seq + (case when room.kind = 'direct' then 0 else 2 end)
      join ${users} u on u.id = m.author_id
      left join ${groups} g on g.id = room.group_id
      where r.id in (${sql.join(messageIds.map((i) => sql`${i}`), sql`, `)})
      order by r.id, m.seq`);
    type Row = {
      reported_id: string;
      id: string;
      body: string;
      author_id: string;
      deleted_at: Date | string | null;
      deletion_reason: string | null;
      hidden_at: Date | string | null;
      display_name: string;
      room_name: string;
      room_id: string;
      group_slug: string | null;
    };
    for (const r of rowsOf<Row>(around)) {
      const key = `chat_message:${r.reported_id}`;
      let item = content.get(key);
      if (!item) {
        // A direct conversation has no page a site admin may open: the context here is all they see.
        item = r.group_slug
          ? { kind: "chat_message", authorId: null, authorName: null, title: r.room_name, body: "", removed: null, hidden: false, link: `/groups/${r.group_slug}/chat/${r.room_id}`, context: [] }
          : { kind: "chat_message", authorId: null, authorName: null, title: "A direct conversation", body: "", removed: null, hidden: false, link: null, context: [] };
        content.set(key, item);
      }
      const reported = r.id === r.reported_id;
      if (reported) {
        item.authorId = r.author_id;
        item.authorName = r.display_name;
        item.body = r.body;
        item.removed = r.deleted_at ? { reason: r.deletion_reason } : null;
        item.hidden = r.hidden_at !== null;
      }
      item.context.push({ id: r.id, authorName: r.display_name, body: r.body, reported, removed: r.deleted_at !== null });
    }
  }

  const userIds = ids("user");
  if (userIds.length) {
    const rows = await app.db.select({ id: users.id, displayName: users.displayName, bio: users.bio }).from(users).where(inArray(users.id, userIds));
    for (const r of rows) {
      content.set(`user:${r.id}`, { kind: "user", authorId: r.id, authorName: r.displayName, title: null, body: r.bio, removed: null, hidden: false, link: null, context: [] });
    }
  }

  const authorIds = [...new Set([...content.values()].map((c) => c.authorId).filter((x): x is string => !!x))];
  const history = new Map<string, { action: string; reason: string; createdAt: Date; groupName: string | null }[]>();
  if (authorIds.length) {
    const rows = await app.db
      .select({
        subjectUserId: moderationActions.subjectUserId,
        action: moderationActions.action,
        reason: moderationActions.reason,
        createdAt: moderationActions.createdAt,
        groupName: groups.name,
      })
      .from(moderationActions)
      .leftJoin(groups, eq(groups.id, moderationActions.groupId))
      .where(
        and(
          inArray(moderationActions.subjectUserId, authorIds),
          siteWide ? undefined : groupIds.length ? inArray(moderationActions.groupId, groupIds) : sql`false`,
        ),
      )
      .orderBy(desc(moderationActions.createdAt))
      .limit(authorIds.length * 20);
    for (const r of rows) {
      const list = history.get(r.subjectUserId!) ?? [];
      if (list.length < HISTORY_PER_AUTHOR) list.push({ action: r.action, reason: r.reason, createdAt: r.createdAt, groupName: r.groupName });
      history.set(r.subjectUserId!, list);
    }
  }

  const groupNames = new Map(scope.map((g) => [g.id, g.name]));
  const queue = items.map((i) => {
    const c = content.get(`${i.targetType}:${i.targetId}`) ?? null;
    return {
      key: queueItemKey(i),
      targetType: i.targetType,
      targetId: i.targetId,
      group: i.groupId ? { id: i.groupId, name: groupNames.get(i.groupId) ?? "", slug: byGroup.get(i.groupId)?.slug ?? "" } : null,
      reporterCount: i.reporterCount,
      /** Watched words that flagged it (automatic reports; flags.server.ts writes "Watched words: a, b"). */
      flags: [...new Set(i.flags.flatMap((d) => d.replace(/^Watched words:\s*/, "").split(/,\s*/)).filter(Boolean))],
      urgent: i.crisis,
      escalated: i.escalated,
      reasons: i.reasons,
      details: i.details,
      firstReportedAt: new Date(i.firstReportedAt),
      content: c,
      authorHistory: c?.authorId ? (history.get(c.authorId) ?? []) : [],
    };
  });

  const openAppeals = await listOpenAppeals(app, siteWide ? null : groupIds, { after: paging.appealsAfter, before: paging.appealsBefore });
  return {
    queue,
    paging: { next, previous },
    appeals: openAppeals.items,
    appealsPaging: { next: openAppeals.next, previous: openAppeals.previous },
    groups: scope.map((g) => ({ slug: g.slug, name: g.name })),
    siteWide,
  };
}


/** Open appeals, oldest first, in keyset pages of their own. */
async function listOpenAppeals(app: AppContext, groupIds: string[] | null, paging: { after?: string | null; before?: string | null }) {
  if (groupIds && groupIds.length === 0) return { items: [], next: null, previous: null };
  const page = keysetRequest(paging, APPEAL_KEY);
  const cursor = page.cursor;
  const rows = await app.db
    .select({
      id: appeals.id,
      body: appeals.body,
      createdAt: appeals.createdAt,
      createdKey: timeKey(appeals.createdAt),
      userName: users.displayName,
      actionId: moderationActions.id,
      action: moderationActions.action,
      reason: moderationActions.reason,
      targetType: moderationActions.targetType,
      actionAt: moderationActions.createdAt,
      groupName: groups.name,
    })
    .from(appeals)
    .innerJoin(moderationActions, eq(moderationActions.id, appeals.moderationActionId))
    .innerJoin(users, eq(users.id, appeals.userId))
    .leftJoin(groups, eq(groups.id, appeals.groupId))
    .where(
      and(
        eq(appeals.status, "open"),
        groupIds ? inArray(appeals.groupId, groupIds) : undefined,
        cursor ? sql`(${appeals.createdAt}, ${appeals.id}) ${page.backwards ? sql`<` : sql`>`} (${cursor[0]}::timestamptz, ${cursor[1]})` : undefined,
      ),
    )
    .orderBy(...(page.backwards ? [desc(appeals.createdAt), desc(appeals.id)] : [asc(appeals.createdAt), asc(appeals.id)]))
    .limit(QUEUE_PAGE + 1);
  const { items, next, previous } = keysetPage(rows, QUEUE_PAGE, page, (a) => [a.createdKey, a.id]);
  return { items: items.map(({ createdKey: _k, ...a }) => a), next, previous };
}

/**
 * For the header: whether to show "Moderation" (anyone with a queue) and "Admin" (site admins), and
 * how many held items wait for the viewer (held-count.server.ts). One small query.
 */
export async function moderationLinks(app: AppContext, viewer: Actor | null) {
  if (!viewer || viewer.status !== "active") return moderationLinksOf(null, undefined);
  const links = moderationLinksSql(viewer.id, viewer);
  const [row] = rowsOf<ModerationLinksRow>(await app.db.execute(sql`select ${links.queue} as queue, ${links.held} as held`));
  return moderationLinksOf(viewer, row);
}

type ModerationLinksRow = { queue: boolean; held: number };

/**
 * moderationLinks' columns for `userId` under `scope`'s role, so the layout can read them in the
 * session's own statement (modules/header): `userId` may be a column of the outer query.
 */
export function moderationLinksSql(userId: string | AnyPgColumn, scope: Actor) {
  const admin = can(scope, "moderation.viewEscalated", SITE);
  const who = sql`${userId}`;
  return {
    queue: sql<boolean>`(${admin ? sql`true` : sql`false`}
      or exists (select 1 from ${groupMemberships} mlm where mlm.user_id = ${who} and mlm.role = 'moderator' and mlm.status = 'active')
      or exists (select 1 from ${organizationMembers} mlo where mlo.user_id = ${who}))`,
    held: heldCountSql(who, admin),
  };
}

/** The links from moderationLinksSql's row: "Admin" is the policy's answer for the viewer; no queue, no count. */
export function moderationLinksOf(viewer: Actor | null, row: ModerationLinksRow | undefined) {
  const active = viewer?.status === "active";
  const queue = active && row?.queue === true;
  return { queue, admin: active && can(viewer, "moderation.viewEscalated", SITE), held: queue ? Number(row?.held ?? 0) : 0 };
}
