/**
 * The moderators' side of held content (docs/decisions/0020): the "Held for review" list, approve,
 * reject, and the live count on the moderators' tabs.
 *
 * announceHeld (held-count.server.ts) pushes the group's moderators the new count ("Moderation, 2
 * held" in the header, the queue page's heading): holdContent calls it once a hold is stored, approve
 * and reject call it themselves.
 */
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { chatRooms, groups, heldContent, threads, users } from "#db/schema/index";
import { announceHeld } from "./held-count.server";
import type { AppContext } from "#app/lib/app-context.server";
import { CursorParamSchema } from "#app/lib/cursor-param";
import { Conflict, Invalid, NotFound } from "#app/lib/errors";
import { keysetPage, keysetRequest, timeKey } from "#app/lib/keyset.server";
import { assertCan, can, type Actor } from "#app/policy.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { announceNotices, notifyUsers } from "#app/modules/notifications/notifications.server";
import { publishHeld } from "#app/modules/safety/publish-held.server";
import { ModerationReasonSchema } from "./moderation.schema";
import { recordModerationAction } from "./moderation.server";
import { moderatedGroups } from "./queue.server";
import { requireActor, SITE } from "./common.server";

export { announceHeld };

const HELD_PAGE = 50;
const HELD_KEY = ["time", "text"] as const;

const HeldId = z
  .string({ required_error: "That held item is missing. Please reload the page." })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "Not a valid held item.");

/** The queue page's held-list paging (it pages on its own, beside reports and appeals). */
export const HeldPagingSchema = z.object({ heldAfter: CursorParamSchema, heldBefore: CursorParamSchema });

/** One decision on a held item, as the queue page's form posts it. */
export const HeldDecisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approveHeld"), heldId: HeldId }),
  z.object({ intent: z.literal("rejectHeld"), heldId: HeldId, reason: ModerationReasonSchema }),
]);
export type HeldDecision = z.infer<typeof HeldDecisionSchema>;

const kindWord = { thread: "post", post: "reply", chat_message: "chat message" } as const;

/** Why it was held, as the moderator reads it. */
export function heldReasonText(reason: "new_member" | "watched_word", matched: readonly string[]) {
  if (reason === "new_member") return "New member: first posts are reviewed";
  const words = matched.length ? matched.map((w) => `'${w}'`).join(", ") : "a watched word";
  return `Watched word: ${words}`;
}

// ── counts ───────────────────────────────────────────────────────────────────────────────────

// ── the list ─────────────────────────────────────────────────────────────────────────────────

/**
 * Pending held items in the groups the viewer moderates, oldest first, in keyset pages of 50, each
 * with its author, group, kind, text, why it was held, when, and where it goes. `total` is the whole
 * count (the heading). Three queries whatever the length.
 */
export async function listHeld(app: AppContext, viewer: Actor | null, paging: { after?: string | null; before?: string | null } = {}) {
  const actor = requireActor(viewer);
  const siteWide = can(actor, "moderation.viewEscalated", SITE);
  const scope = (await moderatedGroups(app, actor)).filter((g) => can(actor, "moderation.reviewHeld", g.target));
  if (!siteWide && scope.length === 0) return { items: [], total: 0, next: null, previous: null };
  const inScope = siteWide ? undefined : inArray(heldContent.groupId, scope.map((g) => g.id));
  const page = keysetRequest(paging, HELD_KEY);
  const cursor = page.cursor;
  const rows = await app.db
    .select({
      id: heldContent.id,
      kind: heldContent.kind,
      title: heldContent.title,
      body: heldContent.body,
      reason: heldContent.reason,
      matched: heldContent.matched,
      createdAt: heldContent.createdAt,
      createdKey: timeKey(heldContent.createdAt),
      authorName: users.displayName,
      groupId: groups.id,
      groupName: groups.name,
      groupSlug: groups.slug,
      threadId: heldContent.threadId,
      threadTitle: threads.title,
      roomId: heldContent.roomId,
      roomName: chatRooms.name,
    })
    .from(heldContent)
    .innerJoin(groups, eq(groups.id, heldContent.groupId))
    .innerJoin(users, eq(users.id, heldContent.authorId))
    .leftJoin(threads, eq(threads.id, heldContent.threadId))
    .leftJoin(chatRooms, eq(chatRooms.id, heldContent.roomId))
    .where(
      and(
        eq(heldContent.status, "pending"),
        inScope,
        cursor ? sql`(${heldContent.createdAt}, ${heldContent.id}) ${page.backwards ? sql`<` : sql`>`} (${cursor[0]}::timestamptz, ${cursor[1]})` : undefined,
      ),
    )
    .orderBy(...(page.backwards ? [desc(heldContent.createdAt), desc(heldContent.id)] : [asc(heldContent.createdAt), asc(heldContent.id)]))
    .limit(HELD_PAGE + 1);
  const { items, next, previous } = keysetPage(rows, HELD_PAGE, page, (r) => [r.createdKey, r.id]);
  const [count] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(heldContent)
    .where(and(eq(heldContent.status, "pending"), inScope));
  return {
    items: items.map((r) => ({
      id: r.id,
      kind: r.kind,
      kindLabel: r.kind === "thread" ? "New thread" : r.kind === "post" ? "Reply" : "Chat message",
      title: r.title,
      body: r.body,
      reason: heldReasonText(r.reason, r.matched),
      createdAt: r.createdAt,
      authorName: r.authorName,
      group: { id: r.groupId, name: r.groupName, slug: r.groupSlug },
      destination:
        r.kind === "thread"
          ? { label: `${r.groupName} forum`, link: `/groups/${r.groupSlug}/forum` }
          : r.kind === "post"
            ? { label: r.threadTitle ?? "A thread", link: `/groups/${r.groupSlug}/forum/${r.threadId}` }
            : { label: r.roomName ?? "A chat room", link: `/groups/${r.groupSlug}/chat/${r.roomId}` },
    })),
    total: Number(count?.n ?? 0),
    next,
    previous,
  };
}

// ── decisions ────────────────────────────────────────────────────────────────────────────────

/** The held item and its group as the viewer stands in it: 404 when they can't see it, 403 when they may not review it. */
async function reviewable(app: AppContext, actor: Actor, heldId: string) {
  const [row] = await app.db
    .select({ held: heldContent, groupSlug: groups.slug })
    .from(heldContent)
    .innerJoin(groups, eq(groups.id, heldContent.groupId))
    .where(eq(heldContent.id, heldId));
  if (!row) throw NotFound("That held item");
  const group = await findGroup(app, actor, row.groupSlug);
  assertCan(actor, "moderation.reviewHeld", group.target, "That held item");
  if (row.held.status !== "pending") throw alreadyDecided(row.held.status);
  return { held: row.held, group };
}

const alreadyDecided = (status: string) =>
  Conflict(status === "approved" ? "This item was already approved by a moderator." : "This item was already decided by a moderator.");

/** Where the author is sent to look (the place it would have gone). */
function placeOf(held: { kind: string; threadId: string | null; roomId: string | null }, groupSlug: string) {
  if (held.kind === "post" && held.threadId) return `/groups/${groupSlug}/forum/${held.threadId}`;
  if (held.kind === "chat_message" && held.roomId) return `/groups/${groupSlug}/chat/${held.roomId}`;
  return `/groups/${groupSlug}/forum`;
}

/**
 * Approves a held item: only while it is still pending (compare-and-set, so two moderators at once
 * publish it once), publishes it through the ordinary write path, keeps the new id, audits
 * `held.approve` and tells the author with a link. If publishing fails (the author lost access), the
 * item goes back to pending and the error is the moderator's answer.
 */
export async function approveHeld(app: AppContext, viewer: Actor | null, input: { heldId: string }) {
  const actor = requireActor(viewer);
  const { held, group } = await reviewable(app, actor, input.heldId);
  const [claimed] = await app.db
    .update(heldContent)
    .set({ status: "approved", resolvedAt: app.clock.now(), resolvedBy: actor.id })
    .where(and(eq(heldContent.id, held.id), eq(heldContent.status, "pending")))
    .returning();
  if (!claimed) throw alreadyDecided("approved");
  let published: { id: string; link: string };
  try {
    // The row as it was when claimed (pending): publishHeld refuses a decided one, and this claim is ours.
    published = await publishHeld(app, held, actor);
  } catch (e) {
    await app.db
      .update(heldContent)
      .set({ status: "pending", resolvedAt: null, resolvedBy: null })
      .where(and(eq(heldContent.id, held.id), eq(heldContent.status, "approved"), sql`${heldContent.publishedId} is null`));
    throw e;
  }
  await app.db.transaction(async (tx) => {
    await tx.update(heldContent).set({ publishedId: published.id }).where(eq(heldContent.id, held.id));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "held.approve",
      targetType: held.kind,
      targetId: published.id,
      groupId: group.id,
      subjectUserId: held.authorId,
      details: { heldId: held.id, reason: held.reason },
    });
    await notifyUsers(tx, [held.authorId], {
      kind: "moderation",
      title: `Your ${kindWord[held.kind]} in ${group.name} was approved`,
      body: "A moderator approved it: it is published now.",
      link: published.link,
    });
  });
  await announceNotices(app, [held.authorId]);
  await announceHeld(app, group.id);
  return { id: published.id, link: published.link };
}

/**
 * Rejects a held item with a reason the author is told (in their own notice only: the text is never
 * shown to anyone else), audits `held.reject`. Only while it is still pending.
 */
export async function rejectHeld(app: AppContext, viewer: Actor | null, input: { heldId: string; reason: string }) {
  const actor = requireActor(viewer);
  const parsedReason = ModerationReasonSchema.safeParse(input.reason);
  if (!parsedReason.success) throw Invalid("Please check the form.", { reason: parsedReason.error.issues.map((i) => i.message) });
  const reason = parsedReason.data;
  const { held, group } = await reviewable(app, actor, input.heldId);
  const decided = await app.db.transaction(async (tx) => {
    const [row] = await tx
      .update(heldContent)
      .set({ status: "rejected", resolvedAt: app.clock.now(), resolvedBy: actor.id, rejectReason: reason })
      .where(and(eq(heldContent.id, held.id), eq(heldContent.status, "pending")))
      .returning({ id: heldContent.id });
    if (!row) return false;
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: "held.reject",
      targetType: held.kind,
      targetId: held.id,
      groupId: group.id,
      subjectUserId: held.authorId,
      reason,
      details: { heldId: held.id, reason: held.reason },
    });
    await notifyUsers(tx, [held.authorId], {
      kind: "moderation",
      title: `A moderator didn't publish your ${kindWord[held.kind]} in ${group.name}`,
      body: `Reason: ${reason}`,
      link: placeOf(held, group.slug),
    });
    return true;
  });
  if (!decided) throw alreadyDecided("rejected");
  await announceNotices(app, [held.authorId]);
  await announceHeld(app, group.id);
}
