import { sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { groupMemberships, groups, organizationMembers, users } from "#db/schema/index";
import type { StaffRole } from "#app/lib/staff-role";

/**
 * The one SQL expression for "staff standing of this author in this group": site admin, else staff
 * of the organization that runs the group, else an active group moderator, else null. Suspended
 * accounts carry no badge. A correlated subquery, so a list (posts, chat messages, members) reads
 * every author's standing in the list's own query: never a query per row.
 *
 * `groupId` is a column of the outer query or a known id (null: no group, as in a direct conversation,
 * where only a site admin's badge shows); `userId` the author column.
 */
export function staffStanding(groupId: AnyPgColumn | SQL | string | null, userId: AnyPgColumn | SQL) {
  return sql<StaffRole | null>`(
    select case
      when su.site_role = 'admin' then 'admin'
      when exists (
        select 1 from ${organizationMembers} som join ${groups} sg on sg.organization_id = som.organization_id
        where sg.id = ${groupId} and som.user_id = su.id
      ) then 'organization'
      when exists (
        select 1 from ${groupMemberships} sgm
        where sgm.group_id = ${groupId} and sgm.user_id = su.id and sgm.status = 'active' and sgm.role = 'moderator'
      ) then 'moderator'
    end
    from ${users} su where su.id = ${userId} and su.status = 'active'
  )`;
}
