/**
 * The two servers the chat fan-out benchmark compares, each run as a child process (so its memory
 * is its own) and driven over IPC by bench/chat-fanout.ts:
 *   - "hearth": the real server (createHearthServer, sockets only) on a fresh database, with
 *     accounts, a group and one room; the handshake, policy checks and the insert all run.
 *   - "bare": a plain Socket.IO server on the same http stack: "join" joins a room, "send"
 *     broadcasts the same payload shape and acks ("react" likewise, for BENCH_MIX=reactions). No auth, no database.
 * Listens on 127.0.0.1 only.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Server } from "socket.io";

type Ready = { port: number; readerTokens: string[]; senderTokens: string[]; roomId: string };

async function startHearth(readers: number, senders: number): Promise<Ready> {
  const { eq } = await import("drizzle-orm");
  const { loadConfig } = await import("#app/lib/config.server");
  const { createSession } = await import("#app/modules/auth/session.server");
  const { createTestDatabase } = await import("#tests/helpers/database");
  const { groupMemberships, groups, organizations, users, chatRooms } = await import("#db/schema/index");
  const { createHearthServer } = await import("../server");
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "production", LOG_LEVEL: "error", SERVE_REMIX: "false" });
  const server = await createHearthServer({ config, database, remix: "none" });
  const db = database.db;
  await db.insert(organizations).values({ id: "bench-org", slug: "bench-org", name: "Bench org" });
  await db.insert(groups).values({ id: "bench-group", slug: "bench", name: "Bench", organizationId: "bench-org" });
  await db.insert(chatRooms).values({ id: "bench-room", groupId: "bench-group", name: "Bench room" });
  const ids = Array.from({ length: readers + senders }, (_, i) => `bench-user-${i}`);
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    // Not a real password hash: these accounts only ever use the sessions created below. Confirmed
    // addresses: unconfirmed accounts may not send (policy unverifiedMayNot).
    const verifiedAt = new Date();
    await db.insert(users).values(chunk.map((id) => ({ id, email: `${id}@bench.test`, passwordHash: "x", displayName: `Bench ${id.slice(11)}`, emailVerifiedAt: verifiedAt })));
    await db.insert(groupMemberships).values(chunk.map((userId) => ({ groupId: "bench-group", userId, role: "member" as const, status: "active" as const })));
  }
  const tokens: string[] = [];
  for (const id of ids) tokens.push((await createSession(server.app, id)).token);
  await db.select().from(chatRooms).where(eq(chatRooms.id, "bench-room"));
  await new Promise<void>((resolve) => server.httpServer.listen(0, "127.0.0.1", resolve));
  process.once("disconnect", () => void server.close().then(() => process.exit(0)));
  return { port: (server.httpServer.address() as AddressInfo).port, readerTokens: tokens.slice(0, readers), senderTokens: tokens.slice(readers), roomId: "bench-room" };
}

async function startBare(): Promise<Ready> {
  const httpServer = createServer();
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 64 * 1024 });
  let seq = 0;
  io.on("connection", (socket) => {
    socket.on("room:join", (p: { roomId: string }, ack: (r: unknown) => void) => {
      void socket.join(`room:${p.roomId}`);
      ack({ ok: true, data: { messages: [] } });
    });
    socket.on("message:send", (p: { roomId: string; body: string; clientId: string }, ack: (r: unknown) => void) => {
      seq += 1;
      const message = {
        id: `bare-${seq}`,
        roomId: p.roomId,
        seq,
        author: { id: "bare-user", displayName: "Bare sender" },
        body: p.body,
        clientId: p.clientId,
        createdAt: new Date().toISOString(),
        deleted: null,
      };
      io.to(`room:${p.roomId}`).emit("message:new", message);
      ack({ ok: true, data: { message, duplicate: false } });
    });
    // BENCH_MIX=reactions: the same event shape as Hearth's, broadcast to the one room.
    socket.on("message:react", (p: { messageId: string; kind: string; reacted: boolean }, ack: (r: unknown) => void) => {
      io.to("room:bench-room").emit("reaction", { roomId: "bench-room", messageId: p.messageId, kind: p.kind, count: 1, userId: socket.id, reacted: p.reacted });
      ack({ ok: true, data: { messageId: p.messageId, kind: p.kind, count: 1, reacted: p.reacted } });
    });
    socket.on("whoami", (ack: (r: unknown) => void) => ack({ ok: true, data: { id: socket.id } }));
  });
  await new Promise<void>((resolve) => httpServer.listen(0, "127.0.0.1", resolve));
  process.once("disconnect", () => io.close(() => process.exit(0)));
  return { port: (httpServer.address() as AddressInfo).port, readerTokens: [], senderTokens: [], roomId: "bench-room" };
}

const kind = process.argv[2];
const readers = Number(process.argv[3] ?? 1000);
const senders = Number(process.argv[4] ?? 100);
const ready = kind === "bare" ? await startBare() : await startHearth(readers, senders);
// Per phase (chat-fanout.ts asks "stats" before and after one): this process's CPU share and
// event-loop delay, so a queue inside the server shows as what it is.
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let cpuMark = process.cpuUsage();
let wallMark = performance.now();
process.on("message", (m: unknown) => {
  if (m === "stats") {
    const cpu = process.cpuUsage(cpuMark);
    const wallMs = performance.now() - wallMark;
    process.send!({ stats: { cpu: (cpu.user + cpu.system) / 1000 / wallMs, loopP99: loop.percentile(99) / 1e6, loopMax: loop.max / 1e6 } });
    loop.reset();
    cpuMark = process.cpuUsage();
    wallMark = performance.now();
  }
  if (m === "memory") {
    (globalThis as { gc?: () => void }).gc?.();
    const u = process.memoryUsage();
    process.send!({ memory: { rss: u.rss, heapUsed: u.heapUsed, external: u.external } });
  }
});
process.send!({ ready });
