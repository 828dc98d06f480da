import { moderationActions, reports } from "#db/schema/index";
import type { Database } from "#db/client";
import { isUniqueViolation } from "#app/lib/db-errors.server";
import { Conflict } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { notifyUsers } from "#app/modules/notifications/notifications.server";
import type { ReportInput } from "./moderation.schema";

/** A database handle or an open transaction: audit rows are written in the same transaction as the action. */
type Executor = Pick<Database, "insert">;

export interface ModerationRecord {
  /** null: nobody decided it (auto-hide after enough members' reports). */
  actorId: string | null;
  /** Dotted name, e.g. "thread.lock", "post.remove", "chat.mute". */
  action: string;
  targetType: string;
  targetId: string;
  groupId: string | null;
  subjectUserId?: string | null;
  reason?: string;
  details?: Record<string, unknown>;
}

/** Appends one row to the audit log. There is deliberately no update or delete counterpart. */
export async function recordModerationAction(db: Executor, entry: ModerationRecord) {
  const id = newId();
  await db.insert(moderationActions).values({
    id,
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    groupId: entry.groupId,
    subjectUserId: entry.subjectUserId ?? null,
    reason: entry.reason ?? "",
    details: entry.details ?? {},
  });
  return id;
}

/**
 * Files a report for the moderation queue (status open). Callers check `post.report` /
 * `chat.report` first. One report per person per item: a second one is a clear conflict.
 */
export async function fileReport(
  db: Executor,
  input: ReportInput & {
    reporterId: string;
    targetType: "thread" | "post" | "chat_message" | "user";
    targetId: string;
    groupId: string | null;
  },
) {
  const id = newId();
  try {
    await db.insert(reports).values({
      id,
      targetType: input.targetType,
      targetId: input.targetId,
      groupId: input.groupId,
      reporterId: input.reporterId,
      reason: input.reason,
      details: input.details,
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw Conflict("You have already reported this. The moderators will look at it.");
    throw e;
  }
  return id;
}

/**
 * Tells an author, in their notifications, that a moderator removed their content and why, with a
 * link to the notice page (where they can appeal once). Written in the removal's transaction.
 */
export async function notifyRemoval(
  db: Executor,
  input: { actionId: string; authorId: string; actorId: string; what: "post" | "thread" | "chat message"; groupName: string; reason: string },
) {
  if (input.authorId === input.actorId) return;
  await notifyUsers(db, [input.authorId], {
    kind: "moderation",
    title: `A moderator removed your ${input.what} in ${input.groupName}`,
    body: `Reason: ${input.reason}`,
    link: `/notices/${input.actionId}`,
  });
}

/**
 * A moderator's action on someone's content: the audit row and, for a removal, the author's notice
 * (with its appeal link), both in the caller's transaction. Returns the audit row's id.
 */
export async function auditContentAction(
  db: Executor,
  entry: ModerationRecord & { actorId: string; subjectUserId: string },
  removal?: { what: "post" | "thread" | "chat message"; groupName: string },
) {
  const actionId = await recordModerationAction(db, entry);
  if (removal) {
    await notifyRemoval(db, { actionId, authorId: entry.subjectUserId, actorId: entry.actorId, what: removal.what, groupName: removal.groupName, reason: entry.reason ?? "" });
  }
  return actionId;
}
