import { execFileSync } from "node:child_process";
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { loadConfig } from "#app/lib/config.server";
import { createHearthServer } from "../../server";
import type { DatabaseHandle } from "#db/client";
import { countedDatabase } from "./app";
import { createTestDatabase } from "./database";

const root = path.resolve(import.meta.dirname, "../..");
// db/ too: the build bundles the schema and the demo seed (app/runtime.server.ts).
const SOURCES = ["app", "db", "remix.config.js", "vite.config.ts", "package-lock.json"];

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (p: string) => {
    const st = fs.statSync(p, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const s of SOURCES) visit(path.join(root, s));
  return newest;
}

/**
 * The production build these tests serve (BUILD_DIR, default `build`): built here when it is missing
 * or older than the app's sources, so a fresh clone and a changed route both test what ships. Test
 * files run in parallel processes, so one builds under a lock directory while the others wait for it.
 */
export function ensureBuild(): string {
  const dir = process.env.BUILD_DIR || "build";
  const entry = path.join(root, dir, "server/index.js");
  const fresh = () => (fs.statSync(entry, { throwIfNoEntry: false })?.mtimeMs ?? 0) >= newestSourceMtime();
  if (fresh()) return dir;
  const lock = path.join(root, ".cache", `${dir}.build-lock`);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Another test process is building: wait for its lock to go (a stale lock older than 3 min is taken over).
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 180_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (!fresh()) execFileSync("npx", ["remix", "vite:build"], { cwd: root, env: { ...process.env, BUILD_DIR: dir }, stdio: "pipe" });
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
  return dir;
}

/**
 * The real server as `npm start` runs it (Express, helmet, compression, the session check, the
 * production Remix build, Socket.IO) on a random port and a fresh database. The visitor page cache is
 * off unless `VISITOR_PAGE_CACHE_MS` is passed. With `{ jobs: true }` the job workers run too (a test
 * that follows mailed links passes SMTP_URL and MAIL_FROM in env, with tests/helpers/mail.ts's inbox).
 */
export async function startAppServer(env: Record<string, string> = {}, options: { jobs?: boolean; countQueries?: boolean } = {}) {
  const buildDir = ensureBuild();
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "production",
    LOG_LEVEL: "error",
    SIGNUPS_PER_IP_PER_HOUR: "1000",
    VISITOR_PAGE_CACHE_MS: "0",
    BUILD_DIR: buildDir,
    ...env,
  });
  // `countQueries`: the server's queries go through a counted second handle (tests/helpers/app.ts).
  const counted = options.countQueries ? countedDatabase(database) : null;
  const served: DatabaseHandle = counted
    ? { ...counted.handle, close: async () => (await counted.close(), await database.close()) }
    : database;
  const server = await createHearthServer({ config, database: served, remix: "build" });
  // Background jobs (mail) run only when the test asks: server.ts main starts them, createHearthServer doesn't.
  if (options.jobs) await server.app.jobs.start(server.app);
  await new Promise<void>((resolve) => server.httpServer.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  return {
    ...server,
    database,
    url,
    /** The build directory being served (the test must not rebuild it while the server runs). */
    buildDir,
    /** The Cookie header of a session token (plain HTTP, so the cookie has no __Host- prefix). */
    cookie: (token: string) => `hearth_session=${token}`,
    /** A same-origin form POST, as a browser sends it (no redirect following). */
    postForm(pathname: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
      return fetch(url + pathname, {
        method: "POST",
        body: new URLSearchParams(fields).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: url, ...headers },
        redirect: "manual",
      });
    },
    stop: () => server.close(),
    /** With `{ countQueries: true }`: how many queries the server sent while `work` ran. */
    countQueries: (work: () => Promise<unknown>) => {
      if (!counted) throw new Error("start the server with { countQueries: true }");
      return counted.count(work);
    },
  };
}
export type AppServer = Awaited<ReturnType<typeof startAppServer>>;
