import { and, asc, eq, gt, or, sql } from "drizzle-orm";
import { groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, NotFound } from "#app/lib/errors";
import { assertCan, can, type Actor } from "#app/policy.server";
import { fileLimitedReport } from "#app/modules/moderation/report-rate.server";
import type { ReportInput } from "#app/modules/moderation/moderation.schema";
import { listedMemberSql } from "#app/modules/accounts/profile.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { accessLost } from "./access.server";
import { groupTargetOf, standingColumns, standingJoins } from "./standing.server";
import { staffStanding } from "./staff-standing.server";

const PAGE_SIZE = 50;

/** Active members only: pending requests and bans are not members. */
const memberCount = sql<number>`(
  select count(*)::int from ${groupMemberships} gm
  where gm.group_id = ${groups.id} and gm.status = 'active'
)`.as("member_count");

function baseGroupQuery(app: AppContext, viewer: Actor | null) {
  const on = standingJoins(viewer?.id ?? null);
  return app.db
    .select({
      id: groups.id,
      slug: groups.slug,
      name: groups.name,
      description: groups.description,
      visibility: groups.visibility,
      joinPolicy: groups.joinPolicy,
      forumPublic: groups.forumPublic,
      organization: {
        slug: organizations.slug,
        name: organizations.name,
        verified: sql<boolean>`${organizations.verifiedAt} is not null`,
      },
      memberCount,
      ...standingColumns,
    })
    .from(groups)
    .innerJoin(organizations, eq(organizations.id, groups.organizationId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole);
}

type GroupRow = Awaited<ReturnType<ReturnType<typeof baseGroupQuery>["execute"]>>[number];

function toGroupView(actor: Actor | null, row: GroupRow) {
  const target = groupTargetOf(row);
  const view = can(actor, "group.view", target);
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    visibility: row.visibility,
    joinPolicy: row.joinPolicy,
    organization: row.organization,
    // Who is inside a private group (even how many) is for those who may see the group.
    memberCount: view ? row.memberCount : null,
    membership: target.membership ? { role: target.membership.role, status: target.membership.status } : null,
    target,
    permissions: {
      view,
      viewMembers: can(actor, "group.viewMembers", target),
      join: can(actor, "group.join", target),
      requestJoin: can(actor, "group.requestJoin", target),
      leave: can(actor, "group.leave", target),
      reviewRequests: can(actor, "group.reviewRequests", target),
    },
  };
}
export type GroupView = ReturnType<typeof toGroupView>;

/**
 * The group directory, keyset-paginated by (name, id). Private groups are listed by name and
 * description only (no member count), so people can ask to join; their content stays behind group.view.
 */
export async function listGroups(app: AppContext, viewer: Actor | null, opts: { after?: string | null; limit?: number } = {}) {
  const limit = Math.min(opts.limit ?? PAGE_SIZE, PAGE_SIZE);
  const cursor = decodeCursor(opts.after, ["text", "text"]);
  const rows = await baseGroupQuery(app, viewer)
    .where(
      cursor
        ? or(gt(groups.name, String(cursor[0])), and(eq(groups.name, String(cursor[0])), gt(groups.id, String(cursor[1]))))
        : undefined,
    )
    .orderBy(asc(groups.name), asc(groups.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit).map((r) => toGroupView(viewer, r));
  const last = page.at(-1);
  return { groups: page, nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null };
}

/**
 * One group as the viewer may know it; throws NotFound for unknown slugs. `target` is what the
 * policy needs; forums and chat build their targets on top of it.
 */
export async function findGroup(app: AppContext, viewer: Actor | null, slug: string) {
  const [row] = await baseGroupQuery(app, viewer).where(eq(groups.slug, slug)).limit(1);
  if (!row) throw NotFound("That group");
  return toGroupView(viewer, row);
}

/** The group page: 404 for private groups the viewer is not inside. */
export async function getGroupPage(app: AppContext, viewer: Actor | null, slug: string) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "group.view", group.target);
  return group;
}

/** Joins an open group, or files a request for one that needs approval. Returns the new status. */
export async function joinGroup(app: AppContext, viewer: Actor | null, slug: string) {
  const group = await findGroup(app, viewer, slug);
  const status = group.joinPolicy === "open" ? "active" : "pending";
  assertCan(viewer, status === "active" ? "group.join" : "group.requestJoin", group.target);
  try {
    await app.db.insert(groupMemberships).values({ groupId: group.id, userId: viewer!.id, role: "member", status });
  } catch (e) {
    if (isUniqueViolation(e)) throw Conflict("You have already joined or asked to join this group.");
    throw e;
  }
  if (status === "pending") await queueNotification(app, "groups.join-request", { groupId: group.id, userId: viewer!.id });
  return { group, status } as const;
}

/** Leaves a group, or withdraws a pending request. */
export async function leaveGroup(app: AppContext, viewer: Actor | null, slug: string) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "group.leave", group.target);
  await app.db
    .delete(groupMemberships)
    .where(
      and(
        eq(groupMemberships.groupId, group.id),
        eq(groupMemberships.userId, viewer!.id),
        // Never let a race turn "leave" into lifting a ban.
        sql`${groupMemberships.status} <> 'banned'`,
      ),
    );
  await accessLost(app, { groupId: group.id, userId: viewer!.id });
  return { group, previous: group.membership!.status };
}

/** Active members, keyset-paginated by (display name, id). Outsiders get 404/403 via the policy. */
export async function listMembers(app: AppContext, viewer: Actor | null, slug: string, opts: { after?: string | null } = {}) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "group.viewMembers", group.target);
  const cursor = decodeCursor(opts.after, ["text", "text"]);
  const lowerName = sql<string>`lower(${users.displayName})`;
  const rows = await app.db
    .select({
      userId: users.id,
      displayName: users.displayName,
      profileVisibility: users.profileVisibility,
      role: groupMemberships.role,
      staff: staffStanding(groupMemberships.groupId, users.id),
      since: groupMemberships.createdAt,
    })
    .from(groupMemberships)
    .innerJoin(users, eq(users.id, groupMemberships.userId))
    .where(
      and(
        eq(groupMemberships.groupId, group.id),
        eq(groupMemberships.status, "active"),
        // Members who chose not to be listed: only the group's moderators (and they themselves) see them.
        can(viewer, "group.seeUnlistedMembers", group.target) ? undefined : listedMemberSql(viewer?.id ?? null),
        cursor
          ? or(gt(lowerName, String(cursor[0])), and(eq(lowerName, String(cursor[0])), gt(users.id, String(cursor[1]))))
          : undefined,
      ),
    )
    .orderBy(asc(lowerName), asc(users.id))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    group,
    members: page,
    nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor([last.displayName.toLowerCase(), last.userId]) : null,
  };
}

/**
 * A member reports another member of the group (from the member list) to the group's moderators:
 * a report on the person (target type "user") filed under this group, so it reaches its queue.
 */
export async function reportMember(app: AppContext, viewer: Actor | null, slug: string, userId: string, input: ReportInput) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "member.report", { ...group.target, member: { userId } });
  const [member] = await app.db
    .select({ userId: groupMemberships.userId })
    .from(groupMemberships)
    .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, userId), eq(groupMemberships.status, "active")))
    .limit(1);
  if (!member) throw NotFound("That member");
  return fileLimitedReport(app, { reporterId: viewer!.id, targetType: "user", targetId: userId, groupId: group.id, reason: input.reason, details: input.details });
}

/** Pending join requests, oldest first. */
export async function listJoinRequests(app: AppContext, viewer: Actor | null, group: GroupView) {
  assertCan(viewer, "group.reviewRequests", group.target);
  return app.db
    .select({ userId: users.id, displayName: users.displayName, requestedAt: groupMemberships.createdAt })
    .from(groupMemberships)
    .innerJoin(users, eq(users.id, groupMemberships.userId))
    .where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.status, "pending")))
    .orderBy(asc(groupMemberships.createdAt), asc(groupMemberships.userId))
    .limit(PAGE_SIZE);
}

/** Approves (pending → active) or declines (request removed) one join request. */
export async function decideJoinRequest(
  app: AppContext,
  viewer: Actor | null,
  slug: string,
  input: { userId: string; decision: "approve" | "decline" },
) {
  const group = await findGroup(app, viewer, slug);
  assertCan(viewer, "group.reviewRequests", group.target);
  const where = and(
    eq(groupMemberships.groupId, group.id),
    eq(groupMemberships.userId, input.userId),
    eq(groupMemberships.status, "pending"),
  );
  const changed =
    input.decision === "approve"
      ? await app.db.update(groupMemberships).set({ status: "active", createdAt: new Date() }).where(where).returning({ userId: groupMemberships.userId })
      : await app.db.delete(groupMemberships).where(where).returning({ userId: groupMemberships.userId });
  if (changed.length === 0) throw NotFound("That request");
  if (input.decision === "decline") await accessLost(app, { groupId: group.id, userId: input.userId });
  const at = new Date().toISOString();
  await queueNotification(app, "groups.join-decided", { groupId: group.id, userId: input.userId, decision: input.decision, decidedBy: viewer!.id, at });
  const [who] = await app.db.select({ displayName: users.displayName }).from(users).where(eq(users.id, input.userId));
  return { group, displayName: who?.displayName ?? "The member" };
}
