import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { organizationMembers, resources, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { findOrganization } from "#app/modules/organizations/organizations.server";
import { assertCan, type Actor } from "#app/policy.server";
import { REVIEW_DUE_MONTHS, REVIEW_SOON_DAYS } from "./library.schema";
import { listBrokenLinks } from "./link-check.server";

/**
 * The organization's library upkeep page (its staff: library.create on the organization): resources
 * overdue for review, due in the next REVIEW_SOON_DAYS days, and links the weekly check found broken,
 * each with its reviewer; "only mine" keeps the viewer's own. The due date is Postgres's month
 * arithmetic, the same as the reminder sweep's, so the page and the reminders agree.
 */

const LIST_MAX = 300;

const utc = (col: ReturnType<typeof sql>) => sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const dueAt = sql`(coalesce(${resources.reviewedAt}, ${resources.createdAt}) + make_interval(months => ${REVIEW_DUE_MONTHS}))`;
const reviewerOnTeam = sql<boolean>`exists (select 1 from ${organizationMembers} om where om.organization_id = ${resources.organizationId} and om.user_id = ${resources.reviewerId})`;

const reviewerColumns = {
  reviewerId: resources.reviewerId,
  reviewerName: users.displayName,
  reviewerOnTeam,
};

export interface UpkeepReviewer {
  id: string;
  name: string;
  /** False when they have left the organization's team (reminders then go to all staff). */
  onTeam: boolean;
}

const reviewerOf = (r: { reviewerId: string | null; reviewerName: string | null; reviewerOnTeam: boolean }): UpkeepReviewer | null =>
  r.reviewerId ? { id: r.reviewerId, name: r.reviewerName ?? "a former member", onTeam: r.reviewerOnTeam } : null;

export async function getLibraryUpkeep(app: AppContext, viewer: Actor | null, slug: string, options: { onlyMine: boolean }) {
  const org = await findOrganization(app, viewer, slug);
  assertCan(viewer, "library.create", org.target, "That organization");
  const now = app.clock.now();
  const mine = options.onlyMine && viewer ? eq(resources.reviewerId, viewer.id) : undefined;
  const horizon = sql`${now.toISOString()}::timestamptz + make_interval(days => ${REVIEW_SOON_DAYS})`;
  const [dueRows, broken] = await Promise.all([
    app.db
      .select({ id: resources.id, title: resources.title, kind: resources.kind, dueAt: utc(dueAt), overdue: sql<boolean>`${dueAt} <= ${now.toISOString()}::timestamptz`, ...reviewerColumns })
      .from(resources)
      .leftJoin(users, eq(users.id, resources.reviewerId))
      .where(and(eq(resources.organizationId, org.id), isNull(resources.retiredAt), sql`${dueAt} <= ${horizon}`, mine))
      .orderBy(asc(dueAt), asc(resources.id))
      .limit(LIST_MAX),
    listBrokenLinks(app, viewer, org.id),
  ]);
  // The check's rows carry no reviewer: one more query for this page's broken links.
  const brokenReviewers = broken.length
    ? await app.db
        .select({ id: resources.id, ...reviewerColumns })
        .from(resources)
        .leftJoin(users, eq(users.id, resources.reviewerId))
        .where(and(eq(resources.organizationId, org.id), inArray(resources.id, broken.map((b) => b.id))))
    : [];
  const byId = new Map(brokenReviewers.map((r) => [r.id, r]));
  const rows = dueRows.map((r) => ({ id: r.id, title: r.title, kind: r.kind, dueAt: r.dueAt, overdue: r.overdue, reviewer: reviewerOf(r) }));
  return {
    organization: { slug: org.slug, name: org.name },
    onlyMine: options.onlyMine,
    overdue: rows.filter((r) => r.overdue),
    dueSoon: rows.filter((r) => !r.overdue),
    brokenLinks: broken
      .filter((b) => byId.has(b.id))
      .map((b) => ({ ...b, reviewer: reviewerOf(byId.get(b.id)!) }))
      .filter((b) => !options.onlyMine || b.reviewer?.id === viewer?.id),
  };
}
export type LibraryUpkeep = Awaited<ReturnType<typeof getLibraryUpkeep>>;
