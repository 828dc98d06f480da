import { createClient } from "redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDomainError } from "#app/lib/errors";
import { MemoryRateLimiter, RedisRateLimiter, type RateRule } from "#app/lib/rate-limit.server";
import { SIGN_IN_FAILURES_PER_ACCOUNT, signIn } from "#app/modules/accounts/accounts.server";
import { createMember } from "#tests/helpers/app";
import { startTwoNodes, twoNodesUnavailable, type TwoNodes } from "#tests/helpers/sockets";

/**
 * Two nodes (two createHearthServer instances sharing one Postgres database and one Redis prefix):
 * with REDIS_URL the limits are counted once for the whole site, so moving between nodes never buys
 * a second budget. Needs DATABASE_URL and REDIS_URL, like chat-nodes.test.ts.
 */
describe.skipIf(twoNodesUnavailable)("rate limits across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  let nodes: TwoNodes;

  /** The rate_limited error of `work`, or null when it did not throw one. */
  const refusal = (work: Promise<unknown>) =>
    work.then(
      () => null,
      (e: unknown) => {
        if (isDomainError(e) && e.code === "rate_limited") return e;
        throw e;
      },
    );

  beforeAll(async () => {
    nodes = await startTwoNodes();
  });
  afterAll(async () => {
    const prefix = nodes.a.app.config.REDIS_PREFIX;
    await nodes.close();
    // This run's counters are nobody else's (the prefix is random): remove them rather than wait for them to expire.
    const redis = createClient({ url: process.env.REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}:rl:*` })) if (keys.length) await redis.del(keys);
    await redis.close();
  });

  it("both nodes count against a Redis limiter", () => {
    expect(nodes.a.app.limiter).toBeInstanceOf(RedisRateLimiter);
    expect(nodes.b.app.limiter).toBeInstanceOf(RedisRateLimiter);
  });

  it("sign-in failures alternating between the nodes are refused after N in total, on both, with Retry-After", async () => {
    const member = await createMember(nodes.a.app, "Targeted");
    const wrong = { email: member.email, password: "not the password" };
    const { limit, windowSeconds } = SIGN_IN_FAILURES_PER_ACCOUNT;
    for (let i = 0; i < limit; i++) {
      const node = i % 2 === 0 ? nodes.a : nodes.b;
      await expect(signIn(node.app, wrong, "203.0.113.7")).rejects.toMatchObject({ code: "invalid" });
    }
    for (const node of [nodes.a, nodes.b]) {
      const refused = await refusal(signIn(node.app, wrong, "203.0.113.7"));
      expect(refused?.message).toBe(SIGN_IN_FAILURES_PER_ACCOUNT.message);
      expect(refused?.retryAfter).toBeGreaterThan(0);
      expect(refused?.retryAfter).toBeLessThanOrEqual(windowSeconds);
      // Even the right password waits for the window: the check comes before the password.
      expect(await refusal(signIn(node.app, { email: member.email, password: member.password }, "203.0.113.7"))).not.toBeNull();
    }
    // Another connection has its own window (per account+IP).
    await expect(signIn(nodes.b.app, wrong, "203.0.113.8")).rejects.toMatchObject({ code: "invalid" });
  });

  it("a success on one node resets the account's failures for the other node too", async () => {
    const member = await createMember(nodes.a.app, "Forgetful");
    const wrong = { email: member.email, password: "not the password" };
    const rule = SIGN_IN_FAILURES_PER_ACCOUNT;
    const key = `signin:acct:${member.email}|198.51.100.4`;
    for (let i = 0; i < rule.limit - 1; i++) await expect(signIn(nodes.b.app, wrong, "198.51.100.4")).rejects.toMatchObject({ code: "invalid" });
    expect((await nodes.a.app.limiter.peek(key, rule)).remaining).toBe(1);

    await signIn(nodes.a.app, { email: member.email, password: member.password }, "198.51.100.4");
    expect((await nodes.b.app.limiter.peek(key, rule)).remaining).toBe(rule.limit);
    for (let i = 0; i < rule.limit; i++) await expect(signIn(nodes.b.app, wrong, "198.51.100.4")).rejects.toMatchObject({ code: "invalid" });
    expect(await refusal(signIn(nodes.a.app, wrong, "198.51.100.4"))).not.toBeNull();
  });

  it("hits racing on both nodes at once: exactly the limit gets through", async () => {
    const rule: RateRule = { limit: 7, windowSeconds: 60, message: "Slow down." };
    const key = `race:${Date.now()}`;
    const attempts = Array.from({ length: 3 * rule.limit }, (_, i) => refusal((i % 2 ? nodes.a : nodes.b).app.limiter.hit(key, rule)));
    const refused = (await Promise.all(attempts)).filter((e) => e !== null);
    expect(refused).toHaveLength(2 * rule.limit);
  });
});

describe("a Redis limiter while Redis is unreachable", () => {
  it("counts in the node's memory instead: the limit still holds, per node", async () => {
    // Never connected (nothing listens on port 1): every command is refused at once as "not ready".
    const client = createClient({ url: "redis://127.0.0.1:1", socket: { reconnectStrategy: false } });
    const limiter = new RedisRateLimiter(client, "hearth-test-unreachable", new MemoryRateLimiter());
    const rule: RateRule = { limit: 2, windowSeconds: 60, message: "Slow down." };
    await limiter.hit("k", rule);
    await limiter.record("k", rule);
    expect(await limiter.peek("k", rule)).toMatchObject({ remaining: 0 });
    await expect(limiter.hit("k", rule)).rejects.toMatchObject({ code: "rate_limited" });
    await limiter.reset("k");
    await expect(limiter.check("k", rule)).resolves.toBeUndefined();
  });
});
