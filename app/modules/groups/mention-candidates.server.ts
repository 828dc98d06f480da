import { and, asc, eq, isNull, ne, not, or, sql } from "drizzle-orm";
import { groupMemberships, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { likePrefix } from "#app/lib/like";
import { mentionKey } from "#app/lib/mentions";
import { assertCan, can, type Actor } from "#app/policy.server";
import { listedMemberSql } from "#app/modules/accounts/profile.server";
import { blocksSql } from "#app/modules/accounts/blocks.server";
import { findGroup } from "./groups.server";

export const MENTION_CANDIDATES = 8;

/**
 * The autocomplete: up to 8 active members of the group whose name (or a word of it) starts with
 * `query`, as the member list would show them to this viewer (unlisted members only to the group's
 * moderators; deleted accounts never; not the viewer, nor anyone who blocks the viewer). 404 for a group the viewer can't read.
 */
export async function mentionCandidates(app: AppContext, viewer: Actor | null, slug: string, query: string) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "forum.read", group.target);
  const q = mentionKey(query);
  if (!q || !can(viewer, "group.viewMembers", group.target)) return [];
  const lowerName = sql<string>`lower(${users.displayName})`;
  const rows = await app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(groupMemberships)
    .innerJoin(users, eq(users.id, groupMemberships.userId))
    .where(
      and(
        eq(groupMemberships.groupId, group.id),
        eq(groupMemberships.status, "active"),
        isNull(users.deletedAt),
        eq(users.status, "active"),
        ne(users.id, viewer!.id),
        // Someone who blocks the viewer isn't offered to them (their mention wouldn't reach them anyway).
        not(blocksSql(sql`${users.id}`, viewer!.id)),
        can(viewer, "group.seeUnlistedMembers", group.target) ? undefined : listedMemberSql(viewer!.id),
        or(sql`${lowerName} like ${likePrefix(q)}`, sql`${lowerName} like ${`% ${likePrefix(q)}`}`),
      ),
    )
    .orderBy(sql`${lowerName} like ${likePrefix(q)} desc`, asc(lowerName), asc(users.id))
    .limit(MENTION_CANDIDATES);
  return rows;
}
