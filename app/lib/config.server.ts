import { isIP } from "node:net";
import { z } from "zod";

/**
 * The one place that reads configuration. Every variable is validated at start-up so a typo
 * stops the server with a message naming the variable instead of failing later.
 */
const booleanFromEnv = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const ConfigSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("0.0.0.0"),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must start with postgres:// or postgresql://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, "must start with redis:// or rediss://")
    .optional(),
  /**
   * Prefix of the Redis keys the Socket.IO adapter uses (stream, pub/sub channels, sessions): nodes
   * that share it share chat. Tests give each run its own.
   */
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,64}$/, "letters, digits, : _ - (at most 64)")
    .default("hearth"),
  /** Public origin(s) the app is reached at, comma separated; used by the CSRF origin check behind proxies. */
  PUBLIC_ORIGIN: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v) return [];
      const origins = v.split(",").map((s) => s.trim()).filter(Boolean);
      for (const o of origins) {
        try {
          const u = new URL(o);
          if (u.origin !== o) throw new Error();
        } catch {
          ctx.addIssue({ code: "custom", message: `"${o}" is not an origin like https://example.org` });
          return z.NEVER;
        }
      }
      return origins;
    }),
  /** Express "trust proxy" hop count: 0 when the app faces the internet directly. */
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  /** auto: Secure cookie when the request came over HTTPS. */
  SESSION_COOKIE_SECURE: z.enum(["auto", "true", "false"]).default("auto"),
  SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SEED_DEMO: booleanFromEnv.optional(),
  /** New accounts allowed per client IP per hour (operators behind one NAT may want more). */
  SIGNUPS_PER_IP_PER_HOUR: z.coerce.number().int().min(1).max(100000).default(10),
  /** Where `remix vite:build` put the app (vite.config.ts reads the same variable). */
  BUILD_DIR: z.string().min(1).default("build"),
  /**
   * false: serve Socket.IO and /healthz only, without the Remix app (no build needed). For
   * chat-only nodes in tests and benchmarks.
   */
  SERVE_REMIX: booleanFromEnv.default("true"),
  /** How long one rendered page may serve every visitor (not signed in); 0 turns the microcache off. */
  VISITOR_PAGE_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  LOG_LEVEL: z.enum(["silent", "error", "info", "debug"]).default("info"),
  /**
   * smtp://user:pass@host:587 or smtps://…:465: send mail through this server. Unset (the embedded
   * default), every message is written as an .eml file to DATA_DIR/outbox/ instead.
   */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  /** The From address of every message, e.g. "Hearth <no-reply@example.org>"; required with SMTP_URL. */
  MAIL_FROM: z.string().min(3).max(200).optional(),
  /**
   * FOR TESTS ONLY: IP addresses the library's link check may connect to although they are private
   * or loopback (comma separated, e.g. 127.0.0.1 for a local test server). Empty in production:
   * the check never fetches private, loopback or link-local addresses (app/lib/ssrf.ts).
   */
  LINK_CHECK_ALLOW_ADDRESSES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const list = (v ?? "").split(",").map((s) => s.trim()).filter(Boolean);
      for (const a of list) {
        if (!isIP(a)) {
          ctx.addIssue({ code: "custom", message: `"${a}" is not an IP address` });
          return z.NEVER;
        }
      }
      return list;
    }),
  /** How long the link check gives one link, redirects included (ms). */
  LINK_CHECK_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(5000),
  /**
   * Uploads (library files, guide images, voice notes, data exports) go to this S3-compatible bucket
   * so every node serves every file; unset (the embedded default), to DATA_DIR/uploads on local disk.
   */
  S3_BUCKET: z
    .string()
    .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name (3-63 lowercase letters, digits, . -)")
    .optional(),
  /** A self-hosted S3-compatible server (MinIO, Garage, Ceph…), addressed path-style; unset: AWS itself. */
  S3_ENDPOINT: z.string().url("must be a URL like http://minio:9000").regex(/^https?:\/\//, "must start with http:// or https://").optional(),
  S3_REGION: z.string().min(1).max(64).default("us-east-1"),
  /** Both or neither; neither: the AWS SDK's default chain (AWS_* variables, profile, instance role). */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
});

export type Config = Omit<z.infer<typeof ConfigSchema>, "SEED_DEMO" | "MAIL_FROM"> & { SEED_DEMO: boolean; MAIL_FROM: string };

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings mean "unset": `DATABASE_URL= npm start` should fall back to PGlite.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const result = ConfigSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = result.data;
  if (c.SMTP_URL && !c.MAIL_FROM) throw new ConfigError("Invalid configuration:\n  MAIL_FROM: required when SMTP_URL is set");
  if (!c.S3_BUCKET && (c.S3_ENDPOINT || c.S3_ACCESS_KEY_ID || c.S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError("Invalid configuration:\n  S3_BUCKET: required when S3_ENDPOINT or S3 keys are set (without it uploads stay on local disk)");
  }
  // Never the key's value in the message: only which half is missing.
  if (!c.S3_ACCESS_KEY_ID !== !c.S3_SECRET_ACCESS_KEY) {
    const missing = c.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID";
    throw new ConfigError(`Invalid configuration:\n  ${missing}: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together (or leave both unset for the SDK's default chain)`);
  }
  // The demo community is seeded by default only on the embedded database.
  return { ...c, SEED_DEMO: c.SEED_DEMO ?? !c.DATABASE_URL, MAIL_FROM: c.MAIL_FROM ?? "Hearth <no-reply@localhost>" };
}
