import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createServer, type Server as HttpServer } from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
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
import { demoSignInHelp, seedDemo } from "#db/seed";
import { noopPublisher, type AppContext } from "#app/lib/app-context.server";
import { ConfigError, loadConfig, type Config } from "#app/lib/config.server";
import type { HearthLoadContext } from "#app/load-context";
import { errorFields, log, logError, routeOf, setLogLevel } from "#app/lib/log.server";
import { personalResponsesNoStore } from "#app/lib/cache-control.server";
import { cleanRequestTarget } from "#app/lib/text-input";
import { expectedOrigins, isAllowedOrigin } from "#app/lib/origin.server";
import { RateLimiter } from "#app/lib/rate-limit.server";
import { visitorPageCache } from "#app/lib/visitor-cache.server";
import {
  deleteSessionTokenCookie,
  readSessionToken,
  setSessionTokenCookie,
  validateSessionToken,
} from "#app/modules/auth/session.server";
import { attachRealtime } from "#app/realtime/io.server";

const root = path.dirname(fileURLToPath(import.meta.url));
/** Largest form body accepted: room for a 1 MB field to reach validation and get an inline error. */
const MAX_BODY_BYTES = 2 * 1024 * 1024;
/**
 * Upload forms are not capped here: their route streams the body, stops storing the file at 10 MB and
 * answers with the form, the size error and everything typed (a plain 413 here would replace the page
 * and lose it). Memory and disk stay bounded there; see docs/decisions/0007.
 */
const UPLOAD_PATHS = [/^\/library\/new\/?$/, /^\/library\/[A-Za-z0-9_-]{1,64}\/edit\/?$/];

export interface HearthServerOptions {
  config: Config;
  database: DatabaseHandle;
  /** "vite": dev middleware; "build": the built app in build/; "none": sockets and /healthz only (tests). */
  remix: "vite" | "build" | "none";
}

/** Builds the one http.Server that hosts Express + Remix and Socket.IO. Does not listen. */
export async function createHearthServer({ config, database, remix }: HearthServerOptions) {
  const app: AppContext = { db: database.db, config, limiter: new RateLimiter(), realtime: noopPublisher };
  const expressApp = express();
  const httpServer: HttpServer = createServer(expressApp);
  const redis = config.REDIS_URL ? await connectRedis(config.REDIS_URL) : null;
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
    const { target, malformed } = cleanRequestTarget(req.originalUrl);
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
    const allowed = expectedOrigins({ protocol: req.protocol, host: req.get("host") }, config.PUBLIC_ORIGIN);
    if (isAllowedOrigin(req.get("origin"), allowed)) return next();
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
    const token = readSessionToken(req.headers.cookie, res.locals.secure);
    if (!token) return next();
    try {
      const result = await validateSessionToken(app, token);
      if (!result) {
        res.append("Set-Cookie", deleteSessionTokenCookie(res.locals.secure));
      } else {
        res.locals.viewer = result.viewer;
        if (result.refreshed) res.append("Set-Cookie", setSessionTokenCookie(token, result.expiresAt, res.locals.secure));
      }
      next();
    } catch (e) {
      next(e);
    }
  });

  if (remix !== "none") {
    const hasSession = (req: Request, res: Response) => res.locals.viewer !== null || readSessionToken(req.headers.cookie, res.locals.secure) !== null;
    let build: ServerBuild | (() => Promise<ServerBuild>);
    if (remix === "vite") {
      const vite = await import("vite");
      const viteDevServer = await vite.createServer({ server: { middlewareMode: true } });
      expressApp.use(viteDevServer.middlewares);
      build = () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>;
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
      build = (await import(path.join(buildDir, "server/index.js"))) as ServerBuild;
      expressApp.use(
        visitorPageCache({
          ttlMs: config.VISITOR_PAGE_CACHE_MS,
          isVisitor: (req, res) => !hasSession(req, res),
        }),
      );
    }
    expressApp.use(
      personalResponsesNoStore(
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
    stopPresence();
    await new Promise<void>((resolve) => {
      io.close(() => resolve()); // also closes httpServer and the adapter (its own Redis readers)
      httpServer.closeIdleConnections();
    });
    if (redis) await redis.close().catch(() => redis.destroy());
    await accessChannel.close();
    await database.close();
  }

  return { app, httpServer, io, close };
}

/**
 * The Redis client the Socket.IO adapter publishes with (it duplicates it for its readers). A Redis
 * outage is logged, not fatal: the client reconnects and the streams adapter resumes from its offset.
 */
async function connectRedis(url: string) {
  const client = createClient({ url });
  let lastLogged = 0;
  client.on("error", (e) => {
    if (Date.now() - lastLogged > 10_000) {
      lastLogged = Date.now();
      log.error("redis error", errorFields(e));
    }
  });
  await client.connect();
  return client;
}

/** `npm start` / `npm run dev`: config → database → migrate → seed → listen. */
async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  setLogLevel(config.LOG_LEVEL);

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
    const { created } = await seedDemo(database.db);
    if (created) log.info("demo community seeded");
  }
  const remix = !config.SERVE_REMIX ? "none" : config.NODE_ENV === "production" ? "build" : "vite";
  const server = await createHearthServer({ config, database, remix });
  running.server = server;
  if (stopping) return;
  server.httpServer.listen(config.PORT, config.HOST, () => {
    const where = database.kind === "pglite" ? `embedded PGlite in ${config.DATA_DIR}` : "PostgreSQL (DATABASE_URL)";
    console.log(`Hearth is running at http://localhost:${config.PORT} on ${where}.`);
    if (config.SEED_DEMO) console.log(demoSignInHelp());
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
    }
  }
}
