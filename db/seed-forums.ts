import type { Database } from "./client";

/** Demo forum threads (filled in by the forums issue). Idempotent like seedDemo. */
export async function seedForums(_db: Database): Promise<void> {}
