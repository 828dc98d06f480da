import { and, desc, eq, isNull } from "drizzle-orm";
import { chatMessages, chatRooms, groupMemberships, groups, moderationActions, posts, reports, reportWaits, threads, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { DomainError, Invalid, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { minutesText } from "#app/lib/plural";
import { deleteMessage, publishMessages } from "#app/modules/chat/chat.server";
import type { Transaction } from "#db/client";
import { moderatePost } from "#app/modules/forums/posts.server";
import { moderateThread } from "#app/modules/forums/threads.server";
import { accessLost } from "#app/modules/groups/access.server";
import { findGroup, type GroupView } from "#app/modules/groups/groups.server";
import { announceNotices, notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertCan, can, type Action, type Actor } from "#app/policy.server";
import { groupMuteChoices, type QueueAction } from "./moderation.schema";
import { recordModerationAction } from "./moderation.server";
import { clearAutoHide } from "./auto-hide.server";
import { requireActor, SITE, type TargetType } from "./common.server";

/**
 * The decisions taken from the moderation queue (dismiss, escalate, remove, warn, mute, ban), each one
 * reusing the forum and chat functions that already do the work, audit it and tell live sockets.
 */

const actionOfIntent: Record<QueueAction["intent"], Action> = {
  dismiss: "moderation.dismiss",
  remove: "moderation.removeContent",
  warn: "moderation.warn",
  mute: "moderation.mute",
  ban: "moderation.ban",
  escalate: "moderation.escalate",
};

/** One queue item: the content (or person) and the group its reports were filed under. */
type QueueTarget = { targetType: TargetType; targetId: string; groupId: string | null };

/** The open reports of one queue item, and no other group's. */
function openReportsOf(input: QueueTarget) {
  return and(
    eq(reports.targetType, input.targetType),
    eq(reports.targetId, input.targetId),
    input.groupId ? eq(reports.groupId, input.groupId) : isNull(reports.groupId),
    reportWaits(reports.status),
  );
}

/** The group a report is about, as the viewer stands in it (404 when the viewer can't see it). */
async function reportGroup(app: AppContext, actor: Actor, input: QueueTarget) {
  const [report] = await app.db
    .select({ groupId: reports.groupId, slug: groups.slug })
    .from(reports)
    .leftJoin(groups, eq(groups.id, reports.groupId))
    .where(openReportsOf(input))
    .limit(1);
  if (!report) throw NotFound("That report");
  if (!report.slug) return null;
  return findGroup(app, actor, report.slug);
}

/** Who wrote the reported content (or who was reported), and where it lives. */
async function subjectOf(app: AppContext, input: { targetType: TargetType; targetId: string }) {
  if (input.targetType === "post") {
    const [r] = await app.db
      .select({ authorId: posts.authorId, threadId: posts.threadId, deletedAt: posts.deletedAt, isOpening: posts.isOpening })
      .from(posts)
      .where(eq(posts.id, input.targetId));
    return r ? { userId: r.authorId, threadId: r.threadId, removed: r.deletedAt !== null, isOpening: r.isOpening } : null;
  }
  if (input.targetType === "thread") {
    const [r] = await app.db.select({ authorId: threads.authorId, deletedAt: threads.deletedAt }).from(threads).where(eq(threads.id, input.targetId));
    return r ? { userId: r.authorId, threadId: input.targetId, removed: r.deletedAt !== null, isOpening: true } : null;
  }
  if (input.targetType === "chat_message") {
    const [r] = await app.db.select({ authorId: chatMessages.authorId, deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, input.targetId));
    return r ? { userId: r.authorId, threadId: null, removed: r.deletedAt !== null, isOpening: false } : null;
  }
  const [r] = await app.db.select({ id: users.id }).from(users).where(eq(users.id, input.targetId));
  return r ? { userId: r.id, threadId: null, removed: false, isOpening: false } : null;
}

/** Moderators, organization staff and site admins are not sanctioned from the queue. */
async function assertSanctionable(app: AppContext, group: GroupView, userId: string) {
  const [user] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status, displayName: users.displayName })
    .from(users)
    .where(eq(users.id, userId));
  if (!user) throw NotFound("That person");
  const asThem = await findGroup(app, user, group.slug);
  if (can(user, "moderation.viewQueue", asThem.target)) {
    throw new DomainError("forbidden", "Moderators and organization staff can't be warned, muted or banned from the queue. Talk to the organization's admins.");
  }
  return { ...user, membership: asThem.membership };
}

async function latestAction(app: AppContext, action: string, targetId: string) {
  const [row] = await app.db
    .select({ id: moderationActions.id })
    .from(moderationActions)
    .where(and(eq(moderationActions.action, action), eq(moderationActions.targetId, targetId)))
    .orderBy(desc(moderationActions.createdAt))
    .limit(1);
  return row?.id ?? null;
}

async function resolveReports(
  db: AppContext["db"] | Transaction,
  actor: Actor,
  input: QueueTarget & { intent: QueueAction["intent"] },
  status: "dismissed" | "actioned" | "escalated",
) {
  const resolved = await db
    .update(reports)
    .set(status === "escalated" ? { status } : { status, resolvedAt: new Date(), resolvedBy: actor.id })
    .where(openReportsOf(input))
    .returning({ id: reports.id });
  // A decision ends auto-hide (the content is back, or removed with its notice); escalating keeps it hidden.
  if (status !== "escalated") await clearAutoHide(db, input, actor.id, input.intent);
  return resolved.length;
}

/** "until 12 March 2026, 14:00 UTC" — stored in UTC; the notice page shows it in the reader's zone too. */
function untilText(d: Date) {
  return `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Takes one decision on a queue item. Every open report about the same content in the same group is
 * resolved with it; reports filed under another group (a person reported elsewhere) are left alone.
 * Removal reuses the forum and chat functions (which audit and tell live sockets); warnings, mutes
 * and bans are audited here in the same transaction as their effect. The author gets a notice.
 */
export async function actOnReport(app: AppContext, viewer: Actor | null, input: QueueAction) {
  const result = await decide(app, viewer, input);
  // A chat message shown hidden goes out again as it is now (removal told the room itself).
  if (input.targetType === "chat_message" && input.intent !== "escalate" && input.intent !== "remove") await publishMessages(app, [input.targetId]);
  return result;
}

async function decide(app: AppContext, viewer: Actor | null, input: QueueAction) {
  const actor = requireActor(viewer);
  const group = await reportGroup(app, actor, input);
  if (group) assertCan(actor, actionOfIntent[input.intent], group.target, "That report");
  else assertCan(actor, "moderation.viewEscalated", SITE);
  const groupId = group?.id ?? null;
  const where = group ? ` in ${group.name}` : "";

  if (input.intent === "dismiss" || input.intent === "escalate") {
    await app.db.transaction(async (tx) => {
      const n = await resolveReports(tx, actor, input, input.intent === "dismiss" ? "dismissed" : "escalated");
      await recordModerationAction(tx, {
        actorId: actor.id,
        action: `report.${input.intent}`,
        targetType: input.targetType,
        targetId: input.targetId,
        groupId,
        reason: input.reason,
        details: { reports: n },
      });
    });
    return { intent: input.intent };
  }

  const subject = await subjectOf(app, input);
  if (!subject) throw NotFound("That content");

  if (input.intent === "remove") {
    if (!group) throw Invalid("Only content in a group can be removed from the queue.");
    if (input.targetType === "user") throw Invalid("A profile can't be removed. Warn, mute or ban the person instead.");
    if (!subject.removed) {
      if (input.targetType === "post" && !subject.isOpening) {
        await moderatePost(app, actor, group.slug, subject.threadId!, input.targetId, "remove", input.reason);
      } else if (input.targetType === "post" || input.targetType === "thread") {
        // An opening post stands for its thread: removing it removes the thread.
        await moderateThread(app, actor, group.slug, subject.threadId!, "remove", input.reason);
      } else {
        await deleteMessage(app, actor, { messageId: input.targetId, reason: input.reason });
      }
    }
    const auditAction = input.targetType === "chat_message" ? "chat.message.delete" : input.targetType === "post" && !subject.isOpening ? "post.remove" : "thread.remove";
    const auditTarget = auditAction === "thread.remove" ? subject.threadId! : input.targetId;
    const actionId = await latestAction(app, auditAction, auditTarget);
    // The forum and chat functions told the author (notifyRemoval) in their own transaction.
    await resolveReports(app.db, actor, input, "actioned");
    return { intent: input.intent, moderationActionId: actionId };
  }

  if (!group) throw Invalid("Warnings, mutes and bans apply in a group. Use suspension for site-wide action.");
  const person = await assertSanctionable(app, group, subject.userId);
  const roomIds = (await app.db.select({ id: chatRooms.id }).from(chatRooms).where(eq(chatRooms.groupId, group.id))).map((r) => r.id);

  let actionId = newId();
  if (input.intent === "warn") {
    await app.db.transaction(async (tx) => {
      actionId = await recordModerationAction(tx, {
        actorId: actor.id,
        action: "user.warn",
        targetType: input.targetType,
        targetId: input.targetId,
        groupId,
        subjectUserId: person.id,
        reason: input.reason,
      });
      await resolveReports(tx, actor, input, "actioned");
      await notifyUsers(tx, [person.id], {
        kind: "moderation",
        title: `A moderator sent you a warning${where}`,
        body: `Reason: ${input.reason}`,
        link: `/notices/${actionId}`,
      });
    });
    await announceNotices(app, [person.id]);
    return { intent: input.intent, moderationActionId: actionId };
  }

  if (input.intent === "mute") {
    if (!person.membership || person.membership.status !== "active") throw Invalid("That person is not an active member of this group.");
    const until = new Date(Date.now() + input.minutes * 60_000);
    const label = groupMuteChoices.find((c) => c.minutes === input.minutes)?.label ?? minutesText(input.minutes);
    await app.db.transaction(async (tx) => {
      await tx.update(groupMemberships).set({ mutedUntil: until }).where(and(eq(groupMemberships.groupId, group.id), eq(groupMemberships.userId, person.id)));
      actionId = await recordModerationAction(tx, {
        actorId: actor.id,
        action: "group.mute",
        targetType: "group",
        targetId: group.id,
        groupId,
        subjectUserId: person.id,
        reason: input.reason,
        details: { minutes: input.minutes, until: until.toISOString(), report: { type: input.targetType, id: input.targetId } },
      });
      await resolveReports(tx, actor, input, "actioned");
      await notifyUsers(tx, [person.id], {
        kind: "moderation",
        title: `You are muted${where} for ${label}`,
        body: `Until ${untilText(until)}. Reason: ${input.reason}`,
        link: `/notices/${actionId}`,
      });
    });
    await announceNotices(app, [person.id]);
    // The policy reads muted_until on every send, so the mute holds at once; live sockets are told too.
    for (const roomId of roomIds) {
      app.realtime.chat.sanctioned(person.id, {
        roomId,
        mutedUntil: until.toISOString(),
        banned: false,
        message: `A moderator muted you in this group for ${label} (until ${untilText(until)}). Reason: ${input.reason}`,
      });
    }
    return { intent: input.intent, moderationActionId: actionId, until };
  }

  // ban
  await app.db.transaction(async (tx) => {
    await tx
      .insert(groupMemberships)
      .values({ groupId: group.id, userId: person.id, role: "member", status: "banned" })
      .onConflictDoUpdate({ target: [groupMemberships.groupId, groupMemberships.userId], set: { status: "banned", role: "member", createdAt: new Date() } });
    actionId = await recordModerationAction(tx, {
      actorId: actor.id,
      action: "group.ban",
      targetType: "group",
      targetId: group.id,
      groupId,
      subjectUserId: person.id,
      reason: input.reason,
      // Overturning the ban on appeal puts the person back where they stood (see undo.server.ts).
      details: { report: { type: input.targetType, id: input.targetId }, previousStatus: person.membership?.status ?? null },
    });
    await resolveReports(tx, actor, input, "actioned");
    await notifyUsers(tx, [person.id], {
      kind: "moderation",
      title: `You have been removed from ${group.name}`,
      body: `A moderator banned you from this group. Reason: ${input.reason}`,
      link: `/notices/${actionId}`,
    });
  });
  await announceNotices(app, [person.id]);
  // Every live socket of the person leaves the group's rooms at once, on every node; their event places go.
  await accessLost(app, { groupId: group.id, userId: person.id });
  for (const roomId of roomIds) {
    app.realtime.chat.sanctioned(person.id, { roomId, mutedUntil: null, banned: true, message: `A moderator removed you from this group. Reason: ${input.reason}` });
  }
  return { intent: input.intent, moderationActionId: actionId };
}
