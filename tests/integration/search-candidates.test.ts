import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEARCH_CANDIDATES, SEARCH_PAGE_SIZE } from "#app/modules/forums/forums.schema";
import { searchForums } from "#app/modules/forums/search.server";
import { groups, organizations, posts, threads } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * Search ranks among the newest SEARCH_CANDIDATES matches (docs/decisions/0027). What must not take a
 * candidate's place: other groups' posts in a group's search, removed and hidden posts.
 */
describe(`search candidates on ${testDatabaseKind}`, () => {
  let t: TestApp;
  const old = Date.parse("2026-01-01T00:00:00Z");
  const recent = Date.parse("2026-06-01T00:00:00Z");

  beforeAll(async () => {
    t = await createTestApp();
    const author = await createMember(t.app, "Searcher");
    await t.app.db.insert(organizations).values({ id: "org", slug: "org", name: "Org" });
    await t.app.db.insert(groups).values([
      { id: "quiet", slug: "quiet", name: "Quiet", organizationId: "org" },
      { id: "busy", slug: "busy", name: "Busy", organizationId: "org" },
    ]);
    // Quiet: three old live posts. Busy: more newer matches than the candidates, and newer still,
    // as many removed and hidden ones, plus one older live post.
    const thread = (id: string, groupId: string, at: number) => ({ id, groupId, authorId: author.id, title: `Thread ${id}`, createdAt: new Date(at), lastActivityAt: new Date(at) });
    await t.app.db.insert(threads).values([thread("tq", "quiet", old), thread("tb", "busy", old)]);
    const post = (id: string, threadId: string, at: number, body: string, extra: Partial<typeof posts.$inferInsert> = {}) => ({ id, threadId, authorId: author.id, body, createdAt: new Date(at), ...extra });
    const quiet = [0, 1, 2].map((i) => post(`q${i}`, "tq", old + i * 1000, `An old note on tremor ${i}`, { isOpening: i === 0 }));
    const busy = Array.from({ length: SEARCH_CANDIDATES + 20 }, (_, i) => post(`b${i}`, "tb", recent + i * 1000, `Busy tremor talk ${i}`, { isOpening: i === 0 }));
    const gone = Array.from({ length: SEARCH_CANDIDATES }, (_, i) =>
      post(`x${i}`, "tb", recent + 10_000_000 + i * 1000, `Removed lanreotide chat ${i}`, i % 2 ? { deletedAt: new Date() } : { hiddenAt: new Date() }),
    );
    await t.app.db.insert(posts).values([...quiet, ...busy, ...gone, post("live", "tb", old, "The one lanreotide post still up")]);
  });
  afterAll(() => t.close());

  it("a group's search finds its own older matches, however many newer ones other groups have", async () => {
    const res = await searchForums(t.app, null, { q: "tremor", group: "quiet" });
    expect(res.results.map((r) => r.postId).sort()).toEqual(["q0", "q1", "q2"]);
  });

  it("site search ranks the newest matches and pages through them", async () => {
    const first = await searchForums(t.app, null, { q: "tremor" });
    expect(first.results).toHaveLength(SEARCH_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.results.every((r) => r.group.slug === "busy")).toBe(true);
  });

  it("removed and hidden posts never take a candidate's place", async () => {
    const res = await searchForums(t.app, null, { q: "lanreotide" });
    expect(res.results.map((r) => r.postId)).toEqual(["live"]);
  });
});
