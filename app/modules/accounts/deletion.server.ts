import { randomInt } from "node:crypto";
import { and, asc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import {
  accountTokens,
  calendarFeeds,
  chatMessages,
  chatRoomMembers,
  consents,
  DEFAULT_PREFERENCES,
  groupMemberships,
  notifications,
  organizationApplications,
  organizationMembers,
  organizations,
  passkeys,
  posts,
  resourceBookmarks,
  sessions,
  threads,
  userBlocks,
  users,
  webauthnChallenges,
} from "#db/schema/index";
import type { Transaction as Tx } from "#db/client";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, NotFound } from "#app/lib/errors";
import { republishAuthorMessages } from "#app/modules/chat/chat.server";
import { removeVoiceNotesOf } from "#app/modules/chat/voice.server";
import { invalidateUserSessions, type Viewer } from "#app/modules/auth/session.server";
import { queuePromotions, withdrawAllPlacesOf } from "#app/modules/events/rsvps.server";
import { accessLost } from "#app/modules/groups/access.server";
import { deleteAccountExports } from "./export/export.server";
import { displayNameSkeleton, displayNameTaken } from "./display-name.server";
import { FORMER_MEMBER, REMOVED_BY_AUTHOR, type ContentChoice } from "./deletion.schema";

export { FORMER_MEMBER, REMOVED_BY_AUTHOR };
import { verifyReauthentication, type ReauthForm } from "./reauth.server";

/**
 * Account deletion (GDPR Art. 17). The row is anonymised, not deleted: posts, chat messages, reports
 * and audit entries keep pointing at its id, which now names "Former member 123456" and nothing
 * else. Everything that identifies or belongs only to the person goes in one transaction; what lives
 * outside the database (sockets, export files) goes right after it commits.
 */

export const LAST_OWNER =
  "You are the only owner of an organization. Make someone else its owner on the organization's page first, then delete your account.";

export interface OwnedAlone {
  slug: string;
  name: string;
}

/** Organizations this person is the only owner of: they must hand them over before deleting. */
export async function organizationsOwnedAlone(db: AppContext["db"] | Tx, userId: string): Promise<OwnedAlone[]> {
  const others = db
    .select({ n: sql`1` })
    .from(organizationMembers)
    .where(
      and(
        eq(organizationMembers.organizationId, organizations.id),
        eq(organizationMembers.role, "owner"),
        ne(organizationMembers.userId, userId),
      ),
    );
  return db
    .select({ slug: organizations.slug, name: organizations.name })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(and(eq(organizationMembers.userId, userId), eq(organizationMembers.role, "owner"), sql`not exists (${others})`))
    .orderBy(asc(organizations.name));
}

/** A "Former member 123456" nobody holds yet (nor a look-alike): 6 digits, then 8 if those keep colliding. */
async function anonymousName(app: AppContext): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const digits = attempt < 5 ? randomInt(100_000, 1_000_000) : randomInt(10_000_000, 100_000_000);
    const name = `${FORMER_MEMBER} ${digits}`;
    if (!(await displayNameTaken(app, name, undefined, { reserved: true }))) return name;
  }
}

export interface DeleteAccountRequest {
  content: ContentChoice;
  /** The re-authentication fields (current password or a passkey assertion). */
  reauth: ReauthForm;
}

/**
 * Deletes (anonymises) the viewer's account after re-authentication. Refuses while they are the
 * only owner of an organization. Afterwards every session and socket of the account has ended on
 * every node; the caller clears the cookie.
 */
export async function deleteAccount(app: AppContext, viewer: Viewer, request: DeleteAccountRequest): Promise<{ displayName: string }> {
  await verifyReauthentication(app, viewer, request.reauth);
  // The unique name can race another deletion (or a rename) picking the same name: pick again.
  for (let attempt = 0; ; attempt++) {
    const displayName = await anonymousName(app);
    let done: Anonymised;
    try {
      done = await anonymise(app, viewer.id, displayName, request.content);
    } catch (e) {
      if (attempt < 3 && (isUniqueViolation(e, "users_display_name_lower_key") || isUniqueViolation(e, "users_display_name_skeleton_key"))) continue;
      throw e;
    }
    await afterCommit(app, viewer.id, done);
    return { displayName };
  }
}

interface Anonymised {
  groupIds: string[];
  organizationIds: string[];
  /** Waitlisted people who got the account's places: told once the deletion committed. */
  promotions: { eventId: string; promoted: string[] }[];
}

async function anonymise(app: AppContext, userId: string, displayName: string, content: ContentChoice): Promise<Anonymised> {
  return app.db.transaction(async (tx) => {
    // "No key update": a deletion twice at once runs once, while rows that merely reference the
    // account (an RSVP, a post being written) don't wait on it and can't deadlock with the event locks below.
    const [user] = await tx.select({ deletedAt: users.deletedAt }).from(users).where(eq(users.id, userId)).for("no key update");
    if (!user || user.deletedAt) throw NotFound("That account");

    // The organizations' row locks, taken in id order, as every team change takes them (manageTeam):
    // two last owners deleting at once are serialized, and the second sees it is now alone.
    const team = await tx
      .select({ organizationId: organizationMembers.organizationId })
      .from(organizationMembers)
      .where(eq(organizationMembers.userId, userId))
      .orderBy(asc(organizationMembers.organizationId));
    const organizationIds = team.map((t) => t.organizationId);
    if (organizationIds.length > 0) {
      await tx.select({ id: organizations.id }).from(organizations).where(inArray(organizations.id, organizationIds)).orderBy(asc(organizations.id)).for("update");
      if ((await organizationsOwnedAlone(tx, userId)).length > 0) throw Conflict(LAST_OWNER);
    }

    // RSVPs: cancelled the way a member cancels, so waitlists move up and are told.
    const promotions = await withdrawAllPlacesOf(tx, userId);

    // A ban stays (it is the group's moderation record, not a membership); everything else ends.
    const memberships = await tx
      .delete(groupMemberships)
      .where(and(eq(groupMemberships.userId, userId), ne(groupMemberships.status, "banned")))
      .returning({ groupId: groupMemberships.groupId });
    await tx.delete(organizationMembers).where(eq(organizationMembers.userId, userId));
    // A pending application would make a deleted account an organization's owner if verified.
    await tx.delete(organizationApplications).where(and(eq(organizationApplications.applicantId, userId), eq(organizationApplications.status, "pending")));

    await tx.delete(sessions).where(eq(sessions.userId, userId));
    await tx.delete(accountTokens).where(eq(accountTokens.userId, userId));
    await tx.delete(passkeys).where(eq(passkeys.userId, userId));
    await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
    await tx.delete(consents).where(eq(consents.userId, userId));
    await tx.delete(notifications).where(eq(notifications.userId, userId));
    await tx.delete(calendarFeeds).where(eq(calendarFeeds.userId, userId));
    await tx.delete(resourceBookmarks).where(eq(resourceBookmarks.userId, userId));
    // The account stays as a tombstone row (so the FK cascade never fires): blocks go both ways here.
    await tx.delete(userBlocks).where(or(eq(userBlocks.blockerId, userId), eq(userBlocks.blockedId, userId)));

    if (content === "remove") {
      // One statement per table: measured at 10,000 posts + 10,000 messages well inside a request
      // (tests/integration/account-deletion.test.ts), so no job and no half-removed state.
      await tx.update(posts).set({ body: REMOVED_BY_AUTHOR }).where(eq(posts.authorId, userId));
      await tx.update(threads).set({ title: REMOVED_BY_AUTHOR }).where(eq(threads.authorId, userId));
      await tx.update(chatMessages).set({ body: REMOVED_BY_AUTHOR }).where(eq(chatMessages.authorId, userId));
    }

    // A deleted account leaves its direct conversations (the others keep the history).
    await tx.update(chatRoomMembers).set({ leftAt: new Date() }).where(and(eq(chatRoomMembers.userId, userId), isNull(chatRoomMembers.leftAt)));

    await tx
      .update(users)
      .set({
        email: null,
        passwordHash: null,
        emailVerifiedAt: null,
        displayName,
        displayNameSkeleton: displayNameSkeleton(displayName),
        displayNameChanges: [],
        bio: "",
        preferences: DEFAULT_PREFERENCES,
        profileVisibility: "nobody",
        listedInMembers: false,
        siteRole: "member",
        deletedAt: new Date(),
      })
      .where(and(eq(users.id, userId), isNull(users.deletedAt)));

    return {
      groupIds: [...new Set(memberships.map((m) => m.groupId))],
      organizationIds,
      promotions,
    };
  });
}

async function afterCommit(app: AppContext, userId: string, done: Anonymised) {
  // Every socket on every node, then each room the account could read through a membership or a
  // team role (the same path as leaving a group; the sockets are gone, so this is belt and braces).
  await invalidateUserSessions(app, userId);
  for (const { eventId, promoted } of done.promotions) await queuePromotions(app, eventId, promoted);
  for (const groupId of done.groupIds) await accessLost(app, { groupId, userId });
  for (const organizationId of done.organizationIds) await accessLost(app, { organizationId, userId });
  // Before the republish, so live rooms see "no longer available" at once (voice.server.ts says why).
  await removeVoiceNotesOf(app, userId);
  await republishAuthorMessages(app, userId);
  // Export ZIPs are files as well as rows: the export module removes both (a job still building one
  // finds its row gone and stops).
  await deleteAccountExports(app, userId);
}
