import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import { alias, type AnyPgColumn } from "drizzle-orm/pg-core";
import { groupMemberships, groups, organizationMembers, posts, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, DomainError, NotFound } from "#app/lib/errors";
import { waitText } from "#app/lib/http.server";
import { can, type Actor } from "#app/policy.server";
import { forumVisibleSql } from "#app/policy-sql.server";
import { groupTargetOf, joinedStanding, standingColumns, standingJoins } from "#app/modules/groups/standing.server";
import { DISPLAY_NAME_TAKEN } from "./accounts.server";
import { displayNameSkeleton, displayNameTaken } from "./display-name.server";
import { blocksBetween } from "./blocks.server";
import type { ProfileInput } from "./profile.schema";
import { checkDisplayName, flagDisplayName } from "#app/modules/safety/watched.server";

/**
 * Renames are limited (3 in 30 days): a pseudonym is how others recognise you, and a name that keeps
 * changing helps someone dodge moderation or impersonate. Counted in users.display_name_changes, so
 * the limit holds across restarts and on every node.
 */
export const RENAME_LIMIT = { count: 3, windowMs: 30 * 24 * 60 * 60 * 1000 };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Change times still inside the window, oldest first. */
function recentChanges(changes: readonly string[], now: number): number[] {
  return changes
    .map((c) => Date.parse(c))
    .filter((t) => Number.isFinite(t) && now - t < RENAME_LIMIT.windowMs)
    .sort((a, b) => a - b);
}

export async function getProfileSettings(app: AppContext, viewer: Actor) {
  const [row] = await app.db
    .select({
      displayName: users.displayName,
      bio: users.bio,
      profileVisibility: users.profileVisibility,
      listedInMembers: users.listedInMembers,
      displayNameChanges: users.displayNameChanges,
    })
    .from(users)
    .where(eq(users.id, viewer.id))
    .limit(1);
  if (!row) throw NotFound("Your account");
  const { displayNameChanges, ...profile } = row;
  const recent = recentChanges(displayNameChanges, Date.now());
  return {
    ...profile,
    renamesLeft: Math.max(0, RENAME_LIMIT.count - recent.length),
    // When the next rename becomes possible, if none is left.
    nextRenameAt: recent.length >= RENAME_LIMIT.count ? new Date(recent[0]! + RENAME_LIMIT.windowMs) : null,
  };
}

/**
 * Saves the profile form. A new display name is checked like at sign-up (taken, or a look-alike of
 * another member's) and against the rename limit; the row is locked while it is counted, so two
 * saves at once can't both pass the limit.
 */
export async function updateProfile(app: AppContext, viewer: Actor, input: ProfileInput): Promise<{ renamed: boolean }> {
  const now = Date.now();
  // The look-alike check reads outside the transaction (PGlite runs one at a time, so a read on
  // app.db inside it would wait forever); the unique index catches a name taken in between.
  const before = await getProfileSettings(app, viewer);
  if (before.displayName !== input.displayName && (await displayNameTaken(app, input.displayName, viewer.id))) {
    throw Conflict("Please correct the highlighted fields.", { displayName: [DISPLAY_NAME_TAKEN] });
  }
  const flagged = before.displayName !== input.displayName ? await checkDisplayName(app.db, input.displayName) : [];
  return app.db.transaction(async (tx) => {
    const [current] = await tx
      .select({ displayName: users.displayName, displayNameChanges: users.displayNameChanges })
      .from(users)
      .where(eq(users.id, viewer.id))
      .for("update")
      .limit(1);
    if (!current) throw NotFound("Your account");
    const renamed = current.displayName !== input.displayName;
    let changes: string[] | undefined;
    if (renamed) {
      const recent = recentChanges(current.displayNameChanges, now);
      if (recent.length >= RENAME_LIMIT.count) {
        const retryAfter = Math.ceil((recent[0]! + RENAME_LIMIT.windowMs - now) / 1000);
        const message = `You have changed your display name ${RENAME_LIMIT.count} times in the last ${RENAME_LIMIT.windowMs / DAY_MS} days. You can change it again in ${waitText(retryAfter)}.`;
        throw new DomainError("rate_limited", message, { displayName: [message] }, retryAfter);
      }
      changes = [...recent.map((t) => new Date(t).toISOString()), new Date(now).toISOString()];
    }
    try {
      await tx
        .update(users)
        .set({
          bio: input.bio,
          profileVisibility: input.profileVisibility,
          listedInMembers: input.listedInMembers,
          ...(renamed && changes ? { displayName: input.displayName, displayNameSkeleton: displayNameSkeleton(input.displayName), displayNameChanges: changes } : {}),
        })
        .where(eq(users.id, viewer.id));
    } catch (e) {
      // Someone took the name (or a look-alike) between the check and the update.
      if (isUniqueViolation(e)) throw Conflict("Please correct the highlighted fields.", { displayName: [DISPLAY_NAME_TAKEN] });
      throw e;
    }
    if (renamed) await flagDisplayName(tx, viewer.id, flagged);
    return { renamed };
  });
}

const RECENT_POSTS = 10;
const EXCERPT_CHARS = 240;

/**
 * A member's profile page as `viewer` may see it (404 whenever they may not, so the page never
 * tells whether the member exists): pseudonym, bio, the groups they share that the viewer may see
 * them in, and their recent posts in forums the viewer may read. Never the e-mail.
 */
export async function getMemberProfile(app: AppContext, viewer: Actor | null, userId: string) {
  if (!viewer) throw NotFound("That profile");
  const [member] = await app.db
    .select({
      id: users.id,
      displayName: users.displayName,
      bio: users.bio,
      profileVisibility: users.profileVisibility,
      listedInMembers: users.listedInMembers,
      deletedAt: users.deletedAt,
      createdAt: users.createdAt,
    })
    .from(users)
    .where(eq(users.id, userId))
    .limit(1);
  if (!member || member.deletedAt) throw NotFound("That profile");

  // Groups where both are active members, with the viewer's standing (for the policy).
  const theirs = alias(groupMemberships, "their_membership");
  const on = standingJoins(viewer.id);
  const shared = await app.db
    .select({ slug: groups.slug, name: groups.name, visibility: groups.visibility, joinPolicy: groups.joinPolicy, forumPublic: groups.forumPublic, ...standingColumns })
    .from(groups)
    .innerJoin(theirs, and(eq(theirs.groupId, groups.id), eq(theirs.userId, member.id), eq(theirs.status, "active")))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(groupMemberships.status, "active"))
    .orderBy(groups.name);

  const self = viewer.id === member.id;
  if (!can(viewer, "profile.view", { kind: "profile", userId: member.id, profileVisibility: member.profileVisibility, sharesGroup: shared.length > 0 })) {
    throw NotFound("That profile");
  }
  // Someone who chose not to be listed is shown in a group only to its moderators (as in member lists).
  const groupsInCommon = self
    ? []
    : shared
        .filter((g) => can(viewer, "group.view", groupTargetOf(g)) && (member.listedInMembers || can(viewer, "group.seeUnlistedMembers", groupTargetOf(g))))
        .map((g) => ({ slug: g.slug, name: g.name }));

  const postOn = standingJoins(viewer.id, { groupId: threads.groupId });
  const rows = await app.db
    .select({
      id: posts.id,
      body: posts.body,
      createdAt: posts.createdAt,
      isOpening: posts.isOpening,
      threadId: threads.id,
      threadTitle: threads.title,
      groupSlug: groups.slug,
      groupName: groups.name,
      joinPolicy: groups.joinPolicy,
      membersOnly: threads.membersOnly,
      ...joinedStanding,
      mutedUntil: groupMemberships.mutedUntil,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(groups, eq(groups.id, threads.groupId))
    .leftJoin(groupMemberships, postOn.membership)
    .leftJoin(organizationMembers, postOn.orgRole)
    .where(and(eq(posts.authorId, member.id), isNull(posts.deletedAt), isNull(threads.deletedAt), forumVisibleSql(viewer, { ...joinedStanding, membersOnly: threads.membersOnly })))
    .orderBy(desc(posts.createdAt), desc(posts.id))
    .limit(RECENT_POSTS);
  const recentPosts = rows
    .filter((r) => can(viewer, "forum.read", { ...groupTargetOf(r), thread: { membersOnly: r.membersOnly } }))
    .map((r) => ({
      id: r.id,
      excerpt: excerptOf(r.body),
      createdAt: r.createdAt,
      isOpening: r.isOpening,
      thread: { id: r.threadId, title: r.threadTitle },
      group: { slug: r.groupSlug, name: r.groupName },
    }));

  return {
    member: { id: member.id, displayName: member.displayName, bio: member.bio, memberSince: member.createdAt },
    self,
    // Whether the viewer blocks them (the page offers Block or Unblock).
    blocked: self ? false : (await blocksBetween(app, viewer.id, member.id)).aBlocksB,
    profileVisibility: self ? member.profileVisibility : null,
    groupsInCommon,
    recentPosts,
  };
}

/** The start of a post as plain text (shown as text, never as HTML). */
function excerptOf(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  const chars = [...flat];
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join("").trimEnd()}…` : flat;
}

/**
 * For lists that show authors (a users row joined as the author): whether that member's profile opens
 * for members of this group — they show it to members, the account isn't deleted, and they are still
 * an active member of the group. One expression in the list's own query, so no query per row.
 */
export function profileOpensInGroupSql(groupId: string | SQL | AnyPgColumn) {
  // A scalar lookup on the membership's primary key, not EXISTS: Postgres plans an EXISTS in a select
  // list over a LIMITed list as a hash of every active membership (a seq scan at 150k memberships).
  return sql<boolean>`(${users.profileVisibility} = 'members' and ${users.deletedAt} is null and coalesce((
    select pm.status = 'active' from ${groupMemberships} pm where pm.group_id = ${groupId} and pm.user_id = ${users.id}), false))`;
}

/** Where an author's name links: their profile page when the policy lets the viewer open it, else nowhere. */
export function profileHref(viewer: Actor | null, userId: string, opensInGroup: boolean, viewerInGroup: boolean): string | null {
  const target = { kind: "profile" as const, userId, profileVisibility: opensInGroup ? ("members" as const) : ("nobody" as const), sharesGroup: viewerInGroup };
  return can(viewer, "profile.view", target) ? `/members/${userId}` : null;
}

/** Whether a member list should include members who chose not to be listed (sql for listMembers). */
export const listedMemberSql = (viewerId: string | null) => sql`(${users.listedInMembers} or ${users.id} = ${viewerId ?? ""})`;
