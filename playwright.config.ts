import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/**
 * Real-browser end-to-end tests: Debian's Chromium against the built app (`npx remix vite:build`
 * first; `npm run test:e2e` does both), served by `server.ts` in production mode on a fresh
 * database — embedded PGlite in a new temp directory, or the Postgres named by E2E_DATABASE_URL.
 */

const CHROMIUM = "/usr/bin/chromium";
if (!fs.existsSync(CHROMIUM)) {
  // Never fall back to a downloaded browser or skip: a missing browser must fail loudly.
  throw new Error(
    `Chromium is missing at ${CHROMIUM}: apt-get install -y chromium`
  );
}
const BUILD_DIR = process.env.BUILD_DIR || "build";
if (
  !fs.existsSync(path.join(import.meta.dirname, BUILD_DIR, "server/index.js"))
) {
  throw new Error(
    "The app is not built: run `npx remix vite:build` (or `npm run test:e2e`, which builds first)."
  );
}

// E2E_PORT and BUILD_DIR let two developers' runs share a machine without colliding.
const PORT = Number(process.env.E2E_PORT || 3199);
const ORIGIN = `http://127.0.0.1:${PORT}`;
// The run's real SMTP server (tests/e2e/mail-server.ts) and the HTTP port tests read received mail from.
const SMTP_PORT = PORT + 1;
const MAIL_HTTP_PORT = PORT + 2;
process.env.E2E_MAIL_HTTP_PORT = String(MAIL_HTTP_PORT);

// The config is evaluated again in each worker process; they inherit the runner's environment,
// so only the runner creates (and later removes) the data directory.
let dataDir = process.env.HEARTH_E2E_DATA_DIR;
if (!dataDir) {
  const created = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-e2e-"));
  dataDir = created;
  process.env.HEARTH_E2E_DATA_DIR = created;
  // By the time the runner exits it has stopped the web server, so the directory is free.
  process.once("exit", () =>
    fs.rmSync(created, { recursive: true, force: true })
  );
}
// The demo people's stored sessions for this run (tests/e2e/helpers.ts signInAs), made on first use
// against this run's fresh database, so they never outlive it.
if (!process.env.HEARTH_E2E_SESSION_DIR) {
  const sessions = fs.mkdtempSync(
    path.join(os.tmpdir(), "hearth-e2e-sessions-")
  );
  process.env.HEARTH_E2E_SESSION_DIR = sessions;
  process.once("exit", () =>
    fs.rmSync(sessions, { recursive: true, force: true })
  );
}

const serverEnv: Record<string, string> = {};
for (const [k, v] of Object.entries(process.env))
  if (v !== undefined) serverEnv[k] = v;
delete serverEnv.DATABASE_URL; // never the developer's own database: PGlite unless E2E_DATABASE_URL says otherwise
Object.assign(serverEnv, {
  NODE_ENV: "production",
  PORT: String(PORT),
  HOST: "127.0.0.1",
  DATA_DIR: dataDir,
  SEED_DEMO: "true",
  SIGNUPS_PER_IP_PER_HOUR: "1000",
  LOG_LEVEL: "error",
  // Tests check what a visitor sees right after a change; the 1 s visitor microcache would make
  // that timing-dependent. Its behaviour is tested in tests/integration/visitor-cache.test.ts.
  VISITOR_PAGE_CACHE_MS: "0",
  PUBLIC_ORIGIN: ORIGIN,
  SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`,
  MAIL_FROM: "Hearth <no-reply@hearth.test>",
});
if (process.env.E2E_DATABASE_URL)
  serverEnv.DATABASE_URL = process.env.E2E_DATABASE_URL;
// With REDIS_URL the server keeps chat and rate-limit counters in Redis, which outlive the run: a
// second run on the same Redis started with the first one's sign-in failures and answered 429
// (project CI after 1f1da6f). Each run gets its own key prefix, removed by global-teardown.ts.
if (process.env.REDIS_URL) {
  process.env.HEARTH_E2E_REDIS_PREFIX ||= `hearth-e2e-${process.pid}-${Date.now()}`;
  serverEnv.REDIS_PREFIX = process.env.HEARTH_E2E_REDIS_PREFIX;
}

export default defineConfig({
  testDir: "tests/e2e",
  workers: 1,
  fullyParallel: false,
  retries: 0,
  reporter: "list",
  // Whole user flows (ten pages and more, axe in two schemes on each) on a 2-core machine.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  forbidOnly: !!process.env.CI,
  globalTeardown: "./tests/e2e/global-teardown.ts",
  use: {
    baseURL: ORIGIN,
    browserName: "chromium",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        // Voice notes (tests/e2e/chat-voice.spec.ts): a fake microphone, allowed without a prompt.
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
    trace: "off",
    screenshot: "only-on-failure",
  },
  webServer: [
    {
      command: "npx tsx tests/e2e/mail-server.ts",
      url: `http://127.0.0.1:${MAIL_HTTP_PORT}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        ...serverEnv,
        E2E_SMTP_PORT: String(SMTP_PORT),
        E2E_MAIL_HTTP_PORT: String(MAIL_HTTP_PORT),
      },
    },
    {
      command: "npx tsx server.ts",
      url: `${ORIGIN}/healthz`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      stderr: "pipe",
      env: serverEnv,
    },
  ],
});
