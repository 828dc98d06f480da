import { and, eq, isNotNull, or } from "drizzle-orm";
import { z } from "zod";
import { groupMemberships, groups, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { NotificationDraft } from "#app/modules/notifications/record.server";

/**
 * Join-request notices. Sources carry ids only; each resolves the database as it is when the job
 * runs (a withdrawn request tells nobody), and recordNotifications re-checks every recipient.
 */

const id = z.string().min(1).max(64);

/** The group's moderators and its organization's staff: who may review requests (the policy decides). */
async function groupStaff(app: AppContext, groupId: string, organizationId: string) {
  const rows = await app.db
    .selectDistinct({ id: users.id })
    .from(users)
    .leftJoin(groupMemberships, and(eq(groupMemberships.userId, users.id), eq(groupMemberships.groupId, groupId)))
    .leftJoin(organizationMembers, and(eq(organizationMembers.userId, users.id), eq(organizationMembers.organizationId, organizationId)))
    .where(or(and(eq(groupMemberships.role, "moderator"), eq(groupMemberships.status, "active")), isNotNull(organizationMembers.userId)));
  return rows.map((r) => r.id);
}

/** "groups.join-request": someone asked to join an approval group → the people who may decide. */
export const joinRequestSource = {
  data: z.object({ groupId: id, userId: id }),
  async resolve(app: AppContext, data: { groupId: string; userId: string }): Promise<NotificationDraft[]> {
    const [request] = await app.db
      .select({ requestedAt: groupMemberships.createdAt, name: users.displayName, groupName: groups.name, slug: groups.slug, organizationId: groups.organizationId })
      .from(groupMemberships)
      .innerJoin(users, eq(users.id, groupMemberships.userId))
      .innerJoin(groups, eq(groups.id, groupMemberships.groupId))
      .where(and(eq(groupMemberships.groupId, data.groupId), eq(groupMemberships.userId, data.userId), eq(groupMemberships.status, "pending")));
    if (!request) return [];
    return [
      {
        kind: "join_request",
        recipients: await groupStaff(app, data.groupId, request.organizationId),
        audience: { group: data.groupId, may: "group.reviewRequests" },
        title: `${request.name} asked to join ${request.groupName}`,
        link: `/groups/${request.slug}#requests-title`,
        groupId: data.groupId,
        actorId: data.userId,
        // One notice per request: asking again after a decline is a new request.
        dedupeKey: `join-request:${data.groupId}:${data.userId}:${request.requestedAt.toISOString()}`,
      },
    ];
  },
};

/**
 * "groups.join-decided": a moderator accepted or declined → the requester. Declined people may not see
 * a private group, so that notice is checked only against their account and says nothing but the
 * name they asked to join; its link goes to the group directory, not the group.
 */
export const joinDecidedSource = {
  data: z.object({ groupId: id, userId: id, decision: z.enum(["approve", "decline"]), decidedBy: id, at: z.string().datetime() }),
  async resolve(
    app: AppContext,
    data: { groupId: string; userId: string; decision: "approve" | "decline"; decidedBy: string; at: string },
  ): Promise<NotificationDraft[]> {
    const [group] = await app.db.select({ name: groups.name, slug: groups.slug, visibility: groups.visibility }).from(groups).where(eq(groups.id, data.groupId));
    if (!group) return [];
    const accepted = data.decision === "approve";
    return [
      {
        kind: "join_decided",
        recipients: [data.userId],
        audience: accepted ? { group: data.groupId, may: "group.view" } : "account",
        title: accepted ? `You're in: your request to join ${group.name} was accepted` : `Your request to join ${group.name} was declined`,
        link: accepted || group.visibility === "public" ? `/groups/${group.slug}` : "/groups",
        groupId: accepted ? data.groupId : null,
        actorId: data.decidedBy,
        dedupeKey: `join-decided:${data.groupId}:${data.userId}:${data.at}`,
      },
    ];
  },
};
