import { and, eq, gt, inArray, isNull, lte, type SQL } from "drizzle-orm";
import { eventRsvps, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { formatTime, wallClockAt, zoneAbbreviation } from "#app/lib/time";
import { recordNotifications, type Audience } from "#app/modules/notifications/record.server";
import { can } from "#app/policy.server";
import { targetsFor } from "./common.server";

/**
 * The "events.reminders" sweep: 24 hours and 1 hour before a scheduled event, the people going are
 * reminded. Each window claims its due events with one conditional UPDATE … RETURNING (the sent
 * stamp), so however many nodes sweep at once an event is reminded once per window. Rescheduling
 * clears the stamps (events.server.ts) and the keys carry the start, so a new time reminds again.
 * An event less than an hour away gets only the 1 h reminder; one already started gets none.
 */

const HOUR = 3_600_000;
const CLAIM_BATCH = 100;

interface Window {
  key: "reminder24" | "reminder1";
  stamp: typeof events.reminder24hSentAt | typeof events.reminder1hSentAt;
  sent(now: Date): { reminder24hSentAt: Date } | { reminder1hSentAt: Date };
  due(now: Date): SQL;
}

const WINDOWS: Window[] = [
  {
    key: "reminder24",
    stamp: events.reminder24hSentAt,
    sent: (now) => ({ reminder24hSentAt: now }),
    due: (now) => and(gt(events.startsAt, new Date(now.getTime() + HOUR)), lte(events.startsAt, new Date(now.getTime() + 24 * HOUR)))!,
  },
  {
    key: "reminder1",
    stamp: events.reminder1hSentAt,
    sent: (now) => ({ reminder1hSentAt: now }),
    due: (now) => and(gt(events.startsAt, now), lte(events.startsAt, new Date(now.getTime() + HOUR)))!,
  },
];

export async function remindEvents(app: AppContext, now: Date): Promise<void> {
  for (const w of WINDOWS) {
    for (;;) {
      const claimed = await claim(app, w, now);
      for (const event of claimed) await remind(app, w, event, now);
      if (claimed.length < CLAIM_BATCH) break;
    }
  }
}

/** Stamps up to a batch of due, unreminded events and answers them; rows another node is claiming are skipped. */
function claim(app: AppContext, w: Window, now: Date) {
  const due = and(eq(events.status, "scheduled"), isNull(w.stamp), w.due(now));
  const batch = app.db.select({ id: events.id }).from(events).where(due).limit(CLAIM_BATCH).for("update", { skipLocked: true });
  return app.db
    .update(events)
    .set(w.sent(now))
    .where(and(inArray(events.id, batch), due))
    .returning({ id: events.id, title: events.title, startsAt: events.startsAt, timeZone: events.timeZone, groupId: events.groupId, location: events.location, onlineUrl: events.onlineUrl });
}

type Claimed = Awaited<ReturnType<typeof claim>>[number];

async function remind(app: AppContext, w: Window, event: Claimed, now: Date) {
  const going = await app.db
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, event.id), eq(eventRsvps.status, "going")));
  if (going.length === 0) return;
  // Only those who may still hold their place now (left, banned or removed since they said yes: nothing).
  const people = await app.db.transaction((tx) => targetsFor(tx, event.id, going.map((g) => g.userId)));
  const recipients = people.filter((p) => can(p.actor, "event.keepRsvp", p.target)).map((p) => p.userId);
  const audience: Audience = event.groupId ? { group: event.groupId, may: "group.view" } : "account";
  await recordNotifications(app, {
    kind: "event_reminder",
    recipients,
    audience,
    title: reminderTitle(event, w.key, now),
    body: [event.location ? `Where: ${event.location}.` : null, event.onlineUrl ? "The online link is on the event page." : null].filter(Boolean).join(" "),
    link: `/events/${event.id}`,
    groupId: event.groupId,
    eventId: event.id,
    dedupeKey: `${w.key}:${event.id}:${event.startsAt.toISOString()}`,
  });
}

/** "Reminder: “Peer support evening” starts tomorrow at 18:00 GMT", in the event's own zone. */
export function reminderTitle(event: { title: string; startsAt: Date; timeZone: string }, key: Window["key"], now: Date): string {
  const at = `${formatTime(event.startsAt, event.timeZone)} ${zoneAbbreviation(event.startsAt, event.timeZone)}`;
  if (key === "reminder1") return `Reminder: “${event.title}” starts within the hour, at ${at}`;
  return `Reminder: “${event.title}” starts ${daysFrom(now, event.startsAt, event.timeZone) === 0 ? "today" : "tomorrow"} at ${at}`;
}

/** Calendar days between two instants as the zone's clock reads them. */
function daysFrom(from: Date, to: Date, zone: string): number {
  const day = (d: Date) => {
    const w = wallClockAt(d, zone);
    return Date.UTC(w.year, w.month - 1, w.day);
  };
  return Math.round((day(to) - day(from)) / (24 * HOUR));
}
