import { and, eq, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { organizationMembers, organizations, resources } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { recordNotifications } from "#app/modules/notifications/record.server";
import { REVIEW_DUE_MONTHS, REVIEW_SOON_DAYS } from "./library.schema";

/**
 * The "library.review" sweep: a resource not reviewed for REVIEW_DUE_MONTHS (the same rule as the
 * "review due" badge; created counts as reviewed) and not retired is due. A resource with a
 * reviewer who is on its organization's team reminds that reviewer twice per review stamp:
 * REVIEW_SOON_DAYS before it is due ("soon"), and when it is due ("overdue"). Any other due resource
 * (no reviewer, or one who left the team) tells the organization's staff when overdue, as before.
 *
 * Idempotency is review_reminded_at, compared with the stage's own threshold: a stage is claimed
 * when the last reminder is older than the moment the stage began (soon: due − 30 days; overdue:
 * the due date), so each stage is told once per stamp, and a review (a new stamp, later
 * thresholds) starts over. One conditional UPDATE … RETURNING claims, so several nodes never both
 * tell. Several due at once for one person (or one organization's staff) make one notice.
 */

const CLAIM_BATCH = 200;

export async function remindReviews(app: AppContext, now: Date): Promise<void> {
  // Everything due now is claimed first, so a person gets one notice however many batches it took.
  const claimed: Claimed[] = [];
  for (;;) {
    const batch = await claim(app, now);
    claimed.push(...batch);
    if (batch.length < CLAIM_BATCH) break;
  }
  const groups = new Map<string, Claimed[]>();
  for (const r of claimed) {
    // A reviewer hears of their own resources (per organization); the rest go to the organization's staff.
    const key = r.reviewerId ? `${r.organizationId}\n${r.reviewerId}` : r.organizationId;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const due of groups.values()) {
    const [first] = due as [Claimed];
    if (first.reviewerId) await tellReviewer(app, first.organizationId, first.reviewerId, due, now);
    else await tellStaff(app, first.organizationId, due, now);
  }
}

/** Columns of the claim: the review stamp, when it is due, when the reviewer is told first, and whether the reviewer is on the team. */
const lastReview = sql`coalesce(${resources.reviewedAt}, ${resources.createdAt})`;
const dueAt = sql`(${lastReview} + make_interval(months => ${REVIEW_DUE_MONTHS}))`;
const soonAt = sql`(${dueAt} - make_interval(days => ${REVIEW_SOON_DAYS}))`;
const reviewerOnTeam = sql`exists (select 1 from ${organizationMembers} om where om.organization_id = ${resources.organizationId} and om.user_id = ${resources.reviewerId})`;

function claim(app: AppContext, now: Date) {
  // An ISO string, cast: postgres-js takes no Date for an untyped parameter.
  const at = sql`${now.toISOString()}::timestamptz`;
  const told = (threshold: SQL) => or(isNull(resources.reviewRemindedAt), sql`${resources.reviewRemindedAt} < ${threshold}`);
  const due = and(
    isNull(resources.retiredAt),
    or(
      // Overdue: told once per stamp (a reminder before the due date was the "soon" one, or an older stamp's).
      and(sql`${dueAt} <= ${at}`, told(dueAt)),
      // Soon: only a reviewer on the team, once per stamp.
      and(sql`${resources.reviewerId} is not null`, reviewerOnTeam, sql`${soonAt} <= ${at}`, told(soonAt)),
    ),
  );
  const batch = app.db.select({ id: resources.id }).from(resources).where(due).limit(CLAIM_BATCH).for("update", { skipLocked: true });
  return app.db
    .update(resources)
    .set({ reviewRemindedAt: now })
    .where(and(inArray(resources.id, batch), due))
    .returning({
      id: resources.id,
      organizationId: resources.organizationId,
      title: resources.title,
      reviewedAt: resources.reviewedAt,
      dueAt: sql<string>`to_char(${dueAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      overdue: sql<boolean>`${dueAt} <= ${at}`,
      // Null when the reviewer left the team: the staff are told instead.
      reviewerId: sql<string | null>`case when ${reviewerOnTeam} then ${resources.reviewerId} end`,
    });
}

type Claimed = Awaited<ReturnType<typeof claim>>[number];

const stampOf = (r: Claimed) => r.reviewedAt?.toISOString() ?? "created";

async function slugOf(app: AppContext, organizationId: string) {
  const [org] = await app.db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, organizationId));
  return org?.slug ?? null;
}

const titles = (due: Claimed[]) =>
  due
    .slice(0, 5)
    .map((r) => `“${r.title}”`)
    .join(", ")
    .concat(due.length > 5 ? ` and ${due.length - 5} more.` : ".");

/** The reviewer: "due by <date>" (soon) or "due" (overdue), linking to the resource, or to their list on the upkeep page. */
async function tellReviewer(app: AppContext, organizationId: string, reviewerId: string, due: Claimed[], now: Date) {
  const base = { kind: "resource_review", recipients: [reviewerId], audience: { organizationStaff: organizationId } } as const;
  if (due.length === 1) {
    const [r] = due as [Claimed];
    await recordNotifications(app, {
      ...base,
      title: r.overdue ? `“${r.title}” is due for review` : `“${r.title}” is due for review by ${formatDay(r.dueAt)}`,
      body: `You are its reviewer. Check it is still accurate, then mark it reviewed.`,
      link: `/library/${r.id}`,
      dedupeKey: `${r.overdue ? "review" : "review-soon"}:${r.id}:${stampOf(r)}`,
    });
    return;
  }
  const slug = await slugOf(app, organizationId);
  await recordNotifications(app, {
    ...base,
    title: `${due.length} resources you review are due for review`,
    body: titles(due),
    link: slug ? `/organizations/${encodeURIComponent(slug)}/library?mine=1` : "/library",
    dedupeKey: `review-batch:${organizationId}:${reviewerId}:${now.toISOString()}`,
  });
}

const dayFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const formatDay = (iso: string) => dayFormat.format(new Date(iso));

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
      dedupeKey: `review:${r.id}:${stampOf(r)}`,
    });
    return;
  }
  const slug = await slugOf(app, organizationId);
  await recordNotifications(app, {
    ...base,
    title: `${due.length} resources are due for review`,
    body: titles(due),
    link: slug ? `/library?organization=${encodeURIComponent(slug)}` : "/library",
    // The claim already made this round unique; the sweep's time keys it.
    dedupeKey: `review-batch:${organizationId}:${now.toISOString()}`,
  });
}
