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
});
