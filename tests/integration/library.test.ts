import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Viewer } from "#app/modules/auth/session.server";
import {
  bookmarkResource,
  createResource,
  getResource,
  isReviewDue,
  listBookmarks,
  listResources,
  retireResource,
  reviewResource,
  unbookmarkResource,
  updateResource,
} from "#app/modules/library/library.server";
import type { ResourceInput } from "#app/modules/library/library.schema";
import { loader as resourceLoader } from "#app/routes/library.$resourceId._index/route";
import { loader as listLoader } from "#app/routes/library._index";
import { seedDemo } from "#db/seed";
import { seedLibrary } from "#db/seed-library";
import { groupMemberships, groups, organizationMembers, organizations, resources, threads, posts, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { activeContent, xssPayloads } from "#tests/helpers/xss-corpus";

type Member = Awaited<ReturnType<typeof createMember>>;

const base = (over: Partial<ResourceInput> = {}): ResourceInput => ({
  kind: "link",
  organizationId: "org-a",
  groupId: "",
  category: "understanding",
  title: "A link",
  summary: "Something useful.",
  body: "",
  url: "https://example.org/",
  tags: "",
  ...over,
});

describe(`library on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, orgMod: Member, member: Member, outsider: Member, otherStaff: Member, admin: Viewer;
  const ctx = (viewer: Viewer | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A", verifiedAt: new Date() },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values([
      { id: "g-pub", slug: "g-pub", name: "Public group", organizationId: "org-a" },
      { id: "g-priv", slug: "g-priv", name: "Private group", organizationId: "org-a", visibility: "private", joinPolicy: "approval" },
    ]);
    owner = await createMember(t.app, "Owner");
    orgMod = await createMember(t.app, "OrgMod");
    member = await createMember(t.app, "Member");
    outsider = await createMember(t.app, "Outsider");
    otherStaff = await createMember(t.app, "OtherStaff");
    const a = await createMember(t.app, "Admin");
    await t.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, a.id));
    admin = { ...a, siteRole: "admin" };
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-a", userId: owner.id, role: "owner" },
      { organizationId: "org-a", userId: orgMod.id, role: "moderator" },
      { organizationId: "org-b", userId: otherStaff.id, role: "admin" },
    ]);
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: member.id, role: "member", status: "active" });
  });
  afterAll(() => t.close());

  it("lets organization staff add links and guides, and refuses everyone else", async () => {
    const { id } = await createResource(t.app, orgMod, base({ title: "Moderator's link" }));
    const r = await getResource(t.app, null, id);
    expect(r.title).toBe("Moderator's link");
    expect(r.organization).toEqual({ slug: "org-a", name: "Org A", verified: true });
    expect(r.reviewedAt).not.toBeNull();
    expect(r.reviewDue).toBe(false);
    await expect(createResource(t.app, member, base())).rejects.toMatchObject({ code: "forbidden" });
    await expect(createResource(t.app, otherStaff, base())).rejects.toMatchObject({ code: "forbidden" });
    await expect(createResource(t.app, null, base())).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(createResource(t.app, owner, base({ groupId: "nope" }))).rejects.toMatchObject({ code: "invalid" });
    await expect(createResource(t.app, owner, base({ kind: "document" }))).rejects.toMatchObject({ code: "invalid", fieldErrors: { file: expect.any(Array) } });
    const guide = await createResource(t.app, owner, base({ kind: "guide", title: "A guide", body: "Hello **there**", url: "https://ignored.example/", tags: "Botox, posture, botox" }));
    const g = await getResource(t.app, member, guide.id);
    expect(g.url).toBeNull();
    expect(g.tags).toEqual(["botox", "posture"]);
    expect(g.bodyHtml).toContain("<strong>there</strong>");
  });

  it("edits, renews the review stamp and retires; only staff", async () => {
    const { id } = await createResource(t.app, owner, base({ title: "To edit" }));
    await expect(updateResource(t.app, member, id, base({ title: "Hijacked" }))).rejects.toMatchObject({ code: "forbidden" });
    await expect(updateResource(t.app, owner, id, base({ kind: "guide", body: "x" }))).rejects.toMatchObject({ code: "invalid" });
    await expect(updateResource(t.app, owner, id, base({ organizationId: "org-b" }))).rejects.toMatchObject({ code: "invalid" });
    await updateResource(t.app, orgMod, id, base({ title: "Edited", category: "medications" }));
    expect((await getResource(t.app, null, id)).title).toBe("Edited");
    const old = new Date(Date.now() - 400 * 24 * 3600 * 1000);
    await t.app.db.update(resources).set({ reviewedAt: old }).where(eq(resources.id, id));
    const stale = await getResource(t.app, owner, id);
    expect(stale.reviewDue).toBe(true);
    expect(stale.permissions.review).toBe(true);
    expect((await getResource(t.app, member, id)).permissions.review).toBe(false);
    await expect(reviewResource(t.app, member, id)).rejects.toMatchObject({ code: "forbidden" });
    await reviewResource(t.app, owner, id);
    expect((await getResource(t.app, owner, id)).reviewDue).toBe(false);
    await expect(retireResource(t.app, member, id)).rejects.toMatchObject({ code: "forbidden" });
    await retireResource(t.app, orgMod, id);
    await expect(getResource(t.app, member, id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getResource(t.app, null, id)).rejects.toMatchObject({ code: "not_found" });
    expect((await getResource(t.app, owner, id)).retiredAt).not.toBeNull();
    expect((await listResources(t.app, member)).resources.map((r) => r.id)).not.toContain(id);
  });

  it("marks review due exactly 12 months after the last review", () => {
    const reviewed = new Date("2025-03-15T10:00:00Z");
    expect(isReviewDue(reviewed, new Date("2026-03-15T09:59:59Z"))).toBe(false);
    expect(isReviewDue(reviewed, new Date("2026-03-15T10:00:00Z"))).toBe(true);
    expect(isReviewDue(null)).toBe(true);
  });

  it("keeps a private group's resources to its insiders: page, listing, search, bookmarks (404 for others)", async () => {
    const { id } = await createResource(t.app, owner, base({ title: "Private carers handbook zebrafinch", groupId: "g-priv", category: "carers" }));
    for (const v of [member, owner, orgMod, admin]) expect((await getResource(t.app, v, id)).id).toBe(id);
    for (const v of [null, outsider, otherStaff]) {
      await expect(getResource(t.app, v, id)).rejects.toMatchObject({ code: "not_found" });
      const listed = await listResources(t.app, v, { category: "carers" });
      expect(listed.resources.map((r) => r.id)).not.toContain(id);
      const found = await listResources(t.app, v, { q: "zebrafinch" });
      expect(found.resources).toHaveLength(0);
    }
    expect((await listResources(t.app, member, { q: "zebrafinch" })).resources.map((r) => r.id)).toEqual([id]);
    if (outsider) await expect(bookmarkResource(t.app, outsider, id)).rejects.toMatchObject({ code: "not_found" });
    // A member who leaves loses sight of it, also in their bookmarks.
    const leaver = await createMember(t.app, "Leaver");
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: leaver.id, role: "member", status: "active" });
    await bookmarkResource(t.app, leaver, id);
    expect((await listBookmarks(t.app, leaver)).resources.map((r) => r.id)).toEqual([id]);
    await t.app.db.delete(groupMemberships).where(eq(groupMemberships.userId, leaver.id));
    expect((await listBookmarks(t.app, leaver)).resources).toHaveLength(0);
  });

  it("agrees with the policy in SQL: every listed resource is viewable and every viewable one is listed", async () => {
    const all = await t.app.db.select({ id: resources.id }).from(resources);
    for (const v of [null, member, outsider, owner, orgMod, otherStaff, admin]) {
      const listed = new Set<string>();
      let after: string | undefined;
      do {
        const page = await listResources(t.app, v, { after });
        for (const r of page.resources) listed.add(r.id);
        after = page.nextCursor ?? undefined;
      } while (after);
      for (const { id } of all) {
        const viewable = await getResource(t.app, v, id).then(
          () => true,
          () => false,
        );
        expect(listed.has(id), `${v?.displayName ?? "visitor"} / ${id}`).toBe(viewable);
      }
    }
  });

  it("searches title, summary and guide body, ranked (title above body), with highlights", async () => {
    const inBody = await createResource(t.app, owner, base({ kind: "guide", title: "Everyday tips", summary: "", body: "Some people find the sensory trick of touching the chin helps with torticollis." }));
    const inTitle = await createResource(t.app, owner, base({ title: "Torticollis explained", summary: "What cervical dystonia is." }));
    const res = await listResources(t.app, null, { q: "torticollis" });
    expect(res.resources.map((r) => r.id)).toEqual([inTitle.id, inBody.id]);
    expect(res.resources[0]!.match!.title.some((p) => p.hit && /torticollis/i.test(p.text))).toBe(true);
    expect(res.resources[1]!.match!.snippet.some((p) => p.hit)).toBe(true);
    // websearch syntax and hostile input never error
    for (const q of ['"sensory trick"', "torticollis -explained", "'; drop table resources; --", "<script>", "a & | ! :*"]) {
      await expect(listResources(t.app, null, { q })).resolves.toBeDefined();
    }
    expect((await listResources(t.app, null, { q: "torticollis -explained" })).resources.map((r) => r.id)).toEqual([inBody.id]);
    expect((await listResources(t.app, null, { q: "torticollis", category: "medications" })).resources).toHaveLength(0);
  });

  it("keyset-paginates the listing and the search without gaps or repeats", async () => {
    await t.app.db.insert(organizations).values({ id: "org-p", slug: "org-p", name: "Paging org" });
    const rows = Array.from({ length: 45 }, (_, i) => ({
      id: `page-${String(i).padStart(2, "0")}`,
      organizationId: "org-p",
      kind: "link" as const,
      category: "living" as const,
      title: `Pangolin note ${i}`,
      summary: i % 2 ? "pangolin pangolin" : "pangolin",
      url: "https://example.org/",
      createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i % 3)),
    }));
    await t.app.db.insert(resources).values(rows);
    for (const query of [{ organization: "org-p" }, { organization: "org-p", q: "pangolin" }]) {
      const seen: string[] = [];
      let after: string | undefined;
      let pages = 0;
      do {
        const page = await listResources(t.app, null, { ...query, after });
        seen.push(...page.resources.map((r) => r.id));
        after = page.nextCursor ?? undefined;
        pages += 1;
      } while (after && pages < 10);
      expect(pages).toBe(3);
      expect(new Set(seen).size).toBe(45);
      expect(seen).toHaveLength(45);
    }
    // A tampered cursor is the first page.
    expect((await listResources(t.app, null, { organization: "org-p", after: "!!not-a-cursor" })).resources).toHaveLength(20);
  });

  it("bookmarks: add (idempotent), list newest first, remove; visitors and hidden resources refused", async () => {
    const a = await createResource(t.app, owner, base({ title: "Bookmark A" }));
    const b = await createResource(t.app, owner, base({ title: "Bookmark B" }));
    const reader = await createMember(t.app, "Reader");
    await bookmarkResource(t.app, reader, a.id);
    await bookmarkResource(t.app, reader, a.id);
    await bookmarkResource(t.app, reader, b.id);
    const list = await listBookmarks(t.app, reader);
    expect(list.resources.map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(list.resources.every((r) => r.bookmarked)).toBe(true);
    expect((await getResource(t.app, reader, a.id)).bookmarked).toBe(true);
    expect((await getResource(t.app, member, a.id)).bookmarked).toBe(false);
    await unbookmarkResource(t.app, reader, a.id);
    expect((await listBookmarks(t.app, reader)).resources.map((r) => r.id)).toEqual([b.id]);
    await expect(bookmarkResource(t.app, null, a.id)).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(bookmarkResource(t.app, reader, "no-such-resource")).rejects.toMatchObject({ code: "not_found" });
  });

  it("shows threads and events whose titles match the resource's tags, only from groups the viewer can see", async () => {
    const author = owner.id;
    await t.app.db.insert(threads).values([
      { id: "th-pub", groupId: "g-pub", authorId: author, title: "Anyone tried hydrotherapy?" },
      { id: "th-priv", groupId: "g-priv", authorId: author, title: "Hydrotherapy for carers" },
    ]);
    await t.app.db.insert(posts).values([
      { id: "p-pub", threadId: "th-pub", authorId: author, isOpening: true, body: "x" },
      { id: "p-priv", threadId: "th-priv", authorId: author, isOpening: true, body: "x" },
    ]);
    const { id } = await createResource(t.app, owner, base({ title: "Water therapy", tags: "hydrotherapy" }));
    expect((await getResource(t.app, outsider, id)).related.threads.map((x) => x.id)).toEqual(["th-pub"]);
    expect((await getResource(t.app, member, id)).related.threads.map((x) => x.id).sort()).toEqual(["th-priv", "th-pub"]);
  });

  it("serves hostile summaries and guide bodies inert (XSS corpus through the route loaders)", async () => {
    const ids: string[] = [];
    for (const payload of xssPayloads) {
      await t.app.limiter.reset(`library:create:${owner.id}`); // seeding the corpus, not a person adding resources
      const { id } = await createResource(t.app, owner, base({ kind: "guide", title: `XSS ${ids.length}`, summary: payload, body: `before ${payload} after`, category: "research" }));
      ids.push(id);
    }
    for (const id of ids) {
      const data = (await resourceLoader({ request: new Request(`http://localhost/library/${id}`), params: { resourceId: id }, context: ctx(null) })) as Awaited<
        ReturnType<typeof resourceLoader>
      >;
      expect(activeContent(data.resource.summaryHtml), data.resource.summaryHtml).toEqual([]);
      expect(activeContent(data.resource.bodyHtml), data.resource.bodyHtml).toEqual([]);
    }
    const list = (await listLoader({ request: new Request("http://localhost/library?category=research"), params: {}, context: ctx(null) })) as Awaited<ReturnType<typeof listLoader>>;
    expect(list.resources.length).toBeGreaterThan(0);
    for (const r of list.resources) expect(activeContent(r.summaryHtml), r.summaryHtml).toEqual([]);
  });

  it("seeds the demo library idempotently", async () => {
    const { db } = t.app;
    await seedDemo(db);
    await seedLibrary(db);
    await seedLibrary(db);
    const rows = await db.select({ id: resources.id, kind: resources.kind, url: resources.url, body: resources.body }).from(resources).where(eq(resources.organizationId, "demo-org"));
    expect(rows).toHaveLength(5);
    expect(rows.filter((r) => r.kind === "link").map((r) => r.url).sort()).toEqual([
      "https://dystonia-foundation.org",
      "https://www.aans.org/patients/conditions-treatments/deep-brain-stimulation/",
      "https://www.ninds.nih.gov/health-information/disorders/dystonia",
    ]);
    const guides = rows.filter((r) => r.kind === "guide");
    expect(guides.length).toBeGreaterThan(0); // else the loop below checks nothing
    for (const g of guides) expect(g.body).toMatch(/not medical advice/);
    const found = await listResources(t.app, null, { q: "deep brain stimulation" });
    expect(found.resources.length).toBeGreaterThanOrEqual(2);
    expect(found.resources[0]!.organization.slug).toBe("dystonia-together");
    await db.execute(sql`select 1`);
  });
});
