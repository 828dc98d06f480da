import { createDatabase, type DatabaseHandle } from "./client";

/** Opens the database that the configuration names: Postgres when DATABASE_URL is set, else PGlite in DATA_DIR. */
export function openConfiguredDatabase(config: { DATABASE_URL?: string; DATA_DIR: string }): Promise<DatabaseHandle> {
  return config.DATABASE_URL
    ? createDatabase({ url: config.DATABASE_URL })
    : createDatabase({ dataDir: `${config.DATA_DIR.replace(/\/$/, "")}/pglite` });
}
