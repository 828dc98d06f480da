import { and, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { forumReadScope, type Actor } from "#app/policy.server";

/**
 * The policy's visibility rules in SQL, for list and search queries that must filter in the
 * database (pagination, ranking). Each function mirrors one rule of policy.server.ts over the
 * viewer's standing as the query sees it (see app/modules/groups/standing.server.ts), and the
 * viewer-only half of the rule (signed in? active? site admin?) comes from the policy itself.
 * Rows are still checked with `can()` afterwards; tests/integration/policy-sql.test.ts walks every
 * role × visibility case and asserts that each filter and `can()` agree.
 */

type Ref = AnyPgColumn | SQL;

/** The viewer's standing in one group, as columns (joined) or correlated subqueries of a query. */
export interface StandingSql {
  /** The group's visibility; null when the row has no group. */
  visibility: Ref;
  /** The group's "visitors can read the forum" setting (groups.forum_public). */
  forumPublic: Ref;
  /** The viewer's membership status in the group (null: none). */
  membershipStatus: Ref;
  /** The viewer's role in the organization concerned (null: none). */
  orgRole: Ref;
}

const never = sql`false`;
const always = sql`true`;

/** `active(a) && t.orgRole !== null`: the viewer is on the organization's staff. */
function orgStaffSql(viewer: Actor | null, s: StandingSql): SQL {
  return forumReadScope(viewer) === "public" ? never : isNotNull(s.orgRole);
}

/** `canSee` (group.view, forum.read): public groups, or the viewer is inside (active member, org staff, site admin). */
export function groupVisibleSql(viewer: Actor | null, s: StandingSql): SQL {
  const scope = forumReadScope(viewer);
  if (scope === "all") return always;
  const isPublic = sql`${s.visibility} = 'public'`;
  if (scope === "public") return isPublic;
  return or(isPublic, sql`${s.membershipStatus} = 'active'`, orgStaffSql(viewer, s)) ?? never;
}

/** The viewer is inside the group (active member, org staff, site admin): `insider`. */
function insiderSql(viewer: Actor | null, s: StandingSql): SQL {
  const scope = forumReadScope(viewer);
  if (scope === "all") return always;
  if (scope === "public") return never;
  return or(sql`${s.membershipStatus} = 'active'`, orgStaffSql(viewer, s)) ?? never;
}

/**
 * `forum.read` for a group's forum (thread lists, group-level forum notices): the group is visible
 * and (the viewer is inside, or its forum is open to visitors).
 */
export function groupForumVisibleSql(viewer: Actor | null, s: StandingSql): SQL {
  const scope = forumReadScope(viewer);
  if (scope === "all") return always;
  return and(groupVisibleSql(viewer, s), or(insiderSql(viewer, s), sql`${s.forumPublic} = true`)) ?? never;
}

/**
 * `forum.read` for one thread (every query that lists forum content: thread lists, search, home,
 * profiles, related threads): the forum is readable by the viewer, and a members-only thread only
 * by insiders. `membersOnly` is the thread's threads.members_only column.
 */
export function forumVisibleSql(viewer: Actor | null, s: StandingSql & { membersOnly: Ref }): SQL {
  const scope = forumReadScope(viewer);
  if (scope === "all") return always;
  const isPublic = sql`${s.visibility} = 'public'`;
  return or(insiderSql(viewer, s), and(isPublic, sql`${s.forumPublic} = true`, sql`${s.membersOnly} = false`)) ?? never;
}

/** `moderates` (forum.moderate, chat.moderate, moderation.viewQueue): active group moderators, the organization's staff, site admins. */
export function groupModeratedSql(viewer: Actor | null, s: StandingSql & { membershipRole: Ref }): SQL {
  const scope = forumReadScope(viewer);
  if (scope === "all") return always;
  if (scope === "public") return never;
  return or(sql`(${s.membershipStatus} = 'active' and ${s.membershipRole} = 'moderator')`, orgStaffSql(viewer, s)) ?? never;
}

/** `event.view`: events outside any group, events of groups the viewer can see, and the organizers' own. */
export function eventVisibleSql(viewer: Actor | null, s: StandingSql & { groupId: Ref }): SQL {
  return or(isNull(s.groupId), groupVisibleSql(viewer, s), orgStaffSql(viewer, s)) ?? never;
}

/** `library.view`: the curators (org staff, site admins) see all; others what is not retired and not in a private group they are outside. */
export function resourceVisibleSql(viewer: Actor | null, s: StandingSql & { groupId: Ref; retiredAt: Ref }): SQL {
  const staff = forumReadScope(viewer) === "all" ? always : orgStaffSql(viewer, s);
  return or(staff, and(isNull(s.retiredAt), or(isNull(s.groupId), groupVisibleSql(viewer, s)))) ?? never;
}
