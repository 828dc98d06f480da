import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "#db/client";
import type { ChatPresence, ChatSanction, Sent, ChatMessage } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { createTestDatabase } from "#tests/helpers/database";
import { dropRedisStream, joinedSocket, redisPrefix, startNode, untilDelivered, type HearthNode } from "#tests/helpers/sockets";

/**
 * Two server nodes (two createHearthServer instances on different ports) sharing one Postgres
 * database and one Redis through the Socket.IO Redis Streams adapter. PGlite is one process's
 * database, so this needs the real servers; CI sets both variables.
 */
const needs = !process.env.DATABASE_URL || !process.env.REDIS_URL;

describe.skipIf(needs)("chat across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  type Node = HearthNode;
  let shared: DatabaseHandle;
  let a: Node, b: Node;
  const sockets: Socket[] = [];
  let roomId: string;
  let prefix: string;
  let mod: Awaited<ReturnType<typeof createMember>>, alice: typeof mod, bob: typeof mod;

  const joined = (n: Node, m: typeof mod) => joinedSocket(n.url, m.token, roomId, sockets);

  beforeAll(async () => {
    shared = await createTestDatabase();
    const second = await createDatabase({ url: shared.url!, max: 5 });
    prefix = redisPrefix();
    a = await startNode(shared, prefix);
    b = await startNode(second, prefix);
    [mod, alice, bob] = [await createMember(a.app, "Mod"), await createMember(a.app, "Alice"), await createMember(a.app, "Bob")];
    const { slug } = await createChatGroup(a.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id] });
    roomId = (await createChatRoom(a.app, mod, slug)).id;
    // Each node's stream reader is up once a message from the other node reaches it.
    const [onA, onB] = [await joined(a, mod), await joined(b, mod)];
    await untilDelivered(onA, onB, roomId);
    await untilDelivered(onB, onA, roomId);
    onA.disconnect();
    onB.disconnect();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b?.close();
    await a?.close(); // closes `shared`, which drops the test database
    await dropRedisStream(prefix);
  });

  it("a client on node A receives a message sent through node B", async () => {
    const onA = await joined(a, alice);
    const onB = await joined(b, bob);
    const cid = clientId();
    const got = nextEvent<ChatMessage>(onA, "message:new", (m) => m.clientId === cid);
    const sent = expectOk(await request<Sent>(onB, "message:send", { roomId, body: "hello from B", clientId: cid }));
    expect(await got).toEqual(sent.message);
  });

  it("presence spans both nodes", async () => {
    const onA = await joined(a, alice);
    const seen = nextEvent<ChatPresence>(onA, "presence", (p) => p.people.some((x) => x.id === bob.id) && p.people.some((x) => x.id === alice.id));
    await joined(b, bob);
    expect((await seen).count).toBeGreaterThanOrEqual(2);
  });

  it("a deletion issued on node B reaches node A at once", async () => {
    const onA = await joined(a, alice);
    const modOnB = await joined(b, mod);
    const sent = expectOk(await request<Sent>(onA, "message:send", { roomId, body: "to be removed", clientId: clientId() }));
    const deleted = nextEvent<{ messageId: string }>(onA, "message:deleted", (e) => e.messageId === sent.message.id);
    expectOk(await request(modOnB, "message:delete", { messageId: sent.message.id, reason: "Removed across nodes" }));
    expect((await deleted).messageId).toBe(sent.message.id);
  });

  it("a ban issued on node B makes the banned person's sockets on node A leave the room", async () => {
    const bobOnA = await joined(a, bob);
    const modOnB = await joined(b, mod);
    const aliceOnB = await joined(b, alice);
    const bobGot = collect<ChatMessage>(bobOnA, "message:new");
    const sanction = nextEvent<ChatSanction>(bobOnA, "sanction");
    expectOk(await request(modOnB, "user:ban", { roomId, userId: bob.id, reason: "Banned across nodes" }));
    expect(await sanction).toMatchObject({ roomId, banned: true });
    // The leave travels through the same ordered stream as later messages, so it lands first.
    // Alice's message after the ban, sent on node B, reaches her own socket on node A, and not Bob's.
    const aliceOnA = await joined(a, alice);
    await sentinel({ from: aliceOnB, roomId, control: aliceOnA, quiet: [bobOnA] });
    expect(bobGot).toEqual([]);
    expect(expectError(await request(bobOnA, "room:join", { roomId })).code).toBe("forbidden");
    const fetched = await a.io.in(`room:${roomId}`).fetchSockets();
    expect(fetched.some((s) => s.data.viewer.id === bob.id)).toBe(false);
  });
});
