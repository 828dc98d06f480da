import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createAppContext } from "#app/context.server";
import type { AppContext } from "#app/lib/app-context.server";
import { loadConfig } from "#app/lib/config.server";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { newId } from "#app/lib/ids.server";
import { hashPassword } from "#app/lib/password.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { createSession, validateSessionToken } from "#app/modules/auth/session.server";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import type { Database, DatabaseHandle } from "#db/client";
import * as schema from "#db/schema/index";
import { createTestDatabase } from "./database";

export interface TestApp {
  app: AppContext;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/**
 * An AppContext on a fresh database, the way server.ts builds one. Mail goes to the SMTP server
 * named by `SMTP_URL` in env (tests/helpers/mail.ts starts a real one), else to an outbox in a
 * temporary DATA_DIR.
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const dataDir = env.DATA_DIR ? null : fs.mkdtempSync(path.join(os.tmpdir(), "hearth-test-data-"));
  const config = loadConfig({
    NODE_ENV: "test",
    SIGNUPS_PER_IP_PER_HOUR: "1000",
    ...(dataDir ? { DATA_DIR: dataDir } : {}),
    ...(env.SMTP_URL ? { MAIL_FROM: "Hearth <no-reply@hearth.test>" } : {}),
    ...env,
  });
  const app = createAppContext(database, config);
  return {
    app,
    database,
    close: async () => {
      await app.close();
      await database.close();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/**
 * A new member with a unique email and display name, e-mail already verified; returns the viewer as
 * loaders see it. Inserted directly (sign-up itself is tested through its route and module), so test
 * set-up never queues mail.
 */
export async function createMember(
  app: AppContext,
  name = "Member",
  { verified = true }: { verified?: boolean } = {},
): Promise<Viewer & { token: string; email: string; password: string }> {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}`;
  const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}-${suffix}@example.test`;
  const password = "correct horse battery";
  const id = newId();
  await app.db.insert(schema.users).values({
    id,
    email,
    passwordHash: await memberPasswordHash(),
    displayName: `${name} ${suffix}`,
    emailVerifiedAt: verified ? new Date() : null,
  });
  const { token } = await createSession(app, id);
  const result = await validateSessionToken(app, token);
  if (!result) throw new Error("fresh session did not validate");
  return { ...result.viewer, token, email, password };
}

// Every test member has the same password: hash it once per process (argon2id is slow on purpose).
let passwordHash: Promise<string> | null = null;
const memberPasswordHash = () => (passwordHash ??= hashPassword("correct horse battery"));

/**
 * A second AppContext on the same database whose every query is counted (a Drizzle logger on a
 * second handle), for "no N+1" tests: `count(work)` runs `work` against `app` and returns how many
 * queries it issued. Call `close()` before the test app's own close.
 */
export function queryCounter(t: TestApp) {
  const counted = countedDatabase(t.database);
  const app: AppContext = { ...t.app, db: counted.db, limiter: new MemoryRateLimiter() };
  return { app, count: counted.count, close: counted.close };
}

/**
 * A second Drizzle handle on the same database whose every query is counted (Drizzle's logger sees
 * each statement sent, so a count is a count of round trips). Hand `handle` to a server to count its
 * requests' queries; `close()` ends only the second connection (the original handle closes itself).
 */
export function countedDatabase(database: DatabaseHandle) {
  let queries = 0;
  const logger = { logQuery: () => void (queries += 1) };
  let db: Database;
  let close = async () => {};
  if (database.pglite) {
    db = drizzlePglite(database.pglite, { schema, logger }) as unknown as Database;
  } else {
    const client = postgres(database.url!, { max: 2, onnotice: () => {} });
    db = drizzlePostgres(client, { schema, logger }) as unknown as Database;
    close = () => client.end({ timeout: 5 });
  }
  return {
    db,
    handle: { ...database, db } satisfies DatabaseHandle,
    async count(work: () => Promise<unknown>): Promise<number> {
      queries = 0;
      await work();
      return queries;
    },
    close: () => close(),
  };
}

/**
 * An organization "org-<key>", its group "g-<key>" (with `slug`) and a room "room-<key>", with fixed
 * ids, for tests that address them by URL or event payload.
 */
export async function insertGroupWithRoom(db: Database, key: string, group: { slug: string; name: string }): Promise<void> {
  await db.insert(schema.organizations).values({ id: `org-${key}`, slug: `org-${key}`, name: `Org ${key.toUpperCase()}` });
  await db.insert(schema.groups).values({ id: `g-${key}`, slug: group.slug, name: group.name, organizationId: `org-${key}` });
  await db.insert(schema.chatRooms).values({ id: `room-${key}`, groupId: `g-${key}`, name: "General" });
}
