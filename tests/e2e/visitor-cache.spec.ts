import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";

/**
 * #10/#32: the visitor page cache in Chromium. The main e2e server runs with the cache off (tests
 * check what a visitor sees right after a change), so this spec starts its own real server, as
 * `npm start` does (production build, compression, the cache ON), and reloads pages as visitors:
 * a cache hit must decode in the browser (it was sent uncompressed with `content-encoding: br`,
 * which Chromium shows as ERR_CONTENT_DECODING_FAILED).
 */

const root = path.resolve(import.meta.dirname, "../..");
let server: ChildProcess;
let origin = "";
let dataDir = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-e2e-cache-"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    NODE_ENV: "production",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    SEED_DEMO: "true",
    LOG_LEVEL: "error",
    // Long enough that every reload below is a hit however slow the machine is.
    VISITOR_PAGE_CACHE_MS: "60000",
    PUBLIC_ORIGIN: "",
  });
  server = spawn(process.execPath, ["--import", "tsx", "server.ts"], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  const deadline = Date.now() + 100_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the cache-on server exited with ${server.exitCode}`);
    const up = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline) throw new Error("the cache-on server did not become healthy");
    await new Promise((r) => setTimeout(r, 250)); // polling /healthz: the server has no readiness signal to await
  }
});

test.afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once("exit", r));
    server.kill("SIGTERM");
    await exited;
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test("visitors reload and revisit cached pages in Chromium without decoding errors", async ({ browser }) => {
  for (const pathname of ["/groups", "/groups/cervical-dystonia", "/library", "/"]) {
    const first = await browser.newContext();
    const page = await first.newPage();
    const miss = await page.goto(origin + pathname);
    expect(miss?.status()).toBe(200);
    // Reloads and a second visitor within the TTL are served from the cache: they must render too.
    for (let i = 0; i < 2; i++) {
      const hit = await page.reload();
      expect(hit?.status(), `${pathname} reload`).toBe(200);
      expect(hit?.headers()["x-hearth-cache"], `${pathname} reload`).toBe("hit");
      expect(hit?.headers()["content-encoding"], "Chromium accepts br").toBe("br");
      await expect(page.locator("main h1").first()).toBeVisible();
    }
    const second = await browser.newContext();
    const other = await second.newPage();
    const hit = await other.goto(origin + pathname);
    expect(hit?.headers()["x-hearth-cache"]).toBe("hit");
    await expect(other.locator("main h1").first()).toBeVisible();
    // The page still hydrates: the CSP nonce of the cached page was swapped for this response's.
    await other.waitForFunction(() => document.documentElement.hasAttribute("data-hydrated"));
    await Promise.all([first.close(), second.close()]);
  }
});
