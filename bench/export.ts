/**
 * Data export benchmark: wall time and memory growth of the real `account.export` job (runExport:
 * keyset-paged queries, JSON written as read, yazl ZIP into storage, the row marked ready, the
 * expiry job and the mail queued), in-process, side by side in one run with two baselines:
 *   - small: the same job for an account with a tenth of the rows (1,000 posts + 1,000 chat
 *     messages), to show memory does not grow with the data;
 *   - bare: a bare yazl ZIP of the same uncompressed byte volume as the large export, from bytes
 *     generated in memory (no database), written to a file the same way.
 * Memory is sampled every 5 ms during a run; growth is the peak minus the value right before it
 * (after gc()).
 *
 *   npm run bench:export            (in-memory PGlite)
 *   BENCH_DATABASE_URL=postgres://… npm run bench:export   (a fresh database on that server, dropped after)
 *   BENCH_ROWS=10000 BENCH_ROUNDS=3 …
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { eq } from "drizzle-orm";
import { ZipFile } from "yazl";
import { createAppContext } from "#app/context.server";
import { loadConfig } from "#app/lib/config.server";
import { newId } from "#app/lib/ids.server";
import { runExport } from "#app/modules/accounts/export/build.server";
import { exportStorageKey } from "#app/modules/accounts/export/export.server";
import { storageFor } from "#app/modules/library/storage.server";
import { chatMessages, chatRooms, dataExports, groupMemberships, groups, organizations, posts, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { createTestDatabase } from "#tests/helpers/database";
import { readZip } from "#tests/helpers/zip";

const ROWS = Number(process.env.BENCH_ROWS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SMALL = Math.max(1, Math.round(ROWS / 10));
const INSERT_BATCH = 1000;

const words = "pain morning neurologist tired walk physio stretch sleep appointment medication dose better worse same hope thanks friend week weather heat cold today tomorrow maybe always never small steps rest breathe".split(" ");
/** A deterministic ~300-character body of plain words (compresses like real text, not like zeros). */
function body(i: number): string {
  let s = "";
  let x = (i * 2654435761) >>> 0;
  while (s.length < 300) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += `${words[x % words.length]} `;
  }
  return `${s.trim()}. (#${i})`;
}

/** One account with `n` posts (in one thread) and `n` chat messages, inserted in bulk. */
async function seedAccount(app: AppContext, key: string, n: number): Promise<string> {
  const userId = `bench-${key}`;
  await app.db.insert(users).values({ id: userId, email: `${key}@bench.test`, displayName: `Bench ${key}`, emailVerifiedAt: new Date() });
  await app.db.insert(organizations).values({ id: `org-${key}`, slug: `org-${key}`, name: `Org ${key}` });
  await app.db.insert(groups).values({ id: `g-${key}`, slug: `g-${key}`, name: `Group ${key}`, organizationId: `org-${key}` });
  await app.db.insert(groupMemberships).values({ groupId: `g-${key}`, userId });
  await app.db.insert(chatRooms).values({ id: `room-${key}`, groupId: `g-${key}`, name: "General" });
  await app.db.insert(threads).values({ id: `th-${key}`, groupId: `g-${key}`, authorId: userId, title: "A long conversation" });
  const start = Date.now() - n * 1000;
  for (let from = 0; from < n; from += INSERT_BATCH) {
    const ids = Array.from({ length: Math.min(INSERT_BATCH, n - from) }, (_, j) => from + j);
    await app.db.insert(posts).values(ids.map((i) => ({ id: `${key}-p${i}`, threadId: `th-${key}`, authorId: userId, isOpening: i === 0, body: body(i), createdAt: new Date(start + i * 1000) })));
    await app.db.insert(chatMessages).values(ids.map((i) => ({ id: `${key}-m${i}`, roomId: `room-${key}`, seq: i + 1, authorId: userId, body: body(n + i), clientId: `c${i}`, createdAt: new Date(start + i * 1000) })));
  }
  return userId;
}

const gc = () => (globalThis as { gc?: () => void }).gc?.();

interface Measure {
  ms: number;
  rssGrowth: number;
  heapGrowth: number;
  bytes: number;
}

/** Runs `work` and reports its wall time and peak RSS / heap growth over the value right before it. */
async function measure(work: () => Promise<number>): Promise<Measure> {
  gc();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 5);
  const t0 = performance.now();
  const bytes = await work();
  const ms = performance.now() - t0;
  clearInterval(sample);
  const after = process.memoryUsage();
  peakRss = Math.max(peakRss, after.rss);
  peakHeap = Math.max(peakHeap, after.heapUsed);
  return { ms, rssGrowth: peakRss - before.rss, heapGrowth: peakHeap - before.heapUsed, bytes };
}

/** The real job for a fresh export row of this account; answers the ZIP's size. */
async function exportOnce(app: AppContext, userId: string): Promise<number> {
  const id = newId();
  await app.db.insert(dataExports).values({ id, userId, status: "queued" });
  await runExport(app, id);
  const [row] = await app.db.select().from(dataExports).where(eq(dataExports.id, id));
  if (row?.status !== "ready" || !row.sizeBytes) throw new Error(`export ${id} is ${row?.status}`);
  return row.sizeBytes;
}

/** The bare baseline: yazl zipping `volume` bytes of generated JSON lines into a file. */
async function bareZip(dir: string, volume: number): Promise<number> {
  const zip = new ZipFile();
  async function* lines() {
    let written = 0;
    for (let i = 0; written < volume; i++) {
      let chunk = "";
      for (let j = 0; j < 1000 && written + chunk.length < volume; j++) chunk += `${JSON.stringify({ id: `p${i * 1000 + j}`, body: body(i * 1000 + j), createdAt: new Date().toISOString() })},\n`;
      written += chunk.length;
      yield Buffer.from(chunk);
    }
  }
  zip.addReadStream(Readable.from(lines(), { objectMode: false }), "posts.json");
  zip.end();
  const file = path.join(dir, `bare-${newId(6)}.zip`);
  await pipeline(zip.outputStream, fs.createWriteStream(file));
  const size = fs.statSync(file).size;
  fs.rmSync(file);
  return size;
}

const mb = (b: number) => (b / (1024 * 1024)).toFixed(1);

async function main() {
  if (!(globalThis as { gc?: unknown }).gc) console.warn("Run with --expose-gc (npm run bench:export does) for steadier memory figures.");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-bench-export-"));
  const url = process.env.BENCH_DATABASE_URL;
  // The tests' fresh database: in-memory PGlite, or a new database on that server (dropped on close).
  if (url) process.env.DATABASE_URL = url;
  else delete process.env.DATABASE_URL;
  const handle = await createTestDatabase();
  const app = createAppContext(handle, loadConfig({ NODE_ENV: "test", DATA_DIR: dataDir, LOG_LEVEL: "error" }));
  try {
    const t0 = performance.now();
    const large = await seedAccount(app, "large", ROWS);
    const small = await seedAccount(app, "small", SMALL);
    console.log(`Seeded ${ROWS} + ${ROWS} and ${SMALL} + ${SMALL} rows (posts + chat messages) in ${((performance.now() - t0) / 1000).toFixed(1)} s on ${url ? "Postgres" : "PGlite"}.`);

    // Warm-up: JIT, the job queue's first start (the job queues the expiry job and the mail), caches.
    await exportOnce(app, small);
    const warm = newId();
    await app.db.insert(dataExports).values({ id: warm, userId: large, status: "queued" });
    await runExport(app, warm);
    const stored = await storageFor(app).get(exportStorageKey(warm));
    const entries = await readZip(Buffer.from(await new Response(stored!.stream).arrayBuffer()));
    const volume = [...entries.values()].reduce((sum, b) => sum + b.length, 0);
    const temp = await storageFor(app).tempDir();

    const results: Record<"large" | "small" | "bare", Measure[]> = { large: [], small: [], bare: [] };
    for (let round = 0; round < ROUNDS; round++) {
      results.bare.push(await measure(() => bareZip(temp, volume)));
      results.small.push(await measure(() => exportOnce(app, small)));
      results.large.push(await measure(() => exportOnce(app, large)));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const row = (name: string, rs: Measure[]) => ({
      name,
      ms: median(rs.map((r) => r.ms)),
      rss: median(rs.map((r) => r.rssGrowth)),
      heap: median(rs.map((r) => r.heapGrowth)),
      maxRss: Math.max(...rs.map((r) => r.rssGrowth)),
      maxHeap: Math.max(...rs.map((r) => r.heapGrowth)),
      bytes: rs[0]!.bytes,
    });
    const rows = [row(`hearth export, ${ROWS} + ${ROWS}`, results.large), row(`hearth export, ${SMALL} + ${SMALL}`, results.small), row(`bare yazl, ${mb(volume)} MiB`, results.bare)];
    console.log(`\nUncompressed volume of the large export: ${mb(volume)} MiB. ${ROUNDS} rounds, medians (max in brackets).\n`);
    console.log("| run | wall ms | peak RSS growth MiB | peak heap growth MiB | ZIP MiB |");
    console.log("| --- | ---: | ---: | ---: | ---: |");
    for (const r of rows) console.log(`| ${r.name} | ${r.ms.toFixed(0)} | ${mb(r.rss)} (${mb(r.maxRss)}) | ${mb(r.heap)} (${mb(r.maxHeap)}) | ${mb(r.bytes)} |`);
    const [l, s, b] = rows as [typeof rows[0], typeof rows[0], typeof rows[0]];
    console.log(`\nlarge / bare wall time: ${(l.ms / b.ms).toFixed(1)}×; large / small wall time: ${(l.ms / s.ms).toFixed(1)}× for 10× the rows`);
    console.log(`heap growth large / small: ${(l.heap / Math.max(1, s.heap)).toFixed(2)}×, large / bare: ${(l.heap / Math.max(1, b.heap)).toFixed(2)}×; RSS growth large − small: ${mb(l.rss - s.rss)} MiB, large − bare: ${mb(l.rss - b.rss)} MiB`);
  } finally {
    await app.close();
    await handle.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
