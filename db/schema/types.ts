import { customType } from "drizzle-orm/pg-core";

/** Postgres tsvector, for full-text search columns (always generated, never written by the app). */
export const tsvector = customType<{ data: string }>({
  dataType() {
    return "tsvector";
  },
});
