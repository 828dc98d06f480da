import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { DomainError } from "#app/lib/errors";
import { createReply, deletePost, editPost, getPostForEdit, moderatePost, reportPost } from "#app/modules/forums/posts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { searchForums } from "#app/modules/forums/search.server";
import { createThread, getThreadPage, listThreads, moderateThread } from "#app/modules/forums/threads.server";
import { groupMemberships, groups, moderationActions, organizationMembers, organizations, posts, reports, threads } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

const code = outcome;

describe(`forums on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let alice: Member; // member of both groups
  let bob: Member; // member of the public group only
  let outsider: Member;
  let mod: Member; // group moderator of both
  let orgMod: Member; // organization moderator, not a group member
  let muted: Member;
  let banned: Member;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.db;
    await db.insert(organizations).values({ id: "org", slug: "org", name: "Org" });
    await db.insert(groups).values([
      { id: "g-pub", slug: "pub", name: "Public group", organizationId: "org" },
      { id: "g-priv", slug: "priv", name: "Private group", organizationId: "org", visibility: "private", joinPolicy: "approval" },
    ]);
    [alice, bob, outsider, mod, orgMod, muted, banned] = await Promise.all(
      ["Alice", "Bob", "Outsider", "Mod", "OrgMod", "Muted", "Banned"].map((n) => createMember(t.app, n)),
    );
    await db.insert(groupMemberships).values([
      { groupId: "g-pub", userId: alice.id, status: "active" },
      { groupId: "g-priv", userId: alice.id, status: "active" },
      { groupId: "g-pub", userId: bob.id, status: "active" },
      { groupId: "g-pub", userId: mod.id, role: "moderator", status: "active" },
      { groupId: "g-priv", userId: mod.id, role: "moderator", status: "active" },
      { groupId: "g-pub", userId: muted.id, status: "active", mutedUntil: new Date(Date.now() + 3600_000) },
      { groupId: "g-pub", userId: banned.id, status: "banned" },
    ]);
    await db.insert(organizationMembers).values({ organizationId: "org", userId: orgMod.id, role: "moderator" });
  });
  afterAll(() => t.close());
  // Each test starts with fresh rate-limit windows (the rate-limit test fills its own).
  beforeEach(() => {
    t.app.limiter = new MemoryRateLimiter();
  });

  it("starts a thread with its opening post and lists it for visitors of a public group", async () => {
    const { threadId } = await createThread(t.app, alice, "pub", { title: "Neck pain in the mornings", body: "Does anyone else wake up **stiff**?" });
    const list = await listThreads(t.app, null, "pub");
    expect(list.threads.map((x) => x.title)).toContain("Neck pain in the mornings");
    const page = await getThreadPage(t.app, null, "pub", threadId);
    expect(page.thread.title).toBe("Neck pain in the mornings");
    expect(page.posts).toHaveLength(1);
    expect(page.posts[0]).toMatchObject({ isOpening: true, state: "visible", authorName: alice.displayName });
    expect(page.posts[0]!.html).toBe("<p>Does anyone else wake up <strong>stiff</strong>?</p>");
    expect(page.permissions.reply).toBe(false);
  });

  it("lets only members post: visitors must sign in, outsiders, muted and banned members are refused", async () => {
    const input = { title: "A title", body: "A body" };
    expect(await code(createThread(t.app, null, "pub", input))).toBe("unauthenticated");
    expect(await code(createThread(t.app, outsider, "pub", input))).toBe("forbidden");
    expect(await code(createThread(t.app, muted, "pub", input))).toBe("forbidden");
    expect(await code(createThread(t.app, banned, "pub", input))).toBe("forbidden");
    expect(await code(createThread(t.app, orgMod, "pub", input))).toBe("ok");
  });

  it("orders replies, counts them, bumps last activity and paginates the thread page both ways", async () => {
    const { threadId } = await createThread(t.app, bob, "pub", { title: "Physical therapy diary", body: "Week one." });
    for (let i = 1; i <= 7; i++) await createReply(t.app, i % 2 ? alice : bob, "pub", threadId, { body: `Reply number ${i}` });
    const first = await getThreadPage(t.app, alice, "pub", threadId, { pageSize: 3 });
    expect(first.thread.replyCount).toBe(7);
    expect(first.posts.map((p) => p.isOpening)).toEqual([true, false, false]);
    expect(first.paging.older).toBeNull();
    const second = await getThreadPage(t.app, alice, "pub", threadId, { pageSize: 3, after: first.paging.newer });
    expect(second.posts.map((p) => p.html)).toEqual(["<p>Reply number 3</p>", "<p>Reply number 4</p>", "<p>Reply number 5</p>"]);
    const latest = await getThreadPage(t.app, alice, "pub", threadId, { pageSize: 3, latest: true });
    expect(latest.posts.map((p) => p.html)).toEqual(["<p>Reply number 5</p>", "<p>Reply number 6</p>", "<p>Reply number 7</p>"]);
    expect(latest.paging.newer).toBeNull();
    const back = await getThreadPage(t.app, alice, "pub", threadId, { pageSize: 3, before: latest.paging.older });
    expect(back.posts.map((p) => p.html)).toEqual(["<p>Reply number 2</p>", "<p>Reply number 3</p>", "<p>Reply number 4</p>"]);
    const list = await listThreads(t.app, alice, "pub");
    expect(list.threads[0]!.title).toBe("Physical therapy diary");
  });

  it("lists pinned threads first, then by last activity, keyset-paginated without gaps or repeats", async () => {
    const ids: string[] = [];
    const writer = await createMember(t.app, "Writer");
    await t.app.db.insert(groupMemberships).values({ groupId: "g-pub", userId: writer.id, status: "active" });
    for (let i = 0; i < 4; i++) ids.push((await createThread(t.app, writer, "pub", { title: `Listing ${i}`, body: "x" })).threadId);
    await moderateThread(t.app, mod, "pub", ids[0]!, "pin");
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof listThreads>> = await listThreads(t.app, alice, "pub", { after, limit: 2 });
      seen.push(...page.threads.map((x) => x.id));
      after = page.nextCursor;
    } while (after);
    const all = (await listThreads(t.app, alice, "pub", { limit: 100 })).threads;
    expect(seen).toEqual(all.map((x) => x.id));
    expect(new Set(seen).size).toBe(seen.length);
    expect(all[0]!.id).toBe(ids[0]);
    expect(all[0]!.pinned).toBe(true);
    expect(all[1]!.id).toBe(ids[3]);
  });

  it("keeps private groups' threads invisible to non-members everywhere", async () => {
    const { threadId, postId } = await createThread(t.app, alice, "priv", { title: "Caring for my partner", body: "Secretword carers talk" });
    for (const who of [null, outsider, bob, muted, banned]) {
      expect(await code(listThreads(t.app, who, "priv"))).toBe("not_found");
      expect(await code(getThreadPage(t.app, who, "priv", threadId))).toBe("not_found");
      expect(await code(createReply(t.app, who, "priv", threadId, { body: "hi" }))).toBe("not_found");
      expect(await code(toggleReaction(t.app, who, "priv", threadId, postId, "hug"))).toBe("not_found");
      expect(await code(reportPost(t.app, who, "priv", threadId, postId, { reason: "spam", details: "" }))).toBe("not_found");
      expect((await searchForums(t.app, who, { q: "secretword" })).results).toEqual([]);
      expect(await code(searchForums(t.app, who, { q: "secretword", group: "priv" }))).toBe("not_found");
    }
    // Asking about the thread through a public group's address finds nothing either.
    expect(await code(getThreadPage(t.app, outsider, "pub", threadId))).toBe("not_found");
    // Members, group moderators and the organization's staff find it.
    for (const who of [alice, mod, orgMod]) {
      expect((await searchForums(t.app, who, { q: "secretword" })).results.map((r) => r.threadId)).toEqual([threadId]);
      expect((await getThreadPage(t.app, who, "priv", threadId)).posts).toHaveLength(1);
    }
  });

  it("edits (marked edited, title too for the opening post) and deletes (deleted by author, replies stay)", async () => {
    const { threadId, postId } = await createThread(t.app, alice, "pub", { title: "Botox every 12 weeks?", body: "First version" });
    const { postId: replyId } = await createReply(t.app, bob, "pub", threadId, { body: "Mine is every 12 weeks." });
    expect(await code(editPost(t.app, bob, "pub", threadId, postId, { body: "hijack" }))).toBe("forbidden");
    expect((await getPostForEdit(t.app, alice, "pub", threadId, postId)).post.body).toBe("First version");
    await editPost(t.app, alice, "pub", threadId, postId, { title: "Botox every 12 weeks, or sooner?", body: "Second version" });
    let page = await getThreadPage(t.app, alice, "pub", threadId);
    expect(page.thread.title).toBe("Botox every 12 weeks, or sooner?");
    expect(page.posts[0]!.editedAt).not.toBeNull();
    expect(page.posts[0]!.html).toBe("<p>Second version</p>");
    expect(await code(editPost(t.app, bob, "pub", threadId, replyId, { title: "No", body: "x" }))).toBe("invalid");

    await deletePost(t.app, alice, "pub", threadId, postId);
    page = await getThreadPage(t.app, bob, "pub", threadId);
    expect(page.posts.map((p) => [p.state, p.html])).toEqual([
      ["deleted_by_author", null],
      ["visible", "<p>Mine is every 12 weeks.</p>"],
    ]);
    expect(await code(deletePost(t.app, alice, "pub", threadId, postId))).toBe("forbidden");
    expect(await code(editPost(t.app, alice, "pub", threadId, postId, { body: "back" }))).toBe("forbidden");
    // Moderators can still audit what was deleted.
    expect((await getThreadPage(t.app, mod, "pub", threadId)).posts[0]!.html).toBe("<p>Second version</p>");
  });

  it("toggles reactions: one of each kind per person, counts and the viewer's own shown", async () => {
    const { threadId, postId } = await createThread(t.app, alice, "pub", { title: "Good day today", body: "Walked to the park." });
    expect(await toggleReaction(t.app, bob, "pub", threadId, postId, "hug")).toEqual({ kind: "hug", pressed: true, count: 1 });
    expect(await toggleReaction(t.app, mod, "pub", threadId, postId, "hug")).toEqual({ kind: "hug", pressed: true, count: 2 });
    await toggleReaction(t.app, bob, "pub", threadId, postId, "same_here");
    let page = await getThreadPage(t.app, bob, "pub", threadId);
    expect(page.posts[0]!.reactions).toEqual({ helpful: 0, hug: 2, same_here: 1 });
    expect(page.posts[0]!.mine).toEqual(["hug", "same_here"]);
    expect(await toggleReaction(t.app, bob, "pub", threadId, postId, "hug")).toEqual({ kind: "hug", pressed: false, count: 1 });
    page = await getThreadPage(t.app, bob, "pub", threadId);
    expect(page.posts[0]!.mine).toEqual(["same_here"]);
    expect(await code(toggleReaction(t.app, outsider, "pub", threadId, postId, "hug"))).toBe("forbidden");
    expect(await code(toggleReaction(t.app, null, "pub", threadId, postId, "hug"))).toBe("unauthenticated");
  });

  it("stores reports with status open, once per person, never for one's own post", async () => {
    const { threadId, postId } = await createThread(t.app, alice, "pub", { title: "Miracle cure!!", body: "Buy this supplement" });
    const id = await reportPost(t.app, bob, "pub", threadId, postId, { reason: "medical_misinformation", details: "Selling something" });
    const [row] = await t.app.db.select().from(reports).where(eq(reports.id, id));
    expect(row).toMatchObject({ targetType: "post", targetId: postId, groupId: "g-pub", reporterId: bob.id, status: "open", reason: "medical_misinformation" });
    expect(await code(reportPost(t.app, bob, "pub", threadId, postId, { reason: "spam", details: "" }))).toBe("conflict");
    expect(await code(reportPost(t.app, alice, "pub", threadId, postId, { reason: "spam", details: "" }))).toBe("forbidden");
    // An outsider who can read a public group may report too.
    expect(await code(reportPost(t.app, outsider, "pub", threadId, postId, { reason: "spam", details: "" }))).toBe("ok");
  });

  it("moderates: lock stops member replies, remove hides content with a reason, restore brings it back; all audited", async () => {
    const { threadId, postId } = await createThread(t.app, alice, "pub", { title: "DBS questions", body: "Who has had DBS?" });
    const { postId: rude } = await createReply(t.app, bob, "pub", threadId, { body: "Something unkind" });
    expect(await code(moderateThread(t.app, alice, "pub", threadId, "lock"))).toBe("forbidden");

    await moderateThread(t.app, mod, "pub", threadId, "lock");
    const err = await createReply(t.app, alice, "pub", threadId, { body: "me!" }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).message).toBe("This thread is locked: it takes no new replies.");
    expect((await getThreadPage(t.app, alice, "pub", threadId)).permissions.reply).toBe(false);
    await createReply(t.app, mod, "pub", threadId, { body: "Locking while we check facts." });
    await moderateThread(t.app, orgMod, "pub", threadId, "unlock");
    await createReply(t.app, alice, "pub", threadId, { body: "Thanks" });

    await moderatePost(t.app, mod, "pub", threadId, rude, "remove", "Please be kind");
    const asMember = await getThreadPage(t.app, alice, "pub", threadId);
    const removed = asMember.posts.find((p) => p.id === rude)!;
    expect(removed).toMatchObject({ state: "removed", html: null, removalReason: null });
    expect(JSON.stringify(asMember)).not.toContain("Something unkind");
    expect((await getThreadPage(t.app, bob, "pub", threadId)).posts.find((p) => p.id === rude)!.removalReason).toBe("Please be kind");
    const asMod = (await getThreadPage(t.app, mod, "pub", threadId)).posts.find((p) => p.id === rude)!;
    expect(asMod).toMatchObject({ state: "removed", html: "<p>Something unkind</p>", removalReason: "Please be kind" });
    expect(await code(moderatePost(t.app, mod, "pub", threadId, rude, "restore"))).toBe("ok");
    expect((await getThreadPage(t.app, alice, "pub", threadId)).posts.find((p) => p.id === rude)!.state).toBe("visible");

    await moderateThread(t.app, mod, "pub", threadId, "remove", "Off topic");
    expect((await listThreads(t.app, alice, "pub", { limit: 100 })).threads.map((x) => x.id)).not.toContain(threadId);
    const hidden = await getThreadPage(t.app, bob, "pub", threadId);
    expect(hidden.thread).toMatchObject({ removed: true, title: "Removed thread", removalReason: null });
    expect(hidden.posts).toEqual([]);
    expect((await getThreadPage(t.app, alice, "pub", threadId)).thread.removalReason).toBe("Off topic");
    expect(await code(createReply(t.app, alice, "pub", threadId, { body: "hello?" }))).toBe("not_found");
    expect(await code(toggleReaction(t.app, alice, "pub", threadId, postId, "hug"))).toBe("not_found");
    const modList = (await listThreads(t.app, mod, "pub", { limit: 100 })).threads.find((x) => x.id === threadId)!;
    expect(modList.removed).toBe(true);
    await moderateThread(t.app, mod, "pub", threadId, "restore");
    expect((await listThreads(t.app, alice, "pub", { limit: 100 })).threads.map((x) => x.id)).toContain(threadId);

    const log = await t.app.db
      .select({ action: moderationActions.action, actorId: moderationActions.actorId, reason: moderationActions.reason, targetId: moderationActions.targetId })
      .from(moderationActions)
      .where(and(eq(moderationActions.groupId, "g-pub"), eq(moderationActions.subjectUserId, bob.id)));
    expect(log.map((l) => [l.action, l.reason])).toEqual([
      ["post.remove", "Please be kind"],
      ["post.restore", ""],
    ]);
    const threadLog = await t.app.db
      .select({ action: moderationActions.action, actorId: moderationActions.actorId, reason: moderationActions.reason })
      .from(moderationActions)
      .where(eq(moderationActions.targetId, threadId));
    expect(threadLog.map((l) => l.action).sort()).toEqual(["thread.lock", "thread.remove", "thread.restore", "thread.unlock"]);
    expect(threadLog.find((l) => l.action === "thread.unlock")!.actorId).toBe(orgMod.id);
  });

  it("rolls the moderation change back when the audit row can't be written", async () => {
    const { threadId } = await createThread(t.app, alice, "pub", { title: "Rollback check", body: "x" });
    // A moderator whose account disappears mid-way: the audit insert's foreign key fails.
    const ghost = { ...mod, id: "no-such-user" };
    await expect(moderateThread(t.app, ghost, "pub", threadId, "pin")).rejects.toThrow();
    const [row] = await t.app.db.select({ pinned: threads.pinned }).from(threads).where(eq(threads.id, threadId));
    expect(row!.pinned).toBe(false);
  });

  it("rate-limits thread creation per person with a clear message", async () => {
    const eager = await createMember(t.app, "Eager");
    await t.app.db.insert(groupMemberships).values({ groupId: "g-pub", userId: eager.id, status: "active" });
    for (let i = 0; i < 5; i++) await createThread(t.app, eager, "pub", { title: `Eager ${i}`, body: "x" });
    const err = await createThread(t.app, eager, "pub", { title: "One more", body: "x" }).catch((e: DomainError) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).code).toBe("rate_limited");
    expect((err as DomainError).message).toMatch(/draft is kept/);
    expect((err as DomainError).retryAfter).toBeGreaterThan(0);
    expect(await t.app.db.select({ id: posts.id }).from(posts).innerJoin(threads, eq(threads.id, posts.threadId)).where(eq(threads.title, "One more"))).toEqual([]);
  });

  it("searches titles and bodies, ranked, with safe highlighted snippets, skipping removed content", async () => {
    const writer = await createMember(t.app, "Searcher");
    await t.app.db.insert(groupMemberships).values({ groupId: "g-pub", userId: writer.id, status: "active" });
    const a = await createThread(t.app, writer, "pub", { title: "Stimulation settings after surgery", body: "The <b>programming</b> visits take patience." });
    const b = await createThread(t.app, writer, "pub", { title: "Swimming", body: "Swimming helps; stimulation was not for me." });
    const gone = await createThread(t.app, writer, "pub", { title: "Stimulation spam", body: "buy stimulation now" });
    await moderateThread(t.app, mod, "pub", gone.threadId, "remove", "Spam");

    const res = await searchForums(t.app, null, { q: "stimulation" });
    expect(res.results.map((r) => r.threadId)).toEqual([a.threadId, b.threadId]); // title match ranks higher
    expect(res.results[0]!.title).toEqual([{ text: "Stimulation", hit: true }, { text: " settings after surgery", hit: false }]);
    const snippet = res.results[1]!.snippet;
    expect(snippet.some((p) => p.hit && p.text === "stimulation")).toBe(true);
    // The snippet is plain-text parts with a highlight flag, never markup (the page renders it as text).
    const programming = (await searchForums(t.app, null, { q: "programming" })).results[0]!.snippet;
    expect(programming.filter((p) => p.hit)).toEqual([{ text: "programming", hit: true }]);
    expect(programming.map((p) => p.text).join("")).toMatch(/programming\s+visits take patience/);
    // websearch syntax: quoted phrases and exclusions.
    expect((await searchForums(t.app, null, { q: '"programming visits"' })).results.map((r) => r.threadId)).toEqual([a.threadId]);
    expect((await searchForums(t.app, null, { q: "stimulation -swimming" })).results.map((r) => r.threadId)).toEqual([a.threadId]);
    // Scoped to one group; empty and stop-word-only queries answer nothing without failing.
    expect((await searchForums(t.app, null, { q: "stimulation", group: "pub" })).group?.slug).toBe("pub");
    expect((await searchForums(t.app, null, { q: "" })).results).toEqual([]);
    expect((await searchForums(t.app, null, { q: "the and" })).results).toEqual([]);
    expect((await searchForums(t.app, null, { q: "'); drop table posts; --" })).results).toEqual([]);
    // Moderators don't get removed content in search either.
    expect((await searchForums(t.app, mod, { q: "spam" })).results).toEqual([]);
  });
});
