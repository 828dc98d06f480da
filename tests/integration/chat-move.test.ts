import type { ActionFunctionArgs } from "@remix-run/node";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, chatRooms, moderationActions, notifications, posts, threads } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import { deleteMessage, listMessages, sendMessage } from "#app/modules/chat/chat.server";
import { movePreview, moveToForum } from "#app/modules/chat/move.server";
import { action as moveAction } from "#app/routes/groups.$slug.chat.$roomId_.move.$messageId/route";
import type { ChatMessage, RoomJoined } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, expectOk, nextEvent, request } from "#tests/helpers/chat";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Move to forum: a message and its replies become a thread by their own authors; the room keeps them, marked, and a system line. */
describe(`chat move to forum on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, alice: Member, bob: Member, carol: Member, otherMod: Member, otherOwner: Member, outsider: Member;
  let slug: string, roomId: string, otherRoomId: string;
  let privateSlug: string, privateRoomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, alice, bob, carol, otherMod, otherOwner, outsider] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Alice"),
      await createMember(server.app, "Bob"),
      await createMember(server.app, "Carol"),
      await createMember(server.app, "OtherMod"),
      await createMember(server.app, "OtherOwner"),
      await createMember(server.app, "Outsider"),
    ];
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id, carol.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    otherRoomId = (await createChatRoom(server.app, mod, slug, "Other")).id;
    await createChatGroup(server.app, { moderatorId: otherMod.id, orgStaff: [{ userId: otherOwner.id, role: "owner" }] });
    ({ slug: privateSlug } = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id] }));
    privateRoomId = (await createChatRoom(server.app, mod, privateSlug)).id;
    await server.app.jobs.start(server.app);
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [mod, alice, bob, carol]) await server.app.limiter.reset(`chat:send:${m.id}`);
  });

  const send = async (who: Member, body: string, replyToId?: string, room = roomId) =>
    (await sendMessage(server.app, who, { roomId: room, body, clientId: clientId(), ...(replyToId ? { replyToId } : {}) })).message;

  async function post(url: { slug: string; roomId: string; messageId: string }, fields: [string, string][], viewer: Member) {
    const body = new URLSearchParams(fields).toString();
    const req = new Request(`http://localhost/groups/${url.slug}/chat/${url.roomId}/move/${url.messageId}`, { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    const context = { app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    const response = (await moveAction({ request: req, context, params: url } as unknown as ActionFunctionArgs)) as Response;
    const json = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as { error?: Record<string, string[]> }) : null;
    return { status: response.status, location: response.headers.get("Location"), data: json };
  }
  const threadCount = async () => Number((await server.app.db.select({ n: sql<number>`count(*)::int` }).from(threads))[0]!.n);

  it("moves a message and its replies (transitively, not deleted ones) into a thread by their authors, live, audited, authors notified", async () => {
    const root = await send(alice, "How do you all cope with the heat?");
    const r1 = await send(bob, "Cold towels help me.", root.id);
    const unrelated = await send(carol, "Unrelated chatter");
    const r2 = await send(carol, "Same, and a fan.", r1.id);
    const r3 = await send(bob, "Oops, wrong room", root.id);
    await deleteMessage(server.app, mod, { messageId: r3.id, reason: "Posted by mistake" });

    const preview = await movePreview(server.app, mod, slug, { roomId, messageId: root.id });
    expect(preview.messages.map((m) => m.id)).toEqual([root.id, r1.id, r2.id]);
    expect(preview.messages.map((m) => m.body)).not.toContain(unrelated.body);

    const watcher = server.client({ cookie: `hearth_session=${carol.token}` });
    await connected(watcher);
    expectOk(await request<RoomJoined>(watcher, "room:join", { roomId }));
    const [room] = await server.app.db.select({ lastSeq: chatRooms.lastSeq }).from(chatRooms).where(eq(chatRooms.id, roomId));
    const systemLive = nextEvent<ChatMessage>(watcher, "message:new", (m) => m.kind === "system");
    const movedLive = nextEvent<ChatMessage>(watcher, "message:new", (m) => m.id === r2.id && m.movedTo !== null);

    const moved = await moveToForum(server.app, mod, slug, { roomId, messageId: root.id, title: "Coping with the heat", include: [root.id, r1.id, r2.id] });
    expect(moved.moved).toBe(3);
    const line = await systemLive;
    expect(line).toMatchObject({ seq: room!.lastSeq + 1, author: { id: mod.id }, body: "3 messages were moved to the forum: Coping with the heat", system: { type: "moved", title: "Coping with the heat", messageCount: 3, href: moved.href } });
    expect((await movedLive).movedTo).toEqual({ href: moved.href });

    const [thread] = await server.app.db.select().from(threads).where(eq(threads.id, moved.threadId));
    expect(thread).toMatchObject({ authorId: alice.id, title: "Coping with the heat", replyCount: 2 });
    const threadPosts = await server.app.db.select().from(posts).where(eq(posts.threadId, moved.threadId)).orderBy(asc(posts.createdAt), asc(posts.id));
    expect(threadPosts.map((p) => [p.authorId, p.isOpening])).toEqual([
      [alice.id, true],
      [bob.id, false],
      [carol.id, false],
    ]);
    expect(threadPosts[0]!.body).toMatch(/^How do you all cope with the heat\?\n\n---\n\n\*Moved from the chat room \[General\]\(\/groups\/.+\/chat\/.+\) by a moderator\.\*$/);
    expect(threadPosts[2]!.body).toBe("Same, and a fan.");

    // History shows the marks and the line; the unrelated and deleted ones are not marked.
    const history = await listMessages(server.app, roomId);
    const byId = new Map(history.messages.map((m) => [m.id, m]));
    for (const id of [root.id, r1.id, r2.id]) expect(byId.get(id)!.movedTo).toEqual({ href: moved.href });
    for (const id of [unrelated.id, r3.id]) expect(byId.get(id)!.movedTo).toBeNull();
    expect(history.messages.at(-1)!.kind).toBe("system");

    const audit = await server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "chat.move_to_forum"), eq(moderationActions.targetId, root.id)));
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actorId).toBe(mod.id);

    // Every fan-out job queued so far has run (pg-boss keeps finished jobs; the settle event is the signal).
    const [queued] = rowsOf<{ n: number }>(await server.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`));
    await server.app.jobs.waitFor("notifications.fanout", Number(queued!.n));
    const notified = await server.app.db.select({ userId: notifications.userId, link: notifications.link }).from(notifications).where(eq(notifications.kind, "chat_moved"));
    expect(notified.map((n) => n.userId).sort()).toEqual([alice.id, bob.id, carol.id].sort());
    expect(new Set(notified.map((n) => n.link))).toEqual(new Set([moved.href]));

    // Moving again is refused: a moved message moves once.
    await expect(moveToForum(server.app, mod, slug, { roomId, messageId: root.id, title: "Again", include: [root.id] })).rejects.toMatchObject({ code: "conflict" });
    await expect(movePreview(server.app, mod, slug, { roomId, messageId: r1.id })).rejects.toMatchObject({ code: "conflict" });
    watcher.disconnect();
  });

  it("leaves out what the moderator unchecks; a voice note moves as its note plus a link to hear it in chat", async () => {
    const [seqRow] = await server.app.db.update(chatRooms).set({ lastSeq: sql`${chatRooms.lastSeq} + 1` }).where(eq(chatRooms.id, roomId)).returning({ seq: chatRooms.lastSeq });
    const voiceId = newId();
    await server.app.db.insert(chatMessages).values({ id: voiceId, roomId, seq: seqRow!.seq, authorId: bob.id, kind: "voice", body: "My morning routine", clientId: `c${voiceId}`, voice: { key: "k".repeat(20), mime: "audio/webm", bytes: 10, durationMs: 5000 } });
    const left = await send(alice, "Off topic reply", voiceId);
    const kept = await send(carol, "Thanks, very useful", voiceId);
    const moved = await moveToForum(server.app, mod, slug, { roomId, messageId: voiceId, title: "Morning routines", include: [voiceId, kept.id] });
    const threadPosts = await server.app.db.select().from(posts).where(eq(posts.threadId, moved.threadId)).orderBy(asc(posts.createdAt), asc(posts.id));
    expect(threadPosts.map((p) => p.authorId)).toEqual([bob.id, carol.id]);
    expect(threadPosts[0]!.body).toContain(`My morning routine\n\n[(voice note in chat)](/groups/${slug}/chat/${roomId}?at=${seqRow!.seq}#message-${seqRow!.seq})`);
    const history = new Map((await listMessages(server.app, roomId)).messages.map((m) => [m.id, m]));
    expect(history.get(left.id)!.movedTo).toBeNull();
    expect(history.get(kept.id)!.movedTo).toEqual({ href: moved.href });
  });

  it("only the group's moderators: members, another group's moderator and another organization's owner are refused; a private group's outsider gets 404", async () => {
    const root = await send(alice, "A question for the group");
    const before = await threadCount();
    const input = { roomId, messageId: root.id, title: "A question", include: [root.id] };
    await expect(moveToForum(server.app, alice, slug, input)).rejects.toMatchObject({ code: "forbidden", message: "Only the group's moderators can move messages to the forum." });
    for (const who of [alice, otherMod, otherOwner]) {
      await expect(moveToForum(server.app, who, slug, input)).rejects.toMatchObject({ code: "forbidden" });
      await expect(movePreview(server.app, who, slug, input)).rejects.toMatchObject({ code: "forbidden" });
    }
    const secret = await send(alice, "A private matter", undefined, privateRoomId);
    await expect(movePreview(server.app, outsider, privateSlug, { roomId: privateRoomId, messageId: secret.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(moveToForum(server.app, outsider, privateSlug, { roomId: privateRoomId, messageId: secret.id, title: "Leak", include: [secret.id] })).rejects.toMatchObject({ code: "not_found" });
    await expect(moveToForum(server.app, null, slug, input)).rejects.toMatchObject({ code: "unauthenticated" });
    expect(await threadCount()).toBe(before);
    expect((await listMessages(server.app, roomId)).messages.find((m) => m.id === root.id)!.movedTo).toBeNull();
  });

  it("refuses a message from another room, forged ids, and an empty or 500-character title, storing nothing", async () => {
    const root = await send(alice, "Here is a thing");
    const elsewhere = await send(bob, "In the other room", undefined, otherRoomId);
    const before = await threadCount();
    const [{ n: lines }] = (await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages).where(eq(chatMessages.kind, "system"))) as [{ n: number }];

    // The message is in another room than the address says.
    await expect(movePreview(server.app, mod, slug, { roomId, messageId: elsewhere.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(moveToForum(server.app, mod, slug, { roomId, messageId: elsewhere.id, title: "Nope", include: [elsewhere.id] })).rejects.toMatchObject({ code: "not_found" });
    // A message of another room smuggled into the checked list; a made-up id.
    for (const include of [[root.id, elsewhere.id], [root.id, "forged-id-123"]]) {
      await expect(moveToForum(server.app, mod, slug, { roomId, messageId: root.id, title: "Smuggled", include })).rejects.toMatchObject({ code: "invalid" });
    }
    await expect(moveToForum(server.app, mod, slug, { roomId, messageId: "no-such-message", title: "Ghost", include: ["no-such-message"] })).rejects.toMatchObject({ code: "not_found" });

    const url = { slug, roomId, messageId: root.id };
    const empty = await post(url, [["title", ""], ["include", root.id]], mod);
    expect(empty.status).toBe(400);
    expect(empty.data!.error!.title!.join(" ")).toMatch(/title/);
    const long = await post(url, [["title", "x".repeat(500)], ["include", root.id]], mod);
    expect(long.status).toBe(400);
    expect(long.data!.error!.title!.join(" ")).toMatch(/at most 200 characters/);
    const none = await post(url, [["title", "Fine title"]], mod);
    expect(none.status).toBe(400);
    expect(JSON.stringify(none.data!.error)).toMatch(/Choose at least one message/);
    const hostile = await post(url, [["title", "Fine title"], ["include", "'; drop table posts; --"]], mod);
    expect(hostile.status).toBe(400);
    const member = await post(url, [["title", "Fine title"], ["include", root.id]], alice);
    expect(member.status).toBe(403);
    expect(await threadCount()).toBe(before);
    const [{ n: linesAfter }] = (await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages).where(eq(chatMessages.kind, "system"))) as [{ n: number }];
    expect(linesAfter).toBe(lines);

    // The real form, one checkbox: a redirect to the new thread.
    const ok = await post(url, [["title", "  Here is a thing  "], ["include", root.id]], mod);
    expect(ok.status).toBe(302);
    expect(ok.location).toMatch(new RegExp(`^/groups/${slug}/forum/`));
    expect(await threadCount()).toBe(before + 1);
  });
});
