import type { Transaction } from "#db/client";
import type { SavedResource } from "./saved.server";

/**
 * STUB (helper 5 implements): sets library_images.resource_id for the images the guide's body
 * references (and refuses, with an Invalid error, images of another organization or without alt text).
 */
export async function attachGuideImages(_tx: Transaction, _saved: SavedResource): Promise<void> {}
