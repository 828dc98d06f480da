import { and, asc, desc, eq, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import {
  appeals,
  chatMessages,
  chatRooms,
  groupMemberships,
  groups,
  moderationActions,
  organizationMembers,
  organizations,
  posts,
  reports,
  threads,
  users,
} from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { keysetPage, keysetRequest, timeKey } from "#app/lib/keyset.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { minutesText } from "#app/lib/plural";
import { invalidateUserSessions } from "#app/modules/auth/session.server";
import { deleteMessage } from "#app/modules/chat/chat.server";
import { moderatePost } from "#app/modules/forums/posts.server";
import { moderateThread } from "#app/modules/forums/threads.server";
import { accessLost } from "#app/modules/groups/access.server";
import { findGroup, type GroupView } from "#app/modules/groups/groups.server";
import { notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertCan, can, type Action, type Actor, type GroupTarget, type NoticeTarget } from "#app/policy.server";
import { groupMuteChoices, queueItemKey, type AuditFilter, type QueueAction } from "./moderation.schema";
import { recordModerationAction } from "./moderation.server";
import { isAppealable, undoOf, type AppealableAction } from "./undo.server";

/**
 * The moderation queue across forums and chat, the decisions taken from it (each one reusing the
 * forum and chat functions that already do the work, audit it and tell live sockets), member
 * notices and appeals, site-wide suspension and the audit-log reader. Every function asks the policy.
 */

const QUEUE_PAGE = 50;
const AUDIT_PAGE = 50;
const HISTORY_PER_AUTHOR = 5;

const SITE = { kind: "site" } as const;

function requireActor(viewer: Actor | null): Actor {
  if (!viewer) throw Unauthenticated();
  return viewer;
}

// ── scope: which groups the viewer moderates ─────────────────────────────────────────────────

/**
 * The groups whose queue the viewer may see. SQL picks the candidates (group moderator, any role in
 * the organization); the policy has the last word on each, so the two can never disagree silently.
 */
export async function moderatedGroups(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  const siteWide = can(actor, "moderation.viewEscalated", SITE);
  const rows = await app.db
    .select({
      id: groups.id,
      slug: groups.slug,
      name: groups.name,
      visibility: groups.visibility,
      joinPolicy: groups.joinPolicy,
      organizationId: groups.organizationId,
      membershipRole: groupMemberships.role,
      membershipStatus: groupMemberships.status,
      mutedUntil: groupMemberships.mutedUntil,
      orgRole: organizationMembers.role,
    })
    .from(groups)
    .leftJoin(groupMemberships, and(eq(groupMemberships.groupId, groups.id), eq(groupMemberships.userId, actor.id)))
    .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, groups.organizationId), eq(organizationMembers.userId, actor.id)))
    .where(
      siteWide
        ? undefined
        : or(and(eq(groupMemberships.role, "moderator"), eq(groupMemberships.status, "active")), isNotNull(organizationMembers.role)),
    )
    .orderBy(asc(groups.name));
  return rows
    .map((r) => ({
      id: r.id,
      slug: r.slug,
      name: r.name,
      organizationId: r.organizationId,
      target: {
        visibility: r.visibility,
        joinPolicy: r.joinPolicy,
        membership: r.membershipRole && r.membershipStatus ? { role: r.membershipRole, status: r.membershipStatus, mutedUntil: r.mutedUntil } : null,
        orgRole: r.orgRole ?? null,
      } satisfies GroupTarget,
    }))
    .filter((g) => can(actor, "moderation.viewQueue", g.target));
}

// ── the queue ────────────────────────────────────────────────────────────────────────────────

type TargetType = "thread" | "post" | "chat_message" | "user";

export interface QueueContent {
  kind: TargetType;
  authorId: string | null;
  authorName: string | null;
  title: string | null;
  body: string;
  removed: { reason: string | null } | null;
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
      reporterCount: sql<number>`count(*)::int`,
      crisis,
      escalated: sql<boolean>`bool_or(${reports.status} = 'escalated')`,
      reasons: sql<string[]>`array_agg(${reports.reason}::text order by ${reports.createdAt})`,
      details: sql<string[]>`array_remove(array_agg(nullif(${reports.details}, '') order by ${reports.createdAt}), null)`,
      firstReportedAt: firstAt,
      firstKey: timeKey(firstAt),
    })
    .from(reports)
    .where(
      and(
        inArray(reports.status, ["open", "escalated"]),
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
        link: `/groups/${r.groupSlug}/forum/${r.id}`,
        context: [],
      });
    }
  }

  const messageIds = ids("chat_message");
  if (messageIds.length) {
    // The reported message and up to two messages either side of it, in one query.
    const around = await app.db.execute(sql`
      select r.id as reported_id, m.id, m.body, m.author_id, m.deleted_at, m.deletion_reason, m.seq, u.display_name,
             room.name as room_name, room.id as room_id, g.slug as group_slug
      from ${chatMessages} r
      join ${chatMessages} m on m.room_id = r.room_id and m.seq between r.seq - 2 and r.seq + 2
      join ${users} u on u.id = m.author_id
      join ${chatRooms} room on room.id = r.room_id
      join ${groups} g on g.id = room.group_id
      where r.id in (${sql.join(messageIds.map((i) => sql`${i}`), sql`, `)})
      order by r.id, m.seq`);
    type Row = {
      reported_id: string;
      id: string;
      body: string;
      author_id: string;
      deleted_at: Date | string | null;
      deletion_reason: string | null;
      display_name: string;
      room_name: string;
      room_id: string;
      group_slug: string;
    };
    for (const r of rowsOf<Row>(around)) {
      const key = `chat_message:${r.reported_id}`;
      let item = content.get(key);
      if (!item) {
        item = { kind: "chat_message", authorId: null, authorName: null, title: r.room_name, body: "", removed: null, link: `/groups/${r.group_slug}/chat/${r.room_id}`, context: [] };
        content.set(key, item);
      }
      const reported = r.id === r.reported_id;
      if (reported) {
        item.authorId = r.author_id;
        item.authorName = r.display_name;
        item.body = r.body;
        item.removed = r.deleted_at ? { reason: r.deletion_reason } : null;
      }
      item.context.push({ id: r.id, authorName: r.display_name, body: r.body, reported, removed: r.deleted_at !== null });
    }
  }

  const userIds = ids("user");
  if (userIds.length) {
    const rows = await app.db.select({ id: users.id, displayName: users.displayName, bio: users.bio }).from(users).where(inArray(users.id, userIds));
    for (const r of rows) {
      content.set(`user:${r.id}`, { kind: "user", authorId: r.id, authorName: r.displayName, title: null, body: r.bio, removed: null, link: null, context: [] });
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

/** db.execute() returns an array on postgres-js and { rows } on PGlite. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : (result as { rows: T[] }).rows;
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

// ── decisions ────────────────────────────────────────────────────────────────────────────────

const actionOfIntent: Record<QueueAction["intent"], Action> = {
  dismiss: "moderation.dismiss",
  remove: "moderation.removeContent",
  warn: "moderation.warn",
  mute: "moderation.mute",
  ban: "moderation.ban",
  escalate: "moderation.escalate",
};

/** One queue item: the content (or person) and the group its reports were filed under. */
type QueueTarget = { targetType: TargetType; targetId: string; groupId: string | null };

/** The open reports of one queue item, and no other group's. */
function openReportsOf(input: QueueTarget) {
  return and(
    eq(reports.targetType, input.targetType),
    eq(reports.targetId, input.targetId),
    input.groupId ? eq(reports.groupId, input.groupId) : isNull(reports.groupId),
    inArray(reports.status, ["open", "escalated"]),
  );
}

/** The group a report is about, as the viewer stands in it (404 when the viewer can't see it). */
async function reportGroup(app: AppContext, actor: Actor, input: QueueTarget) {
  const [report] = await app.db
    .select({ groupId: reports.groupId, slug: groups.slug })
    .from(reports)
    .leftJoin(groups, eq(groups.id, reports.groupId))
    .where(openReportsOf(input))
    .limit(1);
  if (!report) throw NotFound("That report");
  if (!report.slug) return null;
  return findGroup(app, actor, report.slug);
}

/** Who wrote the reported content (or who was reported), and where it lives. */
async function subjectOf(app: AppContext, input: { targetType: TargetType; targetId: string }) {
  if (input.targetType === "post") {
    const [r] = await app.db
      .select({ authorId: posts.authorId, threadId: posts.threadId, deletedAt: posts.deletedAt, isOpening: posts.isOpening })
      .from(posts)
      .where(eq(posts.id, input.targetId));
    return r ? { userId: r.authorId, threadId: r.threadId, removed: r.deletedAt !== null, isOpening: r.isOpening } : null;
  }
  if (input.targetType === "thread") {
    const [r] = await app.db.select({ authorId: threads.authorId, deletedAt: threads.deletedAt }).from(threads).where(eq(threads.id, input.targetId));
    return r ? { userId: r.authorId, threadId: input.targetId, removed: r.deletedAt !== null, isOpening: true } : null;
  }
  if (input.targetType === "chat_message") {
    const [r] = await app.db.select({ authorId: chatMessages.authorId, deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, input.targetId));
    return r ? { userId: r.authorId, threadId: null, removed: r.deletedAt !== null, isOpening: false } : null;
  }
  const [r] = await app.db.select({ id: users.id }).from(users).where(eq(users.id, input.targetId));
  return r ? { userId: r.id, threadId: null, removed: false, isOpening: false } : null;
}

/** Moderators, organization staff and site admins are not sanctioned from the queue. */
async function assertSanctionable(app: AppContext, group: GroupView, userId: string) {
  const [user] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw NotFound("That person");
  const asThem = await findGroup(app, user, group.slug);
  if (can(user, "moderation.viewQueue", asThem.target)) {
    throw new DomainError("forbidden", "Moderators and organization staff can't be warned, muted or banned from the queue. Talk to the organization's admins.");
  }
  return { ...user, membership: asThem.membership };
}

async function latestAction(app: AppContext, action: string, targetId: string) {
  const [row] = await app.db
    .select({ id: moderationActions.id })
    .from(moderationActions)
    .where(and(eq(moderationActions.action, action), eq(moderationActions.targetId, targetId)))
    .orderBy(desc(moderationActions.createdAt))
    .limit(1);
  return row?.id ?? null;
}

async function resolveReports(
  db: Pick<AppContext["db"], "update">,
  actor: Actor,
  input: QueueTarget,
  status: "dismissed" | "actioned" | "escalated",
) {
  const resolved = await db
    .update(reports)
    .set(status === "escalated" ? { status } : { status, resolvedAt: new Date(), resolvedBy: actor.id })
    .where(openReportsOf(input))
    .returning({ id: reports.id });
  return resolved.length;
}

/** "until 12 March 2026, 14:00 UTC" — stored in UTC; the notice page shows it in the reader's zone too. */
function untilText(d: Date) {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Takes one decision on a queue item. Every open report about the same content in the same group is
 * resolved with it; reports filed under another group (a person reported elsewhere) are left alone.
 * Removal reuses the forum and chat functions (which audit and tell live sockets); warnings, mutes
 * and bans are audited here in the same transaction as their effect. The author gets a notice.
 */
export async function actOnReport(app: AppContext, viewer: Actor | null, input: QueueAction) {
  const actor = requireActor(viewer);
  const group = await reportGroup(app, actor, input);
  if (group) assertCan(actor, actionOfIntent[input.intent], group.target, "That report");
  else assertCan(actor, "moderation.viewEscalated", SITE);
  const groupId = group?.id ?? null;
  const where = group ? ` in ${group.name}` : "";

  if (input.intent === "dismiss" || input.intent === "escalate") {
    await app.db.transaction(async (tx) => {
      const n = await resolveReports(tx, actor, input, input.intent === "dismiss" ? "dismissed" : "escalated");
      await recordModerationAction(tx, {
        actorId: actor.id,
        action: `report.${input.intent}`,
        targetType: input.targetType,
        targetId: input.targetId,
        groupId,
        reason: input.reason,
        details: { reports: n },
      });
    });
    return { intent: input.intent };
  }

  const subject = await subjectOf(app, input);
  if (!subject) throw NotFound("That content");

  if (input.intent === "remove") {
    if (!group) throw Invalid("Only content in a group can be removed from the queue.");
    if (input.targetType === "user") throw Invalid("A profile can't be removed. Warn, mute or ban the person instead.");
    if (!subject.removed) {
      if (input.targetType === "post" && !subject.isOpening) {
        await moderatePost(app, actor, group.slug, subject.threadId!, input.targetId, "remove", input.reason);
      } else if (input.targetType === "post" || input.targetType === "thread") {
        // An opening post stands for its thread: removing it removes the thread.
        await moderateThread(app, actor, group.slug, subject.threadId!, "remove", input.reason);
      } else {
        await deleteMessage(app, actor, { messageId: input.targetId, reason: input.reason });
      }
    }
    const auditAction = input.targetType === "chat_message" ? "chat.message.delete" : input.targetType === "post" && !subject.isOpening ? "post.remove" : "thread.remove";
    const auditTarget = auditAction === "thread.remove" ? subject.threadId! : input.targetId;
    const actionId = await latestAction(app, auditAction, auditTarget);
    // The forum and chat functions told the author (notifyRemoval) in their own transaction.
    await resolveReports(app.db, actor, input, "actioned");
    return { intent: input.intent, moderationActionId: actionId };
  }

  if (!group) throw Invalid("Warnings, mutes and bans apply in a group. Use suspension for site-wide action.");
  const person = await assertSanctionable(app, group, subject.userId);
  const roomIds = (await app.db.select({ id: chatRooms.id }).from(chatRooms).where(eq(chatRooms.groupId, group.id))).map((r) => r.id);

  let actionId = newId();
  if (input.intent === "warn") {
    await app.db.transaction(async (tx) => {
      actionId = await recordModerationAction(tx, {
        actorId: actor.id,
        action: "user.warn",
        targetType: input.targetType,
        targetId: input.targetId,
        groupId,
        subjectUserId: person.id,
        reason: input.reason,
      });
      await resolveReports(tx, actor, input, "actioned");
      await notifyUsers(tx, [person.id], {
        kind: "moderation",
        title: `A moderator sent you a warning${where}`,
        body: `Reason: ${input.reason}`,
        link: `/notices/${actionId}`,
      });
    });
    return { intent: input.intent, moderationActionId: actionId };
  }

  if (input.intent === "mute") {
    if (!person.membership || person.membership.status !== "active") throw Invalid("That person is not an active member of this group.");
    const until = new Date(Date.now() + input.minutes * 60_000);
    const label = groupMuteChoices.find((c) => c.minutes === input.minutes)?.label ?? minutesText(input.minutes);
    await app.db.transaction(async (tx) => {
      await tx.update(groupMemberships).set({ mutedUntil: until }).where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, person.id)));
      actionId = await recordModerationAction(tx, {
        actorId: actor.id,
        action: "group.mute",
        targetType: "group",
        targetId: group.id,
        groupId,
        subjectUserId: person.id,
        reason: input.reason,
        details: { minutes: input.minutes, until: until.toISOString(), report: { type: input.targetType, id: input.targetId } },
      });
      await resolveReports(tx, actor, input, "actioned");
      await notifyUsers(tx, [person.id], {
        kind: "moderation",
        title: `You are muted${where} for ${label}`,
        body: `Until ${untilText(until)}. Reason: ${input.reason}`,
        link: `/notices/${actionId}`,
      });
    });
    // The policy reads muted_until on every send, so the mute holds at once; live sockets are told too.
    for (const roomId of roomIds) {
      app.realtime.chat.sanctioned(person.id, {
        roomId,
        mutedUntil: until.toISOString(),
        banned: false,
        message: `A moderator muted you in this group for ${label} (until ${untilText(until)}). Reason: ${input.reason}`,
      });
    }
    return { intent: input.intent, moderationActionId: actionId, until };
  }

  // ban
  await app.db.transaction(async (tx) => {
    await tx
      .insert(groupMemberships)
      .values({ groupId: group.id, userId: person.id, role: "member", status: "banned" })
      .onConflictDoUpdate({ target: [groupMemberships.groupId, groupMemberships.userId], set: { status: "banned", role: "member", createdAt: new Date() } });
    actionId = await recordModerationAction(tx, {
      actorId: actor.id,
      action: "group.ban",
      targetType: "group",
      targetId: group.id,
      groupId,
      subjectUserId: person.id,
      reason: input.reason,
      // Overturning the ban on appeal puts the person back where they stood (see undo.server.ts).
      details: { report: { type: input.targetType, id: input.targetId }, previousStatus: person.membership?.status ?? null },
    });
    await resolveReports(tx, actor, input, "actioned");
    await notifyUsers(tx, [person.id], {
      kind: "moderation",
      title: `You have been removed from ${group.name}`,
      body: `A moderator banned you from this group. Reason: ${input.reason}`,
      link: `/notices/${actionId}`,
    });
  });
  // Every live socket of the person leaves the group's rooms at once, on every node; their event places go.
  await accessLost(app, { groupId: group.id, userId: person.id });
  for (const roomId of roomIds) {
    app.realtime.chat.sanctioned(person.id, { roomId, mutedUntil: null, banned: true, message: `A moderator removed you from this group. Reason: ${input.reason}` });
  }
  return { intent: input.intent, moderationActionId: actionId };
}

// ── notices and appeals ──────────────────────────────────────────────────────────────────────

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

/** One appeal per decision; it goes back into the group's moderation queue. */
export async function appealDecision(app: AppContext, viewer: Actor | null, actionId: string, input: { body: string }) {
  const actor = requireActor(viewer);
  const notice = await getNotice(app, actor, actionId);
  if (notice.appeal) throw Conflict("You have already appealed this decision: one appeal per decision.");
  assertCan(actor, "moderation.appeal", { kind: "notice", subjectId: actor.id, appealable: isAppealable(notice.action), appealed: false });
  const [action] = await app.db.select({ groupId: moderationActions.groupId }).from(moderationActions).where(eq(moderationActions.id, actionId));
  const id = newId();
  try {
    await app.db.insert(appeals).values({ id, moderationActionId: actionId, userId: actor.id, groupId: action?.groupId ?? null, body: input.body });
  } catch (e) {
    if (isUniqueViolation(e)) throw Conflict("You have already appealed this decision: one appeal per decision.");
    throw e;
  }
  return { appealId: id };
}

/** Uphold or overturn an appeal. Overturning runs the decision's undo (undo.server.ts) first. */
export async function decideAppeal(app: AppContext, viewer: Actor | null, input: { appealId: string; intent: "uphold" | "overturn"; note: string }) {
  const actor = requireActor(viewer);
  const [row] = await app.db
    .select({
      id: appeals.id,
      status: appeals.status,
      userId: appeals.userId,
      actionId: moderationActions.id,
      action: moderationActions.action,
      targetId: moderationActions.targetId,
      details: moderationActions.details,
      groupSlug: groups.slug,
      groupId: groups.id,
      groupName: groups.name,
    })
    .from(appeals)
    .innerJoin(moderationActions, eq(moderationActions.id, appeals.moderationActionId))
    .leftJoin(groups, eq(groups.id, appeals.groupId))
    .where(eq(appeals.id, input.appealId));
  if (!row) throw NotFound("That appeal");
  if (row.groupSlug) {
    const group = await findGroup(app, actor, row.groupSlug);
    assertCan(actor, "moderation.decideAppeal", group.target, "That appeal");
  } else assertCan(actor, "moderation.viewEscalated", SITE);
  if (row.status !== "open") throw Conflict("That appeal has already been decided.");

  if (input.intent === "overturn") {
    // Only appealable decisions get appeals; each has its undo (restore, lift, or explicitly nothing).
    if (!isAppealable(row.action)) throw Invalid("That decision can't be reversed here.");
    await undoOf[row.action](app, {
      actor,
      targetId: row.targetId,
      groupId: row.groupId,
      groupSlug: row.groupSlug,
      subjectUserId: row.userId,
      details: row.details,
      note: input.note,
    });
  }
  await app.db.transaction(async (tx) => {
    await tx
      .update(appeals)
      .set({ status: input.intent === "uphold" ? "upheld" : "overturned", decisionNote: input.note, resolvedAt: new Date(), resolvedBy: actor.id })
      .where(eq(appeals.id, row.id));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: `appeal.${input.intent}`,
      targetType: "appeal",
      targetId: row.id,
      groupId: row.groupId,
      subjectUserId: row.userId,
      reason: input.note,
      details: { moderationActionId: row.actionId, action: row.action },
    });
    await notifyUsers(tx, [row.userId], {
      kind: "moderation",
      title: input.intent === "uphold" ? "The moderators reviewed your appeal and kept their decision" : "Your appeal was accepted: the decision was reversed",
      body: input.note,
      link: `/notices/${row.actionId}`,
    });
  });
  return { appealId: row.id, intent: input.intent };
}

// ── site-wide suspension ─────────────────────────────────────────────────────────────────────

/** Suspends an account: sessions revoked and sockets disconnected at once; audited. */
export async function suspendAccount(app: AppContext, viewer: Actor | null, input: { displayName: string; reason: string }) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  const [user] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status, displayName: users.displayName })
    .from(users)
    .where(sql`lower(${users.displayName}) = lower(${input.displayName})`);
  if (!user) throw Invalid("No one has that display name.", { displayName: ["No one has that display name. Check the spelling."] });
  if (user.id === actor.id) throw Invalid("You can't suspend your own account.", { displayName: ["You can't suspend your own account."] });
  if (user.siteRole === "admin") throw Invalid("Site administrators can't be suspended here.", { displayName: ["Site administrators can't be suspended here."] });
  if (user.status === "suspended") throw Conflict("That account is already suspended.", { displayName: ["That account is already suspended."] });
  await app.db.transaction(async (tx) => {
    await tx.update(users).set({ status: "suspended" }).where(eq(users.id, user.id));
    await recordModerationAction(tx, { actorId: actor.id, action: "user.suspend", targetType: "user", targetId: user.id, groupId: null, subjectUserId: user.id, reason: input.reason });
  });
  await invalidateUserSessions(app, user.id);
  return { userId: user.id, displayName: user.displayName };
}

export async function liftSuspension(app: AppContext, viewer: Actor | null, input: { userId: string; reason: string }) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  const [user] = await app.db.select({ id: users.id, status: users.status, displayName: users.displayName }).from(users).where(eq(users.id, input.userId));
  if (!user) throw NotFound("That account");
  if (user.status !== "suspended") throw Conflict("That account is not suspended.");
  await app.db.transaction(async (tx) => {
    await tx.update(users).set({ status: "active" }).where(eq(users.id, user.id));
    await recordModerationAction(tx, { actorId: actor.id, action: "user.unsuspend", targetType: "user", targetId: user.id, groupId: null, subjectUserId: user.id, reason: input.reason });
    await notifyUsers(tx, [user.id], { kind: "moderation", title: "Your account has been restored", body: `Reason: ${input.reason}` });
  });
  return { userId: user.id, displayName: user.displayName };
}

export async function listSuspended(app: AppContext, viewer: Actor | null) {
  const actor = requireActor(viewer);
  assertCan(actor, "account.suspend", SITE);
  return app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(users)
    .where(eq(users.status, "suspended"))
    .orderBy(asc(users.displayName))
    .limit(200);
}

// ── the audit log (read only) ────────────────────────────────────────────────────────────────

/**
 * The audit log, newest first, keyset-paginated: the whole log for site admins (no organization),
 * or one organization's groups for its owners and admins. Filters: action prefix, actor, subject,
 * group. There is deliberately no way to change or remove a row.
 */
export async function listAuditLog(app: AppContext, viewer: Actor | null, scope: { organizationSlug?: string }, filter: AuditFilter) {
  const actor = requireActor(viewer);
  let orgGroupIds: string[] | null = null;
  let organization: { slug: string; name: string } | null = null;
  if (scope.organizationSlug) {
    const [org] = await app.db
      .select({ id: organizations.id, slug: organizations.slug, name: organizations.name, orgRole: organizationMembers.role })
      .from(organizations)
      .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, organizations.id), eq(organizationMembers.userId, actor.id)))
      .where(eq(organizations.slug, scope.organizationSlug));
    if (!org) throw NotFound("That organization");
    assertCan(actor, "organization.viewAudit", { orgRole: org.orgRole ?? null });
    organization = { slug: org.slug, name: org.name };
    orgGroupIds = (await app.db.select({ id: groups.id }).from(groups).where(eq(groups.organizationId, org.id))).map((g) => g.id);
  } else {
    assertCan(actor, "moderation.viewSiteAudit", SITE);
  }
  const actorUser = sql.raw('"actor_user"');
  const subjectUser = sql.raw('"subject_user"');
  const cursor = decodeCursor(filter.after, ["time", "text"]);
  const conditions: (SQL | undefined)[] = [
    orgGroupIds ? (orgGroupIds.length ? inArray(moderationActions.groupId, orgGroupIds) : sql`false`) : undefined,
    filter.action ? ilike(moderationActions.action, `${filter.action.replace(/[%_\\]/g, "\\$&")}%`) : undefined,
    filter.actor ? sql`lower(${actorUser}.display_name) = lower(${filter.actor})` : undefined,
    filter.subject ? sql`lower(${subjectUser}.display_name) = lower(${filter.subject})` : undefined,
    filter.group ? eq(groups.slug, filter.group) : undefined,
    cursor ? sql`(${moderationActions.createdAt}, ${moderationActions.id}) < (${String(cursor[0])}::timestamptz, ${String(cursor[1])})` : undefined,
  ];
  const rows = await app.db
    .select({
      id: moderationActions.id,
      action: moderationActions.action,
      targetType: moderationActions.targetType,
      targetId: moderationActions.targetId,
      reason: moderationActions.reason,
      details: moderationActions.details,
      createdAt: moderationActions.createdAt,
      createdKey: sql<string>`to_char(${moderationActions.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
      actorName: sql<string | null>`${actorUser}.display_name`,
      subjectName: sql<string | null>`${subjectUser}.display_name`,
      groupName: groups.name,
      groupSlug: groups.slug,
    })
    .from(moderationActions)
    .leftJoin(sql`${users} as ${actorUser}`, sql`${actorUser}.id = ${moderationActions.actorId}`)
    .leftJoin(sql`${users} as ${subjectUser}`, sql`${subjectUser}.id = ${moderationActions.subjectUserId}`)
    .leftJoin(groups, eq(groups.id, moderationActions.groupId))
    .where(and(...conditions))
    .orderBy(desc(moderationActions.createdAt), desc(moderationActions.id))
    .limit(AUDIT_PAGE + 1);
  const page = rows.slice(0, AUDIT_PAGE);
  const last = page.at(-1);
  return {
    organization,
    entries: page.map(({ createdKey: _k, ...r }) => r),
    nextCursor: rows.length > AUDIT_PAGE && last ? encodeCursor([last.createdKey, last.id]) : null,
  };
}

/** For the header: whether to show "Moderation" (anyone with a queue) and "Admin" (site admins). One small query. */
export async function moderationLinks(app: AppContext, viewer: Actor | null) {
  if (!viewer || viewer.status !== "active") return { queue: false, admin: false };
  const admin = can(viewer, "moderation.viewEscalated", SITE);
  if (admin) return { queue: true, admin: true };
  const [row] = await app.db.execute(sql`
    select exists (select 1 from ${groupMemberships} where user_id = ${viewer.id} and role = 'moderator' and status = 'active')
        or exists (select 1 from ${organizationMembers} where user_id = ${viewer.id}) as yes`).then((r) => rowsOf<{ yes: boolean }>(r));
  return { queue: row?.yes === true, admin: false };
}
