import { and, eq, sql } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, chatMessageVersions, chatRooms, groupMemberships, notifications } from "#db/schema/index";
import { mentionSyntax } from "#app/lib/mentions";
import type { ChatMessage, ChatMessageEdited, ChatRoomState, HistoryPage, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";
import { joinedSocket, startTwoNodes, twoNodesUnavailable, untilDelivered, type HearthNode, type TwoNodes } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;
type Edited = ChatMessageEdited & { changed: boolean; crisisPrompt?: true };
type Versions = { messageId: string; versions: { body: string; replacedAt: string }[] };

describe(`your own messages, replies and pages around a message on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, alice: Member, bob: Member, outsider: Member;
  let slug: string, roomId: string, otherRoomId: string, privateRoomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    await server.app.jobs.start(server.app);
    [mod, alice, bob, outsider] = [await createMember(server.app, "Mod"), await createMember(server.app, "Alice"), await createMember(server.app, "Bob"), await createMember(server.app, "Outsider")];
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    otherRoomId = (await createChatRoom(server.app, mod, slug, "Second")).id;
    const priv = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id, bob.id] });
    privateRoomId = (await createChatRoom(server.app, mod, priv.slug)).id;
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [mod, alice, bob, outsider]) {
      await server.app.limiter.reset(`chat:send:${m.id}`);
      await server.app.limiter.reset(`chat:edit:${m.id}`);
    }
  });

  async function joined(m: Member, room = roomId) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    expectOk(await request<RoomJoined>(s, "room:join", { roomId: room }));
    return s;
  }
  async function send(s: Socket, body: string, extra: Record<string, unknown> = {}, room = roomId) {
    return expectOk(await request<Sent>(s, "message:send", { roomId: room, body, clientId: clientId(), ...extra })).message;
  }
  const stored = async (id: string) => (await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, id)))[0]!;
  const versionsOf = (id: string) => server.app.db.select().from(chatMessageVersions).where(eq(chatMessageVersions.messageId, id));
  const countIn = async (room: string) => (await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages).where(eq(chatMessages.roomId, room)))[0]!.n;

  describe("editing your own message", () => {
    it("stores the earlier body as a version, sets edited_at, tells the room live and acks with the edit", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const m = await send(a, "I will be there at 5");
      const seen = nextEvent<ChatMessageEdited>(b, "message:edited", (e) => e.messageId === m.id);
      const ack = expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: "  I will be there at 6  " }));
      expect(ack).toMatchObject({ roomId, messageId: m.id, seq: m.seq, body: "I will be there at 6", changed: true });
      const { changed: _changed, ...wire } = ack;
      expect(await seen).toEqual(wire);
      const row = await stored(m.id);
      expect(row.body).toBe("I will be there at 6");
      expect(row.editedAt?.toISOString()).toBe(ack.editedAt);
      expect((await versionsOf(m.id)).map((v) => v.body)).toEqual(["I will be there at 5"]);
      // The history says so too.
      const page = expectOk(await request<HistoryPage>(b, "room:history", { roomId, after: m.seq - 1 }));
      expect(page.messages.find((x) => x.id === m.id)).toMatchObject({ body: "I will be there at 6", editedAt: ack.editedAt });
    });

    it("the same body again changes nothing: no version, no broadcast, an ok ack", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const m = await send(a, "unchanged words");
      const heard = collect<ChatMessageEdited>(b, "message:edited");
      const ack = expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: "unchanged words " }));
      expect(ack.changed).toBe(false);
      await sentinel({ from: a, roomId, control: b, quiet: [b] });
      expect(heard).toEqual([]);
      expect(await versionsOf(m.id)).toEqual([]);
      expect((await stored(m.id)).editedAt).toBeNull();
    });

    it("keeps every earlier version, oldest first, for the moderators only", async () => {
      const a = await joined(alice);
      const m = await send(a, "first");
      expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: "second" }));
      expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: "third" }));
      const modSocket = await joined(mod);
      const v = expectOk(await request<Versions>(modSocket, "message:versions", { messageId: m.id }));
      expect(v.versions.map((x) => x.body)).toEqual(["first", "second"]);
      for (const who of [alice, bob]) {
        const s = await joined(who);
        expect(expectError(await request(s, "message:versions", { messageId: m.id }))).toMatchObject({ code: "forbidden", message: "Only the group's moderators can see earlier versions of a message." });
      }
      const out = server.client({ cookie: `hearth_session=${outsider.token}` });
      await connected(out);
      expect(expectError(await request(out, "message:versions", { messageId: m.id })).code).toBe("forbidden");
      expect(expectError(await request(modSocket, "message:versions", { messageId: "nope" })).code).toBe("not_found");
    });

    it("refuses someone else's message, an unknown id, and a moderator editing a member's words; nothing is stored", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const modSocket = await joined(mod);
      const m = await send(a, "mine alone");
      expect(expectError(await request(b, "message:edit", { messageId: m.id, body: "hijacked" }))).toMatchObject({ code: "forbidden", message: "You can only edit your own messages, while you can send in this room." });
      expect(expectError(await request(modSocket, "message:edit", { messageId: m.id, body: "moderated" })).code).toBe("forbidden");
      expect(expectError(await request(a, "message:edit", { messageId: "no-such-message", body: "x" })).code).toBe("not_found");
      expect((await stored(m.id)).body).toBe("mine alone");
      expect(await versionsOf(m.id)).toEqual([]);
    });

    it.each([
      ["no payload", []],
      ["a missing body", [{ messageId: "MID" }]],
      ["an empty body", [{ messageId: "MID", body: "   " }]],
      ["an oversize body", [{ messageId: "MID", body: "x".repeat(4001) }]],
      ["extra keys", [{ messageId: "MID", body: "ok", editedAt: "2020-01-01" }]],
      ["a number for a body", [{ messageId: "MID", body: 42 }]],
      ["an object for an id", [{ messageId: { $ne: null }, body: "ok" }]],
      ["two payloads", [{ messageId: "MID", body: "a" }, { messageId: "MID", body: "b" }]],
    ])("answers %s with an error ack and stores nothing", async (_what, args) => {
      const a = await joined(alice);
      const b = await joined(bob);
      const m = await send(a, "before the bad edit");
      const heard = collect(b, "message:edited");
      const payload = JSON.parse(JSON.stringify(args).replaceAll("MID", m.id)) as unknown[];
      expect(expectError(await request(a, "message:edit", ...payload)).code).toBe("invalid");
      await sentinel({ from: a, roomId, control: b, quiet: [b] });
      expect(heard).toEqual([]);
      expect((await stored(m.id)).body).toBe("before the bad edit");
      expect(await versionsOf(m.id)).toEqual([]);
    });

    it("a muted member can't edit, but can still delete their own message", async () => {
      const a = await joined(alice);
      const m = await send(a, "said before the mute");
      const modSocket = await joined(mod);
      expectOk(await request(modSocket, "user:mute", { roomId, userId: alice.id, minutes: 60, reason: "Please cool off" }));
      try {
        expect(expectError(await request(a, "message:edit", { messageId: m.id, body: "edited while muted" })).message).toMatch(/muted/);
        expect((await stored(m.id)).body).toBe("said before the mute");
        expectOk(await request(a, "message:delete-own", { messageId: m.id }));
        expect((await stored(m.id)).deletedBy).toBe(alice.id);
      } finally {
        expectOk(await request(modSocket, "user:mute", { roomId, userId: alice.id, minutes: 0, reason: "Lifted again" }));
      }
    });

    it("someone who lost access to a private room is told it doesn't exist, and nothing changes", async () => {
      const b = await joined(bob, privateRoomId);
      const m = await send(b, "private words", {}, privateRoomId);
      const [priv] = await server.app.db.select({ groupId: chatRooms.groupId }).from(chatRooms).where(eq(chatRooms.id, privateRoomId));
      await server.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, priv!.groupId!), eq(groupMemberships.userId, bob.id)));
      try {
        expect(expectError(await request(b, "message:edit", { messageId: m.id, body: "after leaving" })).code).toBe("not_found");
        expect(expectError(await request(b, "message:delete-own", { messageId: m.id })).code).toBe("not_found");
        expect(await stored(m.id)).toMatchObject({ body: "private words", deletedAt: null });
      } finally {
        await server.app.db.insert(groupMemberships).values({ groupId: priv!.groupId!, userId: bob.id, role: "member", status: "active" });
      }
    });

    it("a crisis phrase added in an edit shows the author the gentle prompt (the broadcast never carries it)", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const m = await send(a, "rough day");
      const seen = nextEvent<ChatMessageEdited>(b, "message:edited", (e) => e.messageId === m.id);
      expect(expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: "rough day, I want to end it all" })).crisisPrompt).toBe(true);
      expect(await seen).not.toHaveProperty("crisisPrompt");
    });

    it("names newly mentioned in an edit are notified, once; names already mentioned are not notified again", async () => {
      const a = await joined(alice);
      const fanouts = async () => rowsOf<{ n: number }>(await server.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`))[0]!.n;
      const idle = async () => server.app.jobs.waitFor("notifications.fanout", await fanouts());
      const mentionsOf = async (m: Member, messageId: string) =>
        (await server.app.db.select().from(notifications).where(and(eq(notifications.userId, m.id), eq(notifications.kind, "mention")))).filter((r) => r.dedupeKey === `mention:chat:${messageId}`);
      const m = await send(a, `hello ${mentionSyntax(bob.displayName)}`);
      await idle();
      expect(await mentionsOf(bob, m.id)).toHaveLength(1);
      expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: `hello ${mentionSyntax(bob.displayName)} and ${mentionSyntax(mod.displayName)}` }));
      await idle();
      expect(await mentionsOf(mod, m.id)).toHaveLength(1);
      expect(await mentionsOf(bob, m.id)).toHaveLength(1);
      expectOk(await request<Edited>(a, "message:edit", { messageId: m.id, body: `hi ${mentionSyntax(mod.displayName)}, ${mentionSyntax(bob.displayName)}!` }));
      await idle();
      expect(await mentionsOf(mod, m.id)).toHaveLength(1);
      expect(await mentionsOf(bob, m.id)).toHaveLength(1);
    });
  });

  describe("deleting your own message", () => {
    it("soft-deletes it by its author, unpins it, and tells the room live 'by its author'", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const modSocket = await joined(mod);
      const m = await send(a, "regret this");
      expectOk(await request(modSocket, "room:pin", { roomId, messageId: m.id }));
      const deleted = nextEvent<{ messageId: string; byAuthor?: boolean; seq: number }>(b, "message:deleted", (e) => e.messageId === m.id);
      const unpinned = nextEvent<ChatRoomState>(b, "room:updated", (r) => r.id === roomId && r.pinned === null);
      expect(expectOk(await request(a, "message:delete-own", { messageId: m.id }))).toEqual({ roomId, messageId: m.id, alreadyDeleted: false });
      expect(await deleted).toMatchObject({ roomId, messageId: m.id, seq: m.seq, byAuthor: true });
      await unpinned;
      const row = await stored(m.id);
      expect(row).toMatchObject({ deletedBy: alice.id, body: "regret this" });
      expect(row.deletedAt).not.toBeNull();
      const [room] = await server.app.db.select({ pinned: chatRooms.pinnedMessageId }).from(chatRooms).where(eq(chatRooms.id, roomId));
      expect(room!.pinned).toBeNull();
      const page = expectOk(await request<HistoryPage>(b, "room:history", { roomId, after: m.seq - 1 }));
      const shown = page.messages.find((x) => x.id === m.id)!;
      expect(shown.body).toBe("");
      expect(shown.deleted).toMatchObject({ byAuthor: true });
      // Again (a retry): ok, already deleted; an edit now is refused.
      expect(expectOk(await request(a, "message:delete-own", { messageId: m.id }))).toMatchObject({ alreadyDeleted: true });
      expect(expectError(await request(a, "message:edit", { messageId: m.id, body: "back" })).code).toBe("forbidden");
    });

    it("a moderator's removal still reads 'by a moderator'", async () => {
      const a = await joined(alice);
      const modSocket = await joined(mod);
      const m = await send(a, "removed by mod");
      const deleted = nextEvent<{ messageId: string; byAuthor?: boolean }>(a, "message:deleted", (e) => e.messageId === m.id);
      expectOk(await request(modSocket, "message:delete", { messageId: m.id, reason: "Off topic here" }));
      expect((await deleted).byAuthor).toBe(false);
      const page = expectOk(await request<HistoryPage>(a, "room:history", { roomId, after: m.seq - 1 }));
      expect(page.messages.find((x) => x.id === m.id)!.deleted).toMatchObject({ byAuthor: false });
    });

    it("refuses others (members and moderators alike), unknown ids and bad payloads; nothing is deleted", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const modSocket = await joined(mod);
      const m = await send(a, "keep me");
      expect(expectError(await request(b, "message:delete-own", { messageId: m.id }))).toMatchObject({ code: "forbidden", message: "You can only delete your own messages." });
      expect(expectError(await request(modSocket, "message:delete-own", { messageId: m.id })).code).toBe("forbidden");
      expect(expectError(await request(a, "message:delete-own", { messageId: "unknown-id" })).code).toBe("not_found");
      expect(expectError(await request(a, "message:delete-own", {})).code).toBe("invalid");
      expect(expectError(await request(a, "message:delete-own", { messageId: m.id, reason: "extra" })).code).toBe("invalid");
      expect(expectError(await request(a, "message:delete-own", { messageId: ["x"] })).code).toBe("invalid");
      expect((await stored(m.id)).deletedAt).toBeNull();
    });
  });

  describe("replies", () => {
    it("stores reply_to_id and sends the quote with the message, live and in history", async () => {
      const a = await joined(alice);
      const b = await joined(bob);
      const original = await send(b, "Does anyone know a good physio in town? ".repeat(6));
      const cid = clientId();
      const live = nextEvent<ChatMessage>(b, "message:new", (m) => m.clientId === cid);
      const reply = expectOk(await request<Sent>(a, "message:send", { roomId, body: "Yes, ask me", clientId: cid, replyToId: original.id })).message;
      expect(reply.replyTo).toEqual({ id: original.id, seq: original.seq, authorName: bob.displayName, excerpt: original.body.slice(0, 160), deleted: false });
      expect((await live).replyTo).toEqual(reply.replyTo);
      expect((await stored(reply.id)).replyToId).toBe(original.id);
      const page = expectOk(await request<HistoryPage>(a, "room:history", { roomId, after: original.seq - 1 }));
      expect(page.messages.find((x) => x.id === reply.id)!.replyTo).toEqual(reply.replyTo);
      // A retry of the same clientId answers with the same reply.
      const again = expectOk(await request<Sent>(a, "message:send", { roomId, body: "Yes, ask me", clientId: cid, replyToId: original.id }));
      expect(again).toMatchObject({ duplicate: true, message: { id: reply.id, replyTo: reply.replyTo } });
      // The original deleted later: the quote says so and carries no words.
      expectOk(await request(b, "message:delete-own", { messageId: original.id }));
      const after = expectOk(await request<HistoryPage>(a, "room:history", { roomId, after: original.seq - 1 }));
      expect(after.messages.find((x) => x.id === reply.id)!.replyTo).toEqual({ id: original.id, seq: original.seq, authorName: bob.displayName, excerpt: "", deleted: true });
    });

    it("refuses a reply to another room's message or an unknown one (NotFound) and to a deleted one (clearly); nothing is stored", async () => {
      const a = await joined(alice);
      const elsewhere = await send(await joined(alice, otherRoomId), "in the second room", {}, otherRoomId);
      const gone = await send(a, "soon gone");
      expectOk(await request(a, "message:delete-own", { messageId: gone.id }));
      const before = await countIn(roomId);
      expect(expectError(await request(a, "message:send", { roomId, body: "re", clientId: clientId(), replyToId: elsewhere.id }))).toEqual({ code: "not_found", message: "That message could not be found." });
      expect(expectError(await request(a, "message:send", { roomId, body: "re", clientId: clientId(), replyToId: "no-such-id" })).code).toBe("not_found");
      expect(expectError(await request(a, "message:send", { roomId, body: "re", clientId: clientId(), replyToId: gone.id }))).toEqual({ code: "invalid", message: "That message was deleted, so you can't reply to it." });
      expect(expectError(await request(a, "message:send", { roomId, body: "re", clientId: clientId(), replyToId: 7 })).code).toBe("invalid");
      expect(expectError(await request(a, "message:send", { roomId, body: "re", clientId: clientId(), replyToId: "x".repeat(65) })).code).toBe("invalid");
      expect(await countIn(roomId)).toBe(before);
    });
  });

  describe("room:around", () => {
    let room: string;
    beforeAll(async () => {
      room = (await createChatRoom(server.app, mod, slug, "Long")).id;
      // 120 messages, numbered the way sendMessage numbers them (no send rate in the way).
      for (let i = 1; i <= 120; i++) {
        await server.app.db.transaction(async (tx) => {
          const [r] = await tx.update(chatRooms).set({ lastSeq: sql`${chatRooms.lastSeq} + 1` }).where(eq(chatRooms.id, room)).returning({ seq: chatRooms.lastSeq });
          await tx.insert(chatMessages).values({ id: `long-${room}-${r!.seq}`, roomId: room, seq: r!.seq, authorId: bob.id, body: `filler ${r!.seq}`, clientId: `long-${room}-${r!.seq}` });
        });
      }
    });
    const seqs = (p: HistoryPage) => p.messages.map((m) => m.seq);
    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

    it("a page centred on the seq: 25 up to it, 25 after it, with older and newer beyond", async () => {
      const s = await joined(alice, room);
      const p = expectOk(await request<HistoryPage>(s, "room:around", { roomId: room, seq: 60 }));
      expect(seqs(p)).toEqual(range(36, 85));
      expect(p).toMatchObject({ hasOlder: true, hasMore: true });
    });

    it("at seq 1: the start of the room, nothing older", async () => {
      const s = await joined(alice, room);
      const p = expectOk(await request<HistoryPage>(s, "room:around", { roomId: room, seq: 1 }));
      expect(seqs(p)).toEqual(range(1, 26));
      expect(p).toMatchObject({ hasOlder: false, hasMore: true });
    });

    it("near and beyond the end: the latest messages, nothing newer", async () => {
      const s = await joined(alice, room);
      const near = expectOk(await request<HistoryPage>(s, "room:around", { roomId: room, seq: 110 }));
      expect(seqs(near)).toEqual(range(86, 120));
      expect(near).toMatchObject({ hasOlder: true, hasMore: false });
      const beyond = expectOk(await request<HistoryPage>(s, "room:around", { roomId: room, seq: 10_000 }));
      expect(seqs(beyond)).toEqual(range(96, 120));
      expect(beyond.hasMore).toBe(false);
      // Newer than the page's top, page by page, reaches the end without a gap.
      const p = expectOk(await request<HistoryPage>(s, "room:around", { roomId: room, seq: 30 }));
      const rest = expectOk(await request<HistoryPage>(s, "room:history", { roomId: room, after: p.messages.at(-1)!.seq }));
      expect([...seqs(p), ...seqs(rest)]).toEqual(range(6, 120));
    });

    it("refuses an outsider of a private room (NotFound) and bad payloads", async () => {
      const out = server.client({ cookie: `hearth_session=${outsider.token}` });
      await connected(out);
      expect(expectError(await request(out, "room:around", { roomId: privateRoomId, seq: 1 })).code).toBe("not_found");
      const s = await joined(alice, room);
      for (const bad of [{ roomId: room }, { roomId: room, seq: -1 }, { roomId: room, seq: "5" }, { roomId: room, seq: 1.5 }, { roomId: room, seq: 1, extra: true }]) {
        expect(expectError(await request(s, "room:around", bad)).code).toBe("invalid");
      }
    });
  });
});

/** Edits and author deletes on two nodes over Redis (Postgres and Redis only, like chat-nodes.test.ts). */
describe.skipIf(twoNodesUnavailable)("own messages across two nodes", () => {
  let nodes: TwoNodes;
  let a: HearthNode, b: HearthNode;
  let sockets: Socket[];
  let roomId: string;
  let alice: Member, bob: Member, mod: Member;

  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b, sockets } = nodes);
    [mod, alice, bob] = [await createMember(a.app, "Mod"), await createMember(a.app, "Alice"), await createMember(a.app, "Bob")];
    const { slug } = await createChatGroup(a.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id] });
    roomId = (await createChatRoom(a.app, mod, slug)).id;
  });
  afterAll(() => nodes?.close());

  it("an edit made through node B and an author's delete reach a reader on node A", async () => {
    const bobOnA = await joinedSocket(a.url, bob.token, roomId, sockets);
    const aliceOnB = await joinedSocket(b.url, alice.token, roomId, sockets);
    // Node A's stream reader is up once a message from node B reaches it.
    await untilDelivered(aliceOnB, bobOnA, roomId);
    const m = expectOk(await request<Sent>(aliceOnB, "message:send", { roomId, body: "to be edited", clientId: clientId() })).message;
    const edited = nextEvent<ChatMessageEdited>(bobOnA, "message:edited", (e) => e.messageId === m.id);
    expectOk(await request(aliceOnB, "message:edit", { messageId: m.id, body: "edited across nodes" }));
    expect(await edited).toMatchObject({ roomId, messageId: m.id, body: "edited across nodes" });
    const deleted = nextEvent<{ messageId: string; byAuthor?: boolean }>(bobOnA, "message:deleted", (e) => e.messageId === m.id);
    expectOk(await request(aliceOnB, "message:delete-own", { messageId: m.id }));
    expect((await deleted).byAuthor).toBe(true);
  });
});
