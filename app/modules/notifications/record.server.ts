import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { notifications, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { newId } from "#app/lib/ids.server";
import { groupAllowed, roomReaders, type GroupAudienceAction } from "#app/modules/groups/access.server";
import { blockersAmong } from "#app/modules/accounts/blocks.server";
import { emailDueAt, readNotificationSettings, type NotificationSettings } from "./settings";
import { queueNotificationEmails } from "./email.server";
import { unreadCounts } from "./notifications.server";
import { KIND_TYPE, type LiveNotification, type NotificationType } from "./types";

/**
 * The one way a notification is recorded (DESIGN.md §8). Sources (a reply, a mention, a report…)
 * work out who should hear about something and call this from a job; here the recipients are
 * checked against the policy as it is now (access may have been lost since the event), each
 * person's preference for the type is applied, the rows are written idempotently (one per person and
 * `dedupeKey`), open tabs hear at once, and e-mail is scheduled (at once after quiet hours, or the
 * digest). Never call it inside a request: fan-out belongs in a job.
 */

/** Who may receive it: each recipient must pass this now, or is dropped. */
export type Audience =
  /** `membersOnly`: the notice is about a members-only thread (forum.read then admits insiders only). */
  | { group: string; may: GroupAudienceAction; membersOnly?: boolean }
  | { room: string }
  | { organizationStaff: string }
  /** Notices about the member's own account or RSVPs: any active account. */
  | "account";

export interface NotificationDraft {
  /** Stored kind; its preference type comes from KIND_TYPE (kinds without one are in-app only). */
  kind: string;
  recipients: readonly string[];
  audience: Audience;
  /** In-app title (the bell, the notifications page). May name the group: only the recipient sees it. */
  title: string;
  /** A short excerpt of what was written; left out of e-mails about private groups when the member asks. */
  body?: string;
  /** A path inside the app. */
  link: string;
  groupId?: string | null;
  eventId?: string | null;
  /** Never notified about their own act. */
  actorId?: string | null;
  /** Per recipient: the same key twice adds nothing (a retried job), unless `batch`. */
  dedupeKey: string;
  /** Crisis reports: always in-app and e-mailed at once, whatever the preference or the quiet hours. */
  urgent?: boolean;
  /**
   * Reactions: an unread row with the same key is folded into (count + 1, new title, unread again)
   * instead of being skipped; a read one starts a new round.
   */
  batch?: boolean;
}

export interface Recorded {
  id: string;
  userId: string;
  emailStatus: string | null;
  emailDueAt: Date | null;
}

const MAX_BODY = 280;

/**
 * What a block silences: someone's replies, mentions and reactions (and new threads) never notify a
 * member who blocks them. Reports, moderation notices, join decisions and event changes still arrive:
 * a block never hides moderation or what the member signed up for.
 */
const SILENCED_BY_BLOCK = new Set<NotificationType>(["reply", "mention", "reaction"]);

const recordedColumns = { id: notifications.id, userId: notifications.userId, emailStatus: notifications.emailStatus, emailDueAt: notifications.emailDueAt };

async function allowed(app: AppContext, audience: Audience, ids: string[]): Promise<Set<string>> {
  if (audience === "account") return new Set(ids);
  if ("group" in audience) return groupAllowed(app, audience.group, ids, audience.may, audience.membersOnly ? { membersOnly: true } : undefined);
  if ("room" in audience) return roomReaders(app, audience.room, ids);
  const rows = await app.db
    .select({ userId: organizationMembers.userId })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, audience.organizationStaff), inArray(organizationMembers.userId, ids)));
  return new Set(rows.map((r) => r.userId));
}

/** How this row is mailed, from the person's settings: null (in-app only), pending at a time, or digest. */
function emailPlan(settings: NotificationSettings, kind: string, urgent: boolean, now: Date): { status: string | null; dueAt: Date | null } | "off" {
  if (urgent) return { status: "pending", dueAt: now };
  const type = KIND_TYPE[kind];
  if (!type) return { status: null, dueAt: null };
  const channel = settings.channels[type];
  if (channel === "off") return "off";
  if (channel === "email") return { status: "pending", dueAt: emailDueAt(settings, now) };
  if (channel === "digest") return { status: "digest", dueAt: null };
  return { status: null, dueAt: null };
}

export async function recordNotifications(app: AppContext, draft: NotificationDraft): Promise<Recorded[]> {
  const candidates = [...new Set(draft.recipients)].filter((id) => id !== draft.actorId);
  if (candidates.length === 0) return [];
  const people = await app.db
    .select({ id: users.id, settings: users.notificationSettings })
    .from(users)
    .where(and(inArray(users.id, candidates), isNull(users.deletedAt), eq(users.status, "active")));
  const may = await allowed(
    app,
    draft.audience,
    people.map((p) => p.id),
  );
  const type = KIND_TYPE[draft.kind];
  const blockers = draft.actorId && type && SILENCED_BY_BLOCK.has(type) ? await blockersAmong(app, draft.actorId, people.map((p) => p.id)) : new Set<string>();
  const now = app.clock.now();
  const body = (draft.body ?? "").slice(0, MAX_BODY);
  const rows = people.flatMap((p) => {
    if (!may.has(p.id) || blockers.has(p.id)) return [];
    const plan = emailPlan(readNotificationSettings(p.settings), draft.kind, draft.urgent ?? false, now);
    if (plan === "off") return [];
    return [
      {
        id: newId(),
        userId: p.id,
        kind: draft.kind,
        title: draft.title,
        body,
        link: draft.link,
        groupId: draft.groupId ?? null,
        eventId: draft.eventId ?? null,
        actorId: draft.actorId ?? null,
        dedupeKey: draft.dedupeKey,
        urgent: draft.urgent ?? false,
        emailStatus: plan.status,
        emailDueAt: plan.dueAt,
        createdAt: now,
        updatedAt: now,
      },
    ];
  });
  if (rows.length === 0) return [];
  const written: Recorded[] = [];
  // Chunks keep each statement's parameter count well under Postgres's limit for any audience size.
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const insert = app.db.insert(notifications).values(chunk);
    const done = draft.batch
      ? await insert
          .onConflictDoUpdate({
            target: [notifications.userId, notifications.dedupeKey],
            set: {
              count: sql`case when ${notifications.readAt} is null then ${notifications.count} + 1 else 1 end`,
              title: sql`excluded.title`,
              body: sql`excluded.body`,
              actorId: sql`excluded.actor_id`,
              readAt: sql`null`,
              createdAt: sql`excluded.created_at`,
              updatedAt: sql`excluded.updated_at`,
              // An e-mail already sent for this round is not sent again; a new round may be.
              emailStatus: sql`case when ${notifications.emailStatus} in ('pending', 'digest') then ${notifications.emailStatus} when ${notifications.readAt} is null then null else excluded.email_status end`,
              emailDueAt: sql`coalesce(${notifications.emailDueAt}, excluded.email_due_at)`,
            },
          })
          .returning(recordedColumns)
      : await insert
          .onConflictDoNothing({ target: [notifications.userId, notifications.dedupeKey] })
          .returning(recordedColumns);
    written.push(...done);
  }
  await announce(app, written, { title: draft.title, kind: draft.kind, link: draft.link, urgent: draft.urgent ?? false, at: now });
  await scheduleEmail(app, written);
  return written;
}

/** Live: each recipient's open tabs get the notice and their new count (through the adapter, every node). */
async function announce(app: AppContext, written: Recorded[], n: { title: string; kind: string; link: string; urgent: boolean; at: Date }) {
  if (written.length === 0) return;
  const counts = await unreadCounts(
    app,
    written.map((w) => w.userId),
  );
  for (const w of written) {
    const notification: LiveNotification = { id: w.id, kind: n.kind, title: n.title, link: n.link, urgent: n.urgent, createdAt: n.at.toISOString() };
    app.realtime.notify(w.userId, { notification, unread: counts.get(w.userId) ?? 1 });
  }
}

/** Rows due for e-mail now get their job; rows waiting for quiet hours to end are the due-email sweep's (email.server.ts). */
async function scheduleEmail(app: AppContext, written: Recorded[]) {
  const now = app.clock.now();
  await queueNotificationEmails(
    app,
    written.filter((w) => w.emailStatus === "pending" && w.emailDueAt !== null && w.emailDueAt <= now).map((w) => w.id),
  );
}
