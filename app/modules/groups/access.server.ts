import { and, eq, inArray } from "drizzle-orm";
import { chatRooms, chatRoomSanctions, groupMemberships, groups, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { can, type ChatTarget } from "#app/policy.server";
import { directStandingColumns, directTargetOf } from "#app/modules/chat/direct-standing.server";
import { releaseLostPlaces } from "#app/modules/events/rsvps.server";
import { groupStandingColumns, groupTargetOf, standingJoins } from "./standing.server";

/**
 * Losing access to a group takes effect everywhere at once. Every path that narrows someone's access
 * (leave, a declined request, a group or chat ban, removal from the organization's team, standing
 * down as moderator, a group turned private) calls `accessLost` after its change has committed; it
 * asks the policy again with the database as it now is, so it never needs to know why access went.
 *
 * This file imports no other group or chat module (only the leaves standing.server.ts and chat's
 * direct-standing.server.ts), so chat and groups can both call it.
 */

/**
 * `chat.read` for many people in the rooms of one group (or one room, a direct conversation too), in
 * one query: the same target that chat's loadRoom builds, per person. People with no account row are absent.
 */
export async function roomAccess(app: AppContext, scope: { roomId: string } | { groupId: string }, userIds: readonly string[]) {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const on = standingJoins(users.id);
  const rows = await app.db
    .select({
      roomId: chatRooms.id,
      locked: chatRooms.locked,
      archivedAt: chatRooms.archivedAt,
      ...groupStandingColumns,
      userId: users.id,
      siteRole: users.siteRole,
      status: users.status,
      roomMutedUntil: chatRoomSanctions.mutedUntil,
      bannedAt: chatRoomSanctions.bannedAt,
      ...directStandingColumns(users.id),
    })
    .from(chatRooms)
    .leftJoin(groups, eq(groups.id, chatRooms.groupId))
    .innerJoin(users, inArray(users.id, ids))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .leftJoin(chatRoomSanctions, and(eq(chatRoomSanctions.roomId, chatRooms.id), eq(chatRoomSanctions.userId, users.id)))
    .where("roomId" in scope ? eq(chatRooms.id, scope.roomId) : eq(chatRooms.groupId, scope.groupId));
  return rows.map((r) => {
    const { visibility, joinPolicy } = r;
    const target: ChatTarget =
      r.kind === "direct" || !visibility || !joinPolicy
        ? directTargetOf(r)
        : {
            ...groupTargetOf({ ...r, visibility, joinPolicy, forumPublic: r.forumPublic ?? false }),
            room: { locked: r.locked, archived: r.archivedAt !== null },
            sanction: r.roomMutedUntil || r.bannedAt ? { mutedUntil: r.roomMutedUntil, banned: r.bannedAt !== null } : null,
          };
    const actor = { id: r.userId, siteRole: r.siteRole, status: r.status };
    return { roomId: r.roomId, userId: r.userId, canRead: can(actor, "chat.read", target) };
  });
}

/** Of these people, those who may read the room now (presence lists and typing relays only them). */
export async function roomReaders(app: AppContext, roomId: string, userIds: readonly string[]): Promise<Set<string>> {
  return new Set((await roomAccess(app, { roomId }, userIds)).filter((r) => r.canRead).map((r) => r.userId));
}

export type AccessChange = { userId?: string } & ({ groupId: string } | { organizationId: string });

/**
 * Someone (or, without userId, anyone) may have lost access to a group, or to every group of an
 * organization. Their sockets leave each of its chat rooms they may no longer read, at once on every
 * node (one adapter broadcast), and the places they may no longer hold in its events are released
 * (the waitlist moves up in the same transaction). Call after the change has committed.
 */
export async function accessLost(app: AppContext, change: AccessChange): Promise<void> {
  const groupIds =
    "groupId" in change
      ? [change.groupId]
      : (await app.db.select({ id: groups.id }).from(groups).where(eq(groups.organizationId, change.organizationId))).map((g) => g.id);
  for (const groupId of groupIds) {
    if (change.userId) {
      const lost = (await roomAccess(app, { groupId }, [change.userId])).filter((r) => !r.canRead).map((r) => r.roomId);
      await app.realtime.chat.removeFromRooms(change.userId, lost);
    }
    await releaseLostPlaces(app, { groupId, userIds: change.userId ? [change.userId] : undefined });
  }
}

/** Group actions a notification's recipients may be checked against (see groupAllowed). */
export type GroupAudienceAction = "group.view" | "forum.read" | "group.reviewRequests" | "moderation.viewQueue";

/**
 * Of these people, those for whom the policy allows `action` on this group now, in one query: the
 * same GroupTarget every group loader builds, per person. Deleted and suspended accounts never pass.
 */
export async function groupAllowed(
  app: AppContext,
  groupId: string,
  userIds: readonly string[],
  action: GroupAudienceAction,
  /** For forum.read about one thread: its "members only" choice. */
  thread?: { membersOnly: boolean },
): Promise<Set<string>> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return new Set();
  const on = standingJoins(users.id);
  const rows = await app.db
    .select({ ...groupStandingColumns, userId: users.id, siteRole: users.siteRole, status: users.status, deletedAt: users.deletedAt })
    .from(groups)
    .innerJoin(users, inArray(users.id, ids))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(groups.id, groupId));
  return new Set(
    rows
      .filter((r) => r.deletedAt === null && can({ id: r.userId, siteRole: r.siteRole, status: r.status }, action, thread ? { ...groupTargetOf(r), thread } : groupTargetOf(r)))
      .map((r) => r.userId),
  );
}
