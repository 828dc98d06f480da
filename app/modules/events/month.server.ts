import { and, asc, eq, gte, lt } from "drizzle-orm";
import { events, groups, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { canonicalTimeZone } from "#app/lib/time";
import type { Actor } from "#app/policy.server";
import { readNotificationSettings } from "#app/modules/notifications/settings";
import { baseEventQuery, toEventView, visibleToSql } from "./common.server";
import type { EventListQuery } from "./events.schema";

const MONTH_LIMIT = 600;
/** Every zone's day starts within 14 hours of UTC's: the query covers the month as any viewer's clock shows it. */
const ZONE_SLACK = 14 * 3_600_000;

/** The current month ("2026-12") in UTC; the page moves from there. */
export function currentMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/**
 * The events a month grid shows: visible to the viewer (visibleToSql, then the policy per row),
 * starting in the month as seen from any zone (the component sorts them into the viewer's days),
 * with the list's filters. Online links never: the grid links to the event pages.
 */
export async function monthEvents(app: AppContext, viewer: Actor | null, month: string, query: Partial<EventListQuery> = {}) {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const from = new Date(Date.UTC(y, m - 1, 1) - ZONE_SLACK);
  const to = new Date(Date.UTC(y, m, 1) + ZONE_SLACK);
  const now = new Date();
  const rows = await baseEventQuery(app, viewer)
    .where(
      and(
        visibleToSql(viewer),
        gte(events.startsAt, from),
        lt(events.startsAt, to),
        query.group ? eq(groups.slug, query.group) : undefined,
        query.organization ? eq(organizations.slug, query.organization) : undefined,
        query.format ? eq(events.format, query.format) : undefined
      )
    )
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(MONTH_LIMIT);
  return rows
    .map((r) => toEventView(viewer, r, now))
    .filter((e) => e.permissions.view)
    .map((e) => ({
      id: e.id,
      title: e.title,
      startsAt: e.startsAt.toISOString(),
      status: e.status,
      group: e.group ? { name: e.group.name } : null,
    }));
}

/** The zone the viewer chose in their settings (null: not chosen, the browser's zone is used). */
export async function chosenTimeZone(app: AppContext, viewer: Actor | null): Promise<string | null> {
  if (!viewer) return null;
  const [row] = await app.db.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, viewer.id)).limit(1);
  const stored = row?.settings as Record<string, unknown> | undefined;
  if (!stored || typeof stored.timeZone !== "string") return null;
  return canonicalTimeZone(readNotificationSettings(stored).timeZone);
}
