import { and, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { groupMemberships, notificationLevel, threadFollows } from "#db/schema/index";
import type { Transaction } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { Forbidden } from "#app/lib/errors";
import { findGroup } from "#app/modules/groups/groups.server";
import { assertCan, type Actor, type GroupTarget } from "#app/policy.server";
import { loadThread } from "./common.server";

/**
 * Following (thread_follows, group_memberships.notification_level): watching hears of every reply
 * (per thread) or every new thread (per group); muted hears nothing and counts nothing as new.
 */

export type FollowLevel = (typeof notificationLevel.enumValues)[number];
export const FollowLevelSchema = z.object({
  level: z.enum(notificationLevel.enumValues, { errorMap: () => ({ message: "Choose watching, normal or muted." }) }),
});

/** What the member is told once a level is saved. */
export const followSaved: Record<FollowLevel, string> = {
  watching: "Saved: you are watching.",
  normal: "Saved: normal notifications.",
  muted: "Saved: muted.",
};

/** Starting or replying watches the thread, but never overrides a level the member chose. Inside the post's transaction. */
export async function autoFollow(tx: Transaction, userId: string, threadId: string, reason: "created" | "replied") {
  await tx
    .insert(threadFollows)
    .values({ userId, threadId, level: "watching", reason })
    .onConflictDoUpdate({
      target: [threadFollows.userId, threadFollows.threadId],
      set: { level: "watching", reason, updatedAt: sql`now()` },
      where: ne(threadFollows.reason, "chosen"),
    });
}

/** Levels are for the group's members: readers who are not (yet) members get nothing to follow. */
function assertMember(target: GroupTarget) {
  if (target.membership?.status !== "active") throw Forbidden("Join the group to follow its threads.");
}

/** The member's chosen level for one thread (reason "chosen": automatic follows leave it alone). 404 to those who can't read it. */
export async function setThreadLevel(app: AppContext, viewer: Actor | null, slug: string, threadId: string, level: FollowLevel) {
  const { target, groupTarget, removed, moderate } = await loadThread(app, viewer, slug, threadId);
  assertCan(viewer, "forum.read", target, "That thread");
  if (removed && !moderate) throw Forbidden("This thread was removed.");
  assertMember(groupTarget);
  await app.db
    .insert(threadFollows)
    .values({ userId: viewer!.id, threadId, level, reason: "chosen" })
    .onConflictDoUpdate({ target: [threadFollows.userId, threadFollows.threadId], set: { level, reason: "chosen", updatedAt: sql`now()` } });
  return { level };
}

/** The member's level for the whole group (watching: every new thread notifies). */
export async function setGroupLevel(app: AppContext, viewer: Actor | null, slug: string, level: FollowLevel) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "forum.read", group.target);
  assertMember(group.target);
  await app.db
    .update(groupMemberships)
    .set({ notificationLevel: level })
    .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, viewer!.id)));
  return { level };
}

/** The viewer's level for the group, or null when they are not an active member (no control shown). */
export async function groupLevel(app: AppContext, viewerId: string, groupId: string): Promise<FollowLevel | null> {
  const [row] = await app.db
    .select({ level: groupMemberships.notificationLevel })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, viewerId), eq(groupMemberships.status, "active")));
  return row?.level ?? null;
}
