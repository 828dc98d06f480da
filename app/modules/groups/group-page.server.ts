import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { chatMessages, chatRooms, groupMemberships, groups, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { renderMarkdown } from "#app/lib/markdown.server";
import { profileHref, profileOpensInGroupSql } from "#app/modules/accounts/profile.server";
import { listEvents } from "#app/modules/events/events.server";
import { listThreads } from "#app/modules/forums/threads.server";
import { assertCan, can, type Actor } from "#app/policy.server";
import type { GroupView } from "./groups.server";

/**
 * The group page's sections below its header: recent threads, next events, chat rooms by latest
 * message, the moderators and the group's rules. Each comes from its capability's own listing (so
 * it answers to the same policy) or one bounded query here; none queries per row.
 */

export const GROUP_PAGE_LIMITS = { threads: 5, events: 3, rooms: 5 } as const;
/** A member's visit is written at most this often, so reloading the page doesn't write each time. */
const VISIT_RESOLUTION_MS = 60_000;

/** The group's rules as HTML and its active moderators (public staff: always shown to whoever sees the group). */
async function rulesAndModerators(app: AppContext, viewer: Actor | null, group: GroupView) {
  const [[own], mods] = await Promise.all([
    app.db.select({ rules: groups.rules }).from(groups).where(eq(groups.id, group.id)),
    app.db
      .select({ userId: users.id, displayName: users.displayName, opens: profileOpensInGroupSql(group.id) })
      .from(groupMemberships)
      .innerJoin(users, eq(users.id, groupMemberships.userId))
      .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.status, "active"), eq(groupMemberships.role, "moderator"), isNull(users.deletedAt)))
      .orderBy(asc(sql`lower(${users.displayName})`), asc(users.id))
      .limit(50),
  ]);
  const inGroup = group.membership?.status === "active";
  return {
    rulesHtml: own?.rules ? renderMarkdown(own.rules) : null,
    moderators: mods.map((m) => ({ userId: m.userId, displayName: m.displayName, href: profileHref(viewer, m.userId, m.opens, inGroup) })),
  };
}

/** Open rooms, the most recently active first, with the time of their latest message (null: none yet). */
async function activeRooms(app: AppContext, group: GroupView) {
  // Qualified by hand: in a one-table select Drizzle writes columns bare, and a bare "id" here would be m.id.
  const latest = sql`(select max(m.created_at) from ${chatMessages} m where m.room_id = ${chatRooms}.id and m.deleted_at is null)`;
  const lastAt = sql<Date | null>`${latest}`.mapWith((v: string | Date | null) => (v === null ? null : new Date(v)));
  const rows = await app.db
    .select({ id: chatRooms.id, name: chatRooms.name, lastMessageAt: lastAt })
    .from(chatRooms)
    .where(and(eq(chatRooms.groupId, group.id), isNull(chatRooms.archivedAt)))
    .orderBy(sql`${latest} desc nulls last`, asc(chatRooms.name))
    .limit(GROUP_PAGE_LIMITS.rooms);
  return rows;
}

export async function getGroupSections(app: AppContext, viewer: Actor | null, group: GroupView) {
  assertCan(viewer, "group.view", group.target);
  const readsForum = can(viewer, "forum.read", group.target);
  const [threads, events, rooms, staff] = await Promise.all([
    readsForum ? listThreads(app, viewer, group.slug, { limit: GROUP_PAGE_LIMITS.threads }).then((f) => f.threads) : Promise.resolve([]),
    listEvents(app, viewer, { group: group.slug }).then((l) => l.events.slice(0, GROUP_PAGE_LIMITS.events)),
    activeRooms(app, group),
    rulesAndModerators(app, viewer, group),
  ]);
  return { threads, events, rooms, ...staff, forumReadable: readsForum };
}

/** Records the member's visit (the home page counts what is new since); one conditional write, skipped when recent. */
export async function markGroupVisited(app: AppContext, viewer: Actor | null, group: GroupView): Promise<void> {
  if (!viewer || group.membership?.status !== "active") return;
  const now = app.clock.now();
  await app.db
    .update(groupMemberships)
    .set({ lastVisitedAt: now })
    .where(
      and(
        eq(groupMemberships.groupId, group.id),
        eq(groupMemberships.userId, viewer.id),
        eq(groupMemberships.status, "active"),
        or(isNull(groupMemberships.lastVisitedAt), lt(groupMemberships.lastVisitedAt, new Date(now.getTime() - VISIT_RESOLUTION_MS))),
      ),
    );
}
