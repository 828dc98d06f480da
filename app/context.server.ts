import type { DatabaseHandle } from "#db/client";
import { noopPublisher, systemClock, type AppContext } from "./lib/app-context.server";
import type { Config } from "./lib/config.server";
import { MemoryRateLimiter } from "./lib/rate-limit.server";
import { createJobQueue } from "./modules/jobs/queue.server";
import { createMailer } from "./modules/mail/mailer.server";

/**
 * The one way to build the per-process AppContext (server.ts through the runtime, tests, benches):
 * database, config, limiter, mailer and job queue. The limiter and the realtime publisher start local;
 * server.ts swaps in the Redis limiter (with REDIS_URL) and the Socket.IO publisher once it has them.
 * `close` stops the jobs and the mailer (not the database, which the caller opened).
 */
export function createAppContext(database: DatabaseHandle, config: Config): AppContext & { close(): Promise<void> } {
  const mail = createMailer(config);
  const jobs = createJobQueue(database);
  return {
    db: database.db,
    config,
    limiter: new MemoryRateLimiter(),
    realtime: noopPublisher,
    mail,
    jobs,
    clock: systemClock,
    async close() {
      await jobs.stop();
      mail.close();
    },
  };
}
