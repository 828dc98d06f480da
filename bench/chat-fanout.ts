/**
 * Chat fan-out benchmark: 1,000 socket.io-client connections in one room on one node (ramped), one
 * sending loop at a steady rate, end-to-end latency (send → every reader's message:new) p50/p99 and
 * messages delivered per second; the real Hearth server and a bare Socket.IO broadcast server side
 * by side in the same run, each in its own child process (bench/chat-servers.ts), so memory per
 * connection is the server's alone. Traffic stays on 127.0.0.1; bounded in count and time.
 *
 *   npx tsx bench/chat-fanout.ts            (PGlite; BENCH_DATABASE_URL=postgres://… for Postgres)
 *   BENCH_READERS=1000 BENCH_RATES=5,20,100 BENCH_SECONDS=10 npx tsx bench/chat-fanout.ts
 *   BENCH_CPU_PROF=/tmp/prof …              (a .cpuprofile per server process, written when it exits)
 *
 * Hearth allows 5 messages per 5 s per person, so the one sending loop takes turns over a pool of
 * sender accounts (one message per account per second at most); the bare server has no limit.
 *
 *   BENCH_MIX=reactions …                   (issue 14's events in the traffic: of every 10 operations,
 *                                            6 messages, 2 replies to the latest one, 2 reactions to it;
 *                                            the bare server broadcasts the same shapes)
 * Each reaction is a change (a new person, message and kind), so every one is broadcast; its latency
 * is from the react call to each reader's `reaction` event, reported apart from the messages'.
 */
import { fork, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { io, type Socket } from "socket.io-client";

const READERS = Number(process.env.BENCH_READERS ?? 1000);
const RATES = (process.env.BENCH_RATES ?? "5,20,100").split(",").map(Number);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SENDERS = Math.max(...RATES) + 20;
const MIX = process.env.BENCH_MIX === "reactions" ? "reactions" : "messages";
/** The operation for the n-th slot of the sending loop. */
const opAt = (n: number): "send" | "reply" | "react" => (MIX === "messages" ? "send" : (["send", "react", "send", "reply", "send", "react", "send", "reply", "send", "send"] as const)[n % 10]!);
const REACTION_KINDS = ["hug", "same_here", "helpful"] as const;
const RAMP_BATCH = 50;
const RAMP_PAUSE_MS = 100;
const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Ready {
  port: number;
  readerTokens: string[];
  senderTokens: string[];
  roomId: string;
}
interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

function startServer(kind: "hearth" | "bare") {
  const env = { ...process.env, DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "", REDIS_URL: "" };
  const child = fork(path.join(here, "chat-servers.ts"), [kind, String(READERS), String(SENDERS)], {
    // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it exits.
    execArgv: ["--import", "tsx", "--expose-gc", ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [])],
    env,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = new Promise<Ready>((resolve, reject) => {
    child.on("message", (m: unknown) => {
      if (m && typeof m === "object" && "ready" in m) resolve((m as { ready: Ready }).ready);
    });
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  return { child, ready };
}

interface ServerStats {
  /** Share of one core the server process used over the phase. */
  cpu: number;
  loopP99: number;
  loopMax: number;
}

/** Asks the server process over IPC (bench/chat-servers.ts) and waits for the answer under `key`. */
function ask<T>(child: ChildProcess, key: "stats" | "memory"): Promise<T> {
  return new Promise((resolve) => {
    const listener = (m: unknown) => {
      if (m && typeof m === "object" && key in m) {
        child.off("message", listener);
        resolve((m as Record<string, T>)[key]!);
      }
    };
    child.on("message", listener);
    child.send(key);
  });
}
/** The server's CPU share and event-loop delay since the last call (the first call only starts the count). */
const statsOf = (child: ChildProcess) => ask<ServerStats>(child, "stats");
const memoryOf = (child: ChildProcess) => ask<Memory>(child, "memory");

function connect(port: number, token?: string): Promise<Socket> {
  const socket = io(`http://127.0.0.1:${port}`, {
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: token ? { cookie: `hearth_session=${token}` } : {},
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

function percentile(sorted: number[], p: number) {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface PhaseResult {
  rate: number;
  sent: number;
  acked: number;
  failed: number;
  expected: number;
  delivered: number;
  deliveredPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** Send call → its ack (ok or not), over the messages of the phase. */
  ack: { p99: number; max: number };
  /** The server process over the phase (sending and draining). */
  server: ServerStats;
  /** The reactions among the operations (BENCH_MIX=reactions): their own delivery latency. */
  reactions: { acked: number; p50: number; p99: number; max: number };
}

async function run(kind: "hearth" | "bare") {
  const { child, ready } = startServer(kind);
  const server = await ready;
  const memBefore = await memoryOf(child);

  // Per phase: latencies of deliveries of that phase's messages.
  let phase = "";
  let latencies: number[] = [];
  let reactionLatencies: number[] = [];
  let delivered = 0;
  const onMessage = (m: { body: string }) => {
    const [tag, sentAt, p] = m.body.split(":");
    if (tag !== "bench" || p !== phase) return;
    latencies.push(performance.now() - Number(sentAt));
    delivered += 1;
  };
  /** This phase's reactions on their way: "messageId|kind|userId" → when the react call went out. */
  let reacting = new Map<string, number>();
  const onReaction = (e: { messageId: string; kind: string; userId: string }) => {
    const sentAt = reacting.get(`${e.messageId}|${e.kind}|${e.userId}`);
    if (sentAt === undefined) return;
    const ms = performance.now() - sentAt;
    latencies.push(ms);
    reactionLatencies.push(ms);
    delivered += 1;
  };

  // Ramp the readers up in batches.
  const readers: Socket[] = [];
  const rampStart = performance.now();
  // Memory halfway as well: the second half's growth is what each further connection costs, without
  // what the first ones set up once (database connections, compiled code, caches).
  let memHalf: Memory | null = null;
  let halfCount = 0;
  let halfPause = 0;
  for (let i = 0; i < READERS; i += RAMP_BATCH) {
    if (!memHalf && i >= READERS / 2) {
      const pauseStart = performance.now();
      await sleep(1500);
      memHalf = await memoryOf(child);
      halfCount = i;
      halfPause = performance.now() - pauseStart;
    }
    const batch = await Promise.all(
      Array.from({ length: Math.min(RAMP_BATCH, READERS - i) }, async (_, k) => {
        const s = await connect(server.port, server.readerTokens[i + k]);
        const ack = (await s.timeout(30_000).emitWithAck("room:join", { roomId: server.roomId })) as { ok: boolean; error?: { message: string } };
        if (!ack.ok) throw new Error(`join failed: ${ack.error?.message}`);
        s.on("message:new", onMessage);
        s.on("reaction", onReaction);
        return s;
      }),
    );
    readers.push(...batch);
    await sleep(RAMP_PAUSE_MS);
  }
  const rampSeconds = (performance.now() - rampStart - halfPause) / 1000;
  await sleep(1500); // let presence broadcasts from the ramp settle (the same wait before memHalf)
  const memAfter = await memoryOf(child);

  const senders: { socket: Socket; userId: string }[] = [];
  const senderTokens = kind === "hearth" ? server.senderTokens : Array.from({ length: SENDERS }, () => undefined);
  for (const token of senderTokens) {
    const socket = await connect(server.port, token);
    const me = (await socket.timeout(10_000).emitWithAck("whoami").catch(() => null)) as { ok: boolean; data?: { id: string } } | null;
    senders.push({ socket, userId: me?.ok && me.data ? me.data.id : socket.id! });
  }
  /** The newest acked message (replies and reactions go to it) and which person gave which kind there. */
  let latestId: string | null = null;
  const given = new Set<string>();

  const results: PhaseResult[] = [];
  let turn = 0;
  for (const rate of RATES) {
    phase = `r${rate}`;
    latencies = [];
    reactionLatencies = [];
    reacting = new Map();
    delivered = 0;
    let sent = 0;
    let acked = 0;
    let failed = 0;
    let reactionsAcked = 0;
    const ackLatencies: number[] = [];
    const pad = "x".repeat(80);
    await statsOf(child);
    const start = performance.now();
    const total = rate * SECONDS;
    const inflight: Promise<void>[] = [];
    while (sent < total) {
      const due = start + (sent * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const { socket: s, userId } = senders[turn++ % senders.length]!;
      let op = opAt(sent);
      sent += 1;
      const reactionKind = REACTION_KINDS[sent % REACTION_KINDS.length]!;
      // No message to answer yet, or this person already gave this kind there: a plain message instead.
      if (op !== "send" && (!latestId || (op === "react" && given.has(`${latestId}|${reactionKind}|${userId}`)))) op = "send";
      if (op === "react") {
        const key = `${latestId}|${reactionKind}|${userId}`;
        given.add(key);
        reacting.set(key, performance.now());
        inflight.push(
          (s.timeout(10_000).emitWithAck("message:react", { messageId: latestId, kind: reactionKind, reacted: true }) as Promise<{ ok: boolean }>).then(
            (r) => void (r.ok ? ((acked += 1), (reactionsAcked += 1)) : (failed += 1)),
            () => void (failed += 1),
          ),
        );
        continue;
      }
      const clientId = `bench${kind}${rate}n${sent}t${Date.now().toString(36)}`;
      const payload = { roomId: server.roomId, body: `bench:${performance.now()}:${phase}:${pad}`, clientId, ...(op === "reply" && latestId ? { replyToId: latestId } : {}) };
      const sentAt = performance.now();
      inflight.push(
        (s.timeout(10_000).emitWithAck("message:send", payload) as Promise<{ ok: boolean; data?: { message: { id: string } } }>).then(
          (r) => {
            ackLatencies.push(performance.now() - sentAt);
            if (!r.ok) return void (failed += 1);
            acked += 1;
            if (op === "send" && r.data) latestId = r.data.message.id;
          },
          () => void (failed += 1),
        ),
      );
    }
    const sendSeconds = (performance.now() - start) / 1000;
    await Promise.all(inflight);
    const expected = acked * READERS;
    const drainUntil = performance.now() + 5000;
    while (delivered < expected && performance.now() < drainUntil) await sleep(50);
    const serverStats = await statsOf(child);
    const sorted = latencies.sort((a, b) => a - b);
    const reactionSorted = reactionLatencies.sort((a, b) => a - b);
    const ackSorted = ackLatencies.sort((a, b) => a - b);
    results.push({
      rate,
      sent,
      acked,
      failed,
      expected,
      delivered,
      deliveredPerSecond: delivered / sendSeconds,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? NaN,
      ack: { p99: percentile(ackSorted, 99), max: ackSorted.at(-1) ?? NaN },
      server: serverStats,
      reactions: { acked: reactionsAcked, p50: percentile(reactionSorted, 50), p99: percentile(reactionSorted, 99), max: reactionSorted.at(-1) ?? NaN },
    });
    await sleep(1000);
  }

  for (const s of [...readers, ...senders.map((x) => x.socket)]) s.disconnect();
  child.disconnect();
  await new Promise((r) => child.once("exit", r));
  return {
    kind,
    rampSeconds,
    perConnectionKiB: {
      rss: (memAfter.rss - memBefore.rss) / READERS / 1024,
      heap: (memAfter.heapUsed - memBefore.heapUsed) / READERS / 1024,
    },
    // NaN (printed "–") when the ramp is a single batch and has no second half.
    marginalKiB: {
      rss: memHalf ? (memAfter.rss - memHalf.rss) / (READERS - halfCount) / 1024 : NaN,
      heap: memHalf ? (memAfter.heapUsed - memHalf.heapUsed) / (READERS - halfCount) / 1024 : NaN,
    },
    results,
  };
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "–");
console.log(`Chat fan-out: ${READERS} readers in one room, rates ${RATES.join("/")} msg/s for ${SECONDS} s each, mix: ${MIX}, ${os.cpus().length} CPUs, Node ${process.version}`);
const hearth = await run("hearth");
const bare = await run("bare");
console.log("\n| server | offered msg/s | acked | delivered / expected | delivered per s | p50 ms | p99 ms | max ms | ack p99 ms | ack max ms | server CPU | server loop delay p99 / max ms |");
console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
for (const r of [hearth, bare]) {
  for (const x of r.results) {
    console.log(`| ${r.kind} | ${x.rate} | ${x.acked}/${x.sent} | ${x.delivered}/${x.expected} | ${fmt(x.deliveredPerSecond, 0)} | ${fmt(x.p50)} | ${fmt(x.p99)} | ${fmt(x.max)} | ${fmt(x.ack.p99)} | ${fmt(x.ack.max)} | ${fmt(100 * x.server.cpu, 0)} % | ${fmt(x.server.loopP99)} / ${fmt(x.server.loopMax)} |`);
  }
}
console.log("\n| offered msg/s | hearth / bare delivered per s | hearth p99 / bare p99 |");
console.log("|---|---|---|");
hearth.results.forEach((h, i) => {
  const b = bare.results[i]!;
  console.log(`| ${h.rate} | ${fmt((100 * h.deliveredPerSecond) / b.deliveredPerSecond, 0)} % | ${fmt(h.p99)} / ${fmt(b.p99)} ms |`);
});
if (MIX === "reactions") {
  console.log("\nReactions alone (react call → each reader's `reaction` event):\n\n| server | offered ops/s | reactions acked | p50 ms | p99 ms | max ms |");
  console.log("|---|---|---|---|---|---|");
  for (const r of [hearth, bare]) for (const x of r.results) console.log(`| ${r.kind} | ${x.rate} | ${x.reactions.acked} | ${fmt(x.reactions.p50)} | ${fmt(x.reactions.p99)} | ${fmt(x.reactions.max)} |`);
}
console.log(`\nMemory per connection (server process, after ramp): hearth ${fmt(hearth.perConnectionKiB.rss)} KiB RSS / ${fmt(hearth.perConnectionKiB.heap)} KiB heap; bare ${fmt(bare.perConnectionKiB.rss)} KiB RSS / ${fmt(bare.perConnectionKiB.heap)} KiB heap.`);
console.log(`Each further connection (the ramp's second half): hearth ${fmt(hearth.marginalKiB.rss)} KiB RSS / ${fmt(hearth.marginalKiB.heap)} KiB heap; bare ${fmt(bare.marginalKiB.rss)} KiB RSS / ${fmt(bare.marginalKiB.heap)} KiB heap.`);
console.log(`Ramp: hearth ${fmt(hearth.rampSeconds)} s, bare ${fmt(bare.rampSeconds)} s for ${READERS} connections + joins.`);
process.exit(0);
