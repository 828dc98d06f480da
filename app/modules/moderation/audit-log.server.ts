import { and, desc, eq, ilike, inArray, sql, type SQL } from "drizzle-orm";
import { groups, moderationActions, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { likePrefix } from "#app/lib/like";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { NotFound } from "#app/lib/errors";
import { assertCan, type Actor } from "#app/policy.server";
import type { AuditFilter } from "./moderation.schema";
import { requireActor, SITE } from "./common.server";

const AUDIT_PAGE = 50;

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
    filter.action ? ilike(moderationActions.action, likePrefix(filter.action)) : undefined,
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
