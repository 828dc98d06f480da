import { and, eq, inArray, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { chatMessages, groups, organizations, posts, reports, reportWaits, threads } from "#db/schema/index";
import type { Database, Transaction } from "#db/client";
import { HIDDEN_TITLE } from "./auto-hide";
import { recordModerationAction } from "./moderation.server";

/**
 * Auto-hide (issue 15): content reported by K distinct members (organizations.auto_hide_reports,
 * default 3) is hidden pending review. It stays in its table and its place (hidden_at set, decision
 * 0020); readers other than the group's moderators see HIDDEN_NOTICE instead of it, and a moderator's
 * decision on its reports (dismiss, remove, warn, mute, ban) clears hidden_at.
 *
 * Counting: only members' reports count (reporter_id NOT NULL: a watched word's automatic flag is
 * not a reporter), each member once (count distinct), and only open or escalated reports (a decision
 * closes them, so the count starts again after one).
 *
 * A thread: the forum files reports on posts; a report on a thread's opening post stands for the
 * thread (as removal does, see decisions.server.ts). Reports on the thread and on its opening post
 * are one unit, so a member who reported both counts once. When the unit reaches K, both
 * threads.hidden_at and the opening post's posts.hidden_at are set: the thread page shows the notice
 * in place of the opening post, and thread lists, the home page and notifications show
 * HIDDEN_TITLE instead of its title to non-moderators; search never matches hidden content.
 */

export { HIDDEN_NOTICE, HIDDEN_TITLE } from "./auto-hide";

type Executor = Database | Transaction;
type Target = { targetType: "thread" | "post" | "chat_message" | "user"; targetId: string; groupId: string | null };

/** What one queue item's content is, as auto-hide sees it: the report targets that count together and the rows to hide. */
interface Unit {
  /** (target type, id) pairs whose reports count as one. */
  targets: { type: "thread" | "post" | "chat_message"; id: string }[];
  threadId: string | null;
  postId: string | null;
  messageId: string | null;
}

async function unitOf(db: Executor, target: Target): Promise<Unit | null> {
  if (target.targetType === "chat_message") {
    return { targets: [{ type: "chat_message", id: target.targetId }], threadId: null, postId: null, messageId: target.targetId };
  }
  if (target.targetType === "post") {
    const [p] = await db.select({ threadId: posts.threadId, isOpening: posts.isOpening }).from(posts).where(eq(posts.id, target.targetId));
    if (!p) return null;
    if (!p.isOpening) return { targets: [{ type: "post", id: target.targetId }], threadId: null, postId: target.targetId, messageId: null };
    return { targets: [{ type: "post", id: target.targetId }, { type: "thread", id: p.threadId }], threadId: p.threadId, postId: target.targetId, messageId: null };
  }
  if (target.targetType === "thread") {
    const [p] = await db.select({ id: posts.id }).from(posts).where(and(eq(posts.threadId, target.targetId), eq(posts.isOpening, true)));
    const targets: Unit["targets"] = [{ type: "thread", id: target.targetId }];
    if (p) targets.push({ type: "post", id: p.id });
    return { targets, threadId: target.targetId, postId: p?.id ?? null, messageId: null };
  }
  return null;
}

function unitReports(unit: Unit, groupId: string): SQL {
  return and(
    eq(reports.groupId, groupId),
    reportWaits(reports.status),
    or(...unit.targets.map((t) => and(eq(reports.targetType, t.type), eq(reports.targetId, t.id)))),
  )!;
}

export type AutoHideResult = { hidden: false } | { hidden: true; reporters: number; messageId: string | null };

/**
 * After a member's report was inserted, in the same transaction: counts the distinct members with an
 * open report on the content and, at the organization's K, hides it (compare-and-set: only the report
 * that crosses K hides and audits "content.autohide"; later ones find it hidden already). The caller
 * broadcasts a hidden chat message after the commit (publishHiddenChange).
 */
export async function applyAutoHide(db: Executor, target: Target): Promise<AutoHideResult> {
  if (!target.groupId || target.targetType === "user") return { hidden: false };
  const unit = await unitOf(db, target);
  if (!unit) return { hidden: false };
  // Two reports committing at once must not both count K - 1: one at a time per piece of content.
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`autohide:${unit.targets[0]!.type}:${unit.targets[0]!.id}`}))`);
  const [setting] = await db
    .select({ k: organizations.autoHideReports })
    .from(groups)
    .innerJoin(organizations, eq(organizations.id, groups.organizationId))
    .where(eq(groups.id, target.groupId));
  if (!setting) return { hidden: false };
  const [count] = await db
    .select({ n: sql<number>`count(distinct ${reports.reporterId})::int` })
    .from(reports)
    .where(and(unitReports(unit, target.groupId), isNotNull(reports.reporterId)));
  const reporters = count?.n ?? 0;
  if (reporters < setting.k) return { hidden: false };

  let subjectUserId: string | null = null;
  if (unit.messageId) {
    const [m] = await db
      .update(chatMessages)
      .set({ hiddenAt: sql`now()` })
      .where(and(eq(chatMessages.id, unit.messageId), isNull(chatMessages.hiddenAt), isNull(chatMessages.deletedAt)))
      .returning({ authorId: chatMessages.authorId });
    subjectUserId = m?.authorId ?? null;
  } else {
    if (unit.threadId) {
      const [t] = await db
        .update(threads)
        .set({ hiddenAt: sql`now()` })
        .where(and(eq(threads.id, unit.threadId), isNull(threads.hiddenAt), isNull(threads.deletedAt)))
        .returning({ authorId: threads.authorId });
      subjectUserId = t?.authorId ?? null;
    }
    if (unit.postId) {
      const [p] = await db
        .update(posts)
        .set({ hiddenAt: sql`now()` })
        .where(and(eq(posts.id, unit.postId), isNull(posts.hiddenAt), isNull(posts.deletedAt)))
        .returning({ authorId: posts.authorId });
      subjectUserId = subjectUserId ?? p?.authorId ?? null;
    }
  }
  if (!subjectUserId) return { hidden: false };
  await recordModerationAction(db, {
    // Nobody decided it: the members' reports did. Reporters stay out of the audit log.
    actorId: null,
    action: "content.autohide",
    targetType: target.targetType,
    targetId: target.targetId,
    groupId: target.groupId,
    subjectUserId,
    details: { reporters, threshold: setting.k },
  });
  return { hidden: true, reporters, messageId: unit.messageId };
}

/**
 * A moderator's decision on a queue item ends its auto-hide: hidden_at is cleared on the item's
 * content (the thread and its opening post together), in the decision's transaction. Returns the
 * chat message to broadcast again after the commit, if one was shown hidden.
 */
export async function clearAutoHide(db: Executor, target: Target, moderatorId: string, decision: string): Promise<{ cleared: boolean; messageId: string | null }> {
  const unit = await unitOf(db, target);
  if (!unit) return { cleared: false, messageId: null };
  let cleared = false;
  if (unit.messageId) {
    const r = await db.update(chatMessages).set({ hiddenAt: null }).where(and(eq(chatMessages.id, unit.messageId), isNotNull(chatMessages.hiddenAt))).returning({ id: chatMessages.id });
    cleared = r.length > 0;
  }
  if (unit.threadId) {
    const r = await db.update(threads).set({ hiddenAt: null }).where(and(eq(threads.id, unit.threadId), isNotNull(threads.hiddenAt))).returning({ id: threads.id });
    cleared = cleared || r.length > 0;
  }
  if (unit.postId) {
    const r = await db.update(posts).set({ hiddenAt: null }).where(and(eq(posts.id, unit.postId), isNotNull(posts.hiddenAt))).returning({ id: posts.id });
    cleared = cleared || r.length > 0;
  }
  if (cleared) {
    await recordModerationAction(db, {
      actorId: moderatorId,
      action: "content.unhide",
      targetType: target.targetType,
      targetId: target.targetId,
      groupId: target.groupId,
      details: { decision },
    });
  }
  return { cleared, messageId: cleared ? unit.messageId : null };
}

// ── reading: the one rule every read path applies ──────────────────────────────────────────────

/** Whether this reader sees hidden content as it is (the group's moderators, who review it) or the notice. */
export function seesHidden(hidden: boolean, moderate: boolean) {
  return !hidden || moderate;
}

/** A thread's title as a reader sees it: HIDDEN_TITLE for a hidden thread unless they moderate the group. */
export function shownTitle(title: string, hiddenAt: Date | string | null | boolean, moderate = false) {
  return seesHidden(!!hiddenAt, moderate) ? title : HIDDEN_TITLE;
}

/** SQL: a thread title column as non-moderators may read it (lists, the home page). */
export function shownTitleSql(title: AnyPgColumn, hiddenAt: AnyPgColumn) {
  return sql<string>`case when ${hiddenAt} is null then ${title} else ${HIDDEN_TITLE} end`;
}

/**
 * For a reader who moderates the room's group: the hidden messages of a page with their bodies (the
 * wire shape leaves them out for everyone), so they review them where they are. One query, only when
 * the page has a hidden message.
 */
export async function revealHiddenMessages<M extends { id: string; body: string; hidden?: boolean }>(db: Executor, messages: M[], moderate: boolean): Promise<M[]> {
  const ids = moderate ? messages.filter((m) => m.hidden).map((m) => m.id) : [];
  if (ids.length === 0) return messages;
  const rows = await db.select({ id: chatMessages.id, body: chatMessages.body }).from(chatMessages).where(inArray(chatMessages.id, ids));
  const bodies = new Map(rows.map((r) => [r.id, r.body]));
  return messages.map((m) => (m.hidden ? { ...m, body: bodies.get(m.id) ?? m.body } : m));
}
