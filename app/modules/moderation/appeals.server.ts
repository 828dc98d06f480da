import { eq } from "drizzle-orm";
import { appeals, groups, moderationActions } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict, Invalid, NotFound } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { findGroup } from "#app/modules/groups/groups.server";
import { announceNotices, notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertCan, type Actor } from "#app/policy.server";
import { recordModerationAction } from "./moderation.server";
import { requireActor, SITE } from "./common.server";
import { getNotice } from "./notices.server";
import { isAppealable, undoOf } from "./undo.server";

/** Appeals: a member appeals a decision once; moderators uphold or overturn it (overturning runs its undo). */

/** One appeal per decision; it goes back into the group's moderation queue. */
export async function appealDecision(app: AppContext, viewer: Actor | null, actionId: string, input: { body: string }) {
  const actor = requireActor(viewer);
  const notice = await getNotice(app, actor, actionId);
  if (notice.appeal) throw Conflict("You have already appealed this decision: one appeal per decision.");
  assertCan(actor, "moderation.appeal", { kind: "notice", subjectId: actor.id, appealable: isAppealable(notice.action), appealed: false });
  const [action] = await app.db.select({ groupId: moderationActions.groupId }).from(moderationActions).where(eq(moderationActions.id, actionId));
  const id = newId();
  try {
    await app.db.insert(appeals).values({ id, moderationActionId: actionId, userId: actor.id, groupId: action?.groupId ?? null, body: input.body });
  } catch (e) {
    if (isUniqueViolation(e)) throw Conflict("You have already appealed this decision: one appeal per decision.");
    throw e;
  }
  return { appealId: id };
}

/** Uphold or overturn an appeal. Overturning runs the decision's undo (undo.server.ts) first. */
export async function decideAppeal(app: AppContext, viewer: Actor | null, input: { appealId: string; intent: "uphold" | "overturn"; note: string }) {
  const actor = requireActor(viewer);
  const [row] = await app.db
    .select({
      id: appeals.id,
      status: appeals.status,
      userId: appeals.userId,
      actionId: moderationActions.id,
      action: moderationActions.action,
      targetId: moderationActions.targetId,
      details: moderationActions.details,
      groupSlug: groups.slug,
      groupId: groups.id,
      groupName: groups.name,
    })
    .from(appeals)
    .innerJoin(moderationActions, eq(moderationActions.id, appeals.moderationActionId))
    .leftJoin(groups, eq(groups.id, appeals.groupId))
    .where(eq(appeals.id, input.appealId));
  if (!row) throw NotFound("That appeal");
  if (row.groupSlug) {
    const group = await findGroup(app, actor, row.groupSlug);
    assertCan(actor, "moderation.decideAppeal", group.target, "That appeal");
  } else assertCan(actor, "moderation.viewEscalated", SITE);
  if (row.status !== "open") throw Conflict("That appeal has already been decided.");

  if (input.intent === "overturn") {
    // Only appealable decisions get appeals; each has its undo (restore, lift, or explicitly nothing).
    if (!isAppealable(row.action)) throw Invalid("That decision can't be reversed here.");
    await undoOf[row.action](app, {
      actor,
      targetId: row.targetId,
      groupId: row.groupId,
      groupSlug: row.groupSlug,
      subjectUserId: row.userId,
      details: row.details,
      note: input.note,
    });
  }
  await app.db.transaction(async (tx) => {
    await tx
      .update(appeals)
      .set({ status: input.intent === "uphold" ? "upheld" : "overturned", decisionNote: input.note, resolvedAt: new Date(), resolvedBy: actor.id })
      .where(eq(appeals.id, row.id));
    await recordModerationAction(tx, {
      actorId: actor.id,
      action: `appeal.${input.intent}`,
      targetType: "appeal",
      targetId: row.id,
      groupId: row.groupId,
      subjectUserId: row.userId,
      reason: input.note,
      details: { moderationActionId: row.actionId, action: row.action },
    });
    await notifyUsers(tx, [row.userId], {
      kind: "moderation",
      title: input.intent === "uphold" ? "The moderators reviewed your appeal and kept their decision" : "Your appeal was accepted: the decision was reversed",
      body: input.note,
      link: `/notices/${row.actionId}`,
    });
  });
  await announceNotices(app, [row.userId]);
  return { appealId: row.id, intent: input.intent };
}
