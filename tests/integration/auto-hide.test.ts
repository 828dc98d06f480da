import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { createReply, editPost, reportPost } from "#app/modules/forums/posts.server";
import { searchForums } from "#app/modules/forums/search.server";
import { createThread, getThreadPage, listThreads } from "#app/modules/forums/threads.server";
import { HIDDEN_TITLE } from "#app/modules/moderation/auto-hide.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { groupMemberships, groups, moderationActions, notifications, organizations, posts, reports, threads } from "#db/schema/index";
import { mentionSyntax } from "#app/lib/mentions";
import { fanoutsDone } from "#tests/helpers/fanout";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`auto-hide on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let author: Member;
  let mod: Member;
  let r: Member[];

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.jobs.start(t.app);
    const db = t.app.db;
    await db.insert(organizations).values([
      { id: "org", slug: "org", name: "Org" },
      { id: "org2", slug: "org2", name: "Org two", autoHideReports: 2 },
    ]);
    await db.insert(groups).values([
      { id: "g1", slug: "g1", name: "Group one", organizationId: "org" },
      { id: "g2", slug: "g2", name: "Group two", organizationId: "org2" },
    ]);
    [author, mod, ...r] = await Promise.all(["Author", "Mod", "R1", "R2", "R3", "R4"].map((n) => createMember(t.app, n)));
    for (const g of ["g1", "g2"]) {
      await db.insert(groupMemberships).values([
        { groupId: g, userId: author.id, status: "active" },
        { groupId: g, userId: mod.id, role: "moderator", status: "active" },
        ...r.map((m) => ({ groupId: g, userId: m.id, status: "active" as const })),
      ]);
    }
  });
  afterAll(() => t.close());
  beforeEach(() => {
    t.app.limiter = new MemoryRateLimiter();
  });

  async function reply(slug: string, body: string) {
    const { threadId } = await createThread(t.app, mod, slug, { title: `Thread ${Date.now()} ${Math.random()}`, body: "Welcome" });
    const { postId } = await createReply(t.app, author, slug, threadId, { body });
    return { threadId, postId };
  }
  const hiddenAt = async (postId: string) => (await t.app.db.select({ h: posts.hiddenAt }).from(posts).where(eq(posts.id, postId)))[0]!.h;

  it("hides a reply at K = 3 distinct members, once, audited; a second report by the same member is refused and doesn't count", async () => {
    const { threadId, postId } = await reply("g1", "Buy my miracle cure zebrafoxtrot");
    await reportPost(t.app, r[0]!, "g1", threadId, postId, { reason: "spam", details: "" });
    expect(await outcome(reportPost(t.app, r[0]!, "g1", threadId, postId, { reason: "spam", details: "" }))).toBe("conflict");
    await reportPost(t.app, r[1]!, "g1", threadId, postId, { reason: "spam", details: "" });
    // An automatic flag (no reporter) is not a member's report.
    await t.app.db.insert(reports).values({ id: `flag-${postId}`, targetType: "post", targetId: postId, groupId: "g1", reporterId: null, reason: "watched_word", details: "Watched words: miracle cure" });
    expect(await hiddenAt(postId)).toBeNull();
    await reportPost(t.app, r[2]!, "g1", threadId, postId, { reason: "spam", details: "" });
    expect(await hiddenAt(postId)).not.toBeNull();
    await reportPost(t.app, r[3]!, "g1", threadId, postId, { reason: "spam", details: "" });
    const audits = await t.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "content.autohide"), eq(moderationActions.targetId, postId)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.actorId).toBeNull();
    expect(audits[0]!.subjectUserId).toBe(author.id);

    // Members see the notice, never the body; the moderator sees it.
    const asMember = await getThreadPage(t.app, r[0]!, "g1", threadId);
    const p = asMember.posts.find((x) => x.id === postId)!;
    expect(p.hidden).toBe(true);
    expect(p.html).toBeNull();
    const asVisitor = await getThreadPage(t.app, null, "g1", threadId);
    expect(JSON.stringify(asVisitor)).not.toContain("zebrafoxtrot");
    const asMod = await getThreadPage(t.app, mod, "g1", threadId);
    expect(asMod.posts.find((x) => x.id === postId)!.html).toContain("zebrafoxtrot");
    // Search never matches it.
    expect((await searchForums(t.app, r[0]!, { q: "zebrafoxtrot" })).results).toHaveLength(0);

    // The queue: members counted once each (the flag is not a reporter), hidden and flagged badges' data.
    const { queue } = await listQueue(t.app, mod);
    const item = queue.find((q) => q.targetId === postId)!;
    expect(item.reporterCount).toBe(4);
    expect(item.content?.hidden).toBe(true);
    expect(item.flags).toEqual(["miracle cure"]);

    // Dismiss: the content is back, the reports closed.
    await actOnReport(t.app, mod, { intent: "dismiss", targetType: "post", targetId: postId, groupId: "g1", reason: "Fine" });
    expect(await hiddenAt(postId)).toBeNull();
    const back = await getThreadPage(t.app, r[0]!, "g1", threadId);
    expect(back.posts.find((x) => x.id === postId)!.html).toContain("zebrafoxtrot");
    const open = await t.app.db.select().from(reports).where(and(eq(reports.targetId, postId), eq(reports.status, "open")));
    expect(open).toHaveLength(0);
  });

  it("uses each organization's own K (2 here), and a removal ends the hiding with the removal notice", async () => {
    const { threadId, postId } = await reply("g2", "Something rude");
    await reportPost(t.app, r[0]!, "g2", threadId, postId, { reason: "harassment", details: "" });
    expect(await hiddenAt(postId)).toBeNull();
    await reportPost(t.app, r[1]!, "g2", threadId, postId, { reason: "harassment", details: "" });
    expect(await hiddenAt(postId)).not.toBeNull();
    await actOnReport(t.app, mod, { intent: "remove", targetType: "post", targetId: postId, groupId: "g2", reason: "Rude" });
    const [row] = await t.app.db.select({ h: posts.hiddenAt, d: posts.deletedAt }).from(posts).where(eq(posts.id, postId));
    expect(row!.h).toBeNull();
    expect(row!.d).not.toBeNull();
    const page = await getThreadPage(t.app, author, "g2", threadId);
    const p = page.posts.find((x) => x.id === postId)!;
    expect(p.state).toBe("removed");
    expect(p.removalReason).toBe("Rude");
  });

  it("an opening post stands for its thread: its title shows as hidden in lists to members, not to moderators", async () => {
    const title = `Secret title quokkamango ${Date.now()}`;
    const { threadId, postId } = await createThread(t.app, author, "g2", { title, body: "opening body" });
    await reportPost(t.app, r[0]!, "g2", threadId, postId, { reason: "spam", details: "" });
    await reportPost(t.app, r[1]!, "g2", threadId, postId, { reason: "spam", details: "" });
    const [th] = await t.app.db.select({ h: threads.hiddenAt }).from(threads).where(eq(threads.id, threadId));
    expect(th!.h).not.toBeNull();
    const memberList = await listThreads(t.app, r[2]!, "g2");
    expect(memberList.threads.find((x) => x.id === threadId)!.title).toBe(HIDDEN_TITLE);
    expect(JSON.stringify(memberList)).not.toContain("quokkamango");
    const modList = await listThreads(t.app, mod, "g2");
    expect(modList.threads.find((x) => x.id === threadId)!.title).toBe(title);
    const page = await getThreadPage(t.app, r[2]!, "g2", threadId);
    expect(page.thread.title).toBe(HIDDEN_TITLE);
    expect(JSON.stringify(page)).not.toContain("opening body");
  });
  it("a mention added by editing a hidden reply notifies nobody (the notice would carry its hidden words)", async () => {
    const { threadId, postId } = await reply("g1", "plain words");
    for (const m of r.slice(0, 3)) await reportPost(t.app, m, "g1", threadId, postId, { reason: "spam", details: "" });
    expect(await hiddenAt(postId)).not.toBeNull();
    await editPost(t.app, author, "g1", threadId, postId, { body: `${mentionSyntax(r[3]!.displayName)} look: hidden quinceotter words` });
    await fanoutsDone(t.app);
    const notices = await t.app.db.select().from(notifications).where(eq(notifications.userId, r[3]!.id));
    expect(JSON.stringify(notices)).not.toContain("quinceotter");
    expect(notices.filter((n) => n.kind === "mention")).toEqual([]);
  });
});
