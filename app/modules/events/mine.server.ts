import { and, asc, gt, inArray, ne } from "drizzle-orm";
import { eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { Actor } from "#app/policy.server";
import { baseEventQuery, toEventView, visibleToSql } from "./common.server";

/**
 * The member's next events (going or waitlisted, not yet ended, not cancelled), soonest first, with
 * their place on the waitlist: one query (the event query's own standing and waitlist position).
 */
export async function listMyNextEvents(app: AppContext, viewer: Actor, limit: number) {
  const now = app.clock.now();
  const rows = await baseEventQuery(app, viewer)
    .where(and(visibleToSql(viewer), inArray(eventRsvps.status, ["going", "waitlisted"]), gt(events.endsAt, now), ne(events.status, "cancelled")))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(limit + 1);
  const page = rows.map((r) => toEventView(viewer, r, now)).filter((e) => e.permissions.view);
  return { events: page.slice(0, limit), more: rows.length > limit };
}
