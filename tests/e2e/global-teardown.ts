import { createClient } from "redis";

/** Removes this run's Redis keys (its own prefix, playwright.config.ts) so runs leave nothing behind. */
export default async function globalTeardown() {
  const prefix = process.env.HEARTH_E2E_REDIS_PREFIX;
  if (!process.env.REDIS_URL || !prefix) return;
  const redis = createClient({ url: process.env.REDIS_URL });
  await redis.connect();
  try {
    // node-redis 5 yields a page of keys per step.
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await redis.del(keys);
  } finally {
    await redis.quit();
  }
}
