import { and, asc, eq } from "drizzle-orm";
import { organizationMembers, resources, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid } from "#app/lib/errors";
import { assertCan, type Actor } from "#app/policy.server";
import { findResource } from "./library.server";

/**
 * A resource's reviewer: one of its organization's staff (owner, admin or moderator), who gets its
 * review reminders; none means all staff do (review-reminders.server.ts). Choosing is
 * library.assignReviewer; the choice is checked against the team on the server, never trusted.
 */

export interface ReviewerChoice {
  id: string;
  displayName: string;
  /** The current reviewer who has since left the team: shown so the form keeps it, but not choosable anew. */
  left?: boolean;
}

/** The organization's staff, by name, plus the resource's current reviewer if they left the team. */
export async function listReviewerChoices(app: AppContext, organizationId: string, currentReviewerId: string | null): Promise<ReviewerChoice[]> {
  const staff = await app.db
    .select({ id: users.id, displayName: users.displayName })
    .from(organizationMembers)
    .innerJoin(users, eq(users.id, organizationMembers.userId))
    .where(eq(organizationMembers.organizationId, organizationId))
    .orderBy(asc(users.displayName))
    .limit(500);
  if (!currentReviewerId || staff.some((s) => s.id === currentReviewerId)) return staff;
  const [former] = await app.db.select({ id: users.id, displayName: users.displayName }).from(users).where(eq(users.id, currentReviewerId));
  return former ? [...staff, { ...former, left: true }] : staff;
}

export async function currentReviewerOf(app: AppContext, resourceId: string): Promise<string | null> {
  const [row] = await app.db.select({ reviewerId: resources.reviewerId }).from(resources).where(eq(resources.id, resourceId));
  return row?.reviewerId ?? null;
}

export interface CheckedReviewer {
  resourceId: string;
  reviewerId: string | null;
  changed: boolean;
}

/**
 * Checks a reviewer choice without writing (the edit form checks it before saving the rest, so a
 * wrong choice stores nothing): the policy, then that the person is on the organization's team.
 * Keeping the current reviewer is always accepted (even one who left: the sweep then tells all staff).
 */
export async function checkReviewer(app: AppContext, viewer: Actor | null, resourceId: string, reviewerId: string | null | undefined): Promise<CheckedReviewer> {
  const r = await findResource(app, viewer, resourceId);
  assertCan(viewer, "library.assignReviewer", r.target, "That resource");
  const wanted = reviewerId || null;
  const current = await currentReviewerOf(app, resourceId);
  if (wanted === current) return { resourceId, reviewerId: wanted, changed: false };
  if (wanted) {
    const [member] = await app.db
      .select({ userId: organizationMembers.userId })
      .from(organizationMembers)
      .where(and(eq(organizationMembers.organizationId, r.organizationId), eq(organizationMembers.userId, wanted)));
    if (!member) throw Invalid("Choose a reviewer from the organization's team.", { reviewerId: ["Choose someone on the organization's team (owner, admin or moderator), or no one."] });
  }
  return { resourceId, reviewerId: wanted, changed: true };
}

export async function saveReviewer(app: AppContext, checked: CheckedReviewer): Promise<void> {
  if (!checked.changed) return;
  await app.db.update(resources).set({ reviewerId: checked.reviewerId }).where(eq(resources.id, checked.resourceId));
}

/** Check and save in one step (for callers with nothing else to save). */
export async function assignReviewer(app: AppContext, viewer: Actor | null, resourceId: string, reviewerId: string | null | undefined) {
  const checked = await checkReviewer(app, viewer, resourceId, reviewerId);
  await saveReviewer(app, checked);
  return checked;
}
