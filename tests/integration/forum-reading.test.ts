import { and, eq, sql } from "drizzle-orm";
import type { ActionFunctionArgs } from "@remix-run/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMemberships, groups, organizations, threadFollows, threadReads } from "#db/schema/index";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { setGroupLevel, setThreadLevel } from "#app/modules/forums/follow.server";
import { readThrough } from "#app/modules/forums/reading.server";
import { rowsOf } from "#app/lib/db-rows.server";
import { createReply } from "#app/modules/forums/posts.server";
import { createThread, listThreads } from "#app/modules/forums/threads.server";
import { action as forumAction } from "#app/routes/groups.$slug.forum._index/route";
import { threadAction, threadLoader } from "#app/routes/groups.$slug.forum.$threadId/thread.server";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Reading state (thread_reads), "N new" in the list, jump to first unread, follow levels and auto-follow. */
describe(`forum reading state and follow levels on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let alice: Member;
  let bob: Member;
  let outsider: Member;

  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const open = async (viewer: Member | null, threadId: string, query = "") =>
    (await threadLoader({ request: new Request(`http://localhost/groups/rd/forum/${threadId}${query}`), context: ctx(viewer), params: { slug: "rd", threadId } } as never)) as Awaited<
      ReturnType<typeof threadLoader>
    >;
  const listed = async (viewer: Member | null) => Object.fromEntries((await listThreads(t.app, viewer, "rd", { limit: 100 })).threads.map((th) => [th.title, th.newLabel]));
  const reply = (who: Member, threadId: string, body: string) => {
    t.app.limiter = new MemoryRateLimiter();
    return createReply(t.app, who, "rd", threadId, { body });
  };
  const start = (who: Member, title: string) => {
    t.app.limiter = new MemoryRateLimiter();
    return createThread(t.app, who, "rd", { title, body: `Opening of ${title}` });
  };
  async function post(handler: (args: ActionFunctionArgs) => Promise<unknown>, params: Record<string, string>, fields: Record<string, string>, viewer: Member | null) {
    const request = new Request("http://localhost/x", { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    try {
      const r = (await handler({ request, context: ctx(viewer), params } as unknown as ActionFunctionArgs)) as Response;
      return { status: r.status, data: (await r.json()) as { ok: boolean; message: string } };
    } catch (thrown) {
      if (thrown instanceof Response) return { status: thrown.status, data: null };
      throw thrown;
    }
  }
  const level = async (userId: string, threadId: string) =>
    (await t.app.db.select().from(threadFollows).where(and(eq(threadFollows.userId, userId), eq(threadFollows.threadId, threadId))))[0] ?? null;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-rd", slug: "org-rd", name: "Org RD" });
    await t.app.db.insert(groups).values([
      { id: "g-rd", slug: "rd", name: "Reading group", organizationId: "org-rd" },
      { id: "g-rd-private", slug: "rd-private", name: "Private group", organizationId: "org-rd", visibility: "private" },
    ]);
    [alice, bob, outsider] = [await createMember(t.app, "Alice"), await createMember(t.app, "Bob"), await createMember(t.app, "Outsider")];
    // Joined a minute ago: threads started since count as "New" until opened.
    const joined = new Date(Date.now() - 60_000);
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-rd", userId: alice.id, createdAt: joined },
      { groupId: "g-rd", userId: bob.id, createdAt: joined },
      { groupId: "g-rd-private", userId: alice.id },
    ]);
  });
  afterAll(() => t?.close());

  it("starting and replying watch the thread; an automatic follow never overrides a chosen level", async () => {
    const { threadId } = await start(alice, "Auto follow");
    expect(await level(alice.id, threadId)).toMatchObject({ level: "watching", reason: "created" });
    await setThreadLevel(t.app, bob, "rd", threadId, "muted");
    await reply(bob, threadId, "I muted it first");
    expect(await level(bob.id, threadId)).toMatchObject({ level: "muted", reason: "chosen" });
    await reply(alice, threadId, "Still watching");
    expect(await level(alice.id, threadId)).toMatchObject({ level: "watching", reason: "replied" });
  });

  it("lists 'New' for never-opened threads, then 'N new' after the member's marker, muted threads nothing", async () => {
    const { threadId } = await start(alice, "Counting");
    expect((await listed(bob))["Counting"]).toBe("New");
    expect((await listed(null))["Counting"]).toBeNull();
    const page = await open(bob, threadId);
    expect(page.reading?.firstUnreadHref).toBeNull(); // never opened: the whole thread is new, no marker to jump from
    expect((await listed(bob))["Counting"]).toBeNull();
    await reply(alice, threadId, "one");
    await reply(alice, threadId, "two");
    await reply(bob, threadId, "mine does not count");
    expect((await listed(bob))["Counting"]).toBe("2 new");
    await setThreadLevel(t.app, bob, "rd", threadId, "muted");
    expect((await listed(bob))["Counting"]).toBeNull();
    await setThreadLevel(t.app, bob, "rd", threadId, "normal");
    expect((await listed(bob))["Counting"]).toBe("2 new");
  });

  it("a muted group shows nothing as new, unless the member chose a level for the thread", async () => {
    const { threadId } = await start(alice, "Muted group");
    const other = await start(alice, "Muted group, chosen");
    await setGroupLevel(t.app, bob, "rd", "muted");
    try {
      await setThreadLevel(t.app, bob, "rd", other.threadId, "watching");
      const labels = await listed(bob);
      expect(labels["Muted group"]).toBeNull();
      expect(labels["Muted group, chosen"]).toBe("New");
      expect((await open(bob, threadId)).reading?.follow).toEqual({ level: "muted", group: "muted" });
    } finally {
      await setGroupLevel(t.app, bob, "rd", "normal");
    }
  });

  it("the list's counts take no extra query, whatever the page size", async () => {
    const counter = queryCounter(t);
    try {
      const few = await counter.count(() => listThreads(counter.app, bob, "rd", { limit: 1 }));
      const many = await counter.count(() => listThreads(counter.app, bob, "rd", { limit: 100 }));
      expect(few).toBe(many);
      expect(many).toBeLessThanOrEqual(2);
    } finally {
      await counter.close();
    }
  });

  it("a member's thread page costs five statements: thread, posts, reading state with follow levels, own held replies, draft", async () => {
    const { threadId } = await start(alice, "Counted thread");
    await reply(alice, threadId, "one reply");
    const counter = queryCounter(t);
    const openCounted = (viewer: Member) =>
      threadLoader({ request: new Request(`http://localhost/groups/rd/forum/${threadId}`), context: { ...ctx(viewer), app: counter.app }, params: { slug: "rd", threadId } } as never) as ReturnType<typeof threadLoader>;
    try {
      // First visit (no marker yet) and a later one: the same statements, and the follow levels come with them.
      for (const visit of [1, 2]) {
        let page: Awaited<ReturnType<typeof threadLoader>> | undefined;
        expect({ visit, statements: await counter.count(async () => void (page = await openCounted(bob))) }).toEqual({ visit, statements: 5 });
        expect(page!.reading?.follow).toEqual({ level: "normal", group: "normal" });
      }
    } finally {
      await counter.close();
    }
  });

  it("reading a page again writes nothing: no transaction id, so no row lock and no commit to flush", async () => {
    const { threadId } = await start(alice, "Read twice");
    const first = await reply(alice, threadId, "first reply");
    const thread = { id: threadId, groupId: "g-rd" };
    // The transaction id the statement took, if any, seen from inside its transaction.
    const xidOf = (lastPostId: string) =>
      t.app.db.transaction(async (tx) => {
        await readThrough({ ...t.app, db: tx as unknown as typeof t.app.db }, bob.id, thread, lastPostId);
        return rowsOf<{ xid: string | null }>(await tx.execute(sql`select txid_current_if_assigned()::text as xid`))[0]!.xid;
      });
    const marker = async () => (await t.app.db.select().from(threadReads).where(and(eq(threadReads.userId, bob.id), eq(threadReads.threadId, threadId))))[0]?.lastReadPostId;
    const firstId = first.postId;
    expect(await xidOf(firstId)).not.toBeNull(); // first view: the marker is inserted
    expect(await marker()).toBe(firstId);
    expect(await xidOf(firstId)).toBeNull(); // the same page again: nothing written
    const second = await reply(alice, threadId, "second reply");
    expect(await xidOf(firstId)).toBeNull(); // an older page: the marker never moves back
    expect(await marker()).toBe(firstId);
    expect(await xidOf(second.postId)).not.toBeNull(); // further on: the marker moves up
    expect(await marker()).toBe(second.postId);
  });

  it("jump to first unread points at the first post after the marker, on the keyset page that starts there", async () => {
    const { threadId } = await start(alice, "Long thread");
    for (let i = 0; i < 52; i++) await reply(alice, threadId, `reply ${i}`);
    // Bob reads the first page (50 posts): the marker is its last post.
    const first = await open(bob, threadId);
    expect(first.posts).toHaveLength(50);
    const [marker] = await t.app.db.select().from(threadReads).where(and(eq(threadReads.userId, bob.id), eq(threadReads.threadId, threadId)));
    expect(marker!.lastReadPostId).toBe(first.posts[49]!.id);
    expect((await listed(bob))["Long thread"]).toBe("3 new");

    const again = await open(bob, threadId);
    const href = again.reading!.firstUnreadHref!;
    expect(href).toMatch(/^\?after=[^#]+#post-/);
    const target = href.split("#post-")[1]!;
    const next = await open(bob, threadId, href.split("#")[0]);
    expect(next.posts[0]!.id).toBe(target);
    expect(next.posts).toHaveLength(3);
    expect((await listed(bob))["Long thread"]).toBeNull();

    // Going back to the first page never moves the marker backwards.
    await open(bob, threadId);
    const [after] = await t.app.db.select().from(threadReads).where(and(eq(threadReads.userId, bob.id), eq(threadReads.threadId, threadId)));
    expect(after!.lastReadPostId).toBe(next.posts[2]!.id);
    // Stored at the posts' own microsecond precision: the last post is not unread again.
    const [{ n }] = (await t.app.db.execute(sql`select count(*)::int as n from posts p, thread_reads r
      where r.user_id = ${bob.id} and r.thread_id = ${threadId} and p.thread_id = r.thread_id and (p.created_at, p.id) > (r.last_read_at, r.last_read_post_id)`).then((r) =>
      Array.isArray(r) ? r : (r as { rows: unknown[] }).rows,
    )) as [{ n: number }];
    expect(n).toBe(0);
  });

  it("when the first unread post is on the page being read, the link is a plain #hash", async () => {
    const { threadId } = await start(alice, "Short thread");
    await open(bob, threadId);
    const { postId } = await reply(alice, threadId, "new one");
    expect((await open(bob, threadId)).reading?.firstUnreadHref).toBe(`#post-${postId}`);
  });

  it("first unread looks only in its own thread: a newer post elsewhere is not offered", async () => {
    const { threadId } = await start(alice, "Read thread");
    await open(bob, threadId);
    const other = await start(alice, "Other thread");
    await reply(alice, other.threadId, "elsewhere");
    expect((await open(bob, threadId)).reading?.firstUnreadHref ?? null).toBeNull();
  });

  it("levels are set through the pages' follow intent; outsiders of a private group get 404, readers who are not members 403", async () => {
    const { threadId } = await start(alice, "Via the route");
    const ok = await post(threadAction, { slug: "rd", threadId }, { intent: "follow", level: "muted" }, bob);
    expect(ok).toEqual({ status: 200, data: expect.objectContaining({ ok: true, message: "Saved: muted." }) });
    expect(await level(bob.id, threadId)).toMatchObject({ level: "muted", reason: "chosen" });

    const bad = await post(threadAction, { slug: "rd", threadId }, { intent: "follow", level: "loud" }, bob);
    expect(bad.data).toMatchObject({ ok: false });
    expect(bad.status).toBe(400);

    const notMember = await post(threadAction, { slug: "rd", threadId }, { intent: "follow", level: "watching" }, outsider);
    expect(notMember.status).toBe(403);
    expect(await level(outsider.id, threadId)).toBeNull();

    t.app.limiter = new MemoryRateLimiter();
    const secret = await createThread(t.app, alice, "rd-private", { title: "Secret", body: "Private" });
    expect((await post(threadAction, { slug: "rd-private", threadId: secret.threadId }, { intent: "follow", level: "watching" }, outsider)).status).toBe(404);
    expect((await post(forumAction, { slug: "rd-private" }, { level: "watching" }, outsider)).status).toBe(404);

    expect((await post(forumAction, { slug: "rd" }, { level: "watching" }, bob)).data).toMatchObject({ ok: true, message: "Saved: you are watching." });
    const [m] = await t.app.db.select().from(groupMemberships).where(and(eq(groupMemberships.groupId, "g-rd"), eq(groupMemberships.userId, bob.id)));
    expect(m!.notificationLevel).toBe("watching");
    await setGroupLevel(t.app, bob, "rd", "normal");
  });
});
