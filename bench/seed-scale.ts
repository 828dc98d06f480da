/**
 * Fills a Postgres database of its own with a community at scale (issue 17, "Data scale"):
 * at --scale=1, 1,000,000 posts in 100,000 threads, 50,000 members, 1,000,000 chat messages and
 * 10,000 events across 50 groups, plus reports and held items for the moderation queue, on top of the
 * demo community (db/seed.ts) so its accounts can sign in and moderate the big groups.
 *
 *   npm run bench:seed-scale                         (scale 1 into database hearth_scale)
 *   npm run bench:seed-scale -- --scale=0.05         (a quick run)
 *   BENCH_ADMIN_URL=postgres://…/postgres BENCH_SCALE_DB=hearth_scale …
 *
 * Set-based SQL only (INSERT … SELECT generate_series): rows are computed from their number, so the
 * counters are consistent by construction (thread t has posts t, t+T, t+2T, …; its reply_count and
 * last_activity_at are those of its last post). Bodies are runs of the words of
 * /work/shared/seed-article.txt (bench/seed-article.txt if present), so "dystonia" is common; one post
 * in 50,000 mentions "trihexyphenidyl", the rare word. Search vectors are the tables' generated
 * columns, filled by Postgres as the app's inserts fill them. Secondary indexes are dropped during the
 * load and rebuilt after (faster than maintaining them row by row), FK checks are off for the load
 * (session_replication_role = replica: every reference is generated to exist).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { createDatabase } from "#db/client";
import { migrate } from "#db/migrate";
import { seedDemo } from "#db/seed";
import { SEARCH_CANDIDATES } from "#app/modules/forums/forums.schema";

export const SCALE_GROUPS = 50;
export const POSTS_PER_THREAD = 10;
export const ROOMS_PER_GROUP = 2;
export const RARE_WORD = "trihexyphenidyl";
export const COMMON_WORD = "dystonia";

export function adminUrl(): string {
  return process.env.BENCH_ADMIN_URL ?? process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}
export function databaseUrl(name: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops and recreates `name`, migrates it and seeds the demo community. */
export async function freshDemoDatabase(name: string): Promise<string> {
  const admin = postgres(adminUrl(), { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists "${name}" with (force)`);
  await admin.unsafe(`create database "${name}"`);
  await admin.end();
  const url = databaseUrl(name);
  const handle = await createDatabase({ url, max: 2 });
  await migrate(handle);
  await seedDemo(handle.db);
  await handle.close();
  return url;
}

/**
 * The demo database with its search and moderation pages as full as they are at scale, for
 * bench/scale-latency.ts. db/seed.ts leaves them nearly empty ("dystonia" in a few posts,
 * "trihexyphenidyl" in none, no reports), and ranking a handful of matches is not the work of ranking
 * a full candidate pool (SEARCH_CANDIDATES newest matching bodies and as many titles, whatever the
 * site's size), so the ratio would measure how full the pages are, not how big the data is. Here:
 * SEARCH_CANDIDATES threads in another group Alex belongs to (the timed forum list and thread page
 * stay db/seed.ts's), each titled and opened with the common word, one in ten with the rare one, and
 * the newest 60 openings reported by two members (60 open queue items, more than a page).
 */
export async function fillDemoPages(url: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const [group] = await sql<{ id: string }[]>`
    select g.id from groups g join group_memberships m on m.group_id = g.id and m.user_id = 'demo-alex' and m.status = 'active'
    where g.slug <> 'cervical-dystonia' order by g.slug limit 1`;
  if (!group) throw new Error("fillDemoPages: Alex belongs to no other demo group");
  const tokens = articleTokens();
  const n = SEARCH_CANDIDATES;
  const threads = Array.from({ length: n }, (_, k) => {
    const at = new Date(Date.now() - (n - k) * 60_000);
    return { id: `fill-thread-${k}`, group_id: group.id, author_id: k % 2 ? "demo-sam" : "demo-alex", title: `Week ${k + 1} with ${COMMON_WORD}`, last_activity_at: at, created_at: at };
  });
  const posts = threads.map((t, k) => {
    const from = (k * 20) % (tokens.length - 20);
    const rare = k % 10 === 0 ? ` My neurologist added ${RARE_WORD} at night.` : "";
    return { id: `fill-post-${k}`, thread_id: t.id, author_id: t.author_id, is_opening: true, created_at: t.created_at, body: `${tokens.slice(from, from + 20).join(" ")} Living with ${COMMON_WORD} day to day.${rare}` };
  });
  await sql`insert into threads ${sql(threads)}`;
  await sql`insert into posts ${sql(posts)}`;
  const reports = posts.slice(-60).flatMap((p, k) =>
    ["demo-robin", "demo-kit"].map((reporter_id, r) => ({ id: `fill-report-${k}-${r}`, target_type: "post", target_id: p.id, group_id: group.id, reporter_id, reason: r ? "other" : "spam" })),
  );
  await sql`insert into reports ${sql(reports)}`;
  await sql`analyze`;
  await sql.end();
}

function articleTokens(): string[] {
  const local = path.join(path.dirname(fileURLToPath(import.meta.url)), "seed-article.txt");
  const file = fs.existsSync(local) ? local : "/work/shared/seed-article.txt";
  const tokens = fs.readFileSync(file, "utf8").split(/\s+/).filter(Boolean);
  if (tokens.length < 100) throw new Error(`${file}: too few words for the sentences`);
  return tokens;
}

async function step(name: string, work: () => Promise<unknown>) {
  const t0 = performance.now();
  await work();
  const s = (performance.now() - t0) / 1000;
  console.log(`${name.padEnd(44)} ${s.toFixed(1).padStart(7)} s`);
}

export async function seedScale(scale: number, name: string) {
  const T = Math.max(SCALE_GROUPS, Math.round(100_000 * scale)); // threads
  const N = T * POSTS_PER_THREAD; // posts
  const M = Math.max(100, Math.round(50_000 * scale)); // members
  const R = SCALE_GROUPS * ROOMS_PER_GROUP; // rooms
  const C = Math.max(R, Math.round(1_000_000 * scale)); // chat messages
  const E = Math.max(SCALE_GROUPS, Math.round(10_000 * scale)); // events
  console.log(`scale ${scale}: ${N} posts in ${T} threads, ${M} members, ${C} chat messages in ${R} rooms, ${E} events, ${SCALE_GROUPS} groups -> ${name}`);
  const total = performance.now();
  let url = "";
  await step("database, migrations, demo community", async () => (url = await freshDemoDatabase(name)));
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  // One connection: the temp table and the session settings below belong to it.
  await sql`set session_replication_role = replica`;
  await sql`set maintenance_work_mem = '256MB'`;
  await sql`set synchronous_commit = off`;

  const bulkTables = ["users", "group_memberships", "threads", "posts", "chat_messages", "events", "reports", "held_content"];
  const indexes = await sql<{ name: string; def: string }[]>`
    select i.indexname as name, i.indexdef as def from pg_indexes i
    where i.schemaname = 'public' and i.tablename in ${sql(bulkTables)}
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`;
  await step(`drop ${indexes.length} secondary indexes for the load`, async () => {
    for (const ix of indexes) await sql.unsafe(`drop index "${ix.name}"`);
  });

  await step("sentences from the article", async () => {
    const tokens = articleTokens();
    await sql`create temp table scale_sentences (n int primary key, s text not null)`;
    await sql`
      insert into scale_sentences (n, s)
      select n, array_to_string((${tokens}::text[])[o:o + l], ' ')
      from generate_series(0, 4095) n,
           lateral (select 1 + (n * 7919) % (${tokens.length} - 30) as o, 8 + n % 14 as l) x`;
  });
  const body = (i: string) => `(select s from scale_sentences where n = ${i} % 4096) || ' ' || (select s from scale_sentences where n = (${i} * 31 + 7) % 4096)`;

  await step(`users (${M})`, () => sql.unsafe(`
    insert into users (id, email, display_name, display_name_skeleton, email_verified_at, created_at, listed_in_members, profile_visibility)
    select 'su-' || u, 'member' || u || '@scale.hearth.test', 'Member ' || u, 'member' || u, now(), now() - interval '400 days' + u * interval '1 minute',
           u % 3 <> 0, 'members'
    from generate_series(0::bigint, ${M - 1}) u`));

  await step(`groups (${SCALE_GROUPS}) and chat rooms (${R})`, async () => {
    await sql.unsafe(`
      insert into groups (id, slug, name, description, organization_id, visibility, join_policy, forum_public)
      select 'sg-' || g, 'scale-group-' || g, 'Scale group ' || g, 'A group of the scale benchmark.', 'demo-org',
             case when g % 10 = 9 then 'private' else 'public' end::group_visibility,
             case when g % 10 = 9 then 'approval' else 'open' end::join_policy, g % 2 = 0
      from generate_series(0::bigint, ${SCALE_GROUPS - 1}) g`);
    await sql.unsafe(`
      insert into chat_rooms (id, group_id, name, last_seq, created_at)
      select 'sr-' || r, 'sg-' || (r % ${SCALE_GROUPS}), case when r < ${SCALE_GROUPS} then 'General' else 'Check-in' end,
             ${C} / ${R} + case when r < ${C} % ${R} then 1 else 0 end, now() - interval '400 days'
      from generate_series(0::bigint, ${R - 1}) r`);
  });

  await step("memberships (3 groups a member, demo staff in all)", async () => {
    await sql.unsafe(`
      insert into group_memberships (group_id, user_id, role, status, created_at)
      select distinct on (g, u) 'sg-' || g, 'su-' || u, case when u < 100 and k = 0 then 'moderator' else 'member' end::group_role,
             case when u % 200 = 1 then 'pending' else 'active' end::membership_status, now() - interval '300 days'
      from generate_series(0::bigint, ${M - 1}) u, generate_series(0, 2) k, lateral (select (u * (1 + 6 * k) + 3 * k) % ${SCALE_GROUPS} as g) x
      order by g, u, k
      on conflict do nothing`);
    await sql.unsafe(`
      insert into group_memberships (group_id, user_id, role, status)
      select 'sg-' || g, d.id, d.role::group_role, 'active'
      from generate_series(0::bigint, ${SCALE_GROUPS - 1}) g,
           (values ('demo-sam', 'moderator'), ('demo-alex', 'member')) d(id, role)
      on conflict (group_id, user_id) do update set role = excluded.role, status = 'active'`);
  });

  // Post i: thread i % T, the (i / T)-th post of it, at start + i * step. So thread t's last post is
  // number (POSTS_PER_THREAD - 1) * T + t.
  const postStep = `(interval '365 days' / ${N})`;
  // A fixed instant, not now(): each statement is its own transaction with its own now().
  const start = `'${new Date(Date.now() - 365 * 86_400_000).toISOString()}'::timestamptz`;
  await step(`threads (${T})`, () => sql.unsafe(`
    insert into threads (id, group_id, author_id, title, pinned, locked, reply_count, last_activity_at, created_at, deleted_at, members_only)
    select 'st-' || t, 'sg-' || (t % ${SCALE_GROUPS}), 'su-' || ((t * 7919) % ${M}),
           left((select s from scale_sentences where n = (t * 13) % 4096), 80),
           t < ${SCALE_GROUPS * 2}, t % 211 = 5, ${POSTS_PER_THREAD - 1},
           ${start} + (${(POSTS_PER_THREAD - 1) * T} + t) * ${postStep}, ${start} + t * ${postStep},
           case when t % 97 = 11 then now() end, t % 10 = 3
    from generate_series(0::bigint, ${T - 1}) t`));

  await step(`posts (${N})`, () => sql.unsafe(`
    insert into posts (id, thread_id, author_id, is_opening, body, created_at, deleted_at)
    select 'sp-' || i, 'st-' || (i % ${T}), 'su-' || ((i * 7919 + i / ${T}) % ${M}), i < ${T},
           ${body("i")} || case when i % 50000 = 4321 then ' My neurologist added ${RARE_WORD} at night.' else '' end,
           ${start} + i * ${postStep}, case when i % 499 = 7 and i >= ${T} then now() end
    from generate_series(0::bigint, ${N - 1}) i`));

  // Message i: room i % R, seq i / R + 1, spread over 90 days.
  await step(`chat messages (${C})`, () => sql.unsafe(`
    insert into chat_messages (id, room_id, seq, author_id, body, client_id, created_at)
    select 'sm-' || i, 'sr-' || (i % ${R}), i / ${R} + 1, 'su-' || ((i * 104729) % ${M}),
           left((select s from scale_sentences where n = (i * 17) % 4096), 200), 'sc-' || i,
           now() - interval '90 days' + i * (interval '90 days' / ${C})
    from generate_series(0::bigint, ${C - 1}) i`));

  await step(`events (${E}), a year back and a year ahead`, () => sql.unsafe(`
    insert into events (id, organization_id, group_id, title, description, starts_at, ends_at, time_zone, format, location, capacity, created_by)
    select 'se-' || e, 'demo-org', 'sg-' || (e % ${SCALE_GROUPS}), 'Meetup ' || e,
           (select s from scale_sentences where n = (e * 29) % 4096),
           date_trunc('hour', now() - interval '365 days' + e * (interval '730 days' / ${E})),
           date_trunc('hour', now() - interval '365 days' + e * (interval '730 days' / ${E})) + interval '90 minutes',
           'Europe/London', (array['online', 'in_person', 'hybrid'])[(1 + e % 3)::int]::event_format,
           case when e % 3 = 0 then null else 'Community centre' end, case when e % 4 = 0 then 20 end, 'demo-morgan'
    from generate_series(0::bigint, ${E - 1}) e`));

  // The moderation queue: one report for every 100 posts, one in 19 still open; held items, 10 % pending.
  const reports = Math.max(10, Math.round(N / 100));
  await step(`reports (${reports}) and held items (${Math.round(reports / 5)})`, async () => {
    await sql.unsafe(`
      insert into reports (id, target_type, target_id, group_id, reporter_id, reason, status, created_at, resolved_at, resolved_by)
      select 'sx-' || k, 'post', 'sp-' || ((k * 101 + 3) % ${N}), 'sg-' || (((k * 101 + 3) % ${N}) % ${T} % ${SCALE_GROUPS}), 'su-' || ((k * 31) % ${M}),
             (array['spam', 'harassment', 'medical_misinformation', 'other'])[(1 + k % 4)::int]::report_reason,
             case when k % 19 = 0 then 'open' else 'dismissed' end::report_status,
             ${start} + ((k * 101 + 3) % ${N}) * ${postStep} + interval '1 hour',
             case when k % 19 <> 0 then ${start} + ((k * 101 + 3) % ${N}) * ${postStep} + interval '2 hours' end,
             case when k % 19 <> 0 then 'demo-sam' end
      from generate_series(0::bigint, ${reports - 1}) k`);
    await sql.unsafe(`
      insert into held_content (id, kind, group_id, author_id, thread_id, body, reason, status, created_at)
      select 'sh-' || k, 'post', 'sg-' || (k % ${SCALE_GROUPS}), 'su-' || ((k * 53) % ${M}), 'st-' || (k * ${SCALE_GROUPS} % ${T} + k % ${SCALE_GROUPS}),
             (select s from scale_sentences where n = k % 4096), 'new_member',
             case when k % 10 = 0 then 'pending' else 'approved' end::held_status, now() - (k * interval '10 minutes')
      from generate_series(0::bigint, ${Math.round(reports / 5) - 1}) k`);
  });

  await step(`rebuild ${indexes.length} secondary indexes`, async () => {
    for (const ix of indexes) await sql.unsafe(ix.def);
  });
  await sql`set session_replication_role = origin`;
  await step("vacuum analyze", () => sql.unsafe("vacuum analyze"));
  const [size] = await sql<{ size: string }[]>`select pg_size_pretty(pg_database_size(current_database())) as size`;
  console.log(`${"total".padEnd(44)} ${((performance.now() - total) / 1000).toFixed(1).padStart(7)} s   (database ${size!.size})`);
  await sql.end();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const arg = process.argv.find((a) => a.startsWith("--scale="));
  const scale = arg ? Number(arg.slice("--scale=".length)) : 1;
  if (!(scale > 0 && scale <= 1)) throw new Error("--scale must be in (0, 1]");
  await seedScale(scale, process.env.BENCH_SCALE_DB ?? "hearth_scale");
}
