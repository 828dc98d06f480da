import { and, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { organizationMembers, organizations, resources } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { recordNotifications } from "#app/modules/notifications/record.server";
import { REVIEW_DUE_MONTHS } from "./library.schema";

/**
 * The "library.review" sweep: a resource not reviewed for REVIEW_DUE_MONTHS (the same rule as the
 * "review due" badge; created counts as reviewed) and not retired is claimed once per review stamp
 * (reviewRemindedAt set by one conditional UPDATE … RETURNING, so several nodes never both tell),
 * and its organization's staff hear of it. Several due at once make one notice per organization
 * ("4 resources are due for review", linking to its library); a single one links to the resource,
 * where staff renew the stamp.
 */

const CLAIM_BATCH = 200;

export async function remindReviews(app: AppContext, now: Date): Promise<void> {
  // Everything due now is claimed first, so an organization gets one notice however many batches it took.
  const claimed: Claimed[] = [];
  for (;;) {
    const batch = await claim(app, now);
    claimed.push(...batch);
    if (batch.length < CLAIM_BATCH) break;
  }
  const byOrganization = new Map<string, Claimed[]>();
  for (const r of claimed) byOrganization.set(r.organizationId, [...(byOrganization.get(r.organizationId) ?? []), r]);
  for (const [organizationId, due] of byOrganization) await tellStaff(app, organizationId, due, now);
}

function claim(app: AppContext, now: Date) {
  const lastReview = sql`coalesce(${resources.reviewedAt}, ${resources.createdAt})`;
  const due = and(
    isNull(resources.retiredAt),
    // An ISO string, cast: postgres-js takes no Date for an untyped parameter.
    sql`${lastReview} + make_interval(months => ${REVIEW_DUE_MONTHS}) <= ${now.toISOString()}::timestamptz`,
    // Told once per stamp: a review renews the stamp, and a year later it is due (and told) again.
    or(isNull(resources.reviewRemindedAt), lt(resources.reviewRemindedAt, lastReview)),
  );
  const batch = app.db.select({ id: resources.id }).from(resources).where(due).limit(CLAIM_BATCH).for("update", { skipLocked: true });
  return app.db
    .update(resources)
    .set({ reviewRemindedAt: now })
    .where(and(inArray(resources.id, batch), due))
    .returning({ id: resources.id, organizationId: resources.organizationId, title: resources.title, reviewedAt: resources.reviewedAt });
}

type Claimed = Awaited<ReturnType<typeof claim>>[number];

async function tellStaff(app: AppContext, organizationId: string, due: Claimed[], now: Date) {
  const staff = await app.db.select({ userId: organizationMembers.userId }).from(organizationMembers).where(eq(organizationMembers.organizationId, organizationId));
  if (staff.length === 0) return;
  const base = { kind: "resource_review", recipients: staff.map((s) => s.userId), audience: { organizationStaff: organizationId } } as const;
  if (due.length === 1) {
    const [r] = due as [Claimed];
    await recordNotifications(app, {
      ...base,
      title: `“${r.title}” is due for review`,
      body: `It was last reviewed more than ${REVIEW_DUE_MONTHS} months ago. Check it is still accurate, then mark it reviewed.`,
      link: `/library/${r.id}`,
      dedupeKey: `review:${r.id}:${r.reviewedAt?.toISOString() ?? "created"}`,
    });
    return;
  }
  const [org] = await app.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, organizationId));
  await recordNotifications(app, {
    ...base,
    title: `${due.length} resources are due for review`,
    body: due
      .slice(0, 5)
      .map((r) => `“${r.title}”`)
      .join(", ")
      .concat(due.length > 5 ? ` and ${due.length - 5} more.` : "."),
    link: org ? `/library?organization=${encodeURIComponent(org.slug)}` : "/library",
    // The claim already made this round unique; the sweep's time keys it.
    dedupeKey: `review-batch:${organizationId}:${now.toISOString()}`,
  });
}
