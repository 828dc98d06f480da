import { noopPublisher, type AppContext } from "#app/lib/app-context.server";
import { loadConfig } from "#app/lib/config.server";
import { RateLimiter } from "#app/lib/rate-limit.server";
import { signUp } from "#app/modules/accounts/accounts.server";
import type { Viewer } from "#app/modules/auth/session.server";
import { validateSessionToken } from "#app/modules/auth/session.server";
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

/** An AppContext on a fresh database, the way server.ts builds one. */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "test", SIGNUPS_PER_IP_PER_HOUR: "1000", ...env });
  const app: AppContext = { db: database.db, config, limiter: new RateLimiter(), realtime: noopPublisher };
  return { app, database, close: () => database.close() };
}

let counter = 0;
/** A new member with a unique email and display name; returns the viewer as loaders see it. */
export async function createMember(app: AppContext, name = "Member"): Promise<Viewer & { token: string; email: string; password: string }> {
  counter += 1;
  const suffix = `${Date.now().toString(36)}${counter}`;
  const email = `${name.toLowerCase().replace(/[^a-z0-9]/g, "")}-${suffix}@example.test`;
  const password = "correct horse battery";
  const { token } = await signUp(app, { email, password, displayName: `${name} ${suffix}` }, "10.0.0.1");
  const result = await validateSessionToken(app, token);
  if (!result) throw new Error("fresh session did not validate");
  return { ...result.viewer, token, email, password };
}

/**
 * A second AppContext on the same database whose every query is counted (a Drizzle logger on a
 * second handle), for "no N+1" tests: `count(work)` runs `work` against `app` and returns how many
 * queries it issued. Call `close()` before the test app's own close.
 */
export function queryCounter(t: TestApp) {
  let queries = 0;
  const logger = { logQuery: () => void (queries += 1) };
  let db: Database;
  let close = async () => {};
  if (t.database.pglite) {
    db = drizzlePglite(t.database.pglite, { schema, logger }) as unknown as Database;
  } else {
    const client = postgres(t.database.url!, { max: 2, onnotice: () => {} });
    db = drizzlePostgres(client, { schema, logger }) as unknown as Database;
    close = () => client.end({ timeout: 5 });
  }
  const app: AppContext = { ...t.app, db, limiter: new RateLimiter() };
  return {
    app,
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
