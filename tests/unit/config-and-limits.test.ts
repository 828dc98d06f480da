import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "#app/lib/config.server";
import { isDomainError } from "#app/lib/errors";
import { expectedOrigins, isAllowedOrigin } from "#app/lib/origin.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";

describe("config", () => {
  it("defaults to the embedded database with the demo seed", () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, DATA_DIR: "./data", SEED_DEMO: true, SESSION_COOKIE_SECURE: "auto" });
    expect(c.DATABASE_URL).toBeUndefined();
  });

  it("does not seed demo data on a real Postgres unless asked", () => {
    expect(loadConfig({ DATABASE_URL: "postgres://x@localhost/db" }).SEED_DEMO).toBe(false);
    expect(loadConfig({ DATABASE_URL: "postgres://x@localhost/db", SEED_DEMO: "true" }).SEED_DEMO).toBe(true);
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ DATABASE_URL: "", PORT: "" }).PORT).toBe(3000);
  });

  it.each([
    [{ PORT: "eighty" }, "PORT"],
    [{ DATABASE_URL: "mysql://x" }, "DATABASE_URL"],
    [{ REDIS_URL: "localhost:6379" }, "REDIS_URL"],
    [{ SESSION_COOKIE_SECURE: "maybe" }, "SESSION_COOKIE_SECURE"],
    [{ PUBLIC_ORIGIN: "https://example.org/path" }, "PUBLIC_ORIGIN"],
  ])("stops on %j naming the variable", (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(`${name}:`));
  });

  it("keeps uploads on local disk unless S3_BUCKET is set; refuses half an S3 setup without echoing the secret", () => {
    expect(loadConfig({}).S3_BUCKET).toBeUndefined();
    expect(loadConfig({ S3_BUCKET: "hearth-files" })).toMatchObject({ S3_BUCKET: "hearth-files", S3_REGION: "us-east-1" });
    const secret = "sEcReT-value-123";
    for (const [env, name] of [
      [{ S3_ENDPOINT: "http://minio:9000" }, "S3_BUCKET"],
      [{ S3_BUCKET: "hearth", S3_ACCESS_KEY_ID: "AKIA1" }, "S3_SECRET_ACCESS_KEY"],
      [{ S3_BUCKET: "hearth", S3_SECRET_ACCESS_KEY: secret }, "S3_ACCESS_KEY_ID"],
      [{ S3_BUCKET: "Not_A_Bucket" }, "S3_BUCKET"],
      [{ S3_BUCKET: "hearth", S3_ENDPOINT: "minio:9000" }, "S3_ENDPOINT"],
    ] as const) {
      let message = "";
      try {
        loadConfig(env);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        message = (e as Error).message;
      }
      expect(message, JSON.stringify(env)).toMatch(new RegExp(`${name}:`));
      expect(message).not.toContain(secret);
    }
  });
});

describe("origin check", () => {
  const allowed = expectedOrigins({ protocol: "http", host: "localhost:3000" }, ["https://hearth.example"]);
  it.each([
    ["http://localhost:3000", true],
    ["https://hearth.example", true],
    ["http://evil.example", false],
    ["null", false],
    [undefined, false],
  ])("%j → %j", (origin, ok) => {
    expect(isAllowedOrigin(origin, allowed)).toBe(ok);
  });
});

describe("rate limiter", () => {
  it("allows the limit, refuses the next with Retry-After, and forgets after the window", async () => {
    let now = 1_000_000;
    const limiter = new MemoryRateLimiter(() => now);
    const rule = { limit: 3, windowSeconds: 60, message: "Slow down." };
    for (let i = 0; i < 3; i++) await limiter.hit("k", rule);
    const caught: unknown = await limiter.hit("k", rule).catch((e: unknown) => e);
    expect(isDomainError(caught) && caught.code).toBe("rate_limited");
    expect(isDomainError(caught) && caught.retryAfter).toBe(60);
    await expect(limiter.hit("other", rule)).resolves.toBeUndefined();
    now += 61_000;
    await expect(limiter.hit("k", rule)).resolves.toBeUndefined();
  });

  it("reset clears a key", async () => {
    const limiter = new MemoryRateLimiter();
    const rule = { limit: 1, windowSeconds: 60, message: "x" };
    await limiter.hit("k", rule);
    await expect(limiter.hit("k", rule)).rejects.toMatchObject({ code: "rate_limited" });
    await limiter.reset("k");
    await expect(limiter.hit("k", rule)).resolves.toBeUndefined();
  });
});
