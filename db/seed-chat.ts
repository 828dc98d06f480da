import type { Database } from "./client";

/** Demo chat rooms (filled in by the chat issue). Idempotent like seedDemo. */
export async function seedChat(_db: Database): Promise<void> {}
