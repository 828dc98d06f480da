import { and, asc, eq, isNotNull, sql, type SQL } from "drizzle-orm";
import { QueryBuilder, type AnyPgColumn } from "drizzle-orm/pg-core";
import { groups, organizationMembers, organizations } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import type { Actor, OrgRole } from "#app/policy.server";

/** An organization the viewer works for, with its groups: the choices of event and resource forms. */
export interface StaffOrganization {
  id: string;
  name: string;
  groups: { id: string; name: string; private: boolean }[];
}

/**
 * The organizations the viewer is staff of (owner, admin or moderator), each with its groups.
 * `siteAdminSeesAll` lists every organization for site admins (the library lets them curate).
 */
export async function staffOrganizations(
  app: AppContext,
  viewer: Actor | null,
  options: { siteAdminSeesAll: boolean },
): Promise<StaffOrganization[]> {
  if (!viewer || viewer.status !== "active") return [];
  const everyOrganization = options.siteAdminSeesAll && viewer.siteRole === "admin";
  const rows = await app.db
    .select({ orgId: organizations.id, orgName: organizations.name, groupId: groups.id, groupName: groups.name, visibility: groups.visibility })
    .from(organizations)
    .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, organizations.id), eq(organizationMembers.userId, viewer.id)))
    .leftJoin(groups, eq(groups.organizationId, organizations.id))
    .where(everyOrganization ? undefined : isNotNull(organizationMembers.role))
    .orderBy(asc(organizations.name), asc(groups.name))
    .limit(500);
  const byOrg = new Map<string, StaffOrganization>();
  for (const r of rows) {
    const org = byOrg.get(r.orgId) ?? { id: r.orgId, name: r.orgName, groups: [] };
    if (r.groupId && r.groupName) org.groups.push({ id: r.groupId, name: r.groupName, private: r.visibility === "private" });
    byOrg.set(r.orgId, org);
  }
  return [...byOrg.values()];
}

/** The viewer's role in an organization (null if none); an unknown organization is a form error. */
export async function organizationRoleOf(app: AppContext, viewer: Actor | null, organizationId: string): Promise<OrgRole | null> {
  const [org] = await app.db
    .select({ id: organizations.id, role: organizationMembers.role })
    .from(organizations)
    .leftJoin(organizationMembers, and(eq(organizationMembers.organizationId, organizations.id), eq(organizationMembers.userId, viewer?.id ?? "")))
    .where(eq(organizations.id, organizationId))
    .limit(1);
  if (!org) throw Invalid("Choose one of your organizations.", { organizationId: ["Choose one of your organizations."] });
  return org.role ?? null;
}

/** A group chosen on a form must belong to the form's organization. */
export async function assertGroupOfOrganization(app: AppContext, groupId: string | null | undefined, organizationId: string) {
  if (!groupId) return;
  const [g] = await app.db.select({ id: groups.id }).from(groups).where(and(eq(groups.id, groupId), eq(groups.organizationId, organizationId))).limit(1);
  if (!g) throw Invalid("Choose one of the organization's groups.", { groupId: ["Choose one of this organization's groups, or none."] });
}

/**
 * The organizations `userId` is on the team of, for the header's links to their pages (a few at
 * most, by name), as one JSON column: the layout reads it in the session's own statement
 * (modules/header), so `userId` may be a column of the outer query. Read it with staffOrganizationLinksOf.
 */
export function staffOrganizationLinksSql(userId: string | AnyPgColumn): SQL<unknown> {
  const mine = new QueryBuilder()
    .select({ slug: organizations.slug, name: organizations.name })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(eq(organizationMembers.userId, userId))
    .orderBy(asc(organizations.name))
    .limit(5);
  return sql`(select coalesce(json_agg(json_build_object('slug', so.slug, 'name', so.name) order by so.name), '[]'::json) from (${mine}) so)`;
}

/** The links from staffOrganizationLinksSql's column (a JSON array; a string where the driver leaves JSON unparsed). */
export function staffOrganizationLinksOf(column: unknown): { slug: string; name: string }[] {
  const links = typeof column === "string" ? (JSON.parse(column) as unknown) : column;
  return Array.isArray(links) ? links.map((l: { slug: string; name: string }) => ({ slug: String(l.slug), name: String(l.name) })) : [];
}
