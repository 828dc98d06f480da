import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { createClient } from "redis";
import { io as connect, type Socket } from "socket.io-client";
import { createDatabase, type DatabaseHandle } from "#db/client";
import { loadConfig } from "#app/lib/config.server";
import type { ChatMessage, ClientToServerEvents, RoomJoined, ServerToClientEvents } from "#app/realtime/events";
import { createHearthServer } from "../../server";
import { clientId, expectOk, nextEvent, request } from "./chat";
import { createTestDatabase } from "./database";
import { connected } from "./server";

/**
 * Socket.IO clients and server nodes for tests that run their own servers (two nodes, a child
 * process, the Remix test server): one way to connect, start a node and clean up its Redis stream.
 */

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
  /** The Cookie header, e.g. `hearth_session=<token>`. */
  cookie?: string;
  origin?: string;
  /** Off unless asked: a test that wants reconnects says so (short delays keep it quick). */
  reconnection?: boolean;
  /** Every socket made is pushed here, so afterAll can disconnect them all. */
  track?: Socket[];
}

/** A websocket-only socket.io-client socket to `url` (not yet connected). */
export function socketTo(url: string, options: SocketOptions = {}): TestSocket {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.origin) headers.origin = options.origin;
  const socket: TestSocket = connect(url, {
    transports: ["websocket"],
    extraHeaders: headers,
    reconnection: options.reconnection ?? false,
    reconnectionDelay: 100,
    reconnectionDelayMax: 500,
    forceNew: true,
  });
  options.track?.push(socket);
  return socket;
}

/** `socketTo`, resolved once connected (rejects with the server's connect_error). */
export async function connectedSocket(url: string, options: SocketOptions = {}): Promise<TestSocket> {
  const socket = socketTo(url, options);
  await connected(socket);
  return socket;
}

/** Connected as the bearer of `token` and joined to `roomId`. */
export async function joinedSocket(url: string, token: string, roomId: string, track?: Socket[]): Promise<TestSocket> {
  const socket = await connectedSocket(url, { cookie: `hearth_session=${token}`, track });
  expectOk(await request<RoomJoined>(socket, "room:join", { roomId }));
  return socket;
}

export type HearthNode = Awaited<ReturnType<typeof createHearthServer>> & { url: string };

/** A Redis prefix (stream and keys) of this test's own, so parallel runs never share a stream. */
export const redisPrefix = () => `hearth-test-${randomBytes(5).toString("hex")}`;

/** One app node on `database` with the Redis Streams adapter under `prefix`, listening on a random port. */
export async function startNode(database: DatabaseHandle, prefix: string, redisUrl = process.env.REDIS_URL!): Promise<HearthNode> {
  const config = loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent", REDIS_URL: redisUrl, REDIS_PREFIX: prefix });
  const server = await createHearthServer({ config, database, remix: "none" });
  await new Promise<void>((resolve) => server.httpServer.listen(0, "127.0.0.1", resolve));
  return { ...server, url: `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}` };
}

/**
 * Two app nodes on one fresh Postgres database and one Redis stream of their own (the two-node
 * tests need DATABASE_URL and REDIS_URL: PGlite can't be shared). `close()` disconnects every
 * socket in `sockets`, stops both nodes (dropping the database) and removes the stream.
 */
export async function startTwoNodes() {
  const shared = await createTestDatabase();
  const second = await createDatabase({ url: shared.url!, max: 5 });
  const prefix = redisPrefix();
  const a = await startNode(shared, prefix);
  const b = await startNode(second, prefix);
  const sockets: Socket[] = [];
  return {
    a,
    b,
    sockets,
    async close() {
      for (const s of sockets) s.disconnect();
      await b.close();
      await a.close(); // closes `shared`, which drops the test database
      await dropRedisStream(prefix);
    },
  };
}
export type TwoNodes = Awaited<ReturnType<typeof startTwoNodes>>;

/** Whether this run can start two nodes (Postgres and Redis). */
export const twoNodesUnavailable = !process.env.DATABASE_URL || !process.env.REDIS_URL;

/** Removes the test's Redis stream (its prefix is nobody else's). */
export async function dropRedisStream(prefix: string): Promise<void> {
  const redis = createClient({ url: process.env.REDIS_URL });
  await redis.connect();
  await redis.del(`${prefix}:socket.io`);
  await redis.close();
}

/**
 * Resolves once a message sent over `from` reaches `to` (both joined to `roomId`, on different
 * nodes): the receiving node's stream reader is up. A reader that is not up yet never sees the
 * probe, so it is sent again, up to a deadline, instead of sleeping a fixed time.
 */
export async function untilDelivered(from: Socket, to: Socket, roomId: string, attempts = 20): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const probe = clientId();
    const heard = nextEvent<ChatMessage>(to, "message:new", (m) => m.clientId === probe, 500).then(
      () => true,
      () => false,
    );
    expectOk(await request(from, "message:send", { roomId, body: "probe", clientId: probe }));
    if (await heard) return;
    if (attempt >= attempts) throw new Error("the nodes never heard each other");
  }
}
