import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { exportFiles } from "#app/modules/accounts/export/contents.server";
import { SaveDraftSchema } from "#app/modules/forums/drafts.schema";
import { DraftConflict, discardDraft, draftKeys, getDraft, listDrafts, saveDraft } from "#app/modules/forums/drafts.server";
import { BODY_MAX } from "#app/modules/forums/forums.schema";
import { createReply, editPost } from "#app/modules/forums/posts.server";
import { createThread } from "#app/modules/forums/threads.server";
import { threadLoader } from "#app/routes/groups.$slug.forum.$threadId/thread.server";
import { drafts, groupMemberships, groups, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure, outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

/** A save as the drafts route parses it. */
const input = (v: { key: string; title?: string; body?: string; revision?: number }) => SaveDraftSchema.parse(v);

describe(`server drafts on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let alice: Member; // member of both groups
  let bob: Member; // member of the public group only
  let banned: Member;
  let threadId: string; // in the public group, by Bob
  let privThreadId: string; // in the private group, by Alice
  let bobPostId: string;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.db;
    await db.insert(organizations).values({ id: "dorg", slug: "dorg", name: "Org" });
    await db.insert(groups).values([
      { id: "d-pub", slug: "dpub", name: "Public group", organizationId: "dorg" },
      { id: "d-priv", slug: "dpriv", name: "Private group", organizationId: "dorg", visibility: "private", joinPolicy: "approval" },
    ]);
    [alice, bob, banned] = await Promise.all(["Alice", "Bob", "Banned"].map((n) => createMember(t.app, n)));
    await db.insert(groupMemberships).values([
      { groupId: "d-pub", userId: alice.id, status: "active" },
      { groupId: "d-priv", userId: alice.id, status: "active" },
      { groupId: "d-pub", userId: bob.id, status: "active" },
      { groupId: "d-pub", userId: banned.id, status: "banned" },
    ]);
    const made = await createThread(t.app, bob, "dpub", { title: "Morning stiffness", body: "Anyone else?" });
    if (made.held) throw new Error("not expected to be held");
    threadId = made.threadId;
    bobPostId = made.postId;
    const priv = await createThread(t.app, alice, "dpriv", { title: "Private matters", body: "Just us." });
    if (priv.held) throw new Error("not expected to be held");
    privThreadId = priv.threadId;
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    t.app.limiter = new MemoryRateLimiter();
    await t.app.db.delete(drafts);
  });

  it("saves, restores, updates with a new revision, lists on the home page and discards", async () => {
    const key = draftKeys.reply(threadId);
    const first = await saveDraft(t.app, alice, input({ key, body: "I wake up stiff too" }));
    expect(first).toMatchObject({ key, body: "I wake up stiff too", revision: 1 });
    const second = await saveDraft(t.app, alice, input({ key, body: "I wake up stiff too, every day", revision: 1 }));
    expect(second?.revision).toBe(2);
    expect(await getDraft(t.app, alice, key)).toMatchObject({ body: "I wake up stiff too, every day", revision: 2 });
    // Someone else never sees it.
    expect(await getDraft(t.app, bob, key)).toBeNull();
    expect(await listDrafts(t.app, bob)).toEqual([]);

    await saveDraft(t.app, alice, input({ key: draftKeys.thread("d-pub"), title: "", body: "\n  First line of a thread\nsecond" }));
    const list = await listDrafts(t.app, alice);
    expect(list.map((d) => d.key)).toEqual([draftKeys.thread("d-pub"), key]);
    expect(list[0]).toMatchObject({ label: "First line of a thread", where: "New thread in Public group", href: "/groups/dpub/forum/new" });
    expect(list[1]).toMatchObject({ label: "I wake up stiff too, every day", href: `/groups/dpub/forum/${threadId}#reply` });
    expect(list[1]!.where).toContain("Morning stiffness");

    await discardDraft(t.app, alice, key);
    expect(await getDraft(t.app, alice, key)).toBeNull();
    expect((await listDrafts(t.app, alice)).map((d) => d.key)).toEqual([draftKeys.thread("d-pub")]);
  });

  it("the thread page restores the reply draft: the same draft getDraft answers, to its writer only", async () => {
    const key = draftKeys.reply(threadId);
    await saveDraft(t.app, alice, input({ key, body: "Half a reply" }));
    await saveDraft(t.app, alice, input({ key, body: "Half a reply, and more", revision: 1 }));
    const open = async (viewer: Member) =>
      (await threadLoader({
        request: new Request(`http://localhost/groups/dpub/forum/${threadId}`),
        context: { app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false },
        params: { slug: "dpub", threadId },
      } as never)) as Awaited<ReturnType<typeof threadLoader>>;
    const stored = await getDraft(t.app, alice, key);
    expect(stored).toMatchObject({ body: "Half a reply, and more", revision: 2 });
    expect((await open(alice)).replyDraft).toEqual({ viewerId: alice.id, key, server: stored });
    expect((await open(bob)).replyDraft).toEqual({ viewerId: bob.id, key, server: null });
  });

  it("deletes the draft when the title and body are emptied", async () => {
    const key = draftKeys.thread("d-pub");
    await saveDraft(t.app, alice, input({ key, title: "A title", body: "" }));
    expect(await getDraft(t.app, alice, key)).not.toBeNull();
    expect(await saveDraft(t.app, alice, input({ key, title: "  ", body: "\n", revision: 1 }))).toBeNull();
    expect(await getDraft(t.app, alice, key)).toBeNull();
  });

  it("refuses a save based on an older revision (another tab) and answers the stored draft", async () => {
    const key = draftKeys.reply(threadId);
    await saveDraft(t.app, alice, input({ key, body: "tab one" })); // revision 1
    await saveDraft(t.app, alice, input({ key, body: "tab one, more", revision: 1 })); // revision 2
    const e = await failure(saveDraft(t.app, alice, input({ key, body: "tab two, stale", revision: 1 })));
    expect(e).toBeInstanceOf(DraftConflict);
    expect(e.code).toBe("conflict");
    expect((e as DraftConflict).stored).toMatchObject({ body: "tab one, more", revision: 2 });
    expect((await getDraft(t.app, alice, key))?.body).toBe("tab one, more");
    // "Keep mine": save again based on the stored revision.
    expect(await saveDraft(t.app, alice, input({ key, body: "tab two, kept", revision: 2 }))).toMatchObject({ body: "tab two, kept", revision: 3 });
  });

  it("refuses drafts over the size limits with a clear message, storing nothing", () => {
    const key = draftKeys.reply(threadId);
    const long = SaveDraftSchema.safeParse({ key, body: "x".repeat(BODY_MAX + 1) });
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toMatch(/over 20,000 characters.*kept on this device/);
    const title = SaveDraftSchema.safeParse({ key: draftKeys.thread("d-pub"), title: "t".repeat(201), body: "" });
    expect(title.success).toBe(false);
    expect(title.error?.issues[0]?.message).toMatch(/over 200 characters/);
    expect(SaveDraftSchema.safeParse({ key, body: "x".repeat(BODY_MAX) }).success).toBe(true);
    expect(SaveDraftSchema.safeParse({ key: "reply:../../etc", body: "x" }).success).toBe(false);
  });

  it("stores nothing for a key the person may not write to: another's post, a private thread, a banned member, a visitor", async () => {
    // Bob's opening post is not Alice's to edit: 404, nothing stored.
    expect(await outcome(saveDraft(t.app, alice, input({ key: draftKeys.edit(bobPostId), body: "not mine" })))).toBe("not_found");
    // Bob cannot see the private group's thread, nor start a thread there.
    expect(await outcome(saveDraft(t.app, bob, input({ key: draftKeys.reply(privThreadId), body: "peek" })))).toBe("not_found");
    expect(await outcome(saveDraft(t.app, bob, input({ key: draftKeys.thread("d-priv"), body: "peek" })))).toBe("not_found");
    // Names nothing.
    expect(await outcome(saveDraft(t.app, alice, input({ key: draftKeys.reply("no-such-thread"), body: "x" })))).toBe("not_found");
    // Banned in the public group: refused.
    expect(await outcome(saveDraft(t.app, banned, input({ key: draftKeys.reply(threadId), body: "let me back" })))).toBe("forbidden");
    // Signed out (an expired session): 401, so the browser keeps its copy.
    expect(await outcome(saveDraft(t.app, null, input({ key: draftKeys.reply(threadId), body: "x" })))).toBe("unauthenticated");
    expect(await t.app.db.select().from(drafts)).toEqual([]);
    // Bob may keep a draft of an edit of his own post.
    expect(await outcome(saveDraft(t.app, bob, input({ key: draftKeys.edit(bobPostId), body: "mine" })))).toBe("ok");
  });

  it("deletes the draft once the thread, reply or edit is posted (and only that one)", async () => {
    await saveDraft(t.app, alice, input({ key: draftKeys.thread("d-pub"), title: "Pacing", body: "How do you pace?" }));
    await saveDraft(t.app, alice, input({ key: draftKeys.reply(threadId), body: "Me too" }));
    await saveDraft(t.app, bob, input({ key: draftKeys.edit(bobPostId), body: "Anyone else? (edited)" }));
    await saveDraft(t.app, bob, input({ key: draftKeys.reply(threadId), body: "Bob's own reply draft" }));

    await createThread(t.app, alice, "dpub", { title: "Pacing", body: "How do you pace?" });
    expect(await getDraft(t.app, alice, draftKeys.thread("d-pub"))).toBeNull();
    await createReply(t.app, alice, "dpub", threadId, { body: "Me too" });
    expect(await getDraft(t.app, alice, draftKeys.reply(threadId))).toBeNull();
    await editPost(t.app, bob, "dpub", threadId, bobPostId, { title: "Morning stiffness", body: "Anyone else? (edited)" });
    expect(await getDraft(t.app, bob, draftKeys.edit(bobPostId))).toBeNull();
    // Bob's reply draft in the same thread is his, untouched by Alice's reply.
    expect((await getDraft(t.app, bob, draftKeys.reply(threadId)))?.body).toBe("Bob's own reply draft");
  });

  it("keeps a draft as the person's own after they lose access: listed, discardable, no longer savable", async () => {
    const carol = await createMember(t.app, "Carol");
    await t.app.db.insert(groupMemberships).values({ groupId: "d-priv", userId: carol.id, status: "active" });
    const key = draftKeys.reply(privThreadId);
    await saveDraft(t.app, carol, input({ key, body: "Something private" }));
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "d-priv"), eq(groupMemberships.userId, carol.id)));
    expect((await listDrafts(t.app, carol)).map((d) => d.label)).toEqual(["Something private"]);
    expect((await getDraft(t.app, carol, key))?.body).toBe("Something private");
    expect(await outcome(saveDraft(t.app, carol, input({ key, body: "more", revision: 1 })))).toBe("not_found");
    // Their data export holds it, and only theirs.
    await saveDraft(t.app, alice, input({ key: draftKeys.thread("d-pub"), title: "Alice's", body: "not Carol's" }));
    const file = exportFiles(t.app, carol.id).find((f) => f.name === "drafts.json")!;
    const chunks: Buffer[] = [];
    for await (const c of file.open()) chunks.push(Buffer.from(c as Buffer));
    expect(JSON.parse(Buffer.concat(chunks).toString("utf8"))).toEqual([{ draft: key, group: "Private group", title: "", body: "Something private", updatedAt: expect.any(String) }]);
    await discardDraft(t.app, carol, key);
    expect(await listDrafts(t.app, carol)).toEqual([]);
  });
});
