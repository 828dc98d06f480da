import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, organizations, users } from "#db/schema/index";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { setGroupLevel, setThreadLevel } from "#app/modules/forums/follow.server";
import { createReply } from "#app/modules/forums/posts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { createThread } from "#app/modules/forums/threads.server";
import { leaveGroup } from "#app/modules/groups/groups.server";
import { fanoutJob } from "#app/modules/notifications/fanout.server";
import { threadLoader } from "#app/routes/groups.$slug.forum.$threadId/thread.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Replies, new threads and reactions reach exactly the people who follow and may still read, through the fan-out job. */
describe(`forum notifications on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let fanouts = 0;
  const people: Record<string, Member> = {};
  const names = ["author", "watcher", "groupWatcher", "muter", "leaver", "banned", "bystander", "quiet"] as const;
  const p = (n: (typeof names)[number]) => people[n]!;

  const noticesOf = (who: Member, kind: string) =>
    t.app.db.select().from(notifications).where(and(eq(notifications.userId, who.id), eq(notifications.kind, kind)));
  const withKey = (dedupeKey: string) => t.app.db.select().from(notifications).where(eq(notifications.dedupeKey, dedupeKey));
  const settle = async (n: number) => {
    fanouts += n;
    await t.app.jobs.waitFor("notifications.fanout", fanouts);
  };
  const reply = (who: Member, threadId: string, body: string) => {
    t.app.limiter = new MemoryRateLimiter();
    return createReply(t.app, who, "fn", threadId, { body });
  };

  beforeAll(async () => {
    t = await createTestApp();
    for (const n of names) people[n] = await createMember(t.app, n);
    // In-app only, so these tests are about who hears, not about mail.
    await t.app.db.update(users).set({ notificationSettings: { channels: { reply: "in_app", reaction: "in_app" } } });
    await t.app.db.insert(organizations).values({ id: "org-fn", slug: "org-fn", name: "Org FN" });
    await t.app.db.insert(groups).values({ id: "g-fn", slug: "fn", name: "Follow group", organizationId: "org-fn" });
    await t.app.db.insert(groupMemberships).values(names.map((n) => ({ groupId: "g-fn", userId: p(n).id })));
  });
  afterAll(() => t?.close());

  it("a reply reaches the thread's watchers who still may read it, nobody else, with an excerpt and a link to the post", async () => {
    await setGroupLevel(t.app, p("groupWatcher"), "fn", "watching");
    await setGroupLevel(t.app, p("quiet"), "fn", "muted");
    t.app.limiter = new MemoryRateLimiter();
    const { threadId } = await createThread(t.app, p("author"), "fn", { title: "Does anyone else get this?", body: "Tingling at night." });
    for (const n of ["watcher", "muter", "leaver", "banned", "quiet"] as const) await reply(p(n), threadId, `Me too, says ${n}`);
    await setThreadLevel(t.app, p("muter"), "fn", threadId, "muted");
    const { postId } = await reply(p("author"), threadId, "**Thank you** all, see [this page](https://example.test/x) <b>ok</b>");
    // Between the reply and the job: one leaves, one is banned, and the group turns private.
    await leaveGroup(t.app, p("leaver"), "fn");
    await t.app.db.update(groupMemberships).set({ status: "banned" }).where(and(eq(groupMemberships.groupId, "g-fn"), eq(groupMemberships.userId, p("banned").id)));
    await t.app.db.update(groups).set({ visibility: "private" }).where(eq(groups.id, "g-fn"));

    await t.app.jobs.start(t.app);
    await settle(7); // the new thread, five replies, the author's reply

    const rows = await withKey(`reply:${postId}`);
    expect(rows.map((r) => r.userId)).toEqual([p("watcher").id]);
    const [n] = rows;
    expect(n).toMatchObject({ kind: "reply", groupId: "g-fn", actorId: p("author").id, readAt: null });
    expect(n!.title).toBe(`${p("author").displayName} replied in “Does anyone else get this?”`);
    expect(n!.body).toBe("Thank you all, see this page <b>ok</b>");
    expect(n!.link).toMatch(new RegExp(`^/groups/fn/forum/${threadId}\\?after=[A-Za-z0-9_-]+#post-${postId}$`));
    // The link opens the keyset page that starts at the post, however many replies came since.
    await reply(p("watcher"), threadId, "Later reply");
    const context = { app: t.app, viewer: p("watcher"), cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    const page = (await threadLoader({ request: new Request(`http://localhost${n!.link!.split("#")[0]}`), context, params: { slug: "fn", threadId } } as never)) as Awaited<ReturnType<typeof threadLoader>>;
    expect(page.posts[0]!.id).toBe(postId);
    // The author watched their own thread and heard of each earlier reply; the quiet one's group is muted.
    expect(await noticesOf(p("author"), "reply")).toHaveLength(5);
    for (const n of ["groupWatcher", "muter", "leaver", "banned", "bystander", "quiet"] as const) {
      expect((await noticesOf(p(n), "reply")).filter((r) => r.dedupeKey === `reply:${postId}`)).toEqual([]);
    }
    await t.app.db.update(groups).set({ visibility: "public" }).where(eq(groups.id, "g-fn"));
    await settle(1); // the later reply
  });

  it("a retried job adds nothing", async () => {
    const [someReply] = await t.app.db.select().from(notifications).where(eq(notifications.kind, "reply")).limit(1);
    const key = someReply!.dedupeKey!;
    const postId = key.slice("reply:".length);
    const before = (await withKey(key)).length;
    await fanoutJob.run(t.app, { source: "forums.reply", data: { postId } });
    expect(await withKey(key)).toHaveLength(before);
  });

  it("members watching the group hear of each new thread; a level chosen for a thread beats a muted group", async () => {
    t.app.limiter = new MemoryRateLimiter();
    const { threadId } = await createThread(t.app, p("author"), "fn", { title: "A new question", body: "What helps *you* sleep?" });
    await settle(1);
    const rows = await withKey(`thread:${threadId}`);
    expect(rows.map((r) => r.userId)).toEqual([p("groupWatcher").id]);
    expect(rows[0]).toMatchObject({ kind: "new_thread", title: `${p("author").displayName} started “A new question” in Follow group`, body: "What helps you sleep?", link: `/groups/fn/forum/${threadId}` });

    // The quiet member (group muted) replies: the automatic follow stays silent, a chosen "watching" is heard.
    await reply(p("quiet"), threadId, "Tea.");
    const first = await reply(p("author"), threadId, "Thanks");
    await settle(2);
    expect(await withKey(`reply:${first.postId}`).then((r) => r.map((x) => x.userId))).toEqual([]);
    await setThreadLevel(t.app, p("quiet"), "fn", threadId, "watching");
    const second = await reply(p("author"), threadId, "Anyone else?");
    await settle(1);
    expect(await withKey(`reply:${second.postId}`).then((r) => r.map((x) => x.userId))).toEqual([p("quiet").id]);
  });
});

describe(`forum reaction notices on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let author: Member;
  const reactors: Member[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    author = await createMember(t.app, "Poster");
    for (const n of ["R1", "R2", "R3", "R4"]) reactors.push(await createMember(t.app, n));
    await t.app.db.insert(organizations).values({ id: "org-rx", slug: "org-rx", name: "Org RX" });
    await t.app.db.insert(groups).values({ id: "g-rx", slug: "rx", name: "Reaction group", organizationId: "org-rx" });
    await t.app.db.insert(groupMemberships).values([author, ...reactors].map((m) => ({ groupId: "g-rx", userId: m.id })));
  });
  afterAll(() => t?.close());

  it("batches reactions into one unread notice whose count comes from the reactions table when the job runs", async () => {
    const { threadId, postId } = await createThread(t.app, author, "rx", { title: "Small wins", body: "I walked today." });
    await toggleReaction(t.app, author, "rx", threadId, postId, "hug"); // one's own reaction never notifies
    await toggleReaction(t.app, reactors[0]!, "rx", threadId, postId, "hug");
    await toggleReaction(t.app, reactors[1]!, "rx", threadId, postId, "helpful");
    await toggleReaction(t.app, reactors[1]!, "rx", threadId, postId, "same_here");
    await toggleReaction(t.app, reactors[2]!, "rx", threadId, postId, "hug");
    await toggleReaction(t.app, reactors[2]!, "rx", threadId, postId, "hug"); // taken back
    // Queued while jobs were stopped: the thread's fan-out and one reaction fan-out for the post.
    await t.app.jobs.start(t.app);
    await t.app.jobs.waitFor("notifications.fanout", 2);
    const rows = await t.app.db.select().from(notifications).where(eq(notifications.dedupeKey, `reaction:${postId}`));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ userId: author.id, kind: "reaction", title: "2 people reacted to your post in “Small wins”", readAt: null });
    expect(rows[0]!.link).toContain(`#post-${postId}`);

    // Read it; a new reaction starts a new round on the same row, with the count as it is then.
    await t.app.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.id, rows[0]!.id));
    await toggleReaction(t.app, reactors[3]!, "rx", threadId, postId, "hug");
    await t.app.jobs.waitFor("notifications.fanout", 3);
    const again = await t.app.db.select().from(notifications).where(and(eq(notifications.dedupeKey, `reaction:${postId}`), isNull(notifications.readAt)));
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ id: rows[0]!.id, count: 1, title: "3 people reacted to your post in “Small wins”" });

    // The author mutes the thread: reactions there no longer notify.
    await setThreadLevel(t.app, author, "rx", threadId, "muted");
    await t.app.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.id, rows[0]!.id));
    await toggleReaction(t.app, reactors[2]!, "rx", threadId, postId, "helpful");
    await t.app.jobs.waitFor("notifications.fanout", 4);
    expect(await t.app.db.select().from(notifications).where(and(eq(notifications.dedupeKey, `reaction:${postId}`), isNull(notifications.readAt)))).toEqual([]);
  });
});
