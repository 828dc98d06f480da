/**
 * Reply fan-out benchmark: what 1,000 followers cost a reply, side by side in one run with the same
 * reply to a thread nobody follows. In-process, with the real forums module (createReply: the
 * transaction, the auto-follow, the one queue insert) and the real job queue (pg-boss, workers
 * started, the `notifications.fanout` job recording 1,000 rows through recordNotifications):
 *   - reply time: createReply's wall time, 0 followers vs 1,000 followers, interleaved per round;
 *   - fan-out time: from the reply's start until all 1,000 in-app rows exist (polled every 10 ms),
 *     before the next round starts, so rounds don't overlap.
 *
 *   npm run bench:notify            (in-memory PGlite)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:notify   (a fresh database on that server, dropped after)
 *   BENCH_FOLLOWERS=1000 BENCH_ROUNDS=10 …
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { createAppContext } from "#app/context.server";
import { loadConfig } from "#app/lib/config.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { createReply } from "#app/modules/forums/posts.server";
import { groupMemberships, groups, notifications, organizations, posts, threadFollows, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";
import { createTestDatabase } from "#tests/helpers/database";

const FOLLOWERS = Number(process.env.BENCH_FOLLOWERS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const BATCH = 500;

async function seed(app: AppContext): Promise<Actor> {
  await app.db.insert(organizations).values({ id: "org-b", slug: "org-b", name: "Org B" });
  await app.db.insert(groups).values({ id: "g-b", slug: "bench", name: "Bench group", organizationId: "org-b" });
  // In-app only: the bench measures the fan-out, not 1,000 e-mails (those are jobs of their own).
  const settings = { channels: { reply: "in_app" } };
  const ids = ["author", ...Array.from({ length: FOLLOWERS }, (_, i) => `f${i}`)].map((k) => `bench-${k}`);
  for (let i = 0; i < ids.length; i += BATCH) {
    const chunk = ids.slice(i, i + BATCH);
    await app.db.insert(users).values(chunk.map((id) => ({ id, email: `${id}@bench.test`, displayName: id, emailVerifiedAt: new Date(), notificationSettings: settings })));
    await app.db.insert(groupMemberships).values(chunk.map((userId) => ({ groupId: "g-b", userId })));
  }
  await app.db.insert(threads).values([
    { id: "th-quiet", groupId: "g-b", authorId: "bench-author", title: "Nobody follows this" },
    { id: "th-busy", groupId: "g-b", authorId: "bench-author", title: "Everyone follows this" },
  ]);
  await app.db.insert(posts).values([
    { id: "p-quiet", threadId: "th-quiet", authorId: "bench-author", isOpening: true, body: "Opening" },
    { id: "p-busy", threadId: "th-busy", authorId: "bench-author", isOpening: true, body: "Opening" },
  ]);
  const followers = ids.slice(1);
  for (let i = 0; i < followers.length; i += BATCH) {
    await app.db.insert(threadFollows).values(followers.slice(i, i + BATCH).map((userId) => ({ userId, threadId: "th-busy", level: "watching" as const, reason: "replied" })));
  }
  const [author] = await app.db.select().from(users).where(eq(users.id, "bench-author"));
  return { id: author!.id, siteRole: author!.siteRole, status: author!.status };
}

async function timedReply(app: AppContext, author: Actor, threadId: string, i: number) {
  app.limiter = new MemoryRateLimiter();
  const t0 = performance.now();
  const { postId } = await createReply(app, author, "bench", threadId, { body: `Round ${i}: **thank you** all.` });
  return { postId, t0, ms: performance.now() - t0 };
}

async function rowsFor(app: AppContext, postId: string): Promise<number> {
  const [r] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(notifications)
    .where(and(eq(notifications.dedupeKey, `reply:${postId}`), eq(notifications.kind, "reply")));
  return r?.n ?? 0;
}

/** Waits (polling; a bench, not a test) until the reply's rows exist; ms since the reply started. */
async function fannedOut(app: AppContext, postId: string, t0: number, expected: number): Promise<number> {
  const deadline = t0 + 60_000;
  while ((await rowsFor(app, postId)) < expected) {
    if (performance.now() > deadline) throw new Error(`fan-out of ${postId} did not finish in 60 s`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-notify-"));
  const url = process.env.BENCH_DATABASE_URL;
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  const handle = await createTestDatabase();
  const app = createAppContext(handle, loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, LOG_LEVEL: "error" }));
  try {
    const author = await seed(app);
    await app.jobs.start(app);
    // Warm-up: JIT, the queue's first sends, one full fan-out.
    for (const th of ["th-quiet", "th-busy"]) {
      const w = await timedReply(app, author, th, -1);
      if (th === "th-busy") await fannedOut(app, w.postId, w.t0, FOLLOWERS);
    }
    const quiet: number[] = [];
    const busy: number[] = [];
    const fanout: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate which goes first, so neither always follows a fan-out.
      const order = i % 2 === 0 ? (["th-quiet", "th-busy"] as const) : (["th-busy", "th-quiet"] as const);
      for (const th of order) {
        const r = await timedReply(app, author, th, i);
        if (th === "th-quiet") quiet.push(r.ms);
        else {
          busy.push(r.ms);
          fanout.push(await fannedOut(app, r.postId, r.t0, FOLLOWERS));
        }
      }
    }
    const q = median(quiet);
    const b = median(busy);
    console.log(`\n${ROUNDS} rounds on ${url ? "Postgres" : "PGlite"}, ${FOLLOWERS} followers; medians (p90 in brackets).\n`);
    console.log("| reply to | reply ms | all in-app rows exist after ms |");
    console.log("| --- | ---: | ---: |");
    console.log(`| thread with 0 followers | ${q.toFixed(1)} (${p90(quiet).toFixed(1)}) | – |`);
    console.log(`| thread with ${FOLLOWERS} followers | ${b.toFixed(1)} (${p90(busy).toFixed(1)}) | ${median(fanout).toFixed(0)} (${p90(fanout).toFixed(0)}) |`);
    console.log(`\nreply with ${FOLLOWERS} followers / with 0: ${(b / q).toFixed(2)}× (${(b - q).toFixed(1)} ms more; target ≤ +5 ms); fan-out ${(median(fanout) / 1000).toFixed(2)} s (target ≤ 5 s)`);
  } finally {
    await app.close();
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
