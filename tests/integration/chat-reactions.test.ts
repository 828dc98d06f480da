import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, chatReactions, chatRoomMembers, chatRooms } from "#db/schema/index";
import { banUser, deleteMessage, muteUser, setLocked } from "#app/modules/chat/chat.server";
import { REACT_RATE } from "#app/modules/chat/reactions.server";
import type { ChatReactionChanged, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";
import type { Socket } from "socket.io-client";
import { joinedSocket, startTwoNodes, twoNodesUnavailable, untilDelivered, type HearthNode, type TwoNodes } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;
type Reacted = { messageId: string; kind: string; count: number; reacted: boolean };

describe(`chat reactions on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, alice: Member, bob: Member, outsider: Member;
  let crowd: Member[];
  let slug: string, roomId: string, privateRoomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, alice, bob, outsider] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Alice"),
      await createMember(server.app, "Bob"),
      await createMember(server.app, "Outsider"),
    ];
    crowd = [];
    for (let i = 0; i < 6; i++) crowd.push(await createMember(server.app, `Crowd${i}`));
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id, ...crowd.map((c) => c.id)] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    const priv = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id] });
    privateRoomId = (await createChatRoom(server.app, mod, priv.slug)).id;
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [mod, alice, bob, outsider, ...crowd]) {
      await server.app.limiter.reset(`chat:send:${m.id}`);
      await server.app.limiter.reset(`chat:react:${m.id}`);
    }
  });

  async function socketFor(m: Member) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    return s;
  }
  async function joined(m: Member, room = roomId) {
    const s = await socketFor(m);
    const data = expectOk(await request<RoomJoined>(s, "room:join", { roomId: room }));
    return { s, data };
  }
  async function messageBy(m: Member, room = roomId, body = "How is everyone today?") {
    const { s } = await joined(m, room);
    const sent = expectOk(await request<Sent>(s, "message:send", { roomId: room, body, clientId: clientId() }));
    s.disconnect();
    return sent.message;
  }
  const stored = (messageId: string) =>
    server.app.db.select({ userId: chatReactions.userId, kind: chatReactions.kind }).from(chatReactions).where(eq(chatReactions.messageId, messageId));
  const allStored = async () => (await server.app.db.select({ n: sql<number>`count(*)::int` }).from(chatReactions))[0]!.n;

  describe("reacting", () => {
    it("persists, tells everyone in the room with the new count, then acks; history shows it with the reader's own `mine`", async () => {
      const message = await messageBy(bob);
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const heard = nextEvent<ChatReactionChanged>(b, "reaction", (e) => e.messageId === message.id);
      const ack = expectOk(await request<Reacted>(a, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(ack).toEqual({ messageId: message.id, kind: "hug", count: 1, reacted: true });
      expect(await heard).toEqual({ roomId, messageId: message.id, kind: "hug", count: 1, userId: alice.id, reacted: true });
      expect(await stored(message.id)).toEqual([{ userId: alice.id, kind: "hug" }]);

      const forAlice = (await joined(alice)).data.messages.find((m) => m.id === message.id)!;
      const forBob = (await joined(bob)).data.messages.find((m) => m.id === message.id)!;
      expect(forAlice.reactions).toEqual([{ kind: "hug", count: 1, mine: true }]);
      expect(forBob.reactions).toEqual([{ kind: "hug", count: 1, mine: false }]);
      // Older pages carry `mine` too.
      const page = expectOk(await request<{ messages: { id: string; reactions: unknown }[] }>(a, "room:history", { roomId, before: message.seq + 1 }));
      expect(page.messages.find((m) => m.id === message.id)!.reactions).toEqual([{ kind: "hug", count: 1, mine: true }]);

      // Removing it: count 0, told to the room.
      const gone = nextEvent<ChatReactionChanged>(b, "reaction", (e) => e.messageId === message.id && !e.reacted);
      expect(expectOk(await request<Reacted>(a, "message:react", { messageId: message.id, kind: "hug", reacted: false }))).toEqual({ messageId: message.id, kind: "hug", count: 0, reacted: false });
      expect((await gone).count).toBe(0);
      expect(await stored(message.id)).toEqual([]);
    });

    it("kinds are counted apart and listed in display order; the author may react to their own message", async () => {
      const message = await messageBy(bob);
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      expectOk(await request(a, "message:react", { messageId: message.id, kind: "helpful", reacted: true }));
      expectOk(await request(b, "message:react", { messageId: message.id, kind: "helpful", reacted: true }));
      expectOk(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      const seen = (await joined(bob)).data.messages.find((m) => m.id === message.id)!;
      expect(seen.reactions).toEqual([
        { kind: "hug", count: 1, mine: false },
        { kind: "helpful", count: 2, mine: true },
      ]);
    });

    it("is idempotent: reacting twice, or removing what isn't there, is the same state, an ok ack and no broadcast", async () => {
      const message = await messageBy(bob);
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const events = collect<ChatReactionChanged>(b, "reaction");
      expect(expectOk(await request<Reacted>(a, "message:react", { messageId: message.id, kind: "same_here", reacted: true })).count).toBe(1);
      expect(expectOk(await request<Reacted>(a, "message:react", { messageId: message.id, kind: "same_here", reacted: true }))).toEqual({
        messageId: message.id,
        kind: "same_here",
        count: 1,
        reacted: true,
      });
      expect(expectOk(await request<Reacted>(a, "message:react", { messageId: message.id, kind: "hug", reacted: false })).count).toBe(0);
      await sentinel({ from: a, roomId, control: b });
      expect(events.map((e) => [e.kind, e.count, e.reacted])).toEqual([["same_here", 1, true]]);
      expect(await stored(message.id)).toEqual([{ userId: alice.id, kind: "same_here" }]);
    });

    it("counts right under concurrent reactions from several people: each event's count is the count after that change", async () => {
      const message = await messageBy(bob);
      const { s: watcher } = await joined(bob);
      const sockets = await Promise.all(crowd.map(async (c) => (await joined(c)).s));
      const events = collect<ChatReactionChanged>(watcher, "reaction");
      const acks = await Promise.all(sockets.map((s) => request<Reacted>(s, "message:react", { messageId: message.id, kind: "hug", reacted: true })));
      const counts = acks.map((r) => expectOk(r).count).sort((x, y) => x - y);
      // Reactions to one message take turns: the counts are 1…6, each once (a stale read would repeat one).
      expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
      await sentinel({ from: watcher, roomId, control: watcher });
      expect(events.map((e) => e.count).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(new Set(events.map((e) => e.userId))).toEqual(new Set(crowd.map((c) => c.id)));
      expect(await stored(message.id)).toHaveLength(6);

      // And taking them back at the same time: 5…0, each once.
      events.length = 0;
      const back = await Promise.all(sockets.map((s) => request<Reacted>(s, "message:react", { messageId: message.id, kind: "hug", reacted: false })));
      expect(back.map((r) => expectOk(r).count).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
      await sentinel({ from: watcher, roomId, control: watcher });
      expect(events.map((e) => e.count).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(await stored(message.id)).toEqual([]);
    });

    it("a deleted message shows no reactions and takes none", async () => {
      const message = await messageBy(bob);
      const { s: a } = await joined(alice);
      expectOk(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      await deleteMessage(server.app, mod, { messageId: message.id, reason: "Removed for the test" });
      const err = expectError(await request(a, "message:react", { messageId: message.id, kind: "helpful", reacted: true }));
      expect(err).toEqual({ code: "forbidden", message: "That message has been deleted." });
      expect((await joined(alice)).data.messages.find((m) => m.id === message.id)!.reactions).toEqual([]);
      expect(await stored(message.id)).toEqual([{ userId: alice.id, kind: "hug" }]);
    });

    it("a system line takes no reactions", async () => {
      const message = await messageBy(mod);
      await server.app.db.update(chatMessages).set({ kind: "system" }).where(eq(chatMessages.id, message.id));
      const { s: a } = await joined(alice);
      expect(expectError(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: true })).code).toBe("forbidden");
      expect(await stored(message.id)).toEqual([]);
    });
  });

  describe("who may react", () => {
    it("a signed-in outsider of a public group: refused with a reason; of a private group: not found, like an unknown message", async () => {
      const message = await messageBy(bob);
      const privateMessage = await messageBy(alice, privateRoomId);
      const s = await socketFor(outsider);
      const open = expectError(await request(s, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(open.code).toBe("forbidden");
      expect(open.message).toMatch(/Join the group first/);
      const priv = expectError(await request(s, "message:react", { messageId: privateMessage.id, kind: "hug", reacted: true }));
      const unknown = expectError(await request(s, "message:react", { messageId: "no-such-message", kind: "hug", reacted: true }));
      expect(priv).toEqual({ code: "not_found", message: "That message could not be found." });
      expect(unknown).toEqual(priv);
      expect(await stored(message.id)).toEqual([]);
      expect(await stored(privateMessage.id)).toEqual([]);
    });

    it("muted in the room, removed from it, or the room locked: refused at once, with the reason; nothing stored or told", async () => {
      const room = (await createChatRoom(server.app, mod, slug, `Standing ${Date.now()}`)).id;
      const message = await messageBy(mod, room);
      const { s: a } = await joined(alice, room);
      const { s: b } = await joined(bob, room);
      const { s: watcher } = await joined(mod, room);
      const events = collect<ChatReactionChanged>(watcher, "reaction");

      await muteUser(server.app, mod, { roomId: room, userId: alice.id, minutes: 60, reason: "Cool off" });
      const muted = expectError(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(muted.code).toBe("forbidden");
      expect(muted.message).toMatch(/^You are muted in this room until /);

      await banUser(server.app, mod, { roomId: room, userId: bob.id, banned: true, reason: "Out" });
      const banned = expectError(await request(b, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(banned).toEqual({ code: "forbidden", message: "You have been removed from this room by a moderator." });

      await setLocked(server.app, mod, { roomId: room, locked: true });
      const { s: c } = await joined(crowd[0]!, room);
      const locked = expectError(await request(c, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(locked).toEqual({ code: "forbidden", message: "This room is locked: it is read-only for now." });
      // Moderators still can, in a locked room.
      expectOk(await request(watcher, "message:react", { messageId: message.id, kind: "helpful", reacted: true }));

      await sentinel({ from: watcher, roomId: room, control: watcher });
      expect(events.map((e) => e.userId)).toEqual([mod.id]);
      expect(await stored(message.id)).toEqual([{ userId: mod.id, kind: "helpful" }]);
    });

    it("is rate-limited per person, with a clear error", async () => {
      const message = await messageBy(bob);
      const { s: a } = await joined(alice);
      for (let i = 0; i < REACT_RATE.limit; i++) {
        expectOk(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: i % 2 === 0 }));
      }
      const err = expectError(await request(a, "message:react", { messageId: message.id, kind: "hug", reacted: true }));
      expect(err).toEqual({ code: "rate_limited", message: REACT_RATE.message });
      expect(await stored(message.id)).toEqual([]);
    });
  });

  it("works in a direct conversation through the same path: its members react, anyone else is told it doesn't exist", async () => {
    const dm = `dm-react-${Date.now().toString(36)}`;
    await server.app.db.insert(chatRooms).values({ id: dm, kind: "direct", groupId: null, name: "", createdBy: alice.id });
    await server.app.db.insert(chatRoomMembers).values([
      { roomId: dm, userId: alice.id },
      { roomId: dm, userId: bob.id },
    ]);
    const message = await messageBy(alice, dm, "Just between us");
    const { s: a } = await joined(alice, dm);
    const { s: b } = await joined(bob, dm);
    const heard = nextEvent<ChatReactionChanged>(a, "reaction", (e) => e.messageId === message.id);
    expect(expectOk(await request<Reacted>(b, "message:react", { messageId: message.id, kind: "hug", reacted: true })).count).toBe(1);
    expect(await heard).toMatchObject({ roomId: dm, count: 1, userId: bob.id });
    // A moderator of the members' group is no member of the conversation: not found.
    const m = await socketFor(mod);
    expect(expectError(await request(m, "message:react", { messageId: message.id, kind: "hug", reacted: true }))).toEqual({ code: "not_found", message: "That message could not be found." });
    expect(await stored(message.id)).toEqual([{ userId: bob.id, kind: "hug" }]);
  });

  describe("bad payloads: an error ack, nothing stored, nobody else told", () => {
    const cases: [string, unknown[]][] = [
      ["no payload", []],
      ["a string payload", ["hug"]],
      ["null", [null]],
      ["an unknown kind", [{ messageId: "MID", kind: "love", reacted: true }]],
      ["a kind of the wrong type", [{ messageId: "MID", kind: 1, reacted: true }]],
      ["a missing reacted", [{ messageId: "MID", kind: "hug" }]],
      ["a reacted that is a string", [{ messageId: "MID", kind: "hug", reacted: "true" }]],
      ["an extra key", [{ messageId: "MID", kind: "hug", reacted: true, userId: "someone-else" }]],
      ["a missing messageId", [{ kind: "hug", reacted: true }]],
      ["an oversize messageId", [{ messageId: "m".repeat(65), kind: "hug", reacted: true }]],
      ["an object messageId", [{ messageId: { $ne: "" }, kind: "hug", reacted: true }]],
      ["two payloads", [{ messageId: "MID", kind: "hug", reacted: true }, { messageId: "MID", kind: "hug", reacted: true }]],
    ];
    let messageId: string;
    beforeAll(async () => {
      messageId = (await messageBy(bob)).id;
    });
    const withId = (args: unknown[]) => JSON.parse(JSON.stringify(args).replaceAll('"MID"', JSON.stringify(messageId))) as unknown[];

    it.each(cases)("%s", async (_label, args) => {
      const { s: a } = await joined(alice);
      const { s: b } = await joined(bob);
      const heard = collect<ChatReactionChanged>(b, "reaction");
      const before = await allStored();
      const err = expectError(await request(a, "message:react", ...withId(args)));
      expect(err.code).toBe("invalid");
      expect(err.message.length).toBeGreaterThan(3);
      await sentinel({ from: a, roomId, control: b });
      expect(heard).toEqual([]);
      expect(await allStored()).toBe(before);
    });

    it("hostile ids are just unknown messages", async () => {
      const { s: a } = await joined(alice);
      const before = await allStored();
      for (const id of ["'; delete from chat_reactions; --", "<script>alert(1)</script>", "%", "*"]) {
        expect(expectError(await request(a, "message:react", { messageId: id, kind: "hug", reacted: true })).code).toBe("not_found");
      }
      expect(await allStored()).toBe(before);
    });

    it("the messages and errors say what is wrong", async () => {
      const { s: a } = await joined(alice);
      expect(expectError(await request(a, "message:react", { messageId, kind: "love", reacted: true })).message).toBe("kind: Choose Hug, Same here or Helpful.");
      expect(expectError(await request(a, "message:react", { messageId, kind: "hug" })).message).toBe("reacted: Say whether to add or remove the reaction.");
    });
  });
});

describe.skipIf(twoNodesUnavailable)("chat reactions across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  let nodes: TwoNodes;
  let a: HearthNode, b: HearthNode;
  let sockets: Socket[];
  let roomId: string;
  let mod: Member, alice: Member, bob: Member;

  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b, sockets } = nodes);
    [mod, alice, bob] = [await createMember(a.app, "Mod"), await createMember(a.app, "Alice"), await createMember(a.app, "Bob")];
    const { slug } = await createChatGroup(a.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id] });
    roomId = (await createChatRoom(a.app, mod, slug)).id;
    const [onA, onB] = [await joinedSocket(a.url, mod.token, roomId, sockets), await joinedSocket(b.url, mod.token, roomId, sockets)];
    await untilDelivered(onA, onB, roomId);
    await untilDelivered(onB, onA, roomId);
  });
  afterAll(() => nodes?.close());

  it("a reaction given on node B reaches a reader on node A with its count", async () => {
    const aliceOnA = await joinedSocket(a.url, alice.token, roomId, sockets);
    const bobOnB = await joinedSocket(b.url, bob.token, roomId, sockets);
    const sent = expectOk(await request<Sent>(aliceOnA, "message:send", { roomId, body: "Rough night", clientId: clientId() }));
    const heard = nextEvent<ChatReactionChanged>(aliceOnA, "reaction", (e) => e.messageId === sent.message.id);
    expect(expectOk(await request<Reacted>(bobOnB, "message:react", { messageId: sent.message.id, kind: "hug", reacted: true })).count).toBe(1);
    expect(await heard).toEqual({ roomId, messageId: sent.message.id, kind: "hug", count: 1, userId: bob.id, reacted: true });
    // And the other way: node A's reaction counts node B's too.
    const back = nextEvent<ChatReactionChanged>(bobOnB, "reaction", (e) => e.messageId === sent.message.id && e.userId === mod.id);
    const modOnA = await joinedSocket(a.url, mod.token, roomId, sockets);
    expectOk(await request(modOnA, "message:react", { messageId: sent.message.id, kind: "hug", reacted: true }));
    expect((await back).count).toBe(2);
  });
});
