import { and, eq, inArray, isNotNull, isNull, lt, lte } from "drizzle-orm";
import { z } from "zod";
import { groupMemberships, groups, notifications, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { groupAllowed, type GroupAudienceAction } from "#app/modules/groups/access.server";
import { deliverMail } from "#app/modules/mail/send.server";
import { eventMessageMail } from "#app/modules/events/message-notify.server";
import { noticeMail, type MailedNotice } from "./mail/notification.server";
import { emailDueAt, inQuietHours, readNotificationSettings, type NotificationSettings } from "./settings";
import { KIND_TYPE, type Channel } from "./types";
import { unsubscribeHeaders, unsubscribeUrl } from "./unsubscribe.server";

/**
 * Notification e-mail (DESIGN.md §8). A row is mailed by the `notifications.email` job: it claims
 * the row (pending → sending, one conditional UPDATE, so two workers or nodes never both send), asks
 * again whether the person may still see it and still wants it by e-mail (else 'skipped'), sends,
 * and marks it 'sent'. A failed send puts the row back to 'pending' and rethrows, so pg-boss retries
 * with backoff; a retry of a job that did send finds the row 'sent' and does nothing.
 */

/** A person who can be mailed now: active, not deleted, with a confirmed address. */
export interface Mailable {
  id: string;
  email: string;
  settings: NotificationSettings;
}

export async function mailablePeople(app: AppContext, userIds: readonly string[]): Promise<Map<string, Mailable>> {
  if (userIds.length === 0) return new Map();
  const rows = await app.db
    .select({ id: users.id, email: users.email, settings: users.notificationSettings })
    .from(users)
    .where(and(inArray(users.id, [...userIds]), isNull(users.deletedAt), eq(users.status, "active"), isNotNull(users.email), isNotNull(users.emailVerifiedAt)));
  return new Map(rows.map((r) => [r.id, { id: r.id, email: r.email!, settings: readNotificationSettings(r.settings) }]));
}

/** Kinds meant for a group's moderators are checked against the moderators' own actions. */
const GROUP_ACTION: Partial<Record<string, GroupAudienceAction>> = { join_request: "group.reviewRequests", report: "moderation.viewQueue" };

/**
 * Of these notices (one person's), the ids that person may still see, asking the policy per group
 * as things are now. A member banned from a group hears nothing more about it, even a public one.
 */
export async function stillVisible(app: AppContext, userId: string, rows: { id: string; kind: string; groupId: string | null }[]): Promise<Set<string>> {
  const ok = new Set(rows.filter((r) => !r.groupId).map((r) => r.id));
  const byCheck = new Map<string, string[]>();
  for (const r of rows) {
    if (!r.groupId) continue;
    const key = `${r.groupId}|${GROUP_ACTION[r.kind] ?? "group.view"}`;
    byCheck.set(key, [...(byCheck.get(key) ?? []), r.id]);
  }
  const groupIds = [...new Set(rows.flatMap((r) => (r.groupId ? [r.groupId] : [])))];
  const bans = groupIds.length
    ? await app.db
        .select({ groupId: groupMemberships.groupId })
        .from(groupMemberships)
        .where(and(eq(groupMemberships.userId, userId), inArray(groupMemberships.groupId, groupIds), eq(groupMemberships.status, "banned")))
    : [];
  const banned = new Set(bans.map((b) => b.groupId));
  for (const [key, ids] of byCheck) {
    const [groupId, action] = key.split("|") as [string, GroupAudienceAction];
    if (!banned.has(groupId) && (await groupAllowed(app, groupId, [userId], action)).has(userId)) ids.forEach((id) => ok.add(id));
  }
  return ok;
}

/** The private groups among these (their notices lose their text in mail when the member asks). */
export async function privateGroups(app: AppContext, groupIds: readonly (string | null)[]): Promise<Set<string>> {
  const ids = [...new Set(groupIds.filter((g): g is string => !!g))];
  if (ids.length === 0) return new Set();
  const rows = await app.db.select({ id: groups.id }).from(groups).where(and(inArray(groups.id, ids), eq(groups.visibility, "private")));
  return new Set(rows.map((r) => r.id));
}

/** The channel that now governs a stored kind (null: kinds that are never mailed). */
export const channelFor = (settings: NotificationSettings, kind: string): Channel | null => {
  const type = KIND_TYPE[kind];
  return type ? settings.channels[type] : null;
};

const setStatus = (app: AppContext, id: string, from: string, status: string, extra: { emailDueAt?: Date } = {}) =>
  app.db
    .update(notifications)
    .set({ emailStatus: status, updatedAt: app.clock.now(), ...extra })
    .where(and(eq(notifications.id, id), eq(notifications.emailStatus, from)));

export async function sendNotificationEmail(app: AppContext, notificationId: string): Promise<void> {
  const now = app.clock.now();
  const [row] = await app.db
    .update(notifications)
    .set({ emailStatus: "sending", updatedAt: now })
    .where(and(eq(notifications.id, notificationId), eq(notifications.emailStatus, "pending"), lte(notifications.emailDueAt, now)))
    .returning();
  if (!row) return; // Sent, skipped, not due yet, or another worker has it.
  try {
    const person = (await mailablePeople(app, [row.userId])).get(row.userId);
    const wanted = person && (row.urgent || channelFor(person.settings, row.kind) === "email");
    if (!person || !wanted || !(await stillVisible(app, row.userId, [row])).has(row.id)) {
      await setStatus(app, row.id, "sending", "skipped");
      return;
    }
    // Quiet hours set since the row was recorded still hold it back (the due-email sweep sends it later).
    if (!row.urgent && inQuietHours(person.settings, now)) {
      await setStatus(app, row.id, "sending", "pending", { emailDueAt: emailDueAt(person.settings, now) });
      return;
    }
    const hideText = person.settings.hidePrivateText && !!row.groupId && (await privateGroups(app, [row.groupId])).has(row.groupId);
    const notice: MailedNotice = { kind: row.kind, title: row.title, body: row.body, link: row.link, urgent: row.urgent, count: row.count, hideText };
    // An organizer's message is mailed whole, under its own subject (the row keeps an excerpt).
    const message = row.kind === "event_message" && !hideText ? await eventMessageMail(app, row.dedupeKey) : null;
    if (message) Object.assign(notice, message);
    const type = KIND_TYPE[row.kind];
    const url = await unsubscribeUrl(app, person, type ?? "report");
    await deliverMail(app, person.email, { ...noticeMail(app, notice, url), headers: unsubscribeHeaders(url) });
  } catch (e) {
    await setStatus(app, row.id, "sending", "pending");
    throw e;
  }
  await setStatus(app, row.id, "sending", "sent");
}

export const notificationEmailJob = {
  payload: z.object({ notificationId: z.string().min(1).max(64) }),
  run: (app: AppContext, data: { notificationId: string }) => sendNotificationEmail(app, data.notificationId),
  // One queued job per row (its key): the recording and the sweep may both ask. Retries back off (queue.server.ts).
  queue: { policy: "exclusive" as const },
};

/** A row claimed this long ago and still 'sending' lost its worker (a node stopped mid-send). */
const STUCK_MS = 15 * 60_000;

/**
 * The "notifications.due-email" sweep: rows whose quiet hours ended get their job (one per row, by
 * key), and rows a stopped node left 'sending' go back to pending (at worst that one message twice).
 */
export async function dueEmailSweep(app: AppContext, now: Date): Promise<void> {
  await app.db
    .update(notifications)
    .set({ emailStatus: "pending", updatedAt: now })
    .where(and(eq(notifications.emailStatus, "sending"), lt(notifications.updatedAt, new Date(now.getTime() - STUCK_MS))));
  const due = await app.db
    .select({ id: notifications.id })
    .from(notifications)
    .where(and(eq(notifications.emailStatus, "pending"), lte(notifications.emailDueAt, now)))
    .orderBy(notifications.emailDueAt)
    .limit(500);
  await queueNotificationEmails(
    app,
    due.map((d) => d.id),
  );
}

/** One `notifications.email` job per row, keyed by it (the queue is exclusive: asked twice, queued once). */
export async function queueNotificationEmails(app: AppContext, notificationIds: readonly string[]): Promise<void> {
  await app.jobs.enqueueMany(
    "notifications.email",
    notificationIds.map((id) => ({ payload: { notificationId: id }, key: `notification-email:${id}` })),
  );
}

/** For the digest: mark these rows (still in the digest) as done. */
export async function markDigestRows(app: AppContext, ids: string[], status: "sent" | "skipped"): Promise<void> {
  if (ids.length === 0) return;
  await app.db
    .update(notifications)
    .set({ emailStatus: status, updatedAt: app.clock.now() })
    .where(and(inArray(notifications.id, ids), eq(notifications.emailStatus, "digest")));
}
