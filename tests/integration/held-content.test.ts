import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "#app/lib/db-rows.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { mentionSyntax } from "#app/lib/mentions";
import { listRooms, openRoom } from "#app/modules/chat/chat.server";
import { submitReply } from "#app/modules/forums/posts.server";
import { draftKeys, saveDraft } from "#app/modules/forums/drafts.server";
import { searchForums } from "#app/modules/forums/search.server";
import { getThreadPage, listThreads, submitThread } from "#app/modules/forums/threads.server";
import { getHome } from "#app/modules/home/home.server";
import { ownPending } from "#app/modules/safety/held.server";
import { publishHeld, withdrawHeld } from "#app/modules/safety/publish-held.server";
import type { ChatMessage, HeldSent, RoomJoined } from "#app/realtime/events";
import { chatMessages, drafts, groupMemberships, heldContent, notifications, organizations, threads } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`held content is invisible until published, on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, regular: Member, newbie: Member;
  let slug: string, groupId: string, roomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const app = server.app;
    [mod, regular, newbie] = await Promise.all(["Mod", "Regular", "Newbie"].map((n) => createMember(app, n)));
    ({ slug, groupId } = await createChatGroup(app, { moderatorId: mod.id, memberIds: [regular.id, newbie.id] }));
    roomId = (await createChatRoom(app, mod, slug)).id;
    // The regular member has written before (published); then the organization turns on review of the first post.
    await submitThread(app, regular, slug, { title: "Established", body: "Hello everyone" });
    await app.db.update(organizations).set({ newMemberHolds: 1 }).where(eq(organizations.slug, `o-${slug}`));
    await app.jobs.start(app);
  });
  afterAll(() => server.stop());
  beforeEach(() => {
    server.app.limiter = new MemoryRateLimiter();
  });

  async function joined(m: Member) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
    return s;
  }
  const heldRows = (authorId: string) => server.app.db.select().from(heldContent).where(eq(heldContent.authorId, authorId));
  const fanoutIdle = async () => {
    const [row] = rowsOf<{ n: number }>(await server.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`));
    await server.app.jobs.waitFor("notifications.fanout", Number(row!.n));
  };
  const mentionsOf = (m: Member) => server.app.db.select().from(notifications).where(and(eq(notifications.userId, m.id), eq(notifications.kind, "mention")));

  it("a held thread and reply are in no thread list, thread page, search or home, and mention nobody until published", async () => {
    const app = server.app;
    const title = `Heldtitle ${Date.now()}`;
    const body = `Zebracrossing question for ${mentionSyntax(regular.displayName)}`;
    const t = await submitThread(app, newbie, slug, { title, body });
    expect(t.held).toBe(true);
    const [{ id: openThread }] = await app.db.select({ id: threads.id }).from(threads).where(eq(threads.groupId, groupId));
    const reply = await submitReply(app, newbie, slug, openThread!, { body: "Zebracrossing reply that waits" });
    expect(reply.held).toBe(true);

    for (const viewer of [regular, mod, newbie, null]) {
      expect((await listThreads(app, viewer, slug)).threads.map((x) => x.title)).not.toContain(title);
      const page = await getThreadPage(app, viewer, slug, openThread!);
      expect(page.posts.map((p) => p.html ?? "").join(" ")).not.toContain("Zebracrossing");
      expect(page.thread.replyCount).toBe(0);
      expect(JSON.stringify((await searchForums(app, viewer, { q: "Zebracrossing" })).results)).not.toContain("Zebracrossing");
    }
    expect(JSON.stringify(await getHome(app, regular))).not.toContain("Zebracrossing");
    await fanoutIdle();
    expect(await mentionsOf(regular)).toHaveLength(0);

    // Only the author sees their own pending items, where they wrote them.
    expect((await ownPending(app.db, newbie.id, { groupId, kind: "thread" })).map((h) => h.label)).toEqual([title]);
    expect((await ownPending(app.db, newbie.id, { threadId: openThread! })).map((h) => h.label)).toEqual(["Zebracrossing reply that waits"]);
    expect(await ownPending(app.db, regular.id, { groupId, kind: "thread" })).toHaveLength(0);

    // Approved: the ordinary write path, as the author (list, page, mention).
    const [heldThread] = (await heldRows(newbie.id)).filter((h) => h.kind === "thread");
    const published = await publishHeld(app, heldThread!, mod);
    expect(published.link).toBe(`/groups/${slug}/forum/${published.id}`);
    const [row] = await app.db.select().from(threads).where(eq(threads.id, published.id));
    expect(row).toMatchObject({ title, authorId: newbie.id });
    expect((await listThreads(app, regular, slug)).threads.map((x) => x.title)).toContain(title);
    await fanoutIdle();
    expect(await mentionsOf(regular)).toHaveLength(1);

    // The reply's author withdraws it: others can't (404), the author can, once.
    const [heldReply] = (await heldRows(newbie.id)).filter((h) => h.kind === "post");
    expect((await failure(withdrawHeld(app, regular, heldReply!.id))).code).toBe("not_found");
    expect((await failure(withdrawHeld(app, mod, heldReply!.id))).code).toBe("not_found");
    await withdrawHeld(app, newbie, heldReply!.id);
    expect((await failure(withdrawHeld(app, newbie, heldReply!.id))).code).toBe("not_found");
    expect(await ownPending(app.db, newbie.id, { threadId: openThread! })).toHaveLength(0);
  });

  it("a held chat message acks held to its sender only, reaches no other socket, history or unread count; a resend is the same held item", async () => {
    const app = server.app;
    const other = await createMember(app, "Another newbie");
    await app.db.insert(groupMemberships).values({ groupId, userId: other.id, status: "active" });
    const a = await joined(other);
    const r = await joined(regular);
    const heard = collect<ChatMessage>(r, "message:new");
    const unreadBefore = (await listRooms(app, regular, slug)).rooms.find((x) => x.id === roomId)!.unread;

    const cid = clientId();
    const ack = expectOk(await request<HeldSent>(a, "message:send", { roomId, body: "Okapi hello, first message", clientId: cid }));
    expect(ack).toMatchObject({ held: true, clientId: cid, duplicate: false });
    const again = expectOk(await request<HeldSent>(a, "message:send", { roomId, body: "Okapi hello, first message", clientId: cid }));
    expect(again).toMatchObject({ held: true, clientId: cid, duplicate: true, heldId: ack.heldId });
    expect((await heldRows(other.id)).filter((h) => h.kind === "chat_message")).toHaveLength(1);

    await sentinel({ from: r, roomId, control: r, quiet: [r] });
    expect(heard.filter((m) => m.body.includes("Okapi"))).toHaveLength(0);
    expect((await openRoom(app, regular, { roomId })).messages.map((m) => m.body).join(" ")).not.toContain("Okapi");
    // The sentinel was the regular member's own message: their unread count is what it was.
    expect((await listRooms(app, regular, slug)).rooms.find((x) => x.id === roomId)!.unread).toBe(unreadBefore);
    expect(await app.db.select().from(chatMessages).where(eq(chatMessages.clientId, cid))).toHaveLength(0);
    expect((await ownPending(app.db, other.id, { roomId })).map((h) => h.clientId)).toEqual([cid]);

    // Approved: stored with its clientId, broadcast to the room; a late resend answers the message itself.
    const live = collect<ChatMessage>(r, "message:new");
    const [held] = (await heldRows(other.id)).filter((h) => h.kind === "chat_message");
    const published = await publishHeld(app, held!, mod);
    await sentinel({ from: r, roomId, control: r, quiet: [r] });
    expect(live.map((m) => m.id)).toContain(published.id);
    const resent = expectOk(await request<{ message: { id: string }; duplicate: boolean }>(a, "message:send", { roomId, body: "Okapi hello, first message", clientId: cid }));
    expect(resent).toMatchObject({ duplicate: true, message: { id: published.id } });
  });

  it("publishing for an author who has lost access is a clear Conflict, and nothing is written", async () => {
    const app = server.app;
    const leaver = await createMember(app, "Leaver");
    await app.db.insert(groupMemberships).values({ groupId, userId: leaver.id, status: "active" });
    const t = await submitThread(app, leaver, slug, { title: `Leaving ${Date.now()}`, body: "A first post" });
    expect(t.held).toBe(true);
    await app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, leaver.id)));
    const [held] = await heldRows(leaver.id);
    const refused = await failure(publishHeld(app, held!, mod));
    expect(refused.code).toBe("conflict");
    expect(refused.message).toContain("can no longer post in this group");
    expect(await app.db.select().from(threads).where(eq(threads.authorId, leaver.id))).toHaveLength(0);
  });

  it("a hold pushes the group's moderators their new held count live (thread, reply and chat message)", async () => {
    const app = server.app;
    const fresh = await createMember(app, "Counted newbie");
    await app.db.insert(groupMemberships).values({ groupId, userId: fresh.id, status: "active" });
    const moderator = server.client({ cookie: `hearth_session=${mod.token}` });
    await connected(moderator);
    const pendingCount = async () => (await app.db.select().from(heldContent).where(and(eq(heldContent.groupId, groupId), eq(heldContent.status, "pending")))).length;
    const heldNow = (n: number) => nextEvent<{ held: number }>(moderator, "queue", (e) => e.held === n);

    let pushed = heldNow((await pendingCount()) + 1);
    const t = await submitThread(app, fresh, slug, { title: `Counted ${Date.now()}`, body: "A first thread that waits" });
    expect(t.held).toBe(true);
    expect((await pushed).held).toBe(await pendingCount());

    const [{ id: openThread }] = await app.db.select({ id: threads.id }).from(threads).where(eq(threads.groupId, groupId)).limit(1);
    pushed = heldNow((await pendingCount()) + 1);
    expect((await submitReply(app, fresh, slug, openThread!, { body: "A reply that waits" })).held).toBe(true);
    expect((await pushed).held).toBe(await pendingCount());

    const a = await joined(fresh);
    pushed = heldNow((await pendingCount()) + 1);
    expectOk(await request<HeldSent>(a, "message:send", { roomId, body: "A chat message that waits", clientId: clientId() }));
    expect((await pushed).held).toBe(await pendingCount());
  });

  it("a moderator's socket hears the current held count when it (re)connects", async () => {
    const app = server.app;
    const [{ n }] = rowsOf<{ n: number }>(await app.db.execute(sql`select count(*)::int as n from held_content where status = 'pending' and group_id = ${groupId}`));
    expect(n).toBeGreaterThan(0);
    // Listening from the start: the first queue event is the one sent on connection.
    const moderator = server.client({ cookie: `hearth_session=${mod.token}` });
    const first = nextEvent<{ held: number }>(moderator, "queue");
    expect((await first).held).toBe(Number(n));
  });

  it("a held thread or reply deletes the author's server draft (the text is kept in the held row)", async () => {
    const app = server.app;
    const writer = await createMember(app, "Drafting newbie");
    await app.db.insert(groupMemberships).values({ groupId, userId: writer.id, status: "active" });
    const [{ id: openThread }] = await app.db.select({ id: threads.id }).from(threads).where(eq(threads.groupId, groupId)).limit(1);
    await saveDraft(app, writer, { key: draftKeys.thread(groupId), title: "Draft title", body: "Draft body", revision: 0 });
    await saveDraft(app, writer, { key: draftKeys.reply(openThread!), title: "", body: "Draft reply", revision: 0 });
    expect(await app.db.select().from(drafts).where(eq(drafts.userId, writer.id))).toHaveLength(2);

    expect((await submitThread(app, writer, slug, { title: "Draft title", body: "Draft body" })).held).toBe(true);
    expect((await app.db.select().from(drafts).where(eq(drafts.userId, writer.id))).map((d) => d.key)).toEqual([draftKeys.reply(openThread!)]);
    expect((await submitReply(app, writer, slug, openThread!, { body: "Draft reply" })).held).toBe(true);
    expect(await app.db.select().from(drafts).where(eq(drafts.userId, writer.id))).toHaveLength(0);
    expect((await heldRows(writer.id)).map((h) => h.body).sort()).toEqual(["Draft body", "Draft reply"]);
  });

  it("an approved held members-only thread stays members-only", async () => {
    const app = server.app;
    const author = await createMember(app, "Private newbie");
    await app.db.insert(groupMemberships).values({ groupId, userId: author.id, status: "active" });
    const t = await submitThread(app, author, slug, { title: `Members only ${Date.now()}`, body: "Only for members", membersOnly: true });
    expect(t.held).toBe(true);
    const open = await submitThread(app, author, slug, { title: `Open ${Date.now()}`, body: "For everyone" });
    expect(open.held).toBe(true);
    const rows = await heldRows(author.id);
    const privateOne = await publishHeld(app, rows.find((h) => h.body === "Only for members")!, mod);
    const openOne = await publishHeld(app, rows.find((h) => h.body === "For everyone")!, mod);
    const [p] = await app.db.select({ membersOnly: threads.membersOnly }).from(threads).where(eq(threads.id, privateOne.id));
    const [o] = await app.db.select({ membersOnly: threads.membersOnly }).from(threads).where(eq(threads.id, openOne.id));
    expect(p?.membersOnly).toBe(true);
    expect(o?.membersOnly).toBe(false);
  });
});
