import { RateLimited } from "./errors";

/**
 * Fixed-window counters kept in this process's memory. Enough for one node; with several nodes
 * each node counts on its own (see docs/decisions/0003-rate-limits-in-memory.md).
 */
export interface RateRule {
  /** Maximum hits per window. */
  limit: number;
  windowSeconds: number;
  message: string;
}

interface Bucket {
  count: number;
  resetAt: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private sweepAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** How many hits the key has left, and when its window ends. Does not count a hit. */
  peek(key: string, rule: RateRule): { remaining: number; retryAfter: number } {
    const b = this.live(key);
    const count = b?.count ?? 0;
    const retryAfter = b ? Math.max(1, Math.ceil((b.resetAt - this.now()) / 1000)) : 0;
    return { remaining: Math.max(0, rule.limit - count), retryAfter };
  }

  /** Throws RateLimited when the key has used its window; otherwise counts one hit. */
  hit(key: string, rule: RateRule): void {
    this.check(key, rule);
    this.record(key, rule);
  }

  check(key: string, rule: RateRule): void {
    const { remaining, retryAfter } = this.peek(key, rule);
    if (remaining <= 0) throw RateLimited(rule.message, retryAfter);
  }

  record(key: string, rule: RateRule): void {
    const now = this.now();
    this.sweep(now);
    const b = this.live(key);
    if (b) b.count += 1;
    else this.buckets.set(key, { count: 1, resetAt: now + rule.windowSeconds * 1000 });
  }

  reset(key: string): void {
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

/**
 * Runs `work` when `key` has hits left under `rule` (otherwise throws RateLimited with Retry-After),
 * and counts the hit only once the work succeeded, so refused or invalid attempts cost nothing.
 */
export async function withinRate<T>(limiter: RateLimiter, key: string, rule: RateRule, work: () => Promise<T>): Promise<T> {
  limiter.check(key, rule);
  const result = await work();
  limiter.record(key, rule);
  return result;
}
