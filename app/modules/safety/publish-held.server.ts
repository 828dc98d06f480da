import { and, eq } from "drizzle-orm";
import { groups, heldContent, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { Conflict, DomainError, Invalid, NotFound } from "#app/lib/errors";
import { assertCan, type Actor } from "#app/policy.server";
import { messageHref } from "#app/lib/chat-links";
import { findGroup } from "#app/modules/groups/groups.server";
import { replyAsAuthor } from "#app/modules/forums/posts.server";
import { publishThread } from "#app/modules/forums/threads.server";
import { commitSend, loadRoomForSend, replyQuote, type ChatActor } from "#app/modules/chat/chat.server";

export type HeldRow = typeof heldContent.$inferSelect;

/** The author as the policy sees them now (suspended, unconfirmed and so on count as they would for a new write). */
async function authorActor(app: AppContext, authorId: string): Promise<ChatActor> {
  const [u] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status, emailVerifiedAt: users.emailVerifiedAt, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, authorId))
    .limit(1);
  if (!u) throw Conflict("The author's account no longer exists, so this can't be published.");
  return { id: u.id, siteRole: u.siteRole, status: u.status, emailVerified: u.emailVerifiedAt !== null, displayName: u.displayName };
}

/** A policy refusal for the author becomes the moderator's clear Conflict (the held row stays pending). */
async function asAuthor<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof DomainError && (e.code === "forbidden" || e.code === "not_found" || e.code === "unauthenticated")) {
      throw Conflict(`The author can no longer post in this group (${e.message.replace(/\.$/, "")}), so this can't be published.`);
    }
    throw e;
  }
}

/**
 * Publishes an approved held item through the ordinary write path (thread, reply or chat message:
 * notifications, mentions and the live broadcast happen as for any write) and answers the new
 * row's id and a link to it. It is not screened again (a moderator approved exactly this text), but
 * the author must still be allowed to write there (left, banned, muted, suspended, thread locked:
 * a Conflict saying so). The caller (the review queue) has checked `moderation.reviewHeld` and
 * marks the held row approved.
 */
export async function publishHeld(app: AppContext, held: HeldRow, moderator: Actor): Promise<{ id: string; link: string }> {
  void moderator; // the caller asked the policy for the moderator; the write is the author's
  if (held.status !== "pending") throw Conflict("That item was already decided.");
  const author = await authorActor(app, held.authorId);
  const [group] = await app.db.select({ slug: groups.slug }).from(groups).where(eq(groups.id, held.groupId)).limit(1);
  if (!group) throw NotFound("That group");
  if (held.kind === "thread") {
    const view = await asAuthor(async () => {
      const g = await findGroup(app, author, group.slug);
      assertCan(author, "forum.createThread", g.target);
      return g;
    });
    const { threadId } = await publishThread(app, { groupId: view.id, authorId: author.id, title: held.title ?? "", body: held.body, membersOnly: held.payload.membersOnly === true });
    return { id: threadId, link: `/groups/${group.slug}/forum/${threadId}` };
  }
  if (held.kind === "post") {
    if (!held.threadId) throw Invalid("That held reply has no thread.");
    const threadId = held.threadId;
    const postId = await asAuthor(() => replyAsAuthor(app, author, group.slug, threadId, held.body));
    return { id: postId, link: `/groups/${group.slug}/forum/${threadId}?from=latest#post-${postId}` };
  }
  if (!held.roomId || !held.payload.clientId) throw Invalid("That held message has no room.");
  const roomId = held.roomId;
  const clientId = held.payload.clientId;
  const room = await asAuthor(async () => {
    const r = await loadRoomForSend(app, author, roomId);
    assertCan(author, "chat.send", r.target, "That room");
    return r;
  });
  // The message it replied to may be gone by now: publish it without the quote then.
  const reply = held.payload.replyToId ? await replyQuote(app, roomId, held.payload.replyToId).catch(() => undefined) : undefined;
  const sent = await commitSend(app, { actor: author, room }, { body: held.body, clientId, reply });
  return { id: sent.message.id, link: messageHref({ roomId, groupSlug: group.slug }, sent.message.seq) };
}

/** The author takes back their own pending item (it was never published). Anyone else, or a decided item: NotFound. */
export async function withdrawHeld(app: AppContext, viewer: Actor | null, heldId: string): Promise<{ heldId: string }> {
  // No group standing to ask about: the item is the author's own words, never published; others get 404.
  const deleted = await app.db
    .delete(heldContent)
    .where(and(eq(heldContent.id, heldId), eq(heldContent.authorId, viewer?.id ?? ""), eq(heldContent.status, "pending")))
    .returning({ id: heldContent.id });
  if (deleted.length === 0) throw NotFound("That item");
  return { heldId };
}
