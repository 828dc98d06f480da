import { sql, type SQL } from "drizzle-orm";
import { groupMemberships, groups, heldContent, organizationMembers } from "#db/schema/index";

/**
 * How many pending held items `userId` may review, as SQL (a correlated count) for the header's
 * moderationLinks query and announceHeld: in the groups they moderate (policy-sql's twin of
 * `moderates`: active group moderators, the organization's staff); `all` (site administrators)
 * counts every group's. Columns qualified by hand: it runs inside other queries.
 */
export function heldCountSql(userId: SQL | string, all: SQL | boolean = false): SQL<number> {
  const who = typeof userId === "string" ? sql`${userId}` : userId;
  const everything = typeof all === "boolean" ? (all ? sql`true` : sql`false`) : all;
  return sql<number>`(select count(*)::int from ${heldContent} hc join ${groups} hcg on hcg.id = hc.group_id
    where hc.status = 'pending' and (${everything}
      or exists (select 1 from ${groupMemberships} hcm where hcm.group_id = hc.group_id and hcm.user_id = ${who} and hcm.role = 'moderator' and hcm.status = 'active')
      or exists (select 1 from ${organizationMembers} hco where hco.organization_id = hcg.organization_id and hco.user_id = ${who})))`;
}
