import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { notifications } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Unauthenticated } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import type { Actor } from "#app/policy.server";

/**
 * In-app notifications: a row per person per notice, read or unread. Domain code writes them inside
 * its own transaction (pass the transaction as `db`), so a notice exists exactly when its cause does.
 */

const PAGE_SIZE = 30;

/** A database handle or an open transaction. */
type Writer = Pick<AppContext["db"], "insert">;

export interface NewNotification {
  kind: "event_changed" | "event_cancelled" | "event_promoted" | "moderation" | "organization";
  title: string;
  body?: string;
  /** A path inside the app. */
  link?: string | null;
  eventId?: string | null;
}

export async function notifyUsers(db: Writer, userIds: readonly string[], notice: NewNotification): Promise<void> {
  const unique = [...new Set(userIds)];
  if (unique.length === 0) return;
  await db.insert(notifications).values(
    unique.map((userId) => ({
      id: newId(),
      userId,
      kind: notice.kind,
      title: notice.title,
      body: notice.body ?? "",
      link: notice.link ?? null,
      eventId: notice.eventId ?? null,
    })),
  );
}

/** For the header: how many unread notices the viewer has (capped, so the count stays cheap). */
export async function unreadCount(app: AppContext, viewer: Actor | null): Promise<number> {
  if (!viewer) return 0;
  const [row] = await app.db
    .select({ n: sql<number>`count(*)::int` })
    .from(sql`(select 1 from ${notifications} where ${notifications.userId} = ${viewer.id} and ${notifications.readAt} is null limit 100) as unread`);
  return row?.n ?? 0;
}

/** The viewer's notices, newest first, keyset-paginated by (created_at, id). */
export async function listNotifications(app: AppContext, viewer: Actor | null, opts: { after?: string | null } = {}) {
  if (!viewer) throw Unauthenticated();
  const cursor = decodeCursor(opts.after, ["time", "text"]);
  const rows = await app.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      link: notifications.link,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, viewer.id),
        cursor
          ? or(
              lt(notifications.createdAt, new Date(String(cursor[0]))),
              and(eq(notifications.createdAt, new Date(String(cursor[0]))), lt(notifications.id, String(cursor[1]))),
            )
          : undefined,
      ),
    )
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return { notifications: page, nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null };
}

/** Marks some (or, without ids, all) of the viewer's notices as read. Other people's ids are ignored. */
export async function markRead(app: AppContext, viewer: Actor | null, ids?: readonly string[]): Promise<number> {
  if (!viewer) throw Unauthenticated();
  const changed = await app.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, viewer.id), isNull(notifications.readAt), ids ? inArray(notifications.id, [...ids]) : undefined))
    .returning({ id: notifications.id });
  return changed.length;
}
