import { sql, type SQL } from "drizzle-orm";
import { groupMemberships, groups, heldContent, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { rowsOf } from "#app/lib/db-rows.server";

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

/**
 * Pushes each of the group's reviewers (its moderators, the organization's staff, site admins) their
 * new held count: one query, then one emit per person. Call after a hold, approval or rejection committed.
 */
export async function announceHeld(app: AppContext, groupId: string): Promise<void> {
  const rows = rowsOf<{ id: string; held: number }>(
    await app.db.execute(sql`
      select u.id, ${heldCountSql(sql`u.id`, sql`u.site_role = 'admin'`)} as held
      from ${users} u
      where u.status = 'active' and u.deleted_at is null and (
        u.site_role = 'admin'
        or exists (select 1 from ${groupMemberships} m where m.group_id = ${groupId} and m.user_id = u.id and m.role = 'moderator' and m.status = 'active')
        or exists (select 1 from ${organizationMembers} o join ${groups} g on g.organization_id = o.organization_id where g.id = ${groupId} and o.user_id = u.id))`),
  );
  for (const r of rows) app.realtime.queueChanged(r.id, { held: Number(r.held) });
}
