import path from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import postgres from "postgres";
import type { DatabaseHandle } from "./client";

const migrationsFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");
/** Arbitrary constant key for pg_advisory_lock: "hearth" in ASCII. */
const MIGRATION_LOCK_KEY = 0x686561727468;

/**
 * Applies the committed SQL migrations. On Postgres it holds a session advisory lock on a
 * dedicated single connection so that several nodes starting together apply them once.
 */
export async function migrate(handle: DatabaseHandle): Promise<void> {
  if (handle.kind === "pglite") {
    await migratePglite(drizzlePglite(handle.pglite!), { migrationsFolder });
    return;
  }
  const client = postgres(handle.url!, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migratePostgres(drizzlePostgres(client), { migrationsFolder });
    } finally {
      await client`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await client.end({ timeout: 5 });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { loadConfig } = await import("../app/lib/config.server");
  const { openConfiguredDatabase } = await import("./open");
  const config = loadConfig();
  const handle = await openConfiguredDatabase(config);
  await migrate(handle);
  console.log(`Migrations applied (${handle.kind}).`);
  await handle.close();
}
