import { and, eq, sql } from "drizzle-orm";
import { reactions } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { assertCan, type Actor } from "#app/policy.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { loadPost } from "./common.server";
import type { ReactionKind } from "./forums.schema";

/** Toggles one reaction of the viewer on a post; returns the new counts and whether it is on. */
export async function toggleReaction(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  threadId: string,
  postId: string,
  kind: ReactionKind,
) {
  const { target, row } = await loadPost(app, viewer, slug, threadId, postId);
  assertCan(viewer, "post.react", target, "That post");
  const mine = and(eq(reactions.postId, postId), eq(reactions.userId, viewer!.id), eq(reactions.kind, kind));
  const removed = await app.db.delete(reactions).where(mine).returning({ kind: reactions.kind });
  if (removed.length === 0) {
    await app.db.insert(reactions).values({ postId, userId: viewer!.id, kind }).onConflictDoNothing();
    // One job per post while queued: it counts the reactions when it runs (batched into one notice).
    if (row.authorId !== viewer!.id) await queueNotification(app, "forums.reaction", { postId, actorId: viewer!.id }, postId);
  }
  const [counts] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(reactions)
    .where(and(eq(reactions.postId, postId), eq(reactions.kind, kind)));
  return { kind, pressed: removed.length === 0, count: counts?.n ?? 0 };
}
