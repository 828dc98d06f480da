/**
 * Latency at scale (issue 17, "Data scale"): the read paths a member and a moderator hit most, timed
 * on the demo-size database (db/seed.ts) and on the scale database (bench/seed-scale.ts) side by side,
 * interleaved in one run, through the same domain functions the routes and socket handlers call.
 * Then every SQL statement those paths send is run again at scale under EXPLAIN (ANALYZE, BUFFERS),
 * and sequential scans of the big tables are listed.
 *
 *   npm run bench:seed-scale        (once; the scale database is kept for reruns)
 *   npm run bench:scale             (creates and drops the demo database hearth_scale_demo)
 *   BENCH_ROUNDS=30 BENCH_SCALE_DB=hearth_scale BENCH_EXPLAIN_DIR=/tmp/plans …
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createAppContext } from "#app/context.server";
import type { AppContext } from "#app/lib/app-context.server";
import { loadConfig } from "#app/lib/config.server";
import { encodeCursor } from "#app/lib/cursor";
import { openRoom } from "#app/modules/chat/chat.server";
import { listEvents } from "#app/modules/events/events.server";
import { searchForums } from "#app/modules/forums/search.server";
import { getThreadPage, listThreads, THREADS_PAGE_SIZE } from "#app/modules/forums/threads.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import type { Actor } from "#app/policy.server";
import type { Database } from "#db/client";
import * as schema from "#db/schema/index";
import { COMMON_WORD, RARE_WORD, adminUrl, databaseUrl, fillDemoPages, freshDemoDatabase } from "./seed-scale";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 30);
const WARMUP = 3;
/** The deep keyset page: the one that starts after this many threads (page 41 at 25 a page). */
const DEEP_THREADS = 1000;
const BIG_TABLES = ["posts", "threads", "chat_messages", "users", "group_memberships", "events", "reports", "held_content"];

const member: Actor = { id: "demo-alex", siteRole: "member", status: "active", emailVerified: true };
const moderator: Actor = { id: "demo-sam", siteRole: "member", status: "active", emailVerified: true };

interface Side {
  name: string;
  app: AppContext & { close(): Promise<void> };
  sql: postgres.Sql;
  /** While set, every statement sent is recorded here (for EXPLAIN). */
  capture: { query: string; params: unknown[] }[] | null;
  group: string;
  threadId: string;
  deepCursor: string;
  roomId: string;
}

async function openSide(name: string, url: string, group: string): Promise<Side> {
  const side = { name, capture: null } as Side;
  side.sql = postgres(url, {
    max: 4,
    onnotice: () => {},
    debug: (_conn, query, params) => side.capture?.push({ query, params: params as unknown[] }),
  });
  // The same Drizzle handle createDatabase builds, on a client whose statements can be recorded.
  const db = drizzle(side.sql, { schema }) as unknown as Database;
  side.app = createAppContext({ db, kind: "postgres", url, close: () => side.sql.end() }, loadConfig({ NODE_ENV: "test", DATA_DIR: os.tmpdir(), LOG_LEVEL: "error", DATABASE_URL: url }));
  side.group = group;
  const [thread] = await side.sql<{ id: string }[]>`
    select t.id from threads t join groups g on g.id = t.group_id
    where g.slug = ${group} and t.deleted_at is null and not t.members_only order by t.reply_count desc, t.id limit 1`;
  const threadAt = (offset: number) => side.sql<{ pinned: boolean; key: string; id: string }[]>`
    select t.pinned, to_char(t.last_activity_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as key, t.id
    from threads t join groups g on g.id = t.group_id where g.slug = ${group} and t.deleted_at is null
    order by t.pinned desc, t.last_activity_at desc, t.id desc offset ${offset} limit 1`;
  // The demo forum has a handful of threads: its "deep" page is the one after its first thread.
  const [last] = (await threadAt(DEEP_THREADS - 1)).concat(await threadAt(0));
  const [room] = await side.sql<{ id: string }[]>`
    select r.id from chat_rooms r join groups g on g.id = r.group_id where g.slug = ${group} order by r.last_seq desc, r.id limit 1`;
  side.threadId = thread!.id;
  side.deepCursor = encodeCursor([last!.pinned ? 1 : 0, last!.key, last!.id]);
  side.roomId = room!.id;
  return side;
}

const paths: { name: string; run: (s: Side) => Promise<unknown> }[] = [
  { name: "forum list, first page", run: (s) => listThreads(s.app, member, s.group) },
  { name: `forum list, deep keyset page (after ${DEEP_THREADS} threads)`, run: (s) => listThreads(s.app, member, s.group, { after: s.deepCursor }) },
  { name: "thread page", run: (s) => getThreadPage(s.app, member, s.group, s.threadId) },
  { name: `site search, common word ("${COMMON_WORD}")`, run: (s) => searchForums(s.app, member, { q: COMMON_WORD }) },
  { name: `site search, rare word ("${RARE_WORD}")`, run: (s) => searchForums(s.app, member, { q: RARE_WORD }) },
  { name: "moderation queue (moderator of every group)", run: (s) => listQueue(s.app, moderator, {}) },
  { name: "room join with history", run: (s) => openRoom(s.app, member, { roomId: s.roomId }) },
  { name: "event list (upcoming)", run: (s) => listEvents(s.app, member, {}) },
];

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function explainAll(side: Side, dir: string | undefined) {
  console.log(`\nEXPLAIN (ANALYZE, BUFFERS) at scale (${side.name}); sequential scans of the big tables:`);
  for (const [i, p] of paths.entries()) {
    side.capture = [];
    await p.run(side);
    const statements = side.capture;
    side.capture = null;
    const notes: string[] = [];
    let text = "";
    for (const st of statements) {
      if (!/^\s*(select|with)/i.test(st.query)) continue;
      const plan = await side.sql.unsafe<{ "QUERY PLAN": string }[]>(`explain (analyze, buffers) ${st.query}`, st.params as never[]);
      const lines = plan.map((r) => r["QUERY PLAN"]);
      text += `${st.query}\n${JSON.stringify(st.params)}\n${lines.join("\n")}\n\n`;
      const time = lines.find((l) => l.startsWith("Execution Time"));
      const seq = lines.filter((l) => BIG_TABLES.some((t) => new RegExp(`Seq Scan on ${t}\\b`).test(l))).map((l) => l.trim().replace(/\s+\(cost.*$/, ""));
      notes.push(`  ${time ?? "?"}${seq.length ? `  SEQ: ${seq.join("; ")}` : ""}`);
    }
    console.log(`${p.name}: ${notes.length} statements`);
    for (const n of notes) console.log(n);
    if (dir) fs.writeFileSync(path.join(dir, `${i + 1}-${p.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}.txt`), text);
  }
}

const scaleDb = process.env.BENCH_SCALE_DB ?? "hearth_scale";
const demoDb = `${scaleDb}_demo`;
const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
const [exists] = await admin`select 1 from pg_database where datname = ${scaleDb}`;
if (!exists) throw new Error(`No database ${scaleDb}: run npm run bench:seed-scale first.`);
const counter = postgres(databaseUrl(scaleDb), { max: 1, onnotice: () => {} });
const [{ posts }] = (await counter`select count(*)::int as posts from posts`) as unknown as [{ posts: number }];
await counter.end();
console.log(`scale database ${scaleDb}: ${posts} posts; demo database ${demoDb}: fresh from db/seed.ts${process.env.BENCH_DEMO_AS_SEEDED ? "" : ", search and queue pages filled (fillDemoPages)"}`);

const demoUrl = await freshDemoDatabase(demoDb);
// BENCH_DEMO_AS_SEEDED=1: the demo exactly as db/seed.ts leaves it (search and queue pages nearly empty).
if (!process.env.BENCH_DEMO_AS_SEEDED) await fillDemoPages(demoUrl);
const demo = await openSide("demo", demoUrl, "cervical-dystonia");
const scale = await openSide("scale", databaseUrl(scaleDb), "scale-group-0");
const times = new Map<string, { demo: number[]; scale: number[] }>(paths.map((p) => [p.name, { demo: [], scale: [] }]));
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (const p of paths) {
    // Interleaved, and the order alternates, so neither side always runs on a warmer cache.
    const order = round % 2 ? [scale, demo] : [demo, scale];
    for (const side of order) {
      const ms = await timed(() => p.run(side));
      if (round >= WARMUP) times.get(p.name)![side.name as "demo" | "scale"].push(ms);
    }
  }
}

console.log(`\n${ROUNDS} rounds, interleaved, in-process (the domain functions the routes call), Postgres ${(await admin`show server_version`)[0]!.server_version}`);
console.log("| path | demo p50 ms | demo p95 ms | scale p50 ms | scale p95 ms | p50 ratio |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
for (const p of paths) {
  const t = times.get(p.name)!;
  const [d50, d95, s50, s95] = [quantile(t.demo, 0.5), quantile(t.demo, 0.95), quantile(t.scale, 0.5), quantile(t.scale, 0.95)];
  console.log(`| ${p.name} | ${d50.toFixed(1)} | ${d95.toFixed(1)} | ${s50.toFixed(1)} | ${s95.toFixed(1)} | ${(s50 / d50).toFixed(2)} |`);
}
console.log(`(page size ${THREADS_PAGE_SIZE} threads; scale group scale-group-0, demo group cervical-dystonia)`);

const dir = process.env.BENCH_EXPLAIN_DIR;
if (dir) fs.mkdirSync(dir, { recursive: true });
await explainAll(scale, dir);

for (const side of [demo, scale]) {
  await side.app.close();
  await side.sql.end();
}
await admin.unsafe(`drop database if exists "${demoDb}" with (force)`);
await admin.end();
