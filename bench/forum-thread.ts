/**
 * Forum thread page benchmark: requests/s and p99 latency of the SSR thread page with 50 replies
 * (visitor), interleaved in one run with the baseline: the bare Remix app in bench/bare-app/ (one
 * route with a loader, no layout, no middleware), served in production mode beside Hearth. Hearth is
 * its production build, started with NODE_ENV=production in a child process on a fresh PGlite
 * directory (or BENCH_DATABASE_URL).
 *
 *   BUILD_DIR=build-bench npx remix vite:build && npx remix vite:build bench/bare-app && BUILD_DIR=build-bench npx tsx bench/forum-thread.ts
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=2 …
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { loadConfig } from "#app/lib/config.server";
import { createAppContext } from "#app/context.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { createReply } from "#app/modules/forums/posts.server";
import { createThread } from "#app/modules/forums/threads.server";
import { createDatabase } from "#db/client";
import { migrate } from "#db/migrate";
import { seedDemo } from "#db/seed";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const PORT = Number(process.env.BENCH_PORT ?? 3291);
const BARE_PORT = PORT + 1;
const BUILD_DIR = process.env.BUILD_DIR || "build";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const replyBodies = [
  "Same here. Mornings are easier for me too, and I plan around them.",
  "A warm compress on the shoulders in the evening helps me. Ten minutes, then gentle stretches.",
  "My physio had me work the muscles **opposite** the pull:\n\n- slow turns\n- chin tucks\n- breathing first",
  "I asked my neurologist about [deep brain stimulation](https://example.org/dbs) and she explained the assessment takes months.",
  "> The tiredness is the part people don't see.\n\nThis, exactly. Thank you for putting it into words.",
];

/** A thread with 50 replies in the demo's public cervical dystonia group; returns its path. */
async function prepare(dataDir: string): Promise<string> {
  const url = process.env.BENCH_DATABASE_URL;
  const handle = await createDatabase(url ? { url } : { dataDir: path.join(dataDir, "pglite") });
  await migrate(handle);
  await seedDemo(handle.db);
  const config = loadConfig({ NODE_ENV: "test" });
    const app = createAppContext(handle, config);
  const author = (id: string) => ({ id, siteRole: "member" as const, status: "active" as const });
  const { threadId } = await createThread(app, author("demo-robin"), "cervical-dystonia", {
    title: "Benchmark: a long conversation about mornings",
    body: "How do your mornings go? Mine are the **best** part of the day.",
  });
  const people = ["demo-alex", "demo-robin", "demo-sam", "demo-morgan"];
  for (let i = 0; i < 50; i++) {
    app.limiter = new MemoryRateLimiter(); // seeding, not a person typing
    await createReply(app, author(people[i % people.length]!), "cervical-dystonia", threadId, { body: `${replyBodies[i % replyBodies.length]} (#${i + 1})` });
  }
  await handle.close();
  return `/groups/cervical-dystonia/forum/${threadId}?from=latest`; // the newest page: exactly the 50 replies
}

async function waitForHealth(url: string) {
  for (let i = 0; i < 240; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await sleep(250);
  }
  throw new Error("server did not become healthy");
}

async function run(url: string, seconds: number) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    bytes: result.throughput.average,
  };
}

async function main() {
  if (!fs.existsSync(path.join(root, BUILD_DIR, "server/index.js"))) throw new Error(`No build in ${BUILD_DIR}: run \`BUILD_DIR=${BUILD_DIR} npx remix vite:build\` first.`);
  if (!fs.existsSync(path.join(root, "bench/bare-app/build/server/index.js"))) throw new Error("No bare app build: run `npx remix vite:build bench/bare-app` first.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-forum-"));
  const threadPath = await prepare(dataDir);
  const base = `http://127.0.0.1:${PORT}`;
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the server (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const server = spawn(process.execPath, [...profile, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      BUILD_DIR,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
      SEED_DEMO: "false",
      LOG_LEVEL: "error",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  // The baseline, in its own process like Hearth, so the two share the cores the same way.
  const bare = spawn(process.execPath, ["bench/bare-app/server.mjs"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production", PORT: String(BARE_PORT), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const bareUrl = `http://127.0.0.1:${BARE_PORT}/`;
  try {
    await waitForHealth(`${base}/healthz`);
    await waitForHealth(bareUrl);
    const page = await fetch(base + threadPath);
    const html = await page.text();
    const articles = (html.match(/<article /g) ?? []).length;
    if (page.status !== 200 || articles !== 50) throw new Error(`thread page: status ${page.status}, ${articles} posts on the page`);
    console.log(`Thread page ${threadPath}: ${articles} replies on the page, ${Math.round(html.length / 1024)} KiB of HTML.`);

    const targets = { bare: bareUrl, thread: base + threadPath };
    if (process.env.BENCH_PROFILE_ONLY_THREAD) {
      // Profiling aid: load only the thread page so the CPU profile shows its cost alone.
      await run(targets.thread, SECONDS);
      return;
    }
    // Warm up (JIT, markdown cache, database caches).
    for (const url of Object.values(targets)) await run(url, 2);
    const results: Record<keyof typeof targets, Awaited<ReturnType<typeof run>>[]> = { bare: [], thread: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, url] of Object.entries(targets) as [keyof typeof targets, string][]) {
        results[name].push(await run(url, SECONDS));
      }
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const summary = Object.fromEntries(
      Object.entries(results).map(([k, rs]) => [k, { rps: avg(rs.map((r) => r.rps)), p99: avg(rs.map((r) => r.p99)), p50: avg(rs.map((r) => r.p50)), non2xx: rs.reduce((a, r) => a + r.non2xx, 0) }]),
    ) as Record<keyof typeof targets, { rps: number; p99: number; p50: number; non2xx: number }>;
    console.log(`\n${CONNECTIONS} connections, ${ROUNDS} × ${SECONDS}s per route (interleaved), ${os.cpus().length} CPUs, node ${process.version}, ${process.env.BENCH_DATABASE_URL ? "Postgres" : "PGlite"}\n`);
    console.log("| route | req/s | p50 ms | p99 ms | non-2xx/errors |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const [name, s] of Object.entries(summary)) {
      console.log(`| ${name === "bare" ? "bare Remix app (bench/bare-app)" : "thread page, 50 replies (visitor)"} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(0)} | ${s.p99.toFixed(0)} | ${s.non2xx} |`);
    }
    console.log(`\nThread page / bare Remix app: ${((summary.thread.rps / summary.bare.rps) * 100).toFixed(1)} %`);
  } finally {
    server.kill("SIGTERM");
    bare.kill("SIGTERM");
    await Promise.all([new Promise((r) => server.once("exit", r)), new Promise((r) => bare.once("exit", r))]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
