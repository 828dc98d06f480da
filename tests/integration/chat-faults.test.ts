import { createServer, connect as tcpConnect, type AddressInfo, type Server as TcpServer, type Socket as TcpSocket } from "node:net";
import { createClient } from "redis";
import type { Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "#db/client";
import { loadConfig } from "#app/lib/config.server";
import { createAppContext } from "#app/context.server";
import type { ChatMessage, ChatPresence, ChatSanction, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectOk, nextEvent, request, sentinel, sleep, until } from "#tests/helpers/chat";
import { createTestDatabase } from "#tests/helpers/database";
import { dropRedisStream, joinedSocket, redisPrefix, startNode, untilDelivered, type HearthNode } from "#tests/helpers/sockets";

/**
 * Live chat under faults, on two nodes sharing one Postgres and one Redis (issue 10 #21, #2). The
 * nodes reach Redis through a TCP proxy in this test, so "Redis is unreachable" is the proxy
 * refusing and dropping connections; the machine's Redis server is never touched. Each test has its
 * own REDIS_PREFIX, its own pair of nodes and its own proxy.
 */
const needs = !process.env.DATABASE_URL || !process.env.REDIS_URL;
const redisTarget = new URL(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");

/** A TCP proxy to Redis that can be cut (refuse and drop every connection) and restored on the same port. */
async function redisProxy() {
  const live = new Set<TcpSocket>();
  let server: TcpServer;
  const open = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = tcpConnect(Number(redisTarget.port || 6379), redisTarget.hostname);
        for (const s of [client, upstream]) {
          live.add(s);
          s.on("close", () => live.delete(s));
          s.on("error", () => {});
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const port = await open(0);
  return {
    url: `redis://127.0.0.1:${port}`,
    async cut() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of live) s.destroy();
      });
    },
    async restore() {
      if (server.listening) return; // not cut (the test restored it already)
      await open(port);
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of live) s.destroy();
      });
    },
  };
}

/** Resolves with the ack, or rejects when none came within `ms` (the deadline is what these tests check). */
function requestWithin<T>(s: Socket, ms: number, event: string, payload: unknown) {
  return Promise.race([
    request<T>(s, event, payload),
    sleep(ms).then(() => {
      throw new Error(`no ack for ${event} within ${ms} ms`);
    }),
  ]);
}

describe.skipIf(needs)("chat under faults on two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  type Node = HearthNode;
  let shared: DatabaseHandle;
  let roomId: string;
  let mod: Awaited<ReturnType<typeof createMember>>, alice: typeof mod, bob: typeof mod, carol: typeof mod;
  let cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    shared = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" });
    const app = createAppContext(shared, config);
    [mod, alice, bob, carol] = [await createMember(app, "Mod"), await createMember(app, "Alice"), await createMember(app, "Bob"), await createMember(app, "Carol")];
    const { slug } = await createChatGroup(app, { moderatorId: mod.id, memberIds: [alice.id, bob.id, carol.id] });
    roomId = (await createChatRoom(app, mod, slug)).id;
  });
  afterEach(async () => {
    // Taken first, so a cleanup that fails can't leave stale steps for the next test's hook.
    const steps = cleanup.reverse();
    cleanup = [];
    for (const c of steps) await c();
  });
  afterAll(() => shared?.close());

  /** Two nodes on one prefix, both reaching Redis through one proxy. */
  async function cluster() {
    const prefix = redisPrefix();
    const proxy = await redisProxy();
    const nodes: Node[] = [];
    const sockets: Socket[] = [];
    cleanup.push(async () => {
      for (const s of sockets) s.disconnect();
      await proxy.restore().catch(() => {}); // a failed test may have left Redis cut off
      for (const n of nodes) await n.close();
      await proxy.close();
      await dropRedisStream(prefix);
    });
    for (let i = 0; i < 2; i++) {
      const handle = await createDatabase({ url: shared.url!, max: 5 });
      nodes.push(await startNode(handle, prefix, proxy.url));
    }
    const [a, b] = nodes as [Node, Node];
    const joined = (n: Node, m: typeof mod) => joinedSocket(n.url, m.token, roomId, sockets);
    // Both nodes' stream readers are up once a broadcast from one reaches the other (a reader
    // starts at the stream's end, so probes sent before it is up are never seen: send again).
    const probeA = await joined(a, carol);
    const probeB = await joined(b, carol);
    await untilDelivered(probeA, probeB, roomId);
    probeA.disconnect();
    probeB.disconnect();
    return { a, b, proxy, prefix, joined };
  }

  it("#21: while Redis is unreachable, people on the same node hear each other at once and joins answer at once; the other node catches up when Redis is back", async () => {
    const { a, b, proxy, joined } = await cluster();
    const aliceA = await joined(a, alice);
    const bobA = await joined(a, bob);
    const carolB = await joined(b, carol);
    await proxy.cut();

    const cid = clientId();
    const heardOnA = nextEvent<ChatMessage>(bobA, "message:new", (m) => m.clientId === cid, 1500);
    const heardOnB = nextEvent<ChatMessage>(carolB, "message:new", (m) => m.clientId === cid, 15_000);
    expectOk(await requestWithin<Sent>(aliceA, 1500, "message:send", { roomId, body: "said while Redis is away", clientId: cid }));
    expect((await heardOnA).body).toBe("said while Redis is away");

    // A join asks no other node and no Redis: it answers at once with the people on this node.
    const modA = await joined(a, mod);
    const again = expectOk(await requestWithin<RoomJoined>(modA, 1500, "room:join", { roomId }));
    expect(again.presence.people.map((p) => p.id)).toEqual(expect.arrayContaining([alice.id, bob.id, mod.id]));

    await proxy.restore();
    expect((await heardOnB).body).toBe("said while Redis is away");
  });

  it("#21: a join answers at once even when another node never answers (presence asks no node on the join path)", async () => {
    const { a, prefix, joined } = await cluster();
    // A third "node" that subscribes like one but never answers fetchSockets (hung or overloaded).
    const ghost = createClient({ url: process.env.REDIS_URL });
    await ghost.connect();
    await ghost.subscribe(`${prefix}:socket.io#/#`, () => {});
    cleanup.push(() => ghost.close());
    const aliceA = await joined(a, alice);
    const started = Date.now();
    const res = expectOk(await requestWithin<RoomJoined>(aliceA, 1500, "room:join", { roomId }));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(res.presence.people.map((p) => p.id)).toContain(alice.id);
    // The broadcast presence still comes, once the slow node has had its (bounded) chance.
    const bobA = await joined(a, bob);
    await nextEvent<ChatPresence>(bobA, "presence", (p) => p.people.some((x) => x.id === alice.id) && p.people.some((x) => x.id === bob.id), 5000);
  });

  it("#2: a ban made on node A while Redis is unreachable is enforced on node B: the banned socket never gets a message sent after it", async () => {
    const { a, b, proxy, joined } = await cluster();
    const modA = await joined(a, mod);
    const aliceA = await joined(a, alice);
    const bobB = await joined(b, bob);
    const carolB = await joined(b, carol);
    const bobGot = collect<ChatMessage>(bobB, "message:new");
    await proxy.cut();

    expectOk(await requestWithin(modA, 3000, "user:ban", { roomId, userId: bob.id, reason: "Banned while Redis is away" }));
    // Sent after the ban on B itself (delivered on B at once) and on A (reaches B when Redis is back).
    const onB = clientId();
    const carolHeardB = nextEvent<ChatMessage>(carolB, "message:new", (m) => m.clientId === onB, 1500);
    expectOk(await requestWithin<Sent>(carolB, 3000, "message:send", { roomId, body: "after the ban, on B", clientId: onB }));
    await carolHeardB;
    // The ban reached node B over Postgres: Bob's socket left the room there without Redis.
    await until(async () => !(await b.io.local.in(`room:${roomId}`).fetchSockets()).some((s) => s.data.viewer.id === bob.id));
    const onA = clientId();
    const carolHeardA = nextEvent<ChatMessage>(carolB, "message:new", (m) => m.clientId === onA, 15_000);
    expectOk(await requestWithin<Sent>(aliceA, 3000, "message:send", { roomId, body: "after the ban, on A", clientId: onA }));

    await proxy.restore();
    const sanction = nextEvent<ChatSanction>(bobB, "sanction", () => true, 15_000);
    await carolHeardA;
    expect(await sanction).toMatchObject({ roomId, banned: true });
    // One more message after everything from the outage arrived: still nothing for Bob.
    const last = await sentinel({ from: aliceA, roomId, control: carolB, quiet: [bobB] });
    expect(bobGot.map((m) => m.clientId).filter((c) => [onA, onB, last.clientId].includes(c))).toEqual([]);
  });
});
