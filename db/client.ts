import { mkdirSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index";

export type Schema = typeof schema;
/** The Drizzle handle every module receives; the same type for Postgres and PGlite. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;
/** The handle a `db.transaction(async (tx) => …)` callback gets: pass it to helpers that must run inside it. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export type DatabaseOptions =
  | { url: string; max?: number }
  | { dataDir: string }
  | { memory: true };

export interface DatabaseHandle {
  db: Database;
  kind: "postgres" | "pglite";
  /** Present for Postgres: the URL, so migrations can open their own single connection. */
  url?: string;
  /** Present for PGlite: the embedded instance, for the PGlite migrator. */
  pglite?: PGlite;
  close(): Promise<void>;
}

/**
 * Opens one database handle. Call once per process (server.ts) or per test: two PGlite instances
 * on one data directory corrupt it, so there is deliberately no module-level singleton.
 */
export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if ("url" in options) {
    const client = postgres(options.url, {
      max: options.max ?? 10,
      onnotice: () => {},
      // Keep timestamps as JS Dates; Drizzle maps them.
    });
    const db = drizzlePostgres(client, { schema }) as unknown as Database;
    return { db, kind: "postgres", url: options.url, close: () => client.end({ timeout: 5 }) };
  }
  let pglite: PGlite;
  if ("dataDir" in options) {
    mkdirSync(options.dataDir, { recursive: true });
    pglite = await PGlite.create(options.dataDir);
  } else {
    pglite = await PGlite.create();
  }
  const db = drizzlePglite(pglite, { schema }) as unknown as Database;
  return { db, kind: "pglite", pglite, close: () => pglite.close() };
}
