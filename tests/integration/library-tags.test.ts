import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibraryQuerySchema } from "#app/modules/library/library.schema";
import { listLibraryFilters, listResources } from "#app/modules/library/library.server";
import { loader as libraryLoader } from "#app/routes/library._index";
import { groupMemberships, groups, organizationMembers, organizations, resources } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Tags and the group filter: /library?tag=… filters (normalised like typed tags), the search matches
 * tags (the search column has none), filters combine with category, organization and group, paging
 * keeps them, counts and the filter choices never reveal a private group's resources.
 */
describe(`library tags and group filter on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, member: Member, outsider: Member;
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const list = (viewer: Member | null, query: Record<string, string>) => listResources(t.app, viewer, LibraryQuerySchema.parse(query));
  const titles = (r: { resources: { title: string }[] }) => r.resources.map((x) => x.title).sort();

  let n = 0;
  async function resource(values: Partial<typeof resources.$inferInsert> & { title: string }) {
    n += 1;
    await t.app.db.insert(resources).values({
      id: `res-${n}`,
      organizationId: "org-a",
      kind: "link",
      category: "medications",
      summary: "Something to read.",
      url: "https://example.org/",
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)),
      reviewedAt: new Date(),
      ...values,
    });
  }

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values([
      { id: "g-pub", slug: "g-pub", name: "Neck group", organizationId: "org-a", visibility: "public", joinPolicy: "open" },
      { id: "g-priv", slug: "g-priv", name: "Secret circle", organizationId: "org-a", visibility: "private", joinPolicy: "approval" },
    ]);
    owner = await createMember(t.app, "Owner");
    member = await createMember(t.app, "Member");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-a", userId: owner.id, role: "admin" });
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: member.id, role: "member", status: "active" });

    await resource({ title: "Injection day checklist", tags: ["botox", "appointments"] });
    await resource({ title: "Neck stretches", category: "therapy", tags: ["botox", "exercise"], groupId: "g-pub" });
    await resource({ title: "Paying for treatment", organizationId: "org-b", tags: ["botox"] });
    await resource({ title: "Hidden diary", tags: ["botox", "secret-plan"], groupId: "g-priv" });
    await resource({ title: "Sleep tips", category: "living", tags: ["sleep"] });
    await resource({ title: "Retired botox leaflet", tags: ["botox"], retiredAt: new Date() });
    // Its only mention of the word is its tag.
    await resource({ title: "Questions for the clinic", summary: "Ask about side effects.", tags: ["deep brain stimulation"] });
  });
  afterAll(async () => {
    await t.close();
  });

  it("normalises the tag like typed tags and ignores a tag that can't be one", () => {
    expect(LibraryQuerySchema.parse({ tag: "  Botox " }).tag).toBe("botox");
    expect(LibraryQuerySchema.parse({ tag: "x".repeat(40) }).tag).toBeUndefined();
    expect(LibraryQuerySchema.parse({ tag: "" }).tag).toBeUndefined();
  });

  it("filters by tag with the count; a private group's resources only for its members, retired ones only for staff", async () => {
    const out = await list(outsider, { tag: "Botox" });
    expect(titles(out)).toEqual(["Injection day checklist", "Neck stretches", "Paying for treatment"]);
    expect(out.total).toBe(3);
    const visitor = await list(null, { tag: "botox" });
    expect(visitor.total).toBe(3);
    const mine = await list(member, { tag: "botox" });
    expect(titles(mine)).toEqual(["Hidden diary", "Injection day checklist", "Neck stretches", "Paying for treatment"]);
    expect(mine.total).toBe(4);
    const staff = await list(owner, { tag: "botox" });
    expect(titles(staff)).toContain("Retired botox leaflet");
    expect(staff.total).toBe(staff.resources.length);
    expect((await list(outsider, { tag: "secret-plan" })).total).toBe(0);
  });

  it("combines tag, group, category and organization", async () => {
    expect(titles(await list(outsider, { tag: "botox", group: "g-pub" }))).toEqual(["Neck stretches"]);
    expect(titles(await list(outsider, { tag: "botox", category: "medications" }))).toEqual(["Injection day checklist", "Paying for treatment"]);
    expect(titles(await list(outsider, { tag: "botox", organization: "org-b" }))).toEqual(["Paying for treatment"]);
    expect(titles(await list(outsider, { tag: "botox", category: "therapy", organization: "org-b" }))).toEqual([]);
    expect(titles(await list(outsider, { group: "g-priv" }))).toEqual([]);
    expect(titles(await list(member, { group: "g-priv" }))).toEqual(["Hidden diary"]);
  });

  it("matches tags in the search (stems too), with the other filters", async () => {
    const found = await list(outsider, { q: "deep brain" });
    expect(titles(found)).toEqual(["Questions for the clinic"]);
    expect(found.total).toBe(1);
    expect(titles(await list(outsider, { q: "stimulating" }))).toEqual(["Questions for the clinic"]);
    const botox = await list(outsider, { q: "botox" });
    expect(titles(botox)).toEqual(["Injection day checklist", "Neck stretches", "Paying for treatment"]);
    expect(titles(await list(outsider, { q: "botox", group: "g-pub" }))).toEqual(["Neck stretches"]);
    expect(titles(await list(outsider, { q: "exercise", tag: "botox" }))).toEqual(["Neck stretches"]);
  });

  it("keeps the tag through keyset pages, with no duplicates and the whole count", async () => {
    for (let i = 0; i < 23; i++) await resource({ title: `Paged ${String(i).padStart(2, "0")}`, tags: ["paged"] });
    const first = await list(outsider, { tag: "paged" });
    expect(first.resources).toHaveLength(20);
    expect(first.total).toBe(23);
    expect(first.nextCursor).not.toBeNull();
    const second = await list(outsider, { tag: "paged", after: first.nextCursor! });
    expect(second.resources).toHaveLength(3);
    expect(second.nextCursor).toBeNull();
    const all = [...first.resources, ...second.resources].map((r) => r.title);
    expect(new Set(all).size).toBe(23);
    // Search pages keep the tag too.
    const searched = await list(outsider, { q: "paged", tag: "paged" });
    expect(searched.total).toBe(23);
    const more = await list(outsider, { q: "paged", tag: "paged", after: searched.nextCursor! });
    expect(new Set([...searched.resources, ...more.resources].map((r) => r.title)).size).toBe(23);
  });

  it("offers only groups and tags the viewer can see as filters", async () => {
    const out = await listLibraryFilters(t.app, outsider);
    expect(out.groups.map((g) => g.slug)).toEqual(["g-pub"]);
    expect(out.tags).toContain("botox");
    expect(out.tags).not.toContain("secret-plan");
    const mine = await listLibraryFilters(t.app, member);
    expect(mine.groups.map((g) => g.slug).sort()).toEqual(["g-priv", "g-pub"]);
    expect(mine.tags).toContain("secret-plan");
  });

  it("the list page says what it shows: '2 resources tagged botox, in the group …'", async () => {
    const load = async (viewer: Member | null, search: string) => {
      const res = (await libraryLoader({ request: new Request(`http://localhost/library?${search}`), context: ctx(viewer), params: {} })) as unknown;
      return (res instanceof Response ? await res.json() : res) as { summary: string; tag: string; group: string; resources: { title: string }[] };
    };
    const page = await load(outsider, "tag=BOTOX&group=g-pub");
    expect(page.tag).toBe("botox");
    expect(page.summary).toBe("1 resource tagged botox, in the group Neck group");
    expect((await load(null, "tag=botox")).summary).toBe("3 resources tagged botox");
    // A private group's name is not echoed to outsiders (it is only the slug they typed).
    expect((await load(outsider, "group=g-priv")).summary).toBe("No resources, in the group g-priv");
  });
});
