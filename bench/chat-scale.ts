/**
 * Chat at 100,000 messages: server time of the real chat module functions, in-process, on one room
 * of 100,000 messages (plus four rooms of 5,000 in the same group), side by side in one run with
 * bare baselines on the same connection pool:
 *   - `select 1`: one round trip, the floor under any query;
 *   - the same history page and the same search written by hand with the driver (one query each,
 *     no policy, no wire shape), so the ratio shows what the module adds.
 * Measured: openRoom (the page loader and room:join: room, policy, the latest page, the read
 * marker), a history page deep in the room (`before` seq 50,000), room:around and a permalink's
 * openRoom at seq 50,000, the search for a common word and
 * for a rare one (in the room, and in the whole group). Interleaved repetitions, p50/p95. With a
 * Postgres URL it prints EXPLAIN (ANALYZE, BUFFERS) of the module's own queries (captured by a
 * Drizzle logger, run again with the same parameters).
 *
 *   npm run bench:chat-scale                     (in-memory PGlite)
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:chat-scale
 *                                                (a fresh database on that server, dropped after)
 *   BENCH_MESSAGES=100000 BENCH_REPS=200 BENCH_PLANS=0 …
 */
import { sql } from "drizzle-orm";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { createAppContext } from "#app/context.server";
import type { AppContext } from "#app/lib/app-context.server";
import { loadConfig } from "#app/lib/config.server";
import { openRoom, roomAround, roomHistory } from "#app/modules/chat/chat.server";
import { searchGroupChat } from "#app/modules/chat/search.server";
import type { Database } from "#db/client";
import * as schema from "#db/schema/index";
import { createTestDatabase } from "#tests/helpers/database";

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const OTHER_ROOMS = 4;
const OTHER_MESSAGES = Math.round(MESSAGES / 20);
const REPS = Number(process.env.BENCH_REPS ?? 200);
const PLANS = process.env.BENCH_PLANS !== "0";
const AUTHORS = 50;
const MIDDLE = Math.round(MESSAGES / 2);
const COMMON = "walking";
const RARE = "zeppelin";

// 40 words, 12 per message: each word is in roughly a quarter of the messages ("walk" is the common one).
const WORDS = (
  "pain morning neurologist tired walk physio stretch sleep appointment medication dose better worse same hope thanks " +
  "friend week weather heat cold today tomorrow maybe always never small steps rest breathe tea garden music sister " +
  "doctor letter bus rain kitchen laugh"
).split(" ");

/**
 * One room's messages in one INSERT … SELECT over generate_series: bodies of 12 pseudo-random
 * words, one author of fifty, a second apart; every 10,000th also says the rare word. The generated
 * tsvector and the indexes are built as the rows go in, as in production.
 */
async function fillRoom(app: AppContext, roomId: string, count: number) {
  const words = sql.raw(`array[${WORDS.map((w) => `'${w}'`).join(",")}]`);
  const step = 20_000;
  for (let from = 1; from <= count; from += step) {
    const to = Math.min(count, from + step - 1);
    await app.db.execute(sql`
      insert into chat_messages (id, room_id, seq, author_id, body, client_id, created_at)
      select ${roomId} || '-' || g, ${roomId}, g, 'bench-user-' || (g % ${AUTHORS}),
        (select string_agg((${words})[1 + ((g * 7919 + k * 104729 + k * k * 31) % ${WORDS.length})], ' ') from generate_series(1, 12) k)
          || case when g % 10000 = 5000 then ' ${sql.raw(RARE)}' else '' end,
        'c-' || ${roomId} || '-' || g, now() - make_interval(secs => ${count} - g)
      from generate_series(${from}::int, ${to}::int) g`);
  }
  await app.db.execute(sql`update chat_rooms set last_seq = ${count} where id = ${roomId}`);
}

async function seed(app: AppContext) {
  const { organizations, groups, groupMemberships, users, chatRooms } = schema;
  await app.db.insert(organizations).values({ id: "bench-org", slug: "bench-org", name: "Bench org" });
  await app.db.insert(groups).values({ id: "bench-group", slug: "bench", name: "Bench", organizationId: "bench-org", visibility: "private", joinPolicy: "approval" });
  const ids = Array.from({ length: AUTHORS }, (_, i) => `bench-user-${i}`);
  // Not a real password hash: nobody signs in; the module functions get the actor directly.
  await app.db.insert(users).values(ids.map((id) => ({ id, email: `${id}@bench.test`, passwordHash: "x", displayName: `Bench ${id.slice(11)}`, emailVerifiedAt: new Date() })));
  await app.db.insert(groupMemberships).values(ids.map((userId, i) => ({ groupId: "bench-group", userId, role: i === 0 ? ("moderator" as const) : ("member" as const), status: "active" as const })));
  await app.db.insert(chatRooms).values([
    { id: "big", groupId: "bench-group", name: "Big room" },
    ...Array.from({ length: OTHER_ROOMS }, (_, i) => ({ id: `other-${i}`, groupId: "bench-group", name: `Room ${i}` })),
  ]);
  await fillRoom(app, "big", MESSAGES);
  for (let i = 0; i < OTHER_ROOMS; i++) await fillRoom(app, `other-${i}`, OTHER_MESSAGES);
  await app.db.execute(sql`analyze`);
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main() {
  const url = process.env.BENCH_DATABASE_URL;
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  const handle = await createTestDatabase();
  const app = createAppContext(handle, loadConfig({ NODE_ENV: "test", LOG_LEVEL: "error" }));
  const viewer = { id: "bench-user-7", siteRole: "member" as const, status: "active" as const, displayName: "Bench 7" };
  try {
    const t0 = performance.now();
    await seed(app);
    const total = MESSAGES + OTHER_ROOMS * OTHER_MESSAGES;
    console.log(`Seeded ${total.toLocaleString("en")} messages (one room of ${MESSAGES.toLocaleString("en")}, ${OTHER_ROOMS} of ${OTHER_MESSAGES.toLocaleString("en")}) in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${url ? "Postgres" : "PGlite"}.`);

    // Bare baselines, through the same pool (Drizzle's execute: no policy, no wire shape, no joins).
    const bareHistory = () =>
      app.db.execute(sql`select id, seq, author_id, body, created_at from chat_messages where room_id = 'big' and seq < ${MIDDLE} order by seq desc limit 51`);
    const bareSearch = (q: string) =>
      app.db.execute(sql`select id, seq, body from chat_messages where room_id = 'big' and search @@ websearch_to_tsquery('english', ${q}) and deleted_at is null order by created_at desc, id desc limit 21`);

    const ops: [string, () => Promise<unknown>][] = [
      ["bare: select 1", () => app.db.execute(sql`select 1`)],
      ["bare: history page by hand (one query)", bareHistory],
      [`bare: search "${COMMON}" by hand (one query)`, () => bareSearch(COMMON)],
      [`bare: search "${RARE}" by hand (one query)`, () => bareSearch(RARE)],
      ["openRoom (page load / room:join)", () => openRoom(app, viewer, { roomId: "big" })],
      [`roomHistory before seq ${MIDDLE.toLocaleString("en")}`, () => roomHistory(app, viewer, { roomId: "big", before: MIDDLE })],
      [`roomAround seq ${MIDDLE.toLocaleString("en")} (room:around)`, () => roomAround(app, viewer, { roomId: "big", seq: MIDDLE })],
      [`openRoom at seq ${MIDDLE.toLocaleString("en")} (a permalink / search result)`, () => openRoom(app, viewer, { roomId: "big", at: MIDDLE })],
      [`search room, common word "${COMMON}"`, () => searchGroupChat(app, viewer, "bench", { q: COMMON, room: "big" })],
      [`search room, rare word "${RARE}"`, () => searchGroupChat(app, viewer, "bench", { q: RARE, room: "big" })],
      [`search group (5 rooms), common word "${COMMON}"`, () => searchGroupChat(app, viewer, "bench", { q: COMMON })],
      [`search group (5 rooms), rare word "${RARE}"`, () => searchGroupChat(app, viewer, "bench", { q: RARE })],
    ];
    // Sanity: the searches find what they should (a benchmark of an empty answer measures nothing).
    const common = await searchGroupChat(app, viewer, "bench", { q: COMMON, room: "big" });
    const rare = await searchGroupChat(app, viewer, "bench", { q: RARE, room: "big" });
    if (common.results.length !== 20 || !common.nextCursor || rare.results.length !== Math.round(MESSAGES / 10_000)) {
      throw new Error(`unexpected search answers: ${common.results.length} common, ${rare.results.length} rare`);
    }

    for (const [, run] of ops) for (let i = 0; i < 20; i++) await run(); // warm-up
    const times = new Map<string, number[]>(ops.map(([name]) => [name, []]));
    for (let i = 0; i < REPS; i++) {
      for (const [name, run] of ops) {
        const s = performance.now();
        await run();
        times.get(name)!.push(performance.now() - s);
      }
    }
    const base = pct(times.get("bare: select 1")!, 50);
    console.log(`\n${REPS} repetitions each, interleaved; ms of server time (in-process calls, database round trips included).\n`);
    console.log("| operation | p50 ms | p95 ms | p50 / select 1 | p50 / same query by hand |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    const byHand: Record<string, string> = {
      [`roomHistory before seq ${MIDDLE.toLocaleString("en")}`]: "bare: history page by hand (one query)",
      [`search room, common word "${COMMON}"`]: `bare: search "${COMMON}" by hand (one query)`,
      [`search room, rare word "${RARE}"`]: `bare: search "${RARE}" by hand (one query)`,
    };
    for (const [name] of ops) {
      const xs = times.get(name)!;
      const p50 = pct(xs, 50);
      const hand = byHand[name] ? `${(p50 / pct(times.get(byHand[name]!)!, 50)).toFixed(1)}×` : "";
      console.log(`| ${name} | ${p50.toFixed(2)} | ${pct(xs, 95).toFixed(2)} | ${(p50 / base).toFixed(1)}× | ${hand} |`);
    }

    if (PLANS && handle.url) await explainModuleQueries(app, handle.url, viewer);
  } finally {
    await app.close();
    await handle.close();
  }
}

/**
 * The plans that matter, of the module's own SQL: a second Postgres client whose Drizzle logger
 * keeps each query and its parameters; each captured query is run again under EXPLAIN ANALYZE.
 */
async function explainModuleQueries(app: AppContext, url: string, viewer: { id: string; siteRole: "member"; status: "active"; displayName: string }) {
  const client = postgres(url, { max: 1, onnotice: () => {} });
  let captured: { query: string; params: unknown[] }[] = [];
  const db = drizzlePostgres(client, { schema, logger: { logQuery: (query, params) => void captured.push({ query, params }) } }) as unknown as Database;
  const logged: AppContext = { ...app, db };
  const cases: [string, () => Promise<unknown>, RegExp][] = [
    [`history before ${MIDDLE}`, () => roomHistory(logged, viewer, { roomId: "big", before: MIDDLE }), /"chat_messages"\."seq" </],
    [`around ${MIDDLE} (the older half)`, () => roomAround(logged, viewer, { roomId: "big", seq: MIDDLE }), /"chat_messages"\."seq" <=/],
    [`search room "${COMMON}"`, () => searchGroupChat(logged, viewer, "bench", { q: COMMON, room: "big" }), /websearch_to_tsquery/],
    [`search room "${RARE}"`, () => searchGroupChat(logged, viewer, "bench", { q: RARE, room: "big" }), /websearch_to_tsquery/],
    [`search group "${COMMON}"`, () => searchGroupChat(logged, viewer, "bench", { q: COMMON }), /websearch_to_tsquery/],
  ];
  try {
    for (const [name, run, pick] of cases) {
      captured = [];
      await run();
      const q = captured.find((c) => pick.test(c.query));
      if (!q) continue;
      const plan = await client.unsafe(`explain (analyze, buffers, costs off) ${q.query}`, q.params as never[]);
      console.log(`\n### ${name}\n\n${plan.map((r) => String((r as Record<string, unknown>)["QUERY PLAN"])).join("\n")}`);
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

await main();
