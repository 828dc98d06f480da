import { and, eq, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { groupMemberships, groups, organizationMembers } from "#db/schema/index";
import type { GroupTarget, OrgRole } from "#app/policy.server";
import type { StandingSql } from "#app/policy-sql.server";

/**
 * The one query piece for "the viewer's standing in a group": their membership in the group (role,
 * status, group-wide mute) and their role in the organization concerned, left-joined onto any query
 * that has a group, and turned into the policy's GroupTarget by `groupTargetOf`. Every group, forum,
 * chat, event and library query joins it this way:
 *
 *   const on = standingJoins(viewer?.id ?? null);               // or { groupId: events.groupId, … }
 *   db.select({ ...groupStandingColumns, … }).from(groups)
 *     .leftJoin(groupMemberships, on.membership).leftJoin(organizationMembers, on.orgRole)
 *
 * The viewer is an id (visitors: null, which matches no row) or a users.id column (or expression),
 * for queries that read many people's standing at once (access checks, event notices, chat sends).
 */

type Ref = AnyPgColumn | SQL;

export function standingJoins(viewer: string | null | Ref, on: { groupId?: Ref; organizationId?: Ref } = {}) {
  const userId = viewer ?? "";
  return {
    membership: and(eq(groupMemberships.groupId, on.groupId ?? groups.id), eq(groupMemberships.userId, userId)),
    orgRole: and(eq(organizationMembers.organizationId, on.organizationId ?? groups.organizationId), eq(organizationMembers.userId, userId)),
  };
}

/** The standing's columns (nullable: left-joined). */
export const standingColumns = {
  membershipRole: groupMemberships.role,
  membershipStatus: groupMemberships.status,
  mutedUntil: groupMemberships.mutedUntil,
  orgRole: organizationMembers.role,
};

/** The group's own settings the policy needs, plus the standing. */
export const groupStandingColumns = { visibility: groups.visibility, joinPolicy: groups.joinPolicy, forumPublic: groups.forumPublic, ...standingColumns };

/** The joined standing as the policy's SQL filters read it (app/policy-sql.server.ts). */
export const joinedStanding = {
  visibility: groups.visibility,
  forumPublic: groups.forumPublic,
  membershipRole: groupMemberships.role,
  membershipStatus: groupMemberships.status,
  orgRole: organizationMembers.role,
} satisfies StandingSql & { membershipRole: Ref };

/**
 * The same standing as correlated subqueries on a group id column and an organization id column,
 * for filters on tables that are not joined to the group (a library search's related threads).
 */
export function standingOf(viewerId: string | null, groupId: Ref, organizationId: Ref): StandingSql {
  const id = viewerId ?? "";
  return {
    visibility: sql`(select sg.visibility from ${groups} sg where sg.id = ${groupId})`,
    forumPublic: sql`(select sg.forum_public from ${groups} sg where sg.id = ${groupId})`,
    membershipStatus: sql`(select sm.status from ${groupMemberships} sm where sm.group_id = ${groupId} and sm.user_id = ${id})`,
    orgRole: sql`(select so.role from ${organizationMembers} so where so.organization_id = ${organizationId} and so.user_id = ${id})`,
  };
}

export interface StandingRow {
  membershipRole: "member" | "moderator" | null;
  membershipStatus: "active" | "pending" | "banned" | null;
  mutedUntil?: Date | null;
  orgRole: OrgRole | null;
}

/** The membership half of a GroupTarget (null when the viewer has none). */
export function membershipOf(row: StandingRow): GroupTarget["membership"] {
  return row.membershipRole && row.membershipStatus
    ? { role: row.membershipRole, status: row.membershipStatus, mutedUntil: row.mutedUntil ?? null }
    : null;
}

/** The policy's target for a group row selected with `groupStandingColumns`. */
export function groupTargetOf(
  row: StandingRow & { visibility: GroupTarget["visibility"]; joinPolicy: GroupTarget["joinPolicy"]; forumPublic: boolean },
): GroupTarget {
  return { visibility: row.visibility, joinPolicy: row.joinPolicy, forumPublic: row.forumPublic, membership: membershipOf(row), orgRole: row.orgRole ?? null };
}

/** The same for content whose group is optional (events, resources): null when the row has no group. */
export function optionalGroupTargetOf(
  row: StandingRow & {
    groupId: string | null;
    groupVisibility: GroupTarget["visibility"] | null;
    groupJoinPolicy: GroupTarget["joinPolicy"] | null;
    groupForumPublic: boolean | null;
  },
): GroupTarget | null {
  return row.groupId && row.groupVisibility && row.groupJoinPolicy
    ? groupTargetOf({ ...row, visibility: row.groupVisibility, joinPolicy: row.groupJoinPolicy, forumPublic: row.groupForumPublic ?? false })
    : null;
}
