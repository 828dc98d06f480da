import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, posts, threadFollows, users } from "#db/schema/index";
import { mentionSyntax } from "#app/lib/mentions";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { sendMessage } from "#app/modules/chat/chat.server";
import { createReply, editPost } from "#app/modules/forums/posts.server";
import { createThread, getThreadPage } from "#app/modules/forums/threads.server";
import { mentionCandidates } from "#app/modules/groups/mention-candidates.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { createMember, createTestApp, insertGroupWithRoom, type TestApp } from "#tests/helpers/app";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`@mentions on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let author: Member;
  let reader: Member;
  let other: Member;
  let outsider: Member;
  let unlisted: Member;
  let moderator: Member;
  let gone: Member;

  const at = (m: Member) => mentionSyntax(m.displayName);
  /** Every fan-out job queued so far has run (pg-boss keeps finished jobs; the settle event is the signal). */
  const fanoutIdle = async () => {
    const [row] = rowsOf<{ n: number }>(await t.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`));
    await t.app.jobs.waitFor("notifications.fanout", Number(row!.n));
  };
  const mentionsOf = (m: Member) =>
    t.app.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.userId, m.id), eq(notifications.kind, "mention")));

  beforeAll(async () => {
    t = await createTestApp();
    await insertGroupWithRoom(t.app.db, "men", { slug: "men", name: "Mention group" });
    await t.app.db.update(groups).set({ visibility: "private", joinPolicy: "approval" }).where(eq(groups.id, "g-men"));
    author = await createMember(t.app, "Author");
    reader = await createMember(t.app, "Reader");
    other = await createMember(t.app, "Other");
    outsider = await createMember(t.app, "Outsider");
    unlisted = await createMember(t.app, "Unlisted");
    moderator = await createMember(t.app, "Moderator");
    gone = await createMember(t.app, "Gone");
    await t.app.db.update(users).set({ listedInMembers: false }).where(eq(users.id, unlisted.id));
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-men", userId: author.id },
      { groupId: "g-men", userId: reader.id },
      { groupId: "g-men", userId: other.id },
      { groupId: "g-men", userId: unlisted.id },
      { groupId: "g-men", userId: moderator.id, role: "moderator" },
      { groupId: "g-men", userId: gone.id },
    ]);
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    await t.app.jobs.start(t.app);
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    t.app.limiter = new MemoryRateLimiter();
  });

  it("a new thread notifies the mentioned members who may read it: not the author, not outsiders, not unknown names", async () => {
    const body = `Hi ${at(reader)} and ${at(outsider)}, also ${at(author)} and @[Nobody here at all] and ${at(gone)}`;
    const { threadId, postId } = await createThread(t.app, author, "men", { title: "Morning stiffness", body });
    await fanoutIdle();
    const [n, ...more] = await mentionsOf(reader);
    expect(more).toEqual([]);
    expect(n).toMatchObject({
      title: `${author.displayName} mentioned you in “Morning stiffness”`,
      dedupeKey: `mention:post:${postId}`,
      groupId: "g-men",
      actorId: author.id,
    });
    expect(n!.link).toMatch(new RegExp(`^/groups/men/forum/${threadId}\\?after=.+#post-${postId}$`));
    expect(n!.body).toContain("Hi @");
    // Outside a private group, the author themself, a deleted account: nothing.
    expect(await mentionsOf(outsider)).toEqual([]);
    expect(await mentionsOf(author)).toEqual([]);
    expect(await mentionsOf(gone)).toEqual([]);
  });

  it("editing a post to add a mention notifies only the newly mentioned", async () => {
    const { threadId } = await createThread(t.app, author, "men", { title: "Edits", body: "Opening" });
    const { postId } = await createReply(t.app, author, "men", threadId, { body: `Thanks ${at(reader)}` });
    await fanoutIdle();
    const key = `mention:post:${postId}`;
    const count = async (m: Member) => (await mentionsOf(m)).filter((r) => r.dedupeKey === key).length;
    expect(await count(reader)).toBe(1);
    expect(await count(other)).toBe(0);
    await editPost(t.app, author, "men", threadId, postId, { body: `Thanks ${at(reader)} and ${at(other)}` });
    await fanoutIdle();
    expect(await count(reader)).toBe(1);
    expect(await count(other)).toBe(1);
  });

  it("a follower the reply mentions hears of it once, as a mention, while the other followers get the reply", async () => {
    // Reader starts the thread (and so watches it); other replies (and so watches it too).
    const { threadId } = await createThread(t.app, reader, "men", { title: "Botox timing", body: "How long between injections?" });
    await createReply(t.app, other, "men", threadId, { body: "Three months for me." });
    await fanoutIdle();
    const { postId } = await createReply(t.app, author, "men", threadId, { body: `${at(reader)} twelve weeks here too.` });
    await fanoutIdle();
    const about = (m: Member) =>
      t.app.db
        .select({ kind: notifications.kind })
        .from(notifications)
        .where(and(eq(notifications.userId, m.id), sql`${notifications.dedupeKey} in (${`reply:${postId}`}, ${`mention:post:${postId}`})`));
    expect(await about(reader)).toEqual([{ kind: "mention" }]);
    expect(await about(other)).toEqual([{ kind: "reply" }]);
  });

  it("muted means nothing: a thread muted, or the group muted (forum and chat)", async () => {
    const { threadId } = await createThread(t.app, author, "men", { title: "Muted", body: "Opening" });
    await t.app.db.insert(threadFollows).values({ userId: other.id, threadId, level: "muted", reason: "chosen" });
    await t.app.db.update(groupMemberships).set({ notificationLevel: "muted" }).where(and(eq(groupMemberships.groupId, "g-men"), eq(groupMemberships.userId, moderator.id)));
    try {
      const { postId } = await createReply(t.app, author, "men", threadId, { body: `${at(other)} ${at(moderator)} ${at(reader)}` });
      const sent = await sendMessage(t.app, author, { roomId: "room-men", body: `${at(moderator)} ${at(reader)}`, clientId: "muted-chat" });
      await fanoutIdle();
      const keys = async (m: Member) => (await mentionsOf(m)).map((r) => r.dedupeKey);
      expect(await keys(other)).not.toContain(`mention:post:${postId}`);
      expect(await keys(moderator)).not.toContain(`mention:post:${postId}`);
      expect(await keys(moderator)).not.toContain(`mention:chat:${sent.message.id}`);
      // The control: the same post and message reach someone who muted nothing.
      expect(await keys(reader)).toEqual(expect.arrayContaining([`mention:post:${postId}`, `mention:chat:${sent.message.id}`]));
    } finally {
      await t.app.db.update(groupMemberships).set({ notificationLevel: "normal" }).where(eq(groupMemberships.userId, moderator.id));
    }
  });

  it("a chat mention names the room and links to the message's permalink; outsiders of the room hear nothing", async () => {
    const sent = await sendMessage(t.app, author, { roomId: "room-men", body: `${at(other)} look, and ${at(outsider)}`, clientId: "chat-1" });
    // A later message: the link names the mentioning message's place, not the room's newest.
    await sendMessage(t.app, author, { roomId: "room-men", body: "and one more thing", clientId: "chat-1-after" });
    await fanoutIdle();
    const rows = (await mentionsOf(other)).filter((r) => r.dedupeKey === `mention:chat:${sent.message.id}`);
    expect(rows).toHaveLength(1);
    // The room opens at that message (?at= loads the history around it; the fragment focuses it).
    const seq = sent.message.seq;
    expect(rows[0]).toMatchObject({ title: `${author.displayName} mentioned you in the chat room General`, link: `/groups/men/chat/room-men?at=${seq}#message-${seq}` });
    expect(await mentionsOf(outsider)).toEqual([]);
  });

  it("someone who lost access between the post and the job is not notified", async () => {
    const { threadId } = await createThread(t.app, author, "men", { title: "Leaving", body: "Opening" });
    await fanoutIdle();
    const postId = `p-leave-${Date.now()}`;
    await t.app.db.insert(posts).values({ id: postId, threadId, authorId: author.id, body: `See ${at(other)} and ${at(reader)}` });
    // The post committed and its job was queued; then Other left the private group before it ran.
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-men"), eq(groupMemberships.userId, other.id)));
    try {
      await queueNotification(t.app, "mentions", { kind: "post", postId });
      await fanoutIdle();
      const keys = async (m: Member) => (await mentionsOf(m)).map((r) => r.dedupeKey);
      expect(await keys(other)).not.toContain(`mention:post:${postId}`);
      expect(await keys(reader)).toContain(`mention:post:${postId}`);
    } finally {
      await t.app.db.insert(groupMemberships).values({ groupId: "g-men", userId: other.id });
    }
  });

  it("hostile text: 10,000 @ signs, markup and look-alike names notify nobody; more than 20 names notify 20", async () => {
    const many = await Promise.all(Array.from({ length: 22 }, (_, i) => createMember(t.app, `Many${i}`)));
    await t.app.db.insert(groupMemberships).values(many.map((m) => ({ groupId: "g-men", userId: m.id })));
    const { threadId } = await createThread(t.app, author, "men", { title: "Hostile", body: "Opening" });
    // A Cyrillic "е" in the name: a look-alike, not the member.
    const lookAlike = `@[${reader.displayName.replace("e", "\u0435")}]`;
    const hostile = `${"@".repeat(10_000)} <b>@[${reader.displayName}</b>] ${lookAlike} @[${reader.displayName}\u200B]`;
    const { postId: quiet } = await createReply(t.app, author, "men", threadId, { body: hostile });
    const { postId: loud } = await createReply(t.app, author, "men", threadId, { body: many.map(at).join(" ") });
    await fanoutIdle();
    const withKey = (key: string) => t.app.db.select({ userId: notifications.userId }).from(notifications).where(eq(notifications.dedupeKey, key));
    expect(await withKey(`mention:post:${quiet}`)).toEqual([]);
    expect(await withKey(`mention:post:${loud}`)).toHaveLength(20);
  });

  it("renders a mention as a profile link only where profile.view lets the viewer open it", async () => {
    await t.app.db.update(users).set({ profileVisibility: "nobody" }).where(eq(users.id, unlisted.id));
    const body = `${at(reader)}, ${at(unlisted)}, ${at(outsider)} and @[Nobody here at all]`;
    const { threadId } = await createThread(t.app, author, "men", { title: "Links", body });
    await fanoutIdle();
    const html = (await getThreadPage(t.app, other, "men", threadId)).posts[0]!.html!;
    expect(html).toContain(`<a class="mention" href="/members/${reader.id}">@${reader.displayName}</a>`);
    // A hidden profile, someone outside the group, an unknown name: styled text, no link.
    expect(html).toContain(`<span class="mention">@${unlisted.displayName}</span>`);
    expect(html).toContain(`<span class="mention">@${outsider.displayName}</span>`);
    expect(html).toContain('<span class="mention">@Nobody here at all</span>');
    expect(html.match(/<a /g)).toHaveLength(1);
  });

  describe("the autocomplete's member search", () => {
    it("lists up to 8 active members by name or a word of it, never the viewer, deleted accounts or outsiders", async () => {
      const names = (rows: { displayName: string }[]) => rows.map((r) => r.displayName);
      expect(names(await mentionCandidates(t.app, author, "men", "read"))).toEqual([reader.displayName]);
      // A word inside the name ("Reader abc" → "abc"), case-insensitively.
      expect(names(await mentionCandidates(t.app, author, "men", reader.displayName.split(" ")[1]!.toUpperCase()))).toEqual([reader.displayName]);
      expect(await mentionCandidates(t.app, author, "men", "author")).toEqual([]);
      expect(await mentionCandidates(t.app, author, "men", "gone")).toEqual([]);
      expect(await mentionCandidates(t.app, author, "men", "outsider")).toEqual([]);
      expect(await mentionCandidates(t.app, author, "men", "many")).toHaveLength(8);
      // LIKE's wildcards match themselves.
      expect(await mentionCandidates(t.app, author, "men", "%")).toEqual([]);
      expect(await mentionCandidates(t.app, author, "men", "_")).toEqual([]);
    });

    it("shows members who chose not to be listed only to the group's moderators", async () => {
      expect(await mentionCandidates(t.app, author, "men", "unlisted")).toEqual([]);
      expect((await mentionCandidates(t.app, moderator, "men", "unlisted")).map((r) => r.id)).toEqual([unlisted.id]);
    });

    it("answers 404 for a group the viewer can't read", async () => {
      expect(await outcome(mentionCandidates(t.app, outsider, "men", "read"))).toBe("not_found");
      expect(await outcome(mentionCandidates(t.app, null, "men", "read"))).toBe("not_found");
      expect(await outcome(mentionCandidates(t.app, author, "no-such-group", "read"))).toBe("not_found");
    });
  });
});
