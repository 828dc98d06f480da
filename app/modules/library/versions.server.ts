import type { Transaction } from "#db/client";
import type { SavedResource } from "./saved.server";

/** STUB (helper 7 implements): writes the next resource_versions row for this save. */
export async function recordVersion(_tx: Transaction, _saved: SavedResource): Promise<void> {}
