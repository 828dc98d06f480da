import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import type { ViteDevServer } from "vite";
import compression from "compression";
import { createAdapter } from "@socket.io/redis-streams-adapter";
import { sql } from "drizzle-orm";
import express, { type NextFunction, type Request, type Response } from "express";
import helmet from "helmet";
import { createClient } from "redis";
import { openNotificationChannel } from "#db/listen";
import { openConfiguredDatabase } from "#db/open";
import type { DatabaseHandle } from "#db/client";
import { migrate } from "#db/migrate";
// Types only from app/: the app's code itself comes from loadApp (one copy per process; an ESLint
// rule keeps value imports of #app out of this file).
import type { Config } from "#app/lib/config.server";
import type { HearthLoadContext } from "#app/load-context";
import type * as AppRuntimeModule from "#app/runtime.server";

const root = path.dirname(fileURLToPath(import.meta.url));
/** Largest form body accepted: room for a 1 MB field to reach validation and get an inline error. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Upload forms are not capped here: their route streams the body, stops storing the file at 10 MB and
 * answers with the form, the size error and everything typed (a plain 413 here would replace the page
 * and lose it). Memory and disk stay bounded there; see docs/decisions/0007. A chat voice note (2 MB
 * cap, streamed the same way) answers JSON with the reason.
 */
const UPLOAD_PATHS = [/^\/library\/new\/?$/, /^\/library\/[A-Za-z0-9_-]{1,64}\/edit\/?$/, /^\/chat\/rooms\/[A-Za-z0-9_-]{1,64}\/voice\/?$/];

/** "vite": dev middleware; "build": the built app in BUILD_DIR; "none": sockets and /healthz only (tests). */
export type RemixMode = "vite" | "build" | "none";
/** The app code server.ts runs: app/runtime.server.ts, from wherever the routes come from. */
export type AppRuntime = typeof AppRuntimeModule;

/** The app's code, loaded once: the runtime server.ts uses and the Remix build the routes come from. */
export interface AppCode {
  remix: RemixMode;
  runtime: AppRuntime;
  build?: ServerBuild | (() => Promise<ServerBuild>);
  /** "vite" only: the dev server whose SSR module graph holds the app (hot reload). */
  vite?: ViteDevServer;
}

/**
 * Loads the app from one place so that server.ts, the Socket.IO handlers and the routes share every
 * module (one DomainError class, one limiter, one logger): the production build's server entry
 * re-exports the runtime; in development Vite's SSR module graph serves both; without Remix there is
 * no build, so the sources are the only copy. See docs/decisions/0010-one-build-for-server-and-routes.md.
 */
export async function loadAppCode(remix: RemixMode, buildDir: string): Promise<AppCode> {
  if (remix === "none") return { remix, runtime: await import("#app/runtime.server") };
  if (remix === "vite") {
    const { createServer: createViteServer } = await import("vite");
    const vite = await createViteServer({ server: { middlewareMode: true } });
    // Loaded again on every request, so routes hot-reload; the runtime is the copy from start-up.
    const build = () => vite.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
    const runtime = runtimeOf(await build());
    warnWhenRuntimeChanges(vite);
    return { remix, runtime, build, vite };
  }
  const entry = path.join(path.resolve(root, buildDir), "server/index.js");
  if (!fs.existsSync(entry)) throw new Error(`The app is not built (no ${entry}): run \`npm run build\` first.`);
  const build = (await import(entry)) as ServerBuild;
  return { remix, runtime: runtimeOf(build), build };
}

/**
 * Development: the routes hot-reload, but the runtime server.ts holds (limiter, Socket.IO handlers)
 * stays the copy loaded at start-up, so say when an edit needs a restart instead of leaving two copies.
 */
function warnWhenRuntimeChanges(vite: ViteDevServer) {
  const runtimeFile = path.join(root, "app/runtime.server.ts");
  vite.watcher.on("change", (file) => {
    const seen = new Set<string>();
    const pending = [...(vite.moduleGraph.getModulesByFile(runtimeFile) ?? [])];
    for (let mod = pending.pop(); mod; mod = pending.pop()) {
      if (!mod.file || seen.has(mod.file)) continue;
      if (mod.file === file) {
        vite.config.logger.warn(`${path.relative(root, file)} is also used by server.ts and the socket handlers: restart \`npm run dev\` to run the change everywhere.`, { timestamp: true });
        return;
      }
      seen.add(mod.file);
      pending.push(...mod.importedModules);
    }
  });
}

function runtimeOf(build: ServerBuild): AppRuntime {
  // Remix types the entry module with its own exports only; app/entry.server.tsx adds `runtime`.
  const runtime = (build.entry.module as { runtime?: AppRuntime }).runtime;
  if (!runtime) throw new Error("The Remix build has no `runtime` export (app/entry.server.tsx): rebuild it.");
  return runtime;
}

export interface HearthServerOptions {
  config: Config;
  database: DatabaseHandle;
  remix: RemixMode;
  /** Already loaded by the caller (main needs the config loader first); else loaded here. */
  appCode?: AppCode;
}

/** Builds the one http.Server that hosts Express + Remix and Socket.IO. Does not listen. */
export async function createHearthServer({ config, database, remix, appCode: given }: HearthServerOptions) {
  if (given && given.remix !== remix) throw new Error(`app code loaded for "${given.remix}", server asked for "${remix}"`);
  const appCode = given ?? (await loadAppCode(remix, config.BUILD_DIR));
  const { runtime } = appCode;
  const { attachRealtime, errorFields, log, logError, readSessionToken, routeOf } = runtime;
  const app = runtime.createAppContext(database, config);
  const expressApp = express();
  const httpServer: HttpServer = createServer(expressApp);
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL, runtime) : null;
  const { io, publisher, stopPresence, connectAccessChannel, heardAccessChange } = attachRealtime(httpServer, app, {
    adapter: redis
      ? createAdapter(redis, {
          streamName: `${config.REDIS_PREFIX}:socket.io`,
          channelPrefix: `${config.REDIS_PREFIX}:socket.io`,
          sessionKeyPrefix: `${config.REDIS_PREFIX}:sio:session:`,
          // How long the reader blocks in XREAD: only bounds how fast a closed node lets go.
          blockTimeInMs: 1000,
        })
      : undefined,
  });
  app.realtime = publisher;
  // Limits count on every node against one window; the adapter's client carries them (closed below).
  if (redis) app.limiter = new runtime.RedisRateLimiter(redis, config.REDIS_PREFIX);
  // Chat access changes travel over the database, so a ban reaches every node without Redis.
  const accessChannel = openNotificationChannel(database, "hearth_chat_access", heardAccessChange);
  connectAccessChannel(accessChannel);

  expressApp.disable("x-powered-by");
  expressApp.set("trust proxy", config.TRUST_PROXY);
  expressApp.use(compression());

  const isDev = remix === "vite";
  expressApp.use((req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString("base64");
    res.locals.secure = config.SESSION_COOKIE_SECURE === "auto" ? req.secure : config.SESSION_COOKIE_SECURE === "true";
    if (req.secure) res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    next();
  });
  expressApp.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          // Vite's dev client injects inline scripts without our nonce; production is nonce-only.
          scriptSrc: isDev ? ["'self'", "'unsafe-inline'"] : ["'self'", (_req, res) => `'nonce-${(res as Response).locals.cspNonce}'`],
          styleSrc: isDev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
          imgSrc: ["'self'", "data:"],
          // A voice note's preview plays the recording from a blob: URL before it is sent.
          mediaSrc: ["'self'", "blob:"],
          fontSrc: ["'self'"],
          connectSrc: isDev ? ["'self'", "ws:"] : ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          frameAncestors: ["'none'"],
          formAction: ["'self'"],
        },
      },
      strictTransportSecurity: false, // set above, only when the request came over HTTPS
      referrerPolicy: { policy: "same-origin" },
      crossOriginEmbedderPolicy: false,
    }),
  );

  expressApp.get("/healthz", async (_req, res) => {
    try {
      await database.db.execute(sql`select 1`);
      res.status(200).type("text/plain").send("ok");
    } catch (e) {
      log.error("health check failed", errorFields(e));
      res.status(503).type("text/plain").send("database unavailable");
    }
  });

  // The input layer for addresses (app/lib/text-input.ts): NULs taken out, a malformed
  // percent-encoding answered 400 (the root loader renders the normal page for it).
  expressApp.use((req, res, next) => {
    const { target, malformed } = runtime.cleanRequestTarget(req.originalUrl);
    if (target !== req.originalUrl) req.url = req.originalUrl = target;
    res.locals.badAddress = malformed;
    if (malformed && "_data" in req.query) {
      res.status(400).set("X-Remix-Catch", "yes").json({ message: "That address is not valid." });
      return;
    }
    next();
  });

  // CSRF: every state-changing request must come from our own origin.
  expressApp.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
    const allowed = runtime.expectedOrigins({ protocol: req.protocol, host: req.get("host") }, config.PUBLIC_ORIGIN);
    if (runtime.isAllowedOrigin(req.get("origin"), allowed)) return next();
    if (runtime.isOneClickUnsubscribe(req)) {
      // A mail provider's one-click POST: its Origin is not ours and means nothing to that route
      // (app/lib/origin.server.ts), so drop it rather than have Remix's own check refuse the action.
      delete req.headers.origin;
      return next();
    }
    res.status(403).type("text/plain").send("This request was refused because it did not come from this site (Origin check).");
  });

  // Bodies are read whole by Remix, so cap them before it sees them. Browsers always send a length.
  expressApp.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    // An action that answers without reading its body (sign-out, a redirect) must not leave the
    // body in the socket: the next request on that kept-alive connection would stall.
    res.once("finish", () => {
      if (!req.complete) req.resume();
    });
    const length = req.get("content-length");
    if (length === undefined && req.get("transfer-encoding")) {
      res.status(411).type("text/plain").send("Please send a Content-Length with the request body.");
      return;
    }
    if (!UPLOAD_PATHS.some((p) => p.test(req.path)) && Number(length ?? 0) > MAX_BODY_BYTES) {
      res.status(413).type("text/plain").send("That was too large to send. Please shorten it and try again.");
      return;
    }
    next();
  });

  // Session: validated once per request here, so loaders get the viewer and refreshed cookies are sent.
  expressApp.use(async (req: Request, res: Response, next: NextFunction) => {
    res.locals.viewer = null;
    res.locals.header = null;
    const token = readSessionToken(req.headers.cookie, res.locals.secure);
    if (!token) return next();
    try {
      // A page's layout needs the header: it comes in the session's own statement (one round trip).
      const result = runtime.layoutWillRender(req.method, req.path, req.query._data)
        ? await runtime.validateSessionWithHeader(app, token)
        : await runtime.validateSessionToken(app, token);
      if (!result) {
        res.append("Set-Cookie", runtime.deleteSessionTokenCookie(res.locals.secure));
      } else {
        res.locals.viewer = result.viewer;
        if ("header" in result) res.locals.header = result.header;
        if (result.refreshed) res.append("Set-Cookie", runtime.setSessionTokenCookie(token, result.expiresAt, res.locals.secure));
      }
      next();
    } catch (e) {
      next(e);
    }
  });

  if (remix !== "none") {
    const hasSession = (req: Request, res: Response) => res.locals.viewer !== null || readSessionToken(req.headers.cookie, res.locals.secure) !== null;
    const { build, vite: viteDevServer } = appCode;
    if (!build) throw new Error(`no Remix build loaded for "${remix}"`);
    // noindex on every page but the home, the directory and the library (app/lib/robots.ts): set
    // before the visitor cache, so hits and 404s carry it too.
    expressApp.use(runtime.robotsHeader());
    if (viteDevServer) {
      expressApp.use(viteDevServer.middlewares);
      httpServer.on("close", () => void viteDevServer.close());
    } else {
      const buildDir = path.resolve(root, config.BUILD_DIR);
      const client = path.join(buildDir, "client");
      expressApp.use("/assets", express.static(path.join(client, "assets"), { immutable: true, maxAge: "1y" }));
      // Only the build's top-level files (favicon…): a catch-all static handler would stat the
      // disk for every page request.
      const topLevelFiles = new Set(
        fs.readdirSync(client, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `/${e.name}`),
      );
      const serveTopLevel = express.static(client, { maxAge: "1h", index: false });
      expressApp.use((req, res, next) => (topLevelFiles.has(req.path) ? serveTopLevel(req, res, next) : next()));
      expressApp.use(
        runtime.visitorPageCache({
          ttlMs: config.VISITOR_PAGE_CACHE_MS,
          isVisitor: (req, res) => !hasSession(req, res),
        }),
      );
    }
    expressApp.use(
      runtime.personalResponsesNoStore(
        (req, res) => hasSession(req, res) || (req.method !== "GET" && req.method !== "HEAD") || "_data" in req.query,
      ),
    );
    // `use`, not `all("*")`: Express would decode the path for a "*" param and fail on a malformed one.
    expressApp.use(
      createRequestHandler({
        build,
        mode: remix === "vite" ? "development" : "production",
        getLoadContext: (req, res): HearthLoadContext => ({
          app,
          viewer: res.locals.viewer,
          header: res.locals.header,
          cspNonce: res.locals.cspNonce,
          clientIp: req.ip ?? "unknown",
          secure: res.locals.secure,
          isDataRequest: typeof req.query._data === "string",
          badAddress: res.locals.badAddress,
        }),
      }),
    );
  }

  expressApp.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    logError("request failed", err, { method: req.method, route: routeOf(req.path) });
    if (!res.headersSent) res.status(500).type("text/plain").send("Something went wrong on our side. Please try again.");
  });

  /** Stop accepting, disconnect sockets, let requests drain, then close Redis and the database. */
  async function close() {
    // Jobs first: a running job may still need the database, Redis or the sockets.
    await bounded(app.close(), 6000, () => {});
    stopPresence();
    const closingIo = new Promise<void>((resolve) => {
      io.close(() => resolve()); // also closes httpServer and the adapter (its own Redis readers)
      httpServer.closeIdleConnections();
    });
    // Each step is bounded, so a client holding a connection open or Redis being away (commands
    // queued for a reconnect that never comes) can't keep the node from closing its database.
    await bounded(closingIo, 5000, () => httpServer.closeAllConnections());
    if (redis) await bounded(redis.close().catch(() => destroyQuietly(redis)), 2000, () => destroyQuietly(redis));
    await accessChannel.close();
    await database.close();
  }

  return { app, httpServer, io, close, runtime };
}

/** Drops the Redis connection at once; destroying an already closed client throws, which is fine here. */
function destroyQuietly(redis: { destroy(): void }) {
  try {
    redis.destroy();
  } catch {
    // already closed
  }
}

/** Waits for `work` up to `ms`; past that runs `giveUp` (which must end the work's resources) and goes on. */
async function bounded(work: Promise<unknown>, ms: number, giveUp: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), ms);
    timer.unref();
  });
  const outcome = await Promise.race([work.then(() => "done" as const), late]);
  clearTimeout(timer);
  if (outcome === "late") giveUp();
}

/**
 * The Redis client the Socket.IO adapter publishes with (it duplicates it for its readers). A Redis
 * outage is logged, not fatal: the client reconnects and the streams adapter resumes from its offset.
 */
async function connectRedis(url: string, { log, errorFields }: AppRuntime) {
  const client = createClient({ url });
  let lastLogged = 0;
  client.on("error", (e) => {
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      log.error("redis error", errorFields(e));
    }
  });
  await client.connect();
  // The streams adapter sends pub/sub messages (presence, typing) fire-and-forget, without handling the
  // promise: one still queued when the client is destroyed (closing while Redis is away) would be an
  // unhandled rejection, which ends a Node process. Those messages are ephemeral; dropping them is right.
  const publish = client.publish.bind(client);
  Object.defineProperty(client, "publish", {
    value: (...args: Parameters<typeof publish>) => {
      const sent = publish(...args);
      sent.catch(() => {});
      return sent;
    },
  });
  return client;
}

/** `npm start` / `npm run dev`: config → database → migrate → seed → listen. */
async function main() {
  // The config loader is app code too, so which copy of the app to load is read from the raw
  // environment first, with the config's defaults (NODE_ENV development, SERVE_REMIX true, BUILD_DIR build).
  const serveRemix = !["false", "0", "no"].includes(process.env.SERVE_REMIX ?? "");
  const remix: RemixMode = !serveRemix ? "none" : process.env.NODE_ENV === "production" ? "build" : "vite";
  const appCode = await loadAppCode(remix, process.env.BUILD_DIR || "build");
  const { runtime } = appCode;
  const { log, errorFields } = runtime;
  let config: Config;
  try {
    config = runtime.loadConfig();
  } catch (e) {
    if (e instanceof runtime.ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  runtime.setLogLevel(config.LOG_LEVEL);

  let stopping = false;
  // Filled in as start-up proceeds; a signal in between closes whatever exists so far.
  const running: { server?: Awaited<ReturnType<typeof createHearthServer>>; database?: DatabaseHandle } = {};
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    // Exit within 10 s even if a client holds a connection open.
    setTimeout(() => process.exit(1), 10_000).unref();
    const closing = running.server ? running.server.close() : (running.database?.close() ?? Promise.resolve());
    closing.then(
      () => process.exit(0),
      (e) => {
        log.error("shutdown failed", errorFields(e));
        process.exit(1);
      },
    );
  };
  // Registered before start-up so a signal during migrations still closes the database cleanly.
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));

  const database = await openConfiguredDatabase(config);
  running.database = database;
  await migrate(database);
  if (config.SEED_DEMO) {
    const { created } = await runtime.seedDemo(database.db);
    if (created) log.info("demo community seeded");
  }
  const server = await createHearthServer({ config, database, remix, appCode });
  running.server = server;
  if (stopping) return;
  // Every node works the shared queue; tests' in-process servers start workers only when they need them.
  await server.app.jobs.start(server.app);
  server.httpServer.listen(config.PORT, config.HOST, () => {
    const where = database.kind === "pglite" ? `embedded PGlite in ${config.DATA_DIR}` : "PostgreSQL (DATABASE_URL)";
    console.log(`Hearth is running at http://localhost:${config.PORT} on ${where}.`);
    console.log(`Mail goes to ${server.app.mail.describe}.`);
    if (config.SEED_DEMO) console.log(runtime.demoSignInHelp());
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await main();
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      cspNonce: string;
      secure: boolean;
      /** The address had a malformed percent-encoding (answered 400). */
      badAddress: boolean;
      viewer: import("#app/modules/auth/session.server").Viewer | null;
      header: import("#app/modules/header/header.server").HeaderData | null;
    }
  }
}
