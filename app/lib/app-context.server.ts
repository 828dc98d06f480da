import type { Database } from "#db/client";
import type { Config } from "./config.server";
import type { RateLimiter } from "./rate-limit.server";

/** What live clients need to hear from domain code; server.ts supplies the Socket.IO-backed one. */
export interface RealtimePublisher {
  /** Disconnect every socket opened with this session (sign-out). */
  disconnectSession(sessionId: string): void;
  /** Disconnect every socket of this user (suspension, password change). */
  disconnectUser(userId: string): void;
}

export const noopPublisher: RealtimePublisher = {
  disconnectSession() {},
  disconnectUser() {},
};

/** The per-process dependencies every domain module takes as its first argument. */
export interface AppContext {
  db: Database;
  config: Config;
  limiter: RateLimiter;
  realtime: RealtimePublisher;
}
