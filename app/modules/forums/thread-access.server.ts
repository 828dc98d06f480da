import type { AppContext } from "#app/lib/app-context.server";
import { isDomainError } from "#app/lib/errors";
import type { Actor } from "#app/policy.server";
import { loadThread } from "./common.server";

/**
 * A thread's title when this viewer may open it (forum.read, and not removed unless they moderate),
 * else null: for pages elsewhere (an event's discussion link) that must never link to a 404.
 */
export async function readableThread(app: AppContext, viewer: Actor | null, slug: string, threadId: string): Promise<{ id: string; title: string } | null> {
  try {
    const { row, removed, moderate } = await loadThread(app, viewer, slug, threadId);
    if (removed && !moderate) return null;
    return { id: row.id, title: row.title };
  } catch (e) {
    if (isDomainError(e)) return null;
    throw e;
  }
}
