import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, organizationMembers, organizations, resources } from "#db/schema/index";
import { reviewResource } from "#app/modules/library/library.server";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

const DAY = 86_400_000;
const NOW = new Date("2030-06-01T09:00:00Z");
const monthsBefore = (d: Date, months: number) => {
  const x = new Date(d);
  x.setUTCMonth(x.getUTCMonth() - months);
  return x;
};

describe(`library review reminders (sweep "library.review", moving clock) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, mod: Member, member: Member, otherStaff: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-lr", slug: "org-lr", name: "Review Org" },
      { id: "org-lr2", slug: "org-lr2", name: "Other Org" },
    ]);
    [owner, mod, member, otherStaff] = [await createMember(t.app, "Owner"), await createMember(t.app, "Mod"), await createMember(t.app, "Reader"), await createMember(t.app, "Other")];
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-lr", userId: owner.id, role: "owner" },
      { organizationId: "org-lr", userId: mod.id, role: "moderator" },
      { organizationId: "org-lr2", userId: otherStaff.id, role: "admin" },
    ]);
  });
  afterAll(() => t.close());

  const sweepAt = async (d: Date) => {
    t.app.clock = { now: () => d };
    await runSweeps(t.app);
  };
  const resource = (id: string, organizationId: string, reviewedAt: Date | null, over: Partial<typeof resources.$inferInsert> = {}) =>
    t.app.db.insert(resources).values({ id, organizationId, kind: "guide", category: "living", title: `Guide ${id}`, body: "Text", reviewedAt, createdAt: monthsBefore(NOW, 20), ...over });
  const notices = (userId: string) =>
    t.app.db
      .select({ title: notifications.title, link: notifications.link, dedupeKey: notifications.dedupeKey })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.kind, "resource_review")))
      .orderBy(notifications.createdAt, notifications.title);

  it("tells the organization's staff once per review stamp about each resource due (a year unreviewed, not retired)", async () => {
    const stamp = new Date(monthsBefore(NOW, 12).getTime() - DAY);
    await resource("lr-due", "org-lr", stamp);
    await resource("lr-fresh", "org-lr2", monthsBefore(NOW, 11));
    await resource("lr-retired", "org-lr", monthsBefore(NOW, 14), { retiredAt: monthsBefore(NOW, 1) });
    await resource("lr-never", "org-lr2", null);

    // A day before the year is up: nothing.
    await sweepAt(new Date(NOW.getTime() - 2 * DAY));
    expect(await notices(owner.id)).toEqual([]);

    await Promise.all([sweepAt(NOW), runSweeps(t.app)]);
    await runSweeps(t.app);
    const expected = [{ title: "“Guide lr-due” is due for review", link: "/library/lr-due", dedupeKey: `review:lr-due:${stamp.toISOString()}` }];
    expect(await notices(owner.id)).toEqual(expected);
    expect(await notices(mod.id)).toEqual(expected);
    expect(await notices(member.id)).toEqual([]);
    // Never reviewed: due a year after it was created; only its own organization's staff hear.
    expect(await notices(otherStaff.id)).toEqual([{ title: "“Guide lr-never” is due for review", link: "/library/lr-never", dedupeKey: "review:lr-never:created" }]);
    const stamped = await t.app.db.select({ id: resources.id, at: resources.reviewRemindedAt }).from(resources).where(inArray(resources.id, ["lr-due", "lr-fresh", "lr-retired"])).orderBy(resources.id);
    expect(stamped).toEqual([
      { id: "lr-due", at: NOW },
      { id: "lr-fresh", at: null },
      { id: "lr-retired", at: null },
    ]);

    // Reviewed: quiet for a year, then due (and told) again under a new key. Staff who left hear nothing.
    const reviewedAt = new Date(NOW.getTime() + DAY);
    await reviewResource(t.app, owner, "lr-due", reviewedAt);
    await sweepAt(new Date(reviewedAt.getTime() + 200 * DAY));
    expect(await notices(owner.id)).toHaveLength(1);
    await t.app.db.delete(organizationMembers).where(eq(organizationMembers.userId, mod.id));
    await sweepAt(new Date(reviewedAt.getTime() + 370 * DAY));
    expect((await notices(owner.id)).map((n) => n.dedupeKey)).toEqual([`review:lr-due:${stamp.toISOString()}`, `review:lr-due:${reviewedAt.toISOString()}`]);
    expect(await notices(mod.id)).toHaveLength(1);
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-lr", userId: mod.id, role: "moderator" });
  });

  it("several due at once: one notice per organization, linking to its library", async () => {
    const later = new Date(NOW.getTime() + 3 * 365 * DAY);
    const before = (await notices(owner.id)).length;
    for (const id of ["lr-b1", "lr-b2", "lr-b3", "lr-b4"]) await resource(id, "org-lr", monthsBefore(later, 13));
    await sweepAt(later);
    const fresh = (await notices(owner.id)).slice(before);
    // lr-due was already told for its current stamp: four, in one notice.
    expect(fresh.map(({ title, link }) => ({ title, link }))).toEqual([{ title: "4 resources are due for review", link: "/library?organization=org-lr" }]);
    const [row] = await t.app.db.select({ body: notifications.body }).from(notifications).where(and(eq(notifications.userId, owner.id), eq(notifications.dedupeKey, fresh[0]!.dedupeKey!)));
    expect(row!.body).toContain("“Guide lr-b1”");
    expect(row!.body).toMatch(/\.$/);
    await sweepAt(new Date(later.getTime() + DAY));
    expect((await notices(owner.id)).length).toBe(before + 1);
    expect((await notices(mod.id)).length).toBe(2);
  });

  it("a reviewer on the team is reminded 30 days before due and again when overdue (once each); staff hear nothing; a review starts over", async () => {
    const base = new Date(NOW.getTime() + 10 * 365 * DAY);
    const stamp = monthsBefore(base, 11); // due in about a month from base
    const due = new Date(stamp);
    due.setUTCMonth(due.getUTCMonth() + 12);
    await resource("lr-rev", "org-lr", stamp, { reviewerId: mod.id });
    const ownerBefore = (await notices(owner.id)).length;
    const modBefore = (await notices(mod.id)).length;
    const fresh = async (userId: string, before: number) => (await notices(userId)).slice(before).map((n) => n.dedupeKey);

    // 31 days before due: nothing yet.
    await sweepAt(new Date(due.getTime() - 31 * DAY));
    expect(await fresh(mod.id, modBefore)).toEqual([]);
    // 30 days before: the reviewer alone, once however often the sweep runs.
    await sweepAt(new Date(due.getTime() - 30 * DAY));
    await sweepAt(new Date(due.getTime() - 20 * DAY));
    await Promise.all([sweepAt(new Date(due.getTime() - DAY)), runSweeps(t.app)]);
    expect(await fresh(mod.id, modBefore)).toEqual([`review-soon:lr-rev:${stamp.toISOString()}`]);
    const [soon] = (await notices(mod.id)).slice(modBefore);
    expect(soon!.title).toMatch(/^“Guide lr-rev” is due for review by \d{1,2} \w+ \d{4}$/);
    expect(soon!.link).toBe("/library/lr-rev");
    // Overdue: the reviewer again, once.
    await sweepAt(due);
    await sweepAt(new Date(due.getTime() + 5 * DAY));
    expect(await fresh(mod.id, modBefore)).toEqual([`review-soon:lr-rev:${stamp.toISOString()}`, `review:lr-rev:${stamp.toISOString()}`]);
    expect(await fresh(owner.id, ownerBefore)).toEqual([]);

    // Marked reviewed: both stages again for the new stamp, not before.
    const reviewedAt = new Date(due.getTime() + 6 * DAY);
    await reviewResource(t.app, owner, "lr-rev", reviewedAt);
    const nextDue = new Date(reviewedAt);
    nextDue.setUTCMonth(nextDue.getUTCMonth() + 12);
    await sweepAt(new Date(nextDue.getTime() - 31 * DAY));
    expect(await fresh(mod.id, modBefore)).toHaveLength(2);
    await sweepAt(new Date(nextDue.getTime() - 29 * DAY));
    await sweepAt(nextDue);
    expect((await fresh(mod.id, modBefore)).slice(2)).toEqual([`review-soon:lr-rev:${reviewedAt.toISOString()}`, `review:lr-rev:${reviewedAt.toISOString()}`]);
    expect(await fresh(owner.id, ownerBefore)).toEqual([]);
  });

  it("a reviewer who left the team gets nothing: no early reminder, and the staff are told when overdue", async () => {
    const base = new Date(NOW.getTime() + 15 * 365 * DAY);
    const stamp = monthsBefore(base, 11);
    const due = new Date(stamp);
    due.setUTCMonth(due.getUTCMonth() + 12);
    const gone = await createMember(t.app, "Gone");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-lr", userId: gone.id, role: "moderator" });
    await resource("lr-left", "org-lr", stamp, { reviewerId: gone.id });
    await t.app.db.delete(organizationMembers).where(eq(organizationMembers.userId, gone.id));
    const ownerBefore = (await notices(owner.id)).length;

    await sweepAt(new Date(due.getTime() - 29 * DAY));
    expect(await notices(gone.id)).toEqual([]);
    expect((await notices(owner.id)).length).toBe(ownerBefore);
    await sweepAt(due);
    await sweepAt(new Date(due.getTime() + DAY));
    expect(await notices(gone.id)).toEqual([]);
    expect((await notices(owner.id)).slice(ownerBefore)).toEqual([{ title: "“Guide lr-left” is due for review", link: "/library/lr-left", dedupeKey: `review:lr-left:${stamp.toISOString()}` }]);
    expect((await notices(mod.id)).map((n) => n.dedupeKey)).toContain(`review:lr-left:${stamp.toISOString()}`);
  });

  it("several due at once for one reviewer: one notice linking to their list on the upkeep page", async () => {
    const later = new Date(NOW.getTime() + 20 * 365 * DAY);
    const before = (await notices(mod.id)).length;
    const ownerBefore = (await notices(owner.id)).length;
    for (const id of ["lr-m1", "lr-m2"]) await resource(id, "org-lr", monthsBefore(later, 13), { reviewerId: mod.id });
    await sweepAt(later);
    expect((await notices(mod.id)).slice(before).map(({ title, link }) => ({ title, link }))).toEqual([{ title: "2 resources you review are due for review", link: "/organizations/org-lr/library?mine=1" }]);
    expect((await notices(owner.id)).length).toBe(ownerBefore);
  });
});
