import { asc, eq } from "drizzle-orm";
import { groupMemberships, groups, organizationMembers } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { can, type Actor } from "#app/policy.server";
import { groupVisibleSql } from "#app/policy-sql.server";
import { groupStandingColumns, groupTargetOf, joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import { findFeedToken } from "./feeds.server";

/**
 * Where a calendar app can follow a group's events. A public group's feed is public; a private
 * group's is behind the member's personal token (/calendar/<token>/groups/<slug>.ics), so a
 * calendar app, which sends no cookies, gets in while (and only while) they are a member.
 */
export function groupFeedUrl(origin: string, group: { slug: string; visibility: "public" | "private" }, token: string | null): string | null {
  if (group.visibility === "public") return `${origin}/groups/${group.slug}/events.ics`;
  return token ? `${origin}/calendar/${token}/groups/${group.slug}.ics` : null;
}

/**
 * The "Subscribe" address for a member on the group's events page: null for non-members (and
 * groups they cannot see); `url` null when a private group needs the personal address created first.
 */
export async function groupFeedFor(app: AppContext, viewer: Actor | null, slug: string, origin: string) {
  if (!viewer) return null;
  const on = standingJoins(viewer.id);
  const [group] = await app.db
    .select({ slug: groups.slug, name: groups.name, ...groupStandingColumns })
    .from(groups)
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(groups.slug, slug))
    .limit(1);
  if (!group || group.membershipStatus !== "active" || !can(viewer, "group.view", groupTargetOf(group))) return null;
  const token = group.visibility === "private" ? await findFeedToken(app, viewer) : null;
  return {
    name: group.name,
    private: group.visibility === "private",
    url: groupFeedUrl(origin, group, token),
  };
}

/** Every group the viewer can see with its feed address (private ones through their token, null before they have one). */
export async function groupFeedList(app: AppContext, viewer: Actor, origin: string, token: string | null) {
  const on = standingJoins(viewer.id);
  const rows = await app.db
    .select({ slug: groups.slug, name: groups.name, visibility: groups.visibility })
    .from(groups)
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(groupVisibleSql(viewer, joinedStanding))
    .orderBy(asc(groups.name))
    .limit(200);
  return rows.map((g) => ({ slug: g.slug, name: g.name, private: g.visibility === "private", url: groupFeedUrl(origin, g, token) }));
}
