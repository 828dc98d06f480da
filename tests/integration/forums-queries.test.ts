import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AppContext } from "#app/lib/app-context.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { createReply } from "#app/modules/forums/posts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { searchForums } from "#app/modules/forums/search.server";
import { createThread, getThreadPage, listThreads } from "#app/modules/forums/threads.server";
import { groupMemberships, groups, organizations } from "#db/schema/index";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * No N+1: the thread list, the thread page and search run a fixed number of queries whatever the
 * page size. Queries are counted with a Drizzle logger on a second handle to the same database.
 */
describe(`forum query counts on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let counted: AppContext;
  let counter: ReturnType<typeof queryCounter>;
  let member: Awaited<ReturnType<typeof createMember>>;
  let small: string;
  let big: string;

  beforeAll(async () => {
    t = await createTestApp();
    counter = queryCounter(t);
    counted = counter.app;

    await t.app.db.insert(organizations).values({ id: "org", slug: "org", name: "Org" });
    await t.app.db.insert(groups).values({ id: "g", slug: "g", name: "G", organizationId: "org" });
    member = await createMember(t.app, "Counter");
    const others = await Promise.all([1, 2, 3].map((i) => createMember(t.app, `Other${i}`)));
    await t.app.db.insert(groupMemberships).values([member, ...others].map((m) => ({ groupId: "g", userId: m.id, status: "active" as const })));
    // Many threads, one with 2 posts and one with 60, reactions from several people.
    for (const [i, who] of [member, ...others].entries()) {
      t.app.limiter = new MemoryRateLimiter();
      for (let j = 0; j < 5; j++) await createThread(t.app, who, "g", { title: `Thread ${i}-${j} about neck pain`, body: `Body ${i}-${j} neck pain` });
    }
    t.app.limiter = new MemoryRateLimiter();
    small = (await createThread(t.app, others[0]!, "g", { title: "Small", body: "neck" })).threadId;
    big = (await createThread(t.app, others[1]!, "g", { title: "Big", body: "neck" })).threadId;
    await createReply(t.app, member, "g", small, { body: "one reply" });
    for (let i = 0; i < 60; i++) {
      t.app.limiter = new MemoryRateLimiter();
      const { postId } = await createReply(t.app, [member, ...others][i % 4]!, "g", big, { body: `reply ${i} neck` });
      await toggleReaction(t.app, others[i % 3]!, "g", big, postId, "hug");
      await toggleReaction(t.app, member, "g", big, postId, "helpful");
    }
  });
  afterAll(async () => {
    await counter.close();
    await t.close();
  });

  const count = (work: () => Promise<unknown>) => counter.count(work);

  it("thread list: the same small number of queries for 2 threads or 22", async () => {
    const few = await count(() => listThreads(counted, member, "g", { limit: 2 }));
    const many = await count(() => listThreads(counted, member, "g", { limit: 100 }));
    expect(few).toBe(many);
    expect(many).toBeLessThanOrEqual(2);
    expect((await listThreads(counted, member, "g", { limit: 100 })).threads.length).toBe(22);
  });

  it("thread page: the same small number of queries for 2 posts or 50 with reactions", async () => {
    const few = await count(() => getThreadPage(counted, member, "g", small));
    const many = await count(() => getThreadPage(counted, member, "g", big));
    const page = await getThreadPage(counted, member, "g", big);
    expect(page.posts).toHaveLength(50);
    expect(page.posts[1]!.reactions.helpful).toBe(1);
    expect(page.posts[1]!.mine).toEqual(["helpful"]);
    expect(few).toBe(many);
    expect(many).toBeLessThanOrEqual(2);
    // Visitors too, and the newest page.
    expect(await count(() => getThreadPage(counted, null, "g", big, { latest: true }))).toBe(many);
  });

  it("search: one query, whatever the number of results", async () => {
    expect(await count(() => searchForums(counted, member, { q: "neck" }))).toBe(1);
    expect(await count(() => searchForums(counted, member, { q: "nothingmatches" }))).toBe(1);
  });
});
