import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { newId } from "#app/lib/ids.server";
import { editPost, submitReply } from "#app/modules/forums/posts.server";
import { submitThread } from "#app/modules/forums/threads.server";
import { screenContent } from "#app/modules/safety/screen.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { heldContent, organizations, posts, reports, threads, watchedWords } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { createChatGroup } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`the safety gate (screenContent) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, alice: Member, newbie: Member;
  let slug: string, groupId: string, orgId: string;

  beforeAll(async () => {
    t = await createTestApp();
    [mod, alice, newbie] = await Promise.all(["Mod", "Alice", "Newbie"].map((n) => createMember(t.app, n)));
    ({ slug, groupId } = await createChatGroup(t.app, { moderatorId: mod.id, memberIds: [alice.id, newbie.id] }));
    const [g] = await t.app.db.select({ orgId: organizations.id }).from(organizations).where(eq(organizations.slug, `o-${slug}`));
    orgId = g!.orgId;
    // Patterns as the watched-words module stores them: already normalised.
    await t.app.db.insert(watchedWords).values([
      { id: newId(), organizationId: orgId, pattern: "buy now", action: "block" },
      { id: newId(), organizationId: orgId, pattern: "miracle cure", action: "hold" },
      { id: newId(), organizationId: orgId, pattern: "detox", action: "flag" },
    ]);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    t.app.limiter = new MemoryRateLimiter();
    await t.app.db.update(organizations).set({ newMemberHolds: 0 }).where(eq(organizations.id, orgId));
  });

  const threadCount = async () => (await t.app.db.select({ id: threads.id }).from(threads).where(eq(threads.groupId, groupId))).length;
  const screen = async (actor: Member, kind: "thread" | "post_edit" | "chat_message", texts: string[], confirmedPersonal = false) => {
    const group = await findGroup(t.app, actor, slug);
    return screenContent(t.app.db, { actor, kind, texts, confirmedPersonal, group: { id: groupId, organizationId: orgId, target: group.target } });
  };

  it("a block word refuses with a field error naming it (title or body), and nothing is stored", async () => {
    const before = await threadCount();
    const inBody = await failure(submitThread(t.app, alice, slug, { title: "Supplements", body: "BUY NOW while stocks last" }));
    expect(inBody.code).toBe("invalid");
    expect(inBody.fieldErrors?.body?.[0]).toContain('"buy now"');
    const inTitle = await failure(submitThread(t.app, alice, slug, { title: "Buy now!", body: "Nothing else" }));
    expect(inTitle.fieldErrors?.title?.[0]).toContain('"buy now"');
    // Moderators too: block words apply to everyone.
    expect((await failure(submitThread(t.app, mod, slug, { title: "Hello", body: "buy now" }))).code).toBe("invalid");
    expect(await threadCount()).toBe(before);
    expect(await t.app.db.select().from(heldContent).where(eq(heldContent.groupId, groupId))).toHaveLength(0);
  });

  it("a hold word holds a new thread (reason watched_word, the matched word kept) instead of publishing it", async () => {
    const before = await threadCount();
    const r = await submitThread(t.app, alice, slug, { title: "Good news", body: "I found a Miracle   Cure for pain" });
    expect(r.held).toBe(true);
    expect(await threadCount()).toBe(before);
    const [row] = await t.app.db.select().from(heldContent).where(and(eq(heldContent.authorId, alice.id), eq(heldContent.kind, "thread")));
    expect(row).toMatchObject({ reason: "watched_word", matched: ["miracle cure"], title: "Good news", status: "pending", groupId });
    // The group's moderators skip holds: theirs is published (and flagged for the record).
    expect((await submitThread(t.app, mod, slug, { title: "About the miracle cure posts", body: "Please don't." })).held).toBe(false);
  });

  it("a flag word publishes and files one automatic report (no reporter, reason watched_word); a flagged edit reopens it", async () => {
    const r = await submitThread(t.app, alice, slug, { title: "Juice", body: "Has anyone tried a detox?" });
    if (r.held) throw new Error("expected published");
    const flags = () => t.app.db.select().from(reports).where(and(eq(reports.targetId, r.threadId), isNull(reports.reporterId)));
    const [report] = await flags();
    expect(report).toMatchObject({ targetType: "thread", reason: "watched_word", groupId, status: "open" });
    expect(report!.details).toContain("detox");
    await t.app.db.update(reports).set({ status: "dismissed" }).where(eq(reports.id, report!.id));
    // An edit with a hold word is not held (it is already public): it is flagged instead.
    await editPost(t.app, alice, slug, r.threadId, r.postId, { body: "Now a miracle cure, too" });
    const [post] = await t.app.db.select().from(posts).where(eq(posts.id, r.postId));
    expect(post!.body).toBe("Now a miracle cure, too");
    const edited = await t.app.db.select().from(reports).where(and(eq(reports.targetId, r.postId), isNull(reports.reporterId)));
    expect(edited).toHaveLength(1);
    expect(edited[0]!.details).toContain("miracle cure");
    expect((await flags())[0]!.status).toBe("dismissed");
  });

  it("new-member review: with N = 2 the first two writings are held, published ones count, moderators and edits are exempt", async () => {
    await t.app.db.update(organizations).set({ newMemberHolds: 2 }).where(eq(organizations.id, orgId));
    expect(await screen(newbie, "thread", ["Hi", "First post"])).toEqual({ verdict: "hold", reason: "new_member", matched: [] });
    expect(await screen(newbie, "chat_message", ["hello"])).toMatchObject({ verdict: "hold", reason: "new_member" });
    expect(await screen(newbie, "post_edit", ["changed"])).toEqual({ verdict: "publish", flagged: [] });
    expect(await screen(mod, "thread", ["Hi", "Welcome"])).toEqual({ verdict: "publish", flagged: [] });
    // Held items don't count: still held after one.
    const held = await submitThread(t.app, newbie, slug, { title: "Hello all", body: "New here" });
    expect(held.held).toBe(true);
    expect(await screen(newbie, "thread", ["Hi", "again"])).toMatchObject({ verdict: "hold" });
    // Two published posts (one removed by its author, which counts; one removed by a moderator, which doesn't).
    const threadId = newId();
    await t.app.db.insert(threads).values({ id: threadId, groupId, authorId: mod.id, title: "Intro" });
    await t.app.db.insert(posts).values([
      { id: newId(), threadId, authorId: newbie.id, body: "one", isOpening: false },
      { id: newId(), threadId, authorId: newbie.id, body: "removed", isOpening: false, deletedAt: new Date(), deletedBy: mod.id },
    ]);
    expect(await screen(newbie, "thread", ["Hi", "again"])).toMatchObject({ verdict: "hold" });
    await t.app.db.insert(posts).values({ id: newId(), threadId, authorId: newbie.id, body: "two", isOpening: false, deletedAt: new Date(), deletedBy: newbie.id });
    expect(await screen(newbie, "thread", ["Hi", "again"])).toEqual({ verdict: "publish", flagged: [] });
    // Alice has one published thread (the "detox" one): held at N = 2, published at N = 1.
    expect((await submitReply(t.app, alice, slug, threadId, { body: "Welcome!" })).held).toBe(true);
    await t.app.db.update(organizations).set({ newMemberHolds: 1 }).where(eq(organizations.id, orgId));
    expect((await submitReply(t.app, alice, slug, threadId, { body: "Welcome!" })).held).toBe(false);
  });

  it("personal data asks (needs_confirmation, nothing stored) unless confirmed; moderators are never asked", async () => {
    const before = await threadCount();
    const asked = await failure(submitThread(t.app, alice, slug, { title: "Call me", body: "Ring me on 07700 900123 or jo.bloggs@example.com" }));
    expect(asked.code).toBe("needs_confirmation");
    expect(asked.message.length).toBeGreaterThan(10);
    expect(await threadCount()).toBe(before);
    const ok = await submitThread(t.app, alice, slug, { title: "Call me", body: "Ring me on 07700 900123 or jo.bloggs@example.com", confirmedPersonal: true });
    expect(ok.held).toBe(false);
    expect(await screen(mod, "thread", ["Helpline", "Call 07700 900123 any time"])).toEqual({ verdict: "publish", flagged: [] });
    // A block word still refuses before the question is asked.
    expect((await failure(submitThread(t.app, alice, slug, { title: "x", body: "buy now at jo@example.com" }))).code).toBe("invalid");
  });
});
