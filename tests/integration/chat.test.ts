import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, chatRooms, moderationActions, reports } from "#db/schema/index";
import { invalidateSession } from "#app/modules/auth/session.server";
import type { ChatMessage, ChatPresence, ChatRoomState, ChatSanction, HistoryPage, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`chat rooms over Socket.IO on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, alice: Member, bob: Member, outsider: Member, orgAdmin: Member;
  let slug: string, roomId: string, privateRoomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, alice, bob, outsider, orgAdmin] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Alice"),
      await createMember(server.app, "Bob"),
      await createMember(server.app, "Outsider"),
      await createMember(server.app, "OrgAdmin"),
    ];
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id], orgStaff: [{ userId: orgAdmin.id, role: "admin" }] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    const priv = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id] });
    privateRoomId = (await createChatRoom(server.app, mod, priv.slug)).id;
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    // Each test starts with fresh send-rate windows.
    for (const m of [mod, alice, bob, outsider, orgAdmin]) await server.app.limiter.reset(`chat:send:${m.id}`);
  });

  async function socketFor(m: Member) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    return s;
  }
  async function joined(m: Member, room = roomId, after?: number) {
    const s = await socketFor(m);
    const data = expectOk(await request<RoomJoined>(s, "room:join", after === undefined ? { roomId: room } : { roomId: room, after }));
    return { s, data };
  }
  /** Inserts messages straight into the database (bypassing rate limits) the way sendMessage numbers them. */
  async function fill(room: string, author: Member, count: number) {
    for (let i = 0; i < count; i++) {
      await server.app.db.transaction(async (tx) => {
        const [r] = await tx.update(chatRooms).set({ lastSeq: sql`${chatRooms.lastSeq} + 1` }).where(eq(chatRooms.id, room)).returning({ seq: chatRooms.lastSeq });
        await tx.insert(chatMessages).values({ id: `fill-${room}-${r!.seq}`, roomId: room, seq: r!.seq, authorId: author.id, body: `filler ${r!.seq}`, clientId: `fill-${room}-${r!.seq}` });
      });
    }
  }

  describe("joining", () => {
    it("answers with the room, the viewer's standing, history and presence", async () => {
      const { data } = await joined(alice);
      expect(data.room).toMatchObject({ id: roomId, name: "General", locked: false, archived: false, slowModeSeconds: 0, pinned: null });
      expect(data.you).toMatchObject({ canSend: true, canModerate: false, sendBlockedReason: null });
      expect(Array.isArray(data.messages)).toBe(true);
      expect(data.presence.people.map((p) => p.id)).toContain(alice.id);
    });

    it("lets organization staff in and marks them as moderators", async () => {
      const { data } = await joined(orgAdmin);
      expect(data.you.canModerate).toBe(true);
    });

    it("tells others who arrived (presence)", async () => {
      const { s: a } = await joined(alice);
      const seen = nextEvent<ChatPresence>(a, "presence", (p) => p.people.some((x) => x.id === bob.id));
      await joined(bob);
      expect((await seen).roomId).toBe(roomId);
    });

    it("refuses a signed-in outsider of a public group with a reason", async () => {
      const s = await socketFor(outsider);
      const err = expectError(await request(s, "room:join", { roomId }));
      expect(err.code).toBe("forbidden");
      expect(err.message).toMatch(/Join the group first/);
    });

    it("answers not found for a private group's room, exactly like an unknown room", async () => {
      const s = await socketFor(outsider);
      const priv = expectError(await request(s, "room:join", { roomId: privateRoomId }));
      const unknown = expectError(await request(s, "room:join", { roomId: "no-such-room" }));
      expect(priv).toEqual({ code: "not_found", message: "That room could not be found." });
      expect(unknown).toEqual(priv);
      // Nor can the outsider read its history or send into it.
      expect(expectError(await request(s, "room:history", { roomId: privateRoomId, before: 10 })).code).toBe("not_found");
      expect(expectError(await request(s, "message:send", { roomId: privateRoomId, body: "hi", clientId: clientId() })).code).toBe("not_found");
      // A member of the private group gets in.
      expect((await joined(alice, privateRoomId)).data.room.id).toBe(privateRoomId);
    });
  });

  describe("history", () => {
    let room: string;
    beforeAll(async () => {
      room = (await createChatRoom(server.app, mod, slug, "History")).id;
      await fill(room, bob, 120);
    });

    it("gives the latest 50 on join, then older pages by seq, without overlap", async () => {
      const { s, data } = await joined(alice, room);
      expect(data.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 71 + i));
      expect(data.hasOlder).toBe(true);
      const older = expectOk(await request<HistoryPage>(s, "room:history", { roomId: room, before: 71 }));
      expect(older.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i));
      const oldest = expectOk(await request<HistoryPage>(s, "room:history", { roomId: room, before: 21 }));
      expect(oldest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 1 + i));
      expect(oldest.hasOlder).toBe(false);
    });

    it("gives everything after `after` on join (the reconnect catch-up)", async () => {
      const { data } = await joined(alice, room, 117);
      expect(data.messages.map((m) => m.seq)).toEqual([118, 119, 120]);
      expect(data.hasMore).toBe(false);
      const none = await joined(alice, room, 120);
      expect(none.data.messages).toEqual([]);
    });

    it("pages a long catch-up with hasMore", async () => {
      const { s, data } = await joined(alice, room, 0);
      expect(data.messages).toHaveLength(120);
      expect(data.hasMore).toBe(false);
      const page = expectOk(await request<HistoryPage>(s, "room:history", { roomId: room, after: 100 }));
      expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => 101 + i));
    });
  });

  describe("sending", () => {
    it("persists, broadcasts to everyone in the room, then acks", async () => {
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const cid = clientId();
      const atBob = nextEvent<ChatMessage>(b, "message:new", (m) => m.clientId === cid);
      const atAlice = nextEvent<ChatMessage>(a, "message:new", (m) => m.clientId === cid);
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId, body: "  Hello, Bob!  ", clientId: cid }));
      expect(sent.duplicate).toBe(false);
      expect(sent.message).toMatchObject({ roomId, body: "Hello, Bob!", author: { id: alice.id, displayName: alice.displayName }, deleted: null });
      expect(await atBob).toEqual(sent.message);
      expect(await atAlice).toEqual(sent.message);
      const [row] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, sent.message.id));
      expect(row).toMatchObject({ seq: sent.message.seq, body: "Hello, Bob!", authorId: alice.id });
    });

    it("flags a crisis phrase to the sender only: stored and broadcast as usual, no flag for others or for a normal message", async () => {
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const cid = clientId();
      const atBob = nextEvent<ChatMessage>(b, "message:new", (m) => m.clientId === cid);
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId, body: "Some days I just want to die, honestly.", clientId: cid }));
      expect(sent.crisisPrompt).toBe(true);
      const broadcast = await atBob;
      expect(broadcast).toEqual(sent.message);
      expect(broadcast).not.toHaveProperty("crisisPrompt");
      expect(JSON.stringify(broadcast)).not.toMatch(/crisis/i);
      const [row] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, sent.message.id));
      expect(row).toMatchObject({ body: "Some days I just want to die, honestly.", authorId: alice.id, deletedAt: null });
      // A retry (lost ack) still tells the sender.
      expect(expectOk(await request<Sent>(a, "message:send", { roomId, body: "Some days I just want to die, honestly.", clientId: cid })).crisisPrompt).toBe(true);

      const normal = expectOk(await request<Sent>(a, "message:send", { roomId, body: "Good morning, everyone", clientId: clientId() }));
      expect(normal).not.toHaveProperty("crisisPrompt");
    });

    it("numbers messages 1, 2, 3… per room with no gaps, even when sent concurrently", async () => {
      const room = (await createChatRoom(server.app, mod, slug, "Seq")).id;
      const { s: a } = await joined(alice, room);
      const { s: b } = await joined(bob, room);
      const acks = await Promise.all([
        ...[1, 2, 3, 4, 5].map((i) => request<Sent>(a, "message:send", { roomId: room, body: `a${i}`, clientId: clientId() })),
        ...[1, 2, 3, 4, 5].map((i) => request<Sent>(b, "message:send", { roomId: room, body: `b${i}`, clientId: clientId() })),
      ]);
      expect(acks.map((x) => expectOk(x).message.seq).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it("is idempotent on clientId: a retry returns the same message and is not broadcast twice", async () => {
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const cid = clientId();
      const atBob = collect<ChatMessage>(b, "message:new");
      const first = expectOk(await request<Sent>(a, "message:send", { roomId, body: "only once", clientId: cid }));
      const retry = expectOk(await request<Sent>(a, "message:send", { roomId, body: "only once", clientId: cid }));
      const [third, fourth] = await Promise.all([
        request<Sent>(a, "message:send", { roomId, body: "only once", clientId: cid }),
        request<Sent>(a, "message:send", { roomId, body: "only once", clientId: cid }),
      ]);
      expect(retry).toEqual({ message: first.message, duplicate: true });
      expect(expectOk(third).message.id).toBe(first.message.id);
      expect(expectOk(fourth).message.id).toBe(first.message.id);
      // Every broadcast of the four sends has reached Bob once Alice's next message has.
      await sentinel({ from: a, roomId, control: b });
      expect(atBob.filter((m) => m.clientId === cid)).toHaveLength(1);
      const rows = await server.app.db.select().from(chatMessages).where(and(eq(chatMessages.authorId, alice.id), eq(chatMessages.clientId, cid)));
      expect(rows).toHaveLength(1);
    });

    it("stores hostile text verbatim as text (rendering escapes it)", async () => {
      const { s } = await joined(alice);
      const body = `<script>alert(1)</script> '; drop table chat_messages; -- <img src=x onerror=alert(1)>`;
      const sent = expectOk(await request<Sent>(s, "message:send", { roomId, body, clientId: clientId() }));
      expect(sent.message.body).toBe(body);
      const count = await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages);
      expect(count[0]!.n).toBeGreaterThan(0);
    });

    it("refuses a sixth message within five seconds (rate limit) with a clear error", async () => {
      const { s } = await joined(bob);
      for (let i = 0; i < 5; i++) expectOk(await request(s, "message:send", { roomId, body: `quick ${i}`, clientId: clientId() }));
      const err = expectError(await request(s, "message:send", { roomId, body: "one too many", clientId: clientId() }));
      expect(err.code).toBe("rate_limited");
      expect(err.message).toMatch(/wait a few seconds/);
    });
  });

  describe("bad payloads get an error ack and never crash or stall the server", () => {
    const cases: [string, string, unknown[]][] = [
      ["no payload", "message:send", []],
      ["a string payload", "message:send", ["hello"]],
      ["null", "room:join", [null]],
      ["an array", "room:join", [[1, 2]]],
      ["a number roomId", "room:join", [{ roomId: 42 }]],
      ["a negative after", "room:join", [{ roomId: "x", after: -1 }]],
      ["a fractional after", "room:join", [{ roomId: "x", after: 1.5 }]],
      ["an unknown key", "message:send", [{ roomId: "x", body: "hi", clientId: "abcdefgh", admin: true }]],
      ["a missing clientId", "message:send", [{ roomId: "x", body: "hi" }]],
      ["a short clientId", "message:send", [{ roomId: "x", body: "hi", clientId: "a" }]],
      ["a hostile clientId", "message:send", [{ roomId: "x", body: "hi", clientId: "'; drop table users; --" }]],
      ["an object body", "message:send", [{ roomId: "x", body: { $gt: "" }, clientId: "abcdefgh" }]],
      ["two payloads", "message:send", [{ roomId: "x" }, { roomId: "y" }]],
      ["a huge roomId", "room:join", [{ roomId: "r".repeat(10_000) }]],
      ["before and after together", "room:history", [{ roomId: "x", before: 5, after: 1 }]],
      ["a mute without reason", "user:mute", [{ roomId: "x", userId: "y", minutes: 10 }]],
      ["a mute of a year", "user:mute", [{ roomId: "x", userId: "y", minutes: 525_600, reason: "too long" }]],
      ["a slow mode of a day", "room:slow-mode", [{ roomId: "x", seconds: 86_400 }]],
      ["a report with an unknown reason", "message:report", [{ messageId: "x", reason: "boring" }]],
      ["typing without a flag", "typing", [{ roomId: "x" }]],
    ];
    it.each(cases)("%s", async (_label, event, args) => {
      const s = await socketFor(alice);
      const err = expectError(await request(s, event, ...args));
      expect(err.code).toBe("invalid");
      expect(err.message.length).toBeGreaterThan(3);
    });

    it("an empty or blank body", async () => {
      const s = await socketFor(alice);
      const err = expectError(await request(s, "message:send", { roomId, body: " \n\t ", clientId: clientId() }));
      expect(err).toEqual({ code: "invalid", message: "body: Write a message first." });
    });

    it("a body over 4,000 characters (exactly 4,000 is fine)", async () => {
      const { s } = await joined(alice);
      const err = expectError(await request(s, "message:send", { roomId, body: "x".repeat(4001), clientId: clientId() }));
      expect(err).toEqual({ code: "invalid", message: "body: A message can be at most 4,000 characters." });
      expectOk(await request(s, "message:send", { roomId, body: "y".repeat(4000), clientId: clientId() }));
      const stored = await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatMessages).where(sql`length(${chatMessages.body}) > 4000`);
      expect(stored[0]!.n).toBe(0);
    });

    it("an unknown room", async () => {
      const s = await socketFor(alice);
      expect(expectError(await request(s, "message:send", { roomId: "nope", body: "hi", clientId: clientId() }))).toEqual({
        code: "not_found",
        message: "That room could not be found.",
      });
    });

    it("events without an ack, and unknown events, are ignored and the socket keeps working", async () => {
      const s = await socketFor(alice);
      const raw = s as unknown as { emit: (event: string, ...args: unknown[]) => void };
      raw.emit("message:send", { roomId, body: "no ack", clientId: clientId() });
      raw.emit("room:join");
      raw.emit("no-such-event", { x: 1 });
      raw.emit("typing", "garbage");
      const { data } = await joined(alice);
      expect(data.room.id).toBe(roomId);
      expect(s.connected).toBe(true);
      expectOk(await request(s, "room:join", { roomId }));
    });
  });

  describe("moderation", () => {
    let room: string;
    beforeEach(async () => {
      room = (await createChatRoom(server.app, mod, slug, `Mod ${Date.now()}`)).id;
    });
    const audit = (action: string) =>
      server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, action), eq(moderationActions.targetId, room)));

    it("delete: members can't; a moderator's delete reaches everyone and leaves a placeholder", async () => {
      const { s: a } = await joined(alice, room);
      const { s: b } = await joined(bob, room);
      const { s: m } = await joined(mod, room);
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId: room, body: "regrettable", clientId: clientId() }));
      const byMember = expectError(await request(b, "message:delete", { messageId: sent.message.id, reason: "I dislike it" }));
      expect(byMember).toEqual({ code: "forbidden", message: "Only the group's moderators can do that." });
      expect(expectError(await request(m, "message:delete", { messageId: sent.message.id })).code).toBe("invalid"); // reason required

      const deleted = nextEvent<{ messageId: string }>(b, "message:deleted");
      const notice = nextEvent<{ message: string }>(b, "notice");
      expectOk(await request(m, "message:delete", { messageId: sent.message.id, reason: "Off-topic medical claim" }));
      expect(await deleted).toEqual({ roomId: room, messageId: sent.message.id, seq: sent.message.seq, byAuthor: false });
      expect((await notice).message).toBe("A moderator removed a message.");
      const history = expectOk(await request<HistoryPage>(b, "room:history", { roomId: room, after: 0 }));
      const placeholder = history.messages.find((x) => x.id === sent.message.id)!;
      expect(placeholder.body).toBe("");
      expect(placeholder.deleted).not.toBeNull();
      const [log] = await server.app.db.select().from(moderationActions).where(eq(moderationActions.targetId, sent.message.id));
      expect(log).toMatchObject({ action: "chat.message.delete", actorId: mod.id, subjectUserId: alice.id, reason: "Off-topic medical claim" });
      // The body is kept for the audit, never sent again.
      const [row] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, sent.message.id));
      expect(row!.body).toBe("regrettable");
    });

    it("mute: the muted person is told why, can't send, others see a notice; the mute can be lifted", async () => {
      const { s: a } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const sanction = nextEvent<ChatSanction>(a, "sanction");
      const notice = nextEvent<{ message: string }>(m, "notice");
      const res = expectOk(await request<{ mutedUntil: string }>(m, "user:mute", { roomId: room, userId: alice.id, minutes: 60, reason: "Please cool off" }));
      expect(new Date(res.mutedUntil).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);
      expect((await sanction).message).toMatch(/muted you in this room for 1 hour.*Please cool off/);
      expect((await notice).message).toBe(`${alice.displayName} was muted for 1 hour by a moderator.`);
      const err = expectError(await request(a, "message:send", { roomId: room, body: "hello?", clientId: clientId() }));
      expect(err.code).toBe("forbidden");
      expect(err.message).toMatch(/^You are muted in this room until /);
      // Still reads the room, and a re-join says why the box is disabled.
      const again = expectOk(await request<RoomJoined>(a, "room:join", { roomId: room }));
      expect(again.you).toMatchObject({ canSend: false, mutedUntil: res.mutedUntil });
      expect(again.you.sendBlockedReason).toMatch(/muted/);
      expect(await audit("chat.mute")).toHaveLength(1);
      // Moderators can't be muted, and members can't mute.
      expect(expectError(await request(m, "user:mute", { roomId: room, userId: mod.id, minutes: 10, reason: "self" })).code).toBe("forbidden");
      expect(expectError(await request(a, "user:mute", { roomId: room, userId: bob.id, minutes: 10, reason: "payback" })).code).toBe("forbidden");
      expectOk(await request(m, "user:mute", { roomId: room, userId: alice.id, minutes: 0, reason: "All good now" }));
      expectOk(await request(a, "message:send", { roomId: room, body: "thanks", clientId: clientId() }));
      expect(await audit("chat.unmute")).toHaveLength(1);
    });

    it("ban: the banned person's sockets leave the room at once and can't come back", async () => {
      const { s: a } = await joined(alice, room);
      const { s: a2 } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const gotAtA = collect<ChatMessage>(a, "message:new");
      const gotAtA2 = collect<ChatMessage>(a2, "message:new");
      const sanction = nextEvent<ChatSanction>(a, "sanction");
      const presence = nextEvent<ChatPresence>(m, "presence", (p) => !p.people.some((x) => x.id === alice.id));
      expectOk(await request(m, "user:ban", { roomId: room, userId: alice.id, reason: "Repeated harassment" }));
      expect(await sanction).toMatchObject({ roomId: room, banned: true });
      await presence;
      // A message after the ban reaches the moderator, and nothing of it reaches Alice's two sockets.
      await sentinel({ from: m, roomId: room, control: m, quiet: [a, a2] });
      expect(gotAtA).toEqual([]);
      expect(gotAtA2).toEqual([]);
      const err = expectError(await request(a, "room:join", { roomId: room }));
      expect(err).toEqual({ code: "forbidden", message: "You have been removed from this room by a moderator." });
      expect(expectError(await request(a, "message:send", { roomId: room, body: "sneaky", clientId: clientId() })).code).toBe("forbidden");
      expect(await audit("chat.ban")).toHaveLength(1);
      // Lifting the ban lets them back in.
      expectOk(await request(m, "user:ban", { roomId: room, userId: alice.id, banned: false, reason: "Second chance" }));
      expectOk(await request(a, "room:join", { roomId: room }));
    });

    it("lock: read-only for members, moderators can still post; unlock restores", async () => {
      const { s: a } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const updated = nextEvent<ChatRoomState>(a, "room:updated");
      expectOk(await request(m, "room:lock", { roomId: room, locked: true }));
      expect((await updated).locked).toBe(true);
      expect(expectError(await request(a, "message:send", { roomId: room, body: "hi", clientId: clientId() }))).toEqual({
        code: "forbidden",
        message: "This room is locked: it is read-only for now.",
      });
      expectOk(await request(m, "message:send", { roomId: room, body: "Locked for maintenance", clientId: clientId() }));
      expectOk(await request(m, "room:lock", { roomId: room, locked: false }));
      expectOk(await request(a, "message:send", { roomId: room, body: "back", clientId: clientId() }));
      expect(await audit("chat.lock")).toHaveLength(1);
      expect(await audit("chat.unlock")).toHaveLength(1);
    });

    it("says one minute and one second in the singular (mute notice, slow mode)", async () => {
      const { s: a } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const sanction = nextEvent<ChatSanction>(a, "sanction");
      const notice = nextEvent<{ message: string }>(m, "notice", (n) => n.message.includes("muted"));
      expectOk(await request(m, "user:mute", { roomId: room, userId: alice.id, minutes: 1, reason: "A short pause" }));
      expect((await sanction).message).toMatch(/muted you in this room for 1 minute \(until/);
      expect((await notice).message).toBe(`${alice.displayName} was muted for 1 minute by a moderator.`);
      expectOk(await request(m, "user:mute", { roomId: room, userId: alice.id, minutes: 0, reason: "Over" }));
      const slow = nextEvent<{ message: string }>(a, "notice", (n) => n.message.startsWith("Slow mode"));
      expectOk(await request(m, "room:slow-mode", { roomId: room, seconds: 1 }));
      expect((await slow).message).toBe("Slow mode is on: one message every 1 second per person.");
      expectOk(await request(a, "message:send", { roomId: room, body: "one", clientId: clientId() }));
      const err = expectError(await request(a, "message:send", { roomId: room, body: "two", clientId: clientId() }));
      expect(err.message).toBe("Slow mode is on: one message every 1 second. You can send again in 1 second.");
    });

    it("slow mode: one message per N seconds per member; moderators are exempt", async () => {
      const { s: a } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const updated = nextEvent<ChatRoomState>(a, "room:updated");
      expectOk(await request(m, "room:slow-mode", { roomId: room, seconds: 30 }));
      expect((await updated).slowModeSeconds).toBe(30);
      expectOk(await request(a, "message:send", { roomId: room, body: "one", clientId: clientId() }));
      const err = expectError(await request(a, "message:send", { roomId: room, body: "two", clientId: clientId() }));
      expect(err.code).toBe("rate_limited");
      expect(err.message).toMatch(/^Slow mode is on: one message every 30 seconds\. You can send again in \d+ seconds\.$/);
      expectOk(await request(m, "message:send", { roomId: room, body: "mod one", clientId: clientId() }));
      expectOk(await request(m, "message:send", { roomId: room, body: "mod two", clientId: clientId() }));
      expect(await audit("chat.slow_mode")).toHaveLength(1);
    });

    it("pin: one pinned message, shown to everyone; a deleted pin is cleared", async () => {
      const { s: a } = await joined(alice, room);
      const { s: m } = await joined(mod, room);
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId: room, body: "Useful tip", clientId: clientId() }));
      const updated = nextEvent<ChatRoomState>(a, "room:updated");
      expectOk(await request(m, "room:pin", { roomId: room, messageId: sent.message.id }));
      expect((await updated).pinned?.id).toBe(sent.message.id);
      expect(expectOk(await request<RoomJoined>(a, "room:join", { roomId: room })).room.pinned?.body).toBe("Useful tip");
      expect(expectError(await request(a, "room:pin", { roomId: room, messageId: null })).code).toBe("forbidden");
      const cleared = nextEvent<ChatRoomState>(a, "room:updated", (r) => r.pinned === null);
      expectOk(await request(m, "message:delete", { messageId: sent.message.id, reason: "Outdated now" }));
      await cleared;
      expect(await audit("chat.pin")).toHaveLength(1);
    });

    it("report: members file one report per message for the moderation queue", async () => {
      const { s: a } = await joined(alice, room);
      const { s: b } = await joined(bob, room);
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId: room, body: "buy my miracle cure", clientId: clientId() }));
      expectOk(await request(b, "message:report", { messageId: sent.message.id, reason: "spam", details: "Advert" }));
      expect(expectError(await request(b, "message:report", { messageId: sent.message.id, reason: "spam" })).code).toBe("conflict");
      const outsiderSocket = await socketFor(outsider);
      expect(expectError(await request(outsiderSocket, "message:report", { messageId: sent.message.id, reason: "spam" })).code).toBe("forbidden");
      // Nobody reports their own message (it would file a report about oneself in the queue).
      expect(expectError(await request(a, "message:report", { messageId: sent.message.id, reason: "spam" }))).toEqual({
        code: "forbidden",
        message: "You can't report this message.",
      });
      const rows = await server.app.db.select().from(reports).where(eq(reports.targetId, sent.message.id));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ targetType: "chat_message", reporterId: bob.id, reason: "spam", status: "open" });
    });

    it("typing reaches the others in the room, not the typist", async () => {
      const { s: a } = await joined(alice, room);
      const { s: b } = await joined(bob, room);
      const atA = collect(a, "typing");
      const atB = nextEvent<{ user: { id: string }; typing: boolean }>(b, "typing");
      expectOk(await request(a, "typing", { roomId: room, typing: true }));
      expect(await atB).toMatchObject({ roomId: room, user: { id: alice.id }, typing: true });
      expect(atA).toEqual([]);
      // Not in the room: refused.
      const c = await socketFor(bob);
      expect(expectError(await request(c, "typing", { roomId: room, typing: true })).code).toBe("not_found");
    });
  });

  it("signing out elsewhere disconnects the chat socket", async () => {
    const { s } = await joined(bob);
    const gone = new Promise((resolve) => s.once("disconnect", resolve));
    await invalidateSession(server.app, bob.sessionId);
    await gone;
    expect(s.connected).toBe(false);
  });
});
