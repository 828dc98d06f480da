import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { createClient } from "redis";
import { RateLimited } from "./errors";
import { logError } from "./log.server";

/**
 * Fixed-window counters per rule+key: in this process's memory by default, in Redis when the node
 * runs with REDIS_URL so that every node counts against the same window
 * (docs/decisions/0023-rate-limits-in-redis.md).
 */
export interface RateRule {
  /** Maximum hits per window. */
  limit: number;
  windowSeconds: number;
  message: string;
}

export interface RateLimiter {
  /** How many hits the key has left, and when its window ends. Does not count a hit. */
  peek(key: string, rule: RateRule): Promise<{ remaining: number; retryAfter: number }>;
  /** Throws RateLimited when the key has used its window; otherwise counts one hit. */
  hit(key: string, rule: RateRule): Promise<void>;
  /** Throws RateLimited when the key has used its window; counts nothing. */
  check(key: string, rule: RateRule): Promise<void>;
  /** Counts one hit (the window starts with the key's first hit). */
  record(key: string, rule: RateRule): Promise<void>;
  /** Forgets the key's window. */
  reset(key: string): Promise<void>;
}

interface Bucket {
  count: number;
  resetAt: number;
}

/** One node's counters. Also what a Redis-backed limiter falls back to while Redis is away. */
export class MemoryRateLimiter implements RateLimiter {
  private buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async peek(key: string, rule: RateRule) {
    const b = this.live(key);
    const count = b?.count ?? 0;
    const retryAfter = b ? Math.max(1, Math.ceil((b.resetAt - this.now()) / 1000)) : 0;
    return { remaining: Math.max(0, rule.limit - count), retryAfter };
  }

  async hit(key: string, rule: RateRule) {
    await this.check(key, rule);
    await this.record(key, rule);
  }

  async check(key: string, rule: RateRule) {
    const { remaining, retryAfter } = await this.peek(key, rule);
    if (remaining <= 0) throw RateLimited(rule.message, retryAfter);
  }

  async record(key: string, rule: RateRule) {
    const now = this.now();
    this.sweep(now);
    const b = this.live(key);
    if (b) b.count += 1;
    else this.buckets.set(key, { count: 1, resetAt: now + rule.windowSeconds * 1000 });
  }

  async reset(key: string) {
    this.buckets.delete(key);
  }

  private live(key: string): Bucket | undefined {
    const b = this.buckets.get(key);
    if (b && b.resetAt <= this.now()) {
      this.buckets.delete(key);
      return undefined;
    }
    return b;
  }

  /** Drop expired windows now and then so memory stays bounded by active keys. */
  private sweep(now: number) {
    if (now < this.sweepAt) return;
    this.sweepAt = now + 60_000;
    for (const [k, b] of this.buckets) if (b.resetAt <= now) this.buckets.delete(k);
  }
}

type RedisClient = ReturnType<typeof createClient>;

const retryAfterOf = (msBeforeNext: number) => Math.max(1, Math.ceil(msBeforeNext / 1000));

/**
 * Counters every node shares: one Redis key per limiter key under `${prefix}:rl:` (rate-limiter-flexible's
 * atomic INCR-with-expiry script), whatever the rule, so `reset` needs no rule, as in memory.
 * While Redis is unreachable each node counts in its own memory (logged): limits still hold per
 * node, as they did before Redis, instead of refusing everybody or letting everybody through.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly stores = new Map<string, RateLimiterRedis>();
  private lastLogged = 0;

  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly fallback: RateLimiter = new MemoryRateLimiter(),
  ) {}

  async peek(key: string, rule: RateRule) {
    try {
      const res = await this.store(rule).get(key);
      if (!res) return { remaining: rule.limit, retryAfter: 0 };
      return { remaining: res.remainingPoints, retryAfter: retryAfterOf(res.msBeforeNext) };
    } catch (e) {
      this.unreachable(e);
      return this.fallback.peek(key, rule);
    }
  }

  /** One atomic round trip, so hits on two nodes at once can't both take the last one. */
  async hit(key: string, rule: RateRule) {
    try {
      await this.store(rule).consume(key);
    } catch (e) {
      if (e instanceof RateLimiterRes) throw RateLimited(rule.message, retryAfterOf(e.msBeforeNext));
      this.unreachable(e);
      await this.fallback.hit(key, rule);
    }
  }

  async check(key: string, rule: RateRule) {
    const { remaining, retryAfter } = await this.peek(key, rule);
    if (remaining <= 0) throw RateLimited(rule.message, retryAfter);
  }

  async record(key: string, rule: RateRule) {
    try {
      await this.store(rule).penalty(key);
    } catch (e) {
      this.unreachable(e);
      await this.fallback.record(key, rule);
    }
  }

  async reset(key: string) {
    // The Redis key does not depend on the rule: any store deletes it.
    const store = this.stores.values().next().value ?? this.store({ limit: 1, windowSeconds: 1, message: "" });
    await this.fallback.reset(key);
    try {
      await store.delete(key);
    } catch (e) {
      this.unreachable(e);
    }
  }

  /** rate-limiter-flexible fixes points and duration per instance: one per rule shape, all on one key space. */
  private store(rule: RateRule): RateLimiterRedis {
    const shape = `${rule.limit}/${rule.windowSeconds}`;
    let store = this.stores.get(shape);
    if (!store) {
      store = new RateLimiterRedis({
        storeClient: this.client,
        useRedisPackage: true,
        // Not connected: fall back at once instead of queueing the request behind a reconnect.
        rejectIfRedisNotReady: true,
        keyPrefix: `${this.prefix}:rl`,
        points: rule.limit,
        duration: rule.windowSeconds,
      });
      this.stores.set(shape, store);
    }
    return store;
  }

  private unreachable(e: unknown) {
    if (Date.now() - this.lastLogged < 10_000) return;
    this.lastLogged = Date.now();
    logError("rate limits counted per node: redis unreachable", e);
  }
}

/**
 * Runs `work` when `key` has hits left under `rule` (otherwise throws RateLimited with Retry-After),
 * and counts the hit only once the work succeeded, so refused or invalid attempts cost nothing.
 */
export async function withinRate<T>(limiter: RateLimiter, key: string, rule: RateRule, work: () => Promise<T>): Promise<T> {
  await limiter.check(key, rule);
  const result = await work();
  await limiter.record(key, rule);
  return result;
}
