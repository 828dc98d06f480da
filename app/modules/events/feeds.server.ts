import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { calendarFeeds, eventRsvps, events, groupMemberships, groups, organizationMembers, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound } from "#app/lib/errors";
import { buildCalendar, type IcsEvent } from "#app/lib/ics.server";
import { newId } from "#app/lib/ids.server";
import { assertCan, type Actor } from "#app/policy.server";
import { groupStandingColumns, groupTargetOf, standingJoins } from "#app/modules/groups/standing.server";
import { baseEventQuery, toEventView, type EventView } from "./common.server";
import { getEvent } from "./events.server";
import { seriesIdOf, seriesViews, toCalendarEntries } from "./ics-series.server";

const FEED_LIMIT = 500;

// ── calendars ────────────────────────────────────────────────────────────────────────────────

/**
 * One event for a calendar. `personal`: the calendar is the viewer's own (their feed or download), so
 * a waitlisted place is TENTATIVE, not CONFIRMED; a shared group feed shows only the event's status.
 */
function toIcsEvent(e: EventView, origin: string, opts: { personal: boolean }): IcsEvent {
  const page = `${origin}/events/${e.id}`;
  const waitlisted = opts.personal && e.myRsvp === "waitlisted";
  const parts = [e.description.trim()];
  if (waitlisted) parts.unshift("You are on the waitlist: your place is not confirmed yet.");
  if (e.onlineUrl) parts.push(`Join online: ${e.onlineUrl}`);
  else if (e.hasOnlineLink) parts.push("The online link is on the event page for members who are going.");
  parts.push(`Event page: ${page}`);
  return {
    uid: `event-${e.id}@hearth`,
    sequence: e.sequence,
    start: e.startsAt,
    end: e.endsAt,
    summary: e.title,
    description: parts.filter(Boolean).join("\n\n"),
    location: e.location ?? (e.format === "online" ? "Online" : null),
    url: page,
    status: e.status === "cancelled" ? "CANCELLED" : waitlisted ? "TENTATIVE" : "CONFIRMED",
    created: e.createdAt,
    lastModified: e.updatedAt,
    timeZone: e.timeZone,
  };
}

/** "Add to calendar": one event; the online link only for those allowed to see it. */
export async function eventCalendar(app: AppContext, viewer: Actor | null, eventId: string, origin: string) {
  const event = await getEvent(app, viewer, eventId);
  // One occurrence of a series: the whole series as this viewer sees it (one master with its rule).
  const seriesId = await seriesIdOf(app, event.id);
  const list = seriesId ? await seriesViews(app, viewer, seriesId) : [event];
  const entries = await toCalendarEntries(app, list, (e) => toIcsEvent(e, origin, { personal: true }));
  return { event, ics: buildCalendar({ name: event.title, events: entries }) };
}

/**
 * A group's subscribable feed: its events from 30 days back on. A feed URL is shared freely, so it
 * never carries online links, even when the person fetching it is going. Private groups: 404 for
 * everyone outside (calendar apps send no cookies, so in practice the personal feed is the way in).
 */
export async function groupCalendar(app: AppContext, viewer: Actor | null, groupSlug: string, origin: string) {
  const on = standingJoins(viewer?.id ?? null);
  const [group] = await app.db
    .select({ id: groups.id, name: groups.name, ...groupStandingColumns })
    .from(groups)
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(eq(groups.slug, groupSlug))
    .limit(1);
  if (!group) throw NotFound("That group");
  assertCan(viewer, "group.view", groupTargetOf(group));
  const rows = await baseEventQuery(app, viewer)
    .where(and(eq(events.groupId, group.id), gt(events.endsAt, new Date(Date.now() - 30 * 86_400_000))))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(FEED_LIMIT);
  const list = rows.map((r) => toEventView(viewer, r)).filter((e) => e.permissions.view);
  const entries = await toCalendarEntries(app, list, (e) => toIcsEvent({ ...e, onlineUrl: null }, origin, { personal: false }));
  return { group: { name: group.name }, ics: buildCalendar({ name: `${group.name} — Hearth events`, events: entries }) };
}

/** The viewer's personal feed token, or null when they have not created one (reads only: loaders use it). */
export async function findFeedToken(app: AppContext, viewer: Actor | null): Promise<string | null> {
  if (!viewer) throw NotFound("That feed");
  const [existing] = await app.db.select({ token: calendarFeeds.token }).from(calendarFeeds).where(eq(calendarFeeds.userId, viewer.id));
  return existing?.token ?? null;
}

/** The viewer's personal feed token, created if they have none (an explicit POST; a second call returns the same). */
export async function createFeedToken(app: AppContext, viewer: Actor | null): Promise<string> {
  const existing = await findFeedToken(app, viewer);
  if (existing) return existing;
  const token = newId(32);
  const [row] = await app.db
    .insert(calendarFeeds)
    .values({ userId: viewer!.id, token })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { userId: sql`excluded.user_id` } })
    .returning({ token: calendarFeeds.token });
  return row!.token;
}

/** A new token: the old feed URL stops working at once. */
export async function resetFeedToken(app: AppContext, viewer: Actor | null): Promise<string> {
  if (!viewer) throw NotFound("That feed");
  const token = newId(32);
  await app.db
    .insert(calendarFeeds)
    .values({ userId: viewer.id, token })
    .onConflictDoUpdate({ target: calendarFeeds.userId, set: { token, createdAt: sql`now()` } });
  return token;
}

/**
 * The personal feed behind an unguessable token: the events its owner is going to or waitlisted
 * for (from 30 days back). Online links appear only where the owner is going. Unknown tokens and
 * suspended owners: 404.
 */
export async function userCalendar(app: AppContext, token: string, origin: string) {
  const actor = await feedOwner(app, token);
  const rows = await baseEventQuery(app, actor)
    .where(and(inArray(eventRsvps.status, ["going", "waitlisted"]), gt(events.endsAt, new Date(Date.now() - 30 * 86_400_000))))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(FEED_LIMIT);
  const list = rows.map((r) => toEventView(actor, r)).filter((e) => e.permissions.view);
  const entries = await toCalendarEntries(app, list, (e) => toIcsEvent(e, origin, { personal: true }));
  return buildCalendar({ name: "My Hearth events", events: entries });
}

/** The active owner of a feed token, or 404 (unknown token, suspended owner). */
async function feedOwner(app: AppContext, token: string): Promise<Actor> {
  const [owner] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.token, token))
    .limit(1);
  if (!owner || owner.status !== "active") throw NotFound("That calendar feed");
  return owner as Actor;
}

/**
 * A group's feed behind its member's personal token (/calendar/<token>/groups/<slug>.ics): the way a
 * calendar app (no cookies) follows a private group. The owner's access is asked again at every
 * fetch, so leaving the group or a ban ends the feed at once; a new personal token ends it too.
 */
export async function groupTokenCalendar(app: AppContext, token: string, groupSlug: string, origin: string) {
  const owner = await feedOwner(app, token);
  return groupCalendar(app, owner, groupSlug, origin);
}
