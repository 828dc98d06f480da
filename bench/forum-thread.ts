/**
 * Forum thread page benchmark: requests/s and latency of the SSR thread page with 50 replies,
 * interleaved in one run with the baseline, the bare Remix app in bench/bare-app/ (one route with a
 * loader, no layout, no middleware), served in production mode beside Hearth. Six targets, every
 * request with `accept-encoding: br, gzip` as a browser sends it:
 *   bare       the bare Remix app;
 *   visitor    the thread page for a visitor, visitor page cache on (the default 1 s);
 *   nocache    the same with VISITOR_PAGE_CACHE_MS=0 (a second Hearth process on a copy of the data);
 *   member     the thread page for a signed-in member of the group (a real session cookie);
 *   layout     the same member's lightest page (/privacy: the layout around one block of text), the
 *              floor any signed-in page starts from;
 *   visitorLayout  the same page for a visitor, cache off: the floor under the visitor's pages.
 * Hearth is its production build (NODE_ENV=production) on a fresh PGlite directory (or BENCH_DATABASE_URL).
 *
 *   npm run bench:thread     (builds both apps with BUILD_DIR=build-bench, then runs this)
 *   BENCH_SECONDS=10 BENCH_CONNECTIONS=50 BENCH_ROUNDS=2 BENCH_PORT=3291 …
 *   BENCH_CPU_PROF=<dir> BENCH_PROFILE_ONLY=member …   CPU profile of the member's page alone
 *   BENCH_SAVE_HTML=<dir> …   keeps each target's page
 */
import http from "node:http";
import zlib from "node:zlib";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { loadConfig } from "#app/lib/config.server";
import { createAppContext } from "#app/context.server";
import { createSession, sessionCookieName } from "#app/modules/auth/session.server";
import { insertThread } from "#app/modules/forums/threads.server";
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

/** The member signed in for the "member" target: in the cervical dystonia group, author of a quarter of the replies. */
const MEMBER = "demo-alex";

/** A thread with 50 replies in the demo's public cervical dystonia group; returns its path and the member's session token. */
async function prepare(dataDir: string): Promise<{ threadPath: string; token: string }> {
  const url = process.env.BENCH_DATABASE_URL;
  const handle = await createDatabase(url ? { url } : { dataDir: path.join(dataDir, "pglite") });
  await migrate(handle);
  await seedDemo(handle.db);
  const config = loadConfig({ NODE_ENV: "test" });
  const app = createAppContext(handle, config);
  // Written in one transaction by the forum's own insert (what a new thread and its replies store), without the rate limits and notices of 51 posts.
  const people = ["demo-alex", "demo-robin", "demo-sam", "demo-morgan"];
  const { threadId } = await handle.db.transaction((tx) =>
    insertThread(tx, {
      groupId: "demo-group-cervical",
      title: "Benchmark: a long conversation about mornings",
      posts: [
        { authorId: "demo-robin", body: "How do your mornings go? Mine are the **best** part of the day." },
        ...Array.from({ length: 50 }, (_, i) => ({ authorId: people[i % people.length]!, body: `${replyBodies[i % replyBodies.length]} (#${i + 1})` })),
      ],
    }),
  );
  // A real session through the sessions module, as signing in makes one.
  const { token } = await createSession(app, MEMBER, "bench");
  await handle.close();
  return { threadPath: `/groups/cervical-dystonia/forum/${threadId}?from=latest`, token }; // the newest page: exactly the 50 replies
}

/** One GET with the given headers; the body as it came over the wire and decoded. */
function get(url: string, headers: Record<string, string>): Promise<{ status: number; encoding: string; wire: number; html: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks);
          const encoding = String(res.headers["content-encoding"] ?? "identity");
          const decode = { br: zlib.brotliDecompressSync, gzip: zlib.gunzipSync, deflate: zlib.inflateSync }[encoding] ?? ((b: Buffer) => b);
          resolve({ status: res.statusCode ?? 0, encoding, wire: raw.length, html: decode(raw).toString("utf8") });
        });
        res.on("error", reject);
      })
      .on("error", reject);
  });
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

async function run(url: string, headers: Record<string, string>, seconds: number) {
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds, pipelining: 1 });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
  };
}

/** A Hearth production server in a child process. */
function startHearth(port: number, dataDir: string, env: Record<string, string> = {}, nodeFlags: string[] = []) {
  return spawn(process.execPath, [...nodeFlags, "--import", "tsx", "server.ts"], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      BUILD_DIR,
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: process.env.BENCH_DATABASE_URL ?? "",
      SEED_DEMO: "false",
      LOG_LEVEL: "error",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const BROWSER = { "accept-encoding": "br, gzip" };
const articlesIn = (html: string) => (html.match(/<article /g) ?? []).length;

async function main() {
  if (!fs.existsSync(path.join(root, BUILD_DIR, "server/index.js"))) throw new Error(`No build in ${BUILD_DIR}: run \`BUILD_DIR=${BUILD_DIR} npx remix vite:build\` first.`);
  if (!fs.existsSync(path.join(root, "bench/bare-app/build/server/index.js"))) throw new Error("No bare app build: run `npx remix vite:build bench/bare-app` first.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-forum-"));
  const { threadPath, token } = await prepare(dataDir);
  // PGlite is one process's database: the cache-off server gets a copy (Postgres is shared).
  const noCacheDir = `${dataDir}-nocache`;
  fs.cpSync(dataDir, noCacheDir, { recursive: true });
  const only = process.env.BENCH_PROFILE_ONLY;
  // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of the Hearth server(s) (open it in Chrome DevTools).
  const profile = process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : [];
  const NOCACHE_PORT = PORT + 2;
  const onCacheOff = only === "nocache" || only === "visitorLayout";
  const servers = [
    // With BENCH_PROFILE_ONLY, only the server that target loads is profiled.
    startHearth(PORT, dataDir, {}, only && onCacheOff ? [] : profile),
    startHearth(NOCACHE_PORT, noCacheDir, { VISITOR_PAGE_CACHE_MS: "0" }, only && !onCacheOff ? [] : profile),
    // The baseline, in its own process like Hearth, so they share the cores the same way.
    spawn(process.execPath, ["bench/bare-app/server.mjs"], {
      cwd: root,
      env: { ...process.env, NODE_ENV: "production", PORT: String(BARE_PORT), HOST: "127.0.0.1" },
      stdio: ["ignore", "ignore", "inherit"],
    }),
  ];
  const cookie = `${sessionCookieName(false)}=${token}`;
  const targets = {
    bare: { label: "bare Remix app (bench/bare-app)", url: `http://127.0.0.1:${BARE_PORT}/`, headers: BROWSER },
    visitor: { label: "thread page, visitor, cache on", url: `http://127.0.0.1:${PORT}${threadPath}`, headers: BROWSER },
    nocache: { label: "thread page, visitor, cache off", url: `http://127.0.0.1:${NOCACHE_PORT}${threadPath}`, headers: BROWSER },
    member: { label: "thread page, signed-in member", url: `http://127.0.0.1:${PORT}${threadPath}`, headers: { ...BROWSER, cookie } },
    layout: { label: "lightest page (/privacy), signed-in member", url: `http://127.0.0.1:${PORT}/privacy`, headers: { ...BROWSER, cookie } },
    visitorLayout: { label: "lightest page (/privacy), visitor, cache off", url: `http://127.0.0.1:${NOCACHE_PORT}/privacy`, headers: BROWSER },
  };
  type Name = keyof typeof targets;
  try {
    await waitForHealth(`http://127.0.0.1:${PORT}/healthz`);
    await waitForHealth(`http://127.0.0.1:${NOCACHE_PORT}/healthz`);
    await waitForHealth(targets.bare.url);
    const sizes: Partial<Record<Name, { html: number; wire: number; encoding: string }>> = {};
    for (const [name, t] of Object.entries(targets) as [Name, (typeof targets)[Name]][]) {
      const page = await get(t.url, t.headers);
      if (page.status !== 200) throw new Error(`${name}: status ${page.status}`);
      if (name !== "bare" && name !== "layout" && name !== "visitorLayout" && articlesIn(page.html) !== 50) throw new Error(`${name}: ${articlesIn(page.html)} posts on the page`);
      if (name === "member" && !page.html.includes('id="reply-body"')) throw new Error("member: not signed in (no reply box)");
      if (name === "layout" && !page.html.includes('action="/signout"')) throw new Error("layout: not signed in (no sign-out form)");
      sizes[name] = { html: Buffer.byteLength(page.html), wire: page.wire, encoding: page.encoding };
      if (process.env.BENCH_SAVE_HTML) fs.writeFileSync(path.join(process.env.BENCH_SAVE_HTML, `${name}.html`), page.html);
    }
    // The visitor cache answers every Accept-Encoding with its own encoding (a miss, then hits).
    for (const accept of ["br", "gzip", "deflate", "identity", "gzip;q=0, br", "br, gzip"]) {
      for (let i = 0; i < 2; i++) {
        const page = await get(targets.visitor.url, { "accept-encoding": accept });
        const ok = page.status === 200 && articlesIn(page.html) === 50 && (accept.startsWith(page.encoding) || (accept === "gzip;q=0, br" && page.encoding === "br"));
        if (!ok) throw new Error(`visitor cache, accept-encoding "${accept}": status ${page.status}, content-encoding ${page.encoding}`);
      }
    }
    console.log(`Thread page ${threadPath}: 50 replies; visitor cache correct for br, gzip, deflate, identity.`);

    if (only) {
      // Profiling aid: load one target alone so the CPU profile shows its cost.
      const t = targets[only as Name];
      if (!t) throw new Error(`BENCH_PROFILE_ONLY: one of ${Object.keys(targets).join(", ")}`);
      const r = await run(t.url, t.headers, SECONDS);
      console.log(`${only}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms`);
      return;
    }
    // Warm up (JIT, markdown cache, database caches).
    for (const t of Object.values(targets)) await run(t.url, t.headers, 2);
    const results = Object.fromEntries(Object.keys(targets).map((k) => [k, [] as Awaited<ReturnType<typeof run>>[]])) as Record<Name, Awaited<ReturnType<typeof run>>[]>;
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, t] of Object.entries(targets) as [Name, (typeof targets)[Name]][]) results[name].push(await run(t.url, t.headers, SECONDS));
    }
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const bareRps = avg(results.bare.map((r) => r.rps));
    console.log(`\n${CONNECTIONS} connections, accept-encoding "br, gzip", ${ROUNDS} × ${SECONDS}s per target (interleaved), ${os.cpus().length} CPUs, node ${process.version}, ${process.env.BENCH_DATABASE_URL ? "Postgres" : "PGlite"}\n`);
    console.log("| target | req/s | of bare | p50 ms | p99 ms | HTML KiB | sent KiB | non-2xx/errors |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const [name, rs] of Object.entries(results) as [Name, Awaited<ReturnType<typeof run>>[]][]) {
      const rps = avg(rs.map((r) => r.rps));
      const size = sizes[name]!;
      console.log(
        `| ${targets[name].label} | ${rps.toFixed(0)} | ${((rps / bareRps) * 100).toFixed(1)} % | ${avg(rs.map((r) => r.p50)).toFixed(0)} | ${avg(rs.map((r) => r.p99)).toFixed(0)} | ${(size.html / 1024).toFixed(1)} | ${(size.wire / 1024).toFixed(1)} (${size.encoding}) | ${rs.reduce((a, r) => a + r.non2xx, 0)} |`,
      );
    }
  } finally {
    for (const s of servers) s.kill("SIGTERM");
    await Promise.all(servers.map((s) => new Promise((r) => (s.exitCode !== null ? r(null) : s.once("exit", r)))));
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(noCacheDir, { recursive: true, force: true });
  }
}

await main();
