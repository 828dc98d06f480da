import { and, desc, eq, inArray, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { QueryBuilder, type AnyPgColumn } from "drizzle-orm/pg-core";
import { groupMemberships, groups, notifications, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { rowsOf } from "#app/lib/db-rows.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { timeKey } from "#app/lib/keyset.server";
import { joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import type { Actor } from "#app/policy.server";
import { groupForumVisibleSql, groupModeratedSql, groupVisibleSql } from "#app/policy-sql.server";
import { readNotificationSettings } from "./settings";
import type { LiveNotification } from "./types";

/**
 * In-app notifications: a row per person per notice, read or unread. New sources record through
 * recordNotifications (record.server.ts) from a job. The legacy notifyUsers writes inside the
 * caller's own transaction (pass it as `db`), so a notice exists exactly when its cause does; the
 * caller then calls announceNotices after the commit so open tabs hear it.
 */

const PAGE_SIZE = 30;

/** A database handle or an open transaction. */
type Writer = Pick<AppContext["db"], "insert">;

export interface NewNotification {
  kind: "event_changed" | "event_cancelled" | "event_promoted" | "moderation" | "organization";
  title: string;
  body?: string;
  /** A path inside the app. */
  link?: string | null;
  eventId?: string | null;
}

export async function notifyUsers(db: Writer, userIds: readonly string[], notice: NewNotification): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await db.insert(notifications).values(
    unique.map((userId) => ({
      id: newId(),
      userId,
      kind: notice.kind,
      title: notice.title,
      body: notice.body ?? "",
      link: notice.link ?? null,
      eventId: notice.eventId ?? null,
    })),
  );
}

/**
 * Which of the viewer's notices they may still see: notices about a group (its posts, its requests,
 * its reports) show only while the policy lets them see it now — a member who left, was banned or
 * stood down no longer reads its titles — and moderators' notices only while they moderate it.
 */
function stillVisibleSql(viewer: Actor) {
  const insider = groupVisibleSql(viewer, joinedStanding);
  const moderates = groupModeratedSql(viewer, joinedStanding);
  return or(
    isNull(notifications.groupId),
    and(
      insider,
      sql`coalesce(${groupMemberships.status}::text, '') <> 'banned'`,
      or(notInArray(notifications.kind, STAFF_KINDS), moderates),
      // Forum notices only while the viewer may read the group's forum (a closed forum: insiders).
      or(notInArray(notifications.kind, FORUM_KINDS), groupForumVisibleSql(viewer, joinedStanding)),
    ),
  );
}

/** Kinds about forum content (their recipients were insiders for members-only threads when recorded). */
const FORUM_KINDS = ["reply", "new_thread", "mention", "reaction", "chat_moved"];

/** Kinds meant for a group's moderators (join requests, reports). */
const STAFF_KINDS = ["join_request", "report"];

/** The viewer's standing in each notice's group, left-joined: what stillVisibleSql reads. */
const standingOn = (viewer: Actor) => standingJoins(viewer.id, { groupId: notifications.groupId });

/**
 * How many unread notices `userId` may see under `scope`'s rule (capped at 100, so it stays cheap),
 * as a scalar subquery: the layout reads it in the session's own statement (modules/header).
 * `userId` may be a column of the outer query; only `scope`'s role and status are read.
 */
export function unreadCountSql(userId: string | AnyPgColumn, scope: Actor): SQL<number> {
  const on = standingJoins(userId, { groupId: notifications.groupId });
  const unread = new QueryBuilder()
    .select({ one: sql`1`.as("one") })
    .from(notifications)
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(and(eq(notifications.userId, userId), isNull(notifications.readAt), stillVisibleSql(scope)))
    .limit(100);
  return sql<number>`(select count(*)::int from (${unread}) unread)`;
}

/** For the header: how many unread notices the viewer may see (capped, so the count stays cheap). */
export async function unreadCount(app: AppContext, viewer: Actor | null): Promise<number> {
  if (!viewer) return 0;
  const [row] = rowsOf<{ n: number }>(await app.db.execute(sql`select ${unreadCountSql(viewer.id, viewer)} as n`));
  return Number(row?.n ?? 0);
}

/**
 * `unreadCount` for many people at once (the live push after a fan-out), by the same visibility
 * rule: one query per read scope (members, site admins), standing joined per notice's recipient.
 */
export async function unreadCounts(app: AppContext, userIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  if (userIds.length === 0) return counts;
  const people = await app.db.select({ id: users.id, siteRole: users.siteRole }).from(users).where(inArray(users.id, [...new Set(userIds)]));
  const on = standingJoins(notifications.userId, { groupId: notifications.groupId });
  for (const siteRole of ["member", "admin"] as const) {
    const ids = people.filter((p) => p.siteRole === siteRole).map((p) => p.id);
    if (ids.length === 0) continue;
    // The rule reads only the viewer's scope (role, active): the standing comes from the joins.
    const scope: Actor = { id: "", siteRole, status: "active" };
    const rows = await app.db
      .select({ userId: notifications.userId, n: sql<number>`least(count(*), 100)::int` })
      .from(notifications)
      .leftJoin(groups, eq(groups.id, notifications.groupId))
      .leftJoin(groupMemberships, on.membership)
      .leftJoin(organizationMembers, on.orgRole)
      .where(and(inArray(notifications.userId, ids), isNull(notifications.readAt), stillVisibleSql(scope)))
      .groupBy(notifications.userId);
    for (const r of rows) counts.set(r.userId, r.n);
  }
  return counts;
}

const CURSOR = ["time", "text"] as const;

/**
 * The viewer's notices they may still see, newest first, keyset-paginated by (created_at, id) at the
 * database's own precision; with the time zone the page groups them by day in.
 */
export async function listNotifications(app: AppContext, viewer: Actor | null, opts: { after?: string | null } = {}) {
  if (!viewer) throw Unauthenticated();
  const cursor = decodeCursor(opts.after, CURSOR);
  const on = standingOn(viewer);
  const rows = await app.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      urgent: notifications.urgent,
      count: notifications.count,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      key: timeKey(notifications.createdAt),
    })
    .from(notifications)
    .leftJoin(groups, eq(groups.id, notifications.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(
      and(
        eq(notifications.userId, viewer.id),
        stillVisibleSql(viewer),
        cursor ? sql`(${notifications.createdAt}, ${notifications.id}) < (${cursor[0]}::timestamptz, ${cursor[1]})` : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(PAGE_SIZE + 1);
  const [me] = await app.db.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, viewer.id));
  const page = rows.slice(0, PAGE_SIZE).map(({ key: _key, ...n }: (typeof rows)[number]) => n);
  const last = rows[PAGE_SIZE - 1];
  return {
    notifications: page,
    nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor([last.key, last.id]) : null,
    timeZone: readNotificationSettings(me?.settings).timeZone,
  };
}

/**
 * Marks some (or, without ids, all) of the viewer's notices as read. Other people's ids are ignored.
 * The viewer's other tabs hear the new count at once.
 */
export async function markRead(app: AppContext, viewer: Actor | null, ids?: readonly string[]): Promise<number> {
  if (!viewer) throw Unauthenticated();
  const changed = await app.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, viewer.id), isNull(notifications.readAt), ids ? inArray(notifications.id, [...ids]) : undefined))
    .returning({ id: notifications.id });
  if (changed.length > 0) app.realtime.notify(viewer.id, { notification: null, unread: await unreadCount(app, viewer) });
  return changed.length;
}

/**
 * For notices written with notifyUsers inside a transaction: once it has committed, each person's
 * open tabs hear their newest notice from the last minute (announced once per id) and their count.
 */
export async function announceNotices(app: AppContext, userIds: readonly string[]): Promise<void> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return;
  const latest = await app.db
    .selectDistinctOn([notifications.userId], {
      id: notifications.id,
      userId: notifications.userId,
      kind: notifications.kind,
      title: notifications.title,
      link: notifications.link,
      urgent: notifications.urgent,
      createdAt: notifications.createdAt,
    })
    .from(notifications)
    .where(and(inArray(notifications.userId, ids), isNull(notifications.readAt), sql`${notifications.createdAt} > now() - interval '1 minute'`))
    .orderBy(notifications.userId, desc(notifications.createdAt));
  const counts = await unreadCounts(app, ids);
  for (const userId of ids) {
    const n = latest.find((l) => l.userId === userId);
    const notification: LiveNotification | null = n ? { ...n, createdAt: n.createdAt.toISOString() } : null;
    app.realtime.notify(userId, { notification, unread: counts.get(userId) ?? 0 });
  }
}
