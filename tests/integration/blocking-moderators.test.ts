import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, organizations, userBlocks } from "#db/schema/index";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { setBlock } from "#app/modules/accounts/blocks.server";
import { createReply, reportPost } from "#app/modules/forums/posts.server";
import { createThread, getThreadPage } from "#app/modules/forums/threads.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * "Moderators cannot be blocked from moderating" (issue 15): a member who blocks the group's
 * moderator is still moderated (their post is in the moderator's queue and thread, in full; the
 * moderator removes it; the removal notice reaches them), and a moderator who blocks a member still
 * reviews that member's posts: the blocked-content collapse never applies in the queue or for them.
 */
describe(`blocking and moderators on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, member: Member, reporter: Member;
  let threadId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "bmorg", slug: "bmorg", name: "Org" });
    await t.app.db.insert(groups).values({ id: "bmg", slug: "bmg", name: "Group", organizationId: "bmorg" });
    [mod, member, reporter] = await Promise.all(["Mod", "Member", "Reporter"].map((n) => createMember(t.app, n)));
    await t.app.db.insert(groupMemberships).values([
      { groupId: "bmg", userId: mod.id, role: "moderator", status: "active" },
      { groupId: "bmg", userId: member.id, status: "active" },
      { groupId: "bmg", userId: reporter.id, status: "active" },
    ]);
    ({ threadId } = await createThread(t.app, mod, "bmg", { title: "Weekly check-in", body: "How is everyone?" }));
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    t.app.limiter = new MemoryRateLimiter();
    await t.app.db.delete(userBlocks);
  });

  const queueItem = async (postId: string) => (await listQueue(t.app, mod)).queue.find((i) => i.targetId === postId);

  it("a member who blocks the moderator is still moderated: queue, thread, removal and its notice", async () => {
    await setBlock(t.app, member, { intent: "block", userId: mod.id });
    const { postId } = await createReply(t.app, member, "bmg", threadId, { body: "You should all stop your injections, lynxcobalt" });
    await reportPost(t.app, reporter, "bmg", threadId, postId, { reason: "medical_misinformation", details: "" });

    const item = await queueItem(postId);
    expect(item).toBeDefined();
    expect(JSON.stringify(item!.content)).toContain("lynxcobalt");
    const asMod = (await getThreadPage(t.app, mod, "bmg", threadId)).posts.find((p) => p.id === postId)!;
    expect(asMod.html).toContain("lynxcobalt");
    expect(asMod.blocked).toBe(false);

    await actOnReport(t.app, mod, { intent: "remove", targetType: "post", targetId: postId, groupId: "bmg", reason: "Dangerous advice" });
    const asMember = (await getThreadPage(t.app, member, "bmg", threadId)).posts.find((p) => p.id === postId)!;
    expect(asMember.state).toBe("removed");
    expect(asMember.removalReason).toBe("Dangerous advice");
    const notices = await t.app.db.select().from(notifications).where(and(eq(notifications.userId, member.id), eq(notifications.kind, "moderation")));
    expect(notices).toHaveLength(1);
    expect(JSON.stringify(notices[0])).toContain("Dangerous advice");
  });

  it("a moderator who blocks a member still sees that member's post in full, in the queue and on the thread page", async () => {
    await setBlock(t.app, mod, { intent: "block", userId: member.id });
    const { postId } = await createReply(t.app, member, "bmg", threadId, { body: "Miracle drops, message me, tapirquartz" });
    await reportPost(t.app, reporter, "bmg", threadId, postId, { reason: "spam", details: "" });

    const item = await queueItem(postId);
    expect(item).toBeDefined();
    expect(JSON.stringify(item!.content)).toContain("tapirquartz");
    expect(JSON.stringify(item)).not.toMatch(/"blocked":true/);
    const asMod = (await getThreadPage(t.app, mod, "bmg", threadId)).posts.find((p) => p.id === postId)!;
    expect(asMod.blocked).toBe(false);
    expect(asMod.html).toContain("tapirquartz");
    // The collapse itself works for members: the reporter blocks the member and gets it collapsed.
    await setBlock(t.app, reporter, { intent: "block", userId: member.id });
    const asReporter = (await getThreadPage(t.app, reporter, "bmg", threadId)).posts.find((p) => p.id === postId)!;
    expect(asReporter.blocked).toBe(true);
    // And the moderator can still act on it.
    await actOnReport(t.app, mod, { intent: "dismiss", targetType: "post", targetId: postId, groupId: "bmg", reason: "" });
    expect(await queueItem(postId)).toBeUndefined();
  });
});
