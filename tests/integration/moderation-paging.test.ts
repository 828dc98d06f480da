import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "#app/lib/cursor";
import { loader as applicationsLoader } from "#app/routes/admin.applications";
import { loader as queueLoader } from "#app/routes/moderation";
import { appeals, groupMemberships, groups, moderationActions, organizationApplications, organizations, reports, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * #34: the moderation queue (reports and appeals) and the applications list page with keyset
 * cursors through the real loaders: every item is reachable with Next, Previous walks back to the
 * same pages, and nothing is lost or repeated, ties on the timestamp included.
 */
describe(`paging the moderation queue and applications on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, reporter: Member, admin: Member;
  const base = Date.parse("2026-01-01T00:00:00Z");
  const REPORTS = 120;
  const APPEALS = 55;
  const APPLICATIONS = 70;

  beforeAll(async () => {
    t = await createTestApp();
    [mod, reporter, admin] = [await createMember(t.app, "Mod"), await createMember(t.app, "Reporter"), await createMember(t.app, "Admin")];
    await t.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, siteRole: "admin" };
    await t.app.db.insert(organizations).values({ id: "org-p", slug: "org-p", name: "Org P" });
    await t.app.db.insert(groups).values({ id: "g-p", slug: "gp", name: "Group P", organizationId: "org-p" });
    await t.app.db.insert(groupMemberships).values({ groupId: "g-p", userId: mod.id, role: "moderator" });
    // Reports about 120 people: every tenth a crisis report, and runs of ten sharing one timestamp.
    await t.app.db.insert(reports).values(
      Array.from({ length: REPORTS }, (_, i) => ({
        id: `rep-${i}`,
        targetType: "user" as const,
        targetId: `person-${String(i).padStart(3, "0")}`,
        groupId: "g-p",
        reporterId: reporter.id,
        reason: i % 10 === 9 ? ("crisis" as const) : ("spam" as const),
        createdAt: new Date(base + Math.floor(i / 10) * 60_000),
      })),
    );
    await t.app.db.insert(moderationActions).values(
      Array.from({ length: APPEALS }, (_, i) => ({ id: `act-${i}`, actorId: mod.id, action: "user.warn", targetType: "user", targetId: reporter.id, groupId: "g-p", subjectUserId: reporter.id })),
    );
    await t.app.db.insert(appeals).values(
      Array.from({ length: APPEALS }, (_, i) => ({ id: `appeal-${String(i).padStart(2, "0")}`, moderationActionId: `act-${i}`, userId: reporter.id, groupId: "g-p", body: `Appeal number ${i}`, createdAt: new Date(base + Math.floor(i / 5) * 1000) })),
    );
    await t.app.db.insert(organizationApplications).values(
      Array.from({ length: APPLICATIONS }, (_, i) => ({
        id: `app-${String(i).padStart(2, "0")}`,
        name: `Organization ${i}`,
        website: "https://example.org",
        description: "A patient organization.",
        contact: "hello@example.org",
        applicantId: reporter.id,
        status: i % 3 === 0 ? ("declined" as const) : ("pending" as const),
        createdAt: new Date(base + Math.floor(i / 4) * 1000),
      })),
    );
  });
  afterAll(() => t.close());

  const ctx = (viewer: Member) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const queuePage = async (href: string, viewer: Member = mod) =>
    (await queueLoader({ request: new Request(`http://localhost${href}`), context: ctx(viewer), params: {} })) as unknown as {
      queue: { targetId: string; urgent: boolean; firstReportedAt: string }[];
      queuePages: { next: string | null; previous: string | null };
      appeals: { id: string }[];
      appealPages: { next: string | null; previous: string | null };
    };

  it("walks every report with Next: 50 per page, crisis first then oldest first, none lost or repeated", async () => {
    const pages = [];
    let href: string | null = "/moderation";
    while (href) {
      const page = await queuePage(href);
      pages.push(page);
      href = page.queuePages.next;
    }
    expect(pages.map((p) => p.queue.length)).toEqual([50, 50, 20]);
    expect(pages[0]!.queuePages.previous).toBeNull();
    const seen = pages.flatMap((p) => p.queue.map((q) => q.targetId));
    expect(new Set(seen).size).toBe(REPORTS);
    const expected = Array.from({ length: REPORTS }, (_, i) => ({ id: `person-${String(i).padStart(3, "0")}`, crisis: i % 10 === 9, at: Math.floor(i / 10) }))
      .sort((a, b) => Number(b.crisis) - Number(a.crisis) || a.at - b.at || a.id.localeCompare(b.id))
      .map((x) => x.id);
    expect(seen).toEqual(expected);
  });

  it("Previous goes back to exactly the page before", async () => {
    const first = await queuePage("/moderation");
    const second = await queuePage(first.queuePages.next!);
    const third = await queuePage(second.queuePages.next!);
    expect(third.queuePages.previous).not.toBeNull();
    const back = await queuePage(third.queuePages.previous!);
    expect(back.queue.map((q) => q.targetId)).toEqual(second.queue.map((q) => q.targetId));
    expect(back.queuePages.next).not.toBeNull();
    const backAgain = await queuePage(back.queuePages.previous!);
    expect(backAgain.queue.map((q) => q.targetId)).toEqual(first.queue.map((q) => q.targetId));
    expect(backAgain.queuePages.previous).toBeNull();
  });

  it("a report filed while paging still shows up, and a decided one doesn't shift the pages", async () => {
    const first = await queuePage("/moderation");
    await t.app.db.insert(reports).values({ id: "rep-late", targetType: "user", targetId: "person-late", groupId: "g-p", reporterId: reporter.id, reason: "spam", createdAt: new Date(base + 86_400_000) });
    await t.app.db.update(reports).set({ status: "dismissed" }).where(eq(reports.id, "rep-60"));
    const seen: string[] = [];
    let href: string | null = first.queuePages.next;
    while (href) {
      const page = await queuePage(href);
      seen.push(...page.queue.map((q) => q.targetId));
      href = page.queuePages.next;
    }
    expect(seen.at(-1)).toBe("person-late");
    expect(seen).not.toContain("person-060");
    expect(new Set([...first.queue.map((q) => q.targetId), ...seen]).size).toBe(REPORTS); // 120 - 1 + 1
  });

  it("pages the appeals on their own, keeping the reports' page", async () => {
    const first = await queuePage((await queuePage("/moderation")).queuePages.next!); // on the reports' second page
    expect(first.appeals).toHaveLength(50);
    expect(first.appealPages.next).toMatch(/after=/); // the reports' cursor stays in the address
    const second = await queuePage(first.appealPages.next!);
    expect(second.appeals.map((a) => a.id)).toEqual(Array.from({ length: 5 }, (_, i) => `appeal-${50 + i}`));
    expect(second.appealPages.next).toBeNull();
    expect(second.queue.map((q) => q.targetId)).toEqual(first.queue.map((q) => q.targetId));
    const back = await queuePage(second.appealPages.previous!);
    expect(back.appeals.map((a) => a.id)).toEqual(Array.from({ length: 50 }, (_, i) => `appeal-${String(i).padStart(2, "0")}`));
  });

  it("reads a hand-edited or foreign cursor as the first page, never a 500", async () => {
    const first = await queuePage("/moderation");
    for (const cursor of ["not-a-cursor", encodeCursor([1, "yesterday", "user", "x", ""]), encodeCursor(["x"]), "%", "a".repeat(5000)]) {
      const page = await queuePage(`/moderation?after=${encodeURIComponent(cursor)}&before=${encodeURIComponent(cursor)}&appealsAfter=${encodeURIComponent(cursor)}`);
      expect(page.queue.map((q) => q.targetId)).toEqual(first.queue.map((q) => q.targetId));
    }
  });

  it("pages the applications: pending first, then decided, each oldest first, with Next and Previous", async () => {
    type AppsPage = { applications: { id: string; status: string }[]; pages: { next: string | null; previous: string | null } };
    const load = async (href: string) => (await applicationsLoader({ request: new Request(`http://localhost${href}`), context: ctx(admin), params: {} })) as unknown as AppsPage;
    const first = await load("/admin/applications");
    expect(first.applications).toHaveLength(50);
    expect(first.pages.previous).toBeNull();
    const second = await load(first.pages.next!);
    expect(second.applications).toHaveLength(APPLICATIONS - 50);
    expect(second.pages.next).toBeNull();
    const all = [...first.applications, ...second.applications];
    const ids = Array.from({ length: APPLICATIONS }, (_, i) => ({ id: `app-${String(i).padStart(2, "0")}`, decided: i % 3 === 0 }));
    expect(all.map((a) => a.id)).toEqual([...ids.filter((a) => !a.decided), ...ids.filter((a) => a.decided)].map((a) => a.id));
    const back = await load(second.pages.previous!);
    expect(back.applications.map((a) => a.id)).toEqual(first.applications.map((a) => a.id));
  });
});
