import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "#db/client";
import { migrate } from "#db/migrate";
import { loadConfig } from "#app/lib/config.server";
import { createAppContext } from "#app/context.server";
import type { Ack, ChatMessage, HistoryPage, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { createChatGroup, createChatRoom, sleep, until } from "#tests/helpers/chat";
import { createTestDatabase, testDatabaseKind } from "#tests/helpers/database";

/**
 * Durability: the server is a child process (`npx tsx server.ts`, sockets only) that is killed with
 * SIGKILL while eight clients are sending, then restarted on the same database (a PGlite data
 * directory, or a Postgres database with DATABASE_URL). Every acked message must be stored exactly
 * once, retries with the same clientId must not duplicate, and a client that stayed connected
 * through the crash must catch up by re-joining with `after` with no gaps.
 */
const SENDERS = 8;
const PER_SENDER = 5; // the send rate allows 5 per 5 s per person
const KILL_AFTER_ACKS = 14;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

describe(`chat durability across a SIGKILL on ${testDatabaseKind}`, () => {
  let dir: string;
  let port: number;
  let child: ChildProcess | null = null;
  let pgHandle: DatabaseHandle | null = null;
  const env: Record<string, string> = {};
  let roomId: string;
  let tokens: string[] = [];
  let watcherToken: string;
  const sockets: Socket[] = [];

  async function startChild() {
    const proc = spawn("npx", ["tsx", "server.ts"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      env: { ...process.env, ...env },
      detached: true, // its own process group, so SIGKILL reaches npx, tsx and node alike
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    proc.stderr?.on("data", (d) => (stderr += String(d)));
    child = proc;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`server exited: ${stderr}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/healthz`);
        if (res.ok) return;
      } catch {
        /* not up yet */
      }
      await sleep(200);
    }
    throw new Error(`server did not start: ${stderr}`);
  }
  function killChild(signal: NodeJS.Signals) {
    const proc = child;
    if (!proc?.pid || proc.exitCode !== null) return Promise.resolve();
    const exited = new Promise<void>((resolve) => proc.once("exit", () => resolve()));
    try {
      process.kill(-proc.pid, signal);
    } catch {
      /* already gone */
    }
    child = null;
    return exited;
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "hearth-durability-"));
    port = await freePort();
    Object.assign(env, {
      NODE_ENV: "production",
      SERVE_REMIX: "false",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dir,
      SEED_DEMO: "false",
      LOG_LEVEL: "error",
      SIGNUPS_PER_IP_PER_HOUR: "1000",
      DATABASE_URL: "",
      REDIS_URL: "",
    });
    // Set up people and a room before the server owns the database (PGlite: one process at a time).
    let handle: DatabaseHandle;
    if (process.env.DATABASE_URL) {
      pgHandle = await createTestDatabase();
      handle = pgHandle;
      env.DATABASE_URL = pgHandle.url!;
    } else {
      handle = await createDatabase({ dataDir: path.join(dir, "pglite") });
      await migrate(handle);
    }
    const config = loadConfig({ NODE_ENV: "test" });
    const app = createAppContext(handle, config);
    const mod = await createMember(app, "Mod");
    const people = [];
    for (let i = 0; i < SENDERS + 1; i++) people.push(await createMember(app, `Sender${i}`));
    const { slug } = await createChatGroup(app, { moderatorId: mod.id, memberIds: people.map((p) => p.id) });
    roomId = (await createChatRoom(app, mod, slug)).id;
    tokens = people.slice(0, SENDERS).map((p) => p.token);
    watcherToken = people[SENDERS]!.token;
    if (!pgHandle) await handle.close();
    await startChild();
  });

  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await killChild("SIGKILL");
    await pgHandle?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function socketFor(token: string, reconnection: boolean) {
    const s: Socket = connect(`http://127.0.0.1:${port}`, {
      transports: ["websocket"],
      extraHeaders: { cookie: `hearth_session=${token}` },
      reconnection,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    sockets.push(s);
    return s;
  }
  function ask<T>(s: Socket, event: string, payload: unknown, ms = 3000): Promise<Ack<T>> {
    return s.timeout(ms).emitWithAck(event, payload) as Promise<Ack<T>>;
  }

  it("keeps every acked message exactly once, and a connected client catches up with no gaps", async () => {
    // The watcher stays "connected" through the crash: it reconnects and re-joins with after = last seq.
    const watcher = socketFor(watcherToken, true);
    const seen = new Map<string, ChatMessage>();
    let lastSeq = 0;
    const take = (m: ChatMessage) => {
      seen.set(m.id, m);
      // Only advance over a contiguous prefix, like the browser client.
      while ([...seen.values()].some((x) => x.seq === lastSeq + 1)) lastSeq += 1;
    };
    watcher.on("message:new", take);
    let joins = 0;
    watcher.on("connect", () => {
      void ask<RoomJoined>(watcher, "room:join", { roomId, after: lastSeq }).then((r) => {
        if (r.ok) {
          r.data.messages.forEach(take);
          joins += 1;
        }
      }, () => {});
    });
    await until(() => joins >= 1, 10_000, "the watcher's first join");

    // Phase 1: eight senders, one message at a time each, until the server is killed mid-stream.
    const acked = new Map<string, ChatMessage>(); // clientId → acked message
    const unacked = new Set<string>();
    const plan = tokens.map((token, i) => ({ token, ids: Array.from({ length: PER_SENDER }, (_, k) => `dur${i}x${k}${Date.now().toString(36)}`) }));
    let killed: Promise<void> | null = null;
    // Every sender is connected before anyone sends: a slow connect must not race the kill.
    const senders = await Promise.all(
      plan.map(async ({ token, ids }) => {
        const s = socketFor(token, false);
        await new Promise<void>((resolve, reject) => {
          s.once("connect", () => resolve());
          s.once("connect_error", reject);
        });
        return { s, ids };
      }),
    );
    const phase1 = senders.map(async ({ s, ids }) => {
      for (const cid of ids) {
        if (killed) {
          unacked.add(cid);
          continue;
        }
        try {
          const r = await ask<Sent>(s, "message:send", { roomId, body: `message ${cid}`, clientId: cid });
          if (!r.ok) throw new Error(r.error.message);
          acked.set(cid, r.data.message);
          if (acked.size >= KILL_AFTER_ACKS && !killed) killed = killChild("SIGKILL");
        } catch {
          unacked.add(cid); // no ack: it may or may not have been stored
        }
      }
      s.disconnect();
    });
    await Promise.all(phase1);
    await killed;
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(unacked.size).toBeGreaterThan(0);

    // Phase 2: restart on the same database; every sender retries what was not acked, same clientIds.
    await startChild();
    await Promise.all(
      plan.map(async ({ token, ids }) => {
        const s = socketFor(token, false);
        await new Promise<void>((resolve) => s.once("connect", () => resolve()));
        for (const cid of ids.filter((x) => unacked.has(x))) {
          const r = await ask<Sent>(s, "message:send", { roomId, body: `message ${cid}`, clientId: cid });
          if (!r.ok) throw new Error(r.error.message);
          acked.set(cid, r.data.message);
        }
        s.disconnect();
      }),
    );
    expect(acked.size).toBe(SENDERS * PER_SENDER);

    // The stored history: every acked message exactly once, seq 1..N with no gaps.
    const reader = socketFor(tokens[0]!, false);
    await new Promise<void>((resolve) => reader.once("connect", () => resolve()));
    const all: ChatMessage[] = [];
    let page: Ack<HistoryPage>;
    do {
      page = await ask<HistoryPage>(reader, "room:history", { roomId, after: all.at(-1)?.seq ?? 0 });
      if (!page.ok) throw new Error(page.error.message);
      all.push(...page.data.messages);
    } while (page.data.hasMore);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: all.length }, (_, i) => i + 1));
    expect(all).toHaveLength(SENDERS * PER_SENDER);
    expect(new Set(all.map((m) => m.clientId)).size).toBe(all.length);
    for (const m of acked.values()) expect(all.find((x) => x.id === m.id)).toEqual(m);

    // The watcher, connected throughout, has everything, in order, with no gaps and no duplicates.
    const deadline = Date.now() + 10_000;
    while (lastSeq < all.length && Date.now() < deadline) await sleep(100);
    expect(joins).toBeGreaterThanOrEqual(2);
    expect([...seen.values()].map((m) => m.seq).sort((x, y) => x - y)).toEqual(all.map((m) => m.seq));
    expect(lastSeq).toBe(all.length);
  }, 120_000);
});
