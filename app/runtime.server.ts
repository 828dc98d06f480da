/**
 * Everything server.ts takes from the app, in one module that the Remix server entry re-exports
 * (`runtime` in app/entry.server.tsx). server.ts loads it from the same place as the routes: the
 * production build, Vite's SSR module graph in development, or these sources when no Remix app is
 * served (tests, chat-only nodes). So one copy of every module lives in a process: the limiter
 * server.ts makes throws the DomainError class the routes and socket acks recognise, and the log
 * level it sets is the one the routes log with. See docs/decisions/0010-one-build-for-server-and-routes.md.
 */
export { noopPublisher } from "./lib/app-context.server";
export { personalResponsesNoStore } from "./lib/cache-control.server";
export { ConfigError, loadConfig } from "./lib/config.server";
export { DomainError } from "./lib/errors";
export { errorFields, log, logError, routeOf, setLogLevel } from "./lib/log.server";
export { expectedOrigins, isAllowedOrigin, isOneClickUnsubscribe } from "./lib/origin.server";
export { MemoryRateLimiter, RedisRateLimiter } from "./lib/rate-limit.server";
export { robotsHeader } from "./lib/robots";
export { cleanRequestTarget } from "./lib/text-input";
export { visitorPageCache } from "./lib/visitor-cache.server";
export {
  deleteSessionTokenCookie,
  readSessionToken,
  setSessionTokenCookie,
  validateSessionToken,
} from "./modules/auth/session.server";
export { layoutWillRender, validateSessionWithHeader } from "./modules/header/header.server";
export { attachRealtime } from "./realtime/io.server";
export { createAppContext } from "./context.server";
// The demo seed hashes passwords with the app's hashing, so it comes from the same copy too.
export { demoSignInHelp, seedDemo } from "#db/seed";
