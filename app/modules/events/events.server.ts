import { and, asc, desc, eq, gt, inArray, lt, lte, or, sql } from "drizzle-orm";
import { eventRsvps, events, groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Conflict, Invalid } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { queueNotification } from "#app/modules/notifications/fanout.server";
import { assertGroupOfOrganization, organizationRoleOf, staffOrganizations } from "#app/modules/organizations/staff.server";
import { assertCan, type Actor } from "#app/policy.server";
import { groupVisibleSql } from "#app/policy-sql.server";
import { joinedStanding, standingJoins } from "#app/modules/groups/standing.server";
import { toCsv } from "./csv.server";
import { MAX_EVENT_DAYS, type EventInput, type EventListQuery } from "./events.schema";
import { baseEventQuery, countGoing, findEvent, lockEvent, toEventView, visibleToSql, type EventView, type Tx } from "./common.server";
import type { EventChange } from "./notify.server";
import { placesLost, promoteFromWaitlist, queuePromotions, withdrawPlaces } from "./rsvps.server";
import { demoteLatest, notifyDemoted } from "./attendees.server";
import type { CapacityOverflow } from "./attendees.schema";
import { refuseWatchedWords } from "#app/modules/safety/watched.server";
import { askAboutPersonalData } from "#app/modules/safety/personal-data";

/**
 * Events: the listing and its filters, one event page, posting, editing and cancelling an event,
 * and the organizers' attendee list. RSVPs live in rsvps.server.ts, calendar feeds in feeds.server.ts.
 */

const PAGE_SIZE = 20;
const ATTENDEE_LIMIT = 2_000;

// ── reading ──────────────────────────────────────────────────────────────────────────────────

/**
 * The listing: upcoming events (not yet ended) soonest first, or past events latest first, keyset-
 * paginated by (starts_at, id). Filters by group slug, organization slug and format. Private groups'
 * events appear only for their insiders; online links never appear here.
 */
export async function listEvents(app: AppContext, viewer: Actor | null, query: Partial<EventListQuery> = {}) {
  const when = query.when ?? "upcoming";
  const cursor = decodeCursor(query.after, ["time", "text"]);
  const now = new Date();
  const cursorAt = cursor ? new Date(String(cursor[0])) : null;
  const validCursor = cursor && cursorAt && !Number.isNaN(cursorAt.getTime()) ? { at: cursorAt, id: String(cursor[1]) } : null;
  const keyset = validCursor
    ? when === "upcoming"
      ? or(gt(events.startsAt, validCursor.at), and(eq(events.startsAt, validCursor.at), gt(events.id, validCursor.id)))
      : or(lt(events.startsAt, validCursor.at), and(eq(events.startsAt, validCursor.at), lt(events.id, validCursor.id)))
    : undefined;
  const rows = await baseEventQuery(app, viewer)
    .where(
      and(
        visibleToSql(viewer),
        // Bounds on starts_at too, so the scan of events_starts_at_id_idx begins near now instead of
        // walking every past event: an event lasts at most MAX_EVENT_DAYS, and ends after it starts.
        ...(when === "upcoming"
          ? [gt(events.endsAt, now), gt(events.startsAt, new Date(now.getTime() - MAX_EVENT_DAYS * 86_400_000))]
          : [lte(events.endsAt, now), lt(events.startsAt, now)]),
        query.group ? eq(groups.slug, query.group) : undefined,
        query.organization ? eq(organizations.slug, query.organization) : undefined,
        query.format ? eq(events.format, query.format) : undefined,
        keyset,
      ),
    )
    .orderBy(...(when === "upcoming" ? [asc(events.startsAt), asc(events.id)] : [desc(events.startsAt), desc(events.id)]))
    .limit(PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE).map((r) => toEventView(viewer, r, now));
  const last = page.at(-1);
  return {
    events: page.filter((e) => e.permissions.view).map((e) => ({ ...e, onlineUrl: null })),
    nextCursor: rows.length > PAGE_SIZE && last ? encodeCursor([last.startsAt.toISOString(), last.id]) : null,
  };
}

/** The filter choices for the listing: organizations and the groups the viewer can see. */
export async function listEventFilters(app: AppContext, viewer: Actor | null) {
  const on = standingJoins(viewer?.id ?? null);
  const rows = await app.db
    .select({ slug: groups.slug, name: groups.name, orgSlug: organizations.slug, orgName: organizations.name })
    .from(groups)
    .innerJoin(organizations, eq(organizations.id, groups.organizationId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .where(groupVisibleSql(viewer, joinedStanding))
    .orderBy(asc(groups.name))
    .limit(200);
  const orgs = new Map<string, string>();
  for (const r of rows) orgs.set(r.orgSlug, r.orgName);
  const orgRows = await app.db.select({ slug: organizations.slug, name: organizations.name }).from(organizations).orderBy(asc(organizations.name)).limit(200);
  for (const o of orgRows) orgs.set(o.slug, o.name);
  return {
    groups: rows.map((r) => ({ slug: r.slug, name: r.name })),
    organizations: [...orgs].map(([slug, name]) => ({ slug, name })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** One event page: 404 for events of private groups the viewer is not inside. */
export async function getEvent(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await findEvent(app, viewer, eventId);
  assertCan(viewer, "event.view", event.target, "That event");
  return event;
}

/** The organizations (and their groups) the viewer may post events for. */
export function listOrganizerChoices(app: AppContext, viewer: Actor | null) {
  return staffOrganizations(app, viewer, { siteAdminSeesAll: false });
}

// ── organizing ───────────────────────────────────────────────────────────────────────────────



/** Posts an event for an organization the viewer is staff of. */
/** Generous enough for a season's programme entered in one sitting; stops a script flooding the listing. */
export const eventCreateRate: RateRule = {
  limit: 30,
  windowSeconds: 60 * 60,
  message: "You have posted several events in a short time. Your event is kept here.",
};

export async function createEvent(app: AppContext, viewer: Actor | null, input: EventInput, options: { confirmedPersonal?: boolean } = {}) {
  const orgRole = await organizationRoleOf(app, viewer, input.organizationId);
  assertCan(viewer, "event.create", { orgRole }, "That organization");
  await assertGroupOfOrganization(app, input.groupId, input.organizationId);
  await refuseWatchedWords(app.db, input.organizationId, { title: input.title, description: input.description });
  askAboutPersonalData([input.title, input.description], options.confirmedPersonal ?? false, "event");
  const id = newId();
  await withinRate(app.limiter, `event:create:${viewer!.id}`, eventCreateRate, () => insertEvent(app, id, viewer!.id, input));
  return { id };
}

function insertEvent(app: AppContext, id: string, createdBy: string, input: EventInput) {
  return app.db.insert(events).values({ id, organizationId: input.organizationId, ...editableColumns(input), createdBy });
}

/** The columns an organizer's form sets, on create and on every edit. */
function editableColumns(input: EventInput) {
  return {
    groupId: input.groupId,
    title: input.title,
    description: input.description,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    timeZone: input.timeZone,
    format: input.format,
    location: input.location,
    onlineUrl: input.onlineUrl,
    capacity: input.capacity,
    registrationDeadline: input.registrationDeadline,
  };
}

/** Edits an event; people who are going hear about changes to what, when, where or how. */
export async function updateEvent(
  app: AppContext,
  viewer: Actor | null,
  eventId: string,
  input: EventInput,
  options: { confirmedPersonal?: boolean; /** Capacity below the people going: move the latest back to the waitlist, or refuse (default). */ overflow?: CapacityOverflow } = {},
) {
  const before = await findEvent(app, viewer, eventId);
  await checkEventEdit(app, viewer, before, input, options);
  const changes = await eventChanges(app.db, before, input);
  const result = await app.db.transaction((tx) => writeEventUpdate(tx, eventId, input, changes, {}, options.overflow));
  await announceEventUpdate(app, viewer!.id, eventId, changes, result);
  return { id: eventId };
}

/**
 * The checks of an edit before anything is written (policy `event.edit`, organization, group,
 * watched words, personal data). Split out of updateEvent so series scopes (series.server.ts) run
 * the same checks, then write many rows with writeEventUpdate in one transaction.
 */
export async function checkEventEdit(app: AppContext, viewer: Actor | null, before: EventView, input: EventInput, options: { confirmedPersonal?: boolean } = {}) {
  assertCan(viewer, "event.edit", before.target, "That event");
  if (input.organizationId !== before.organizationId) {
    throw Invalid("An event can't move to another organization.", { organizationId: ["An event can't move to another organization."] });
  }
  await assertGroupOfOrganization(app, input.groupId, before.organizationId);
  await refuseWatchedWords(app.db, before.organizationId, { title: input.title, description: input.description });
  // Asked only when the title or description says something new: an unchanged text was asked about before.
  if (input.title !== before.title || (input.description ?? "") !== (before.description ?? "")) {
    askAboutPersonalData([input.title, input.description], options.confirmedPersonal ?? false, "event");
  }
}

/** What an edit changes that people who are going are told about. */
export async function eventChanges(db: Tx | AppContext["db"], before: Pick<EventView, "id" | "title" | "startsAt" | "endsAt" | "timeZone" | "format" | "location" | "description">, input: EventInput) {
  const [raw] = await db.select({ onlineUrl: events.onlineUrl }).from(events).where(eq(events.id, before.id));
  const changes: EventChange[] = [];
  if (input.title !== before.title) changes.push("title");
  if (input.startsAt.getTime() !== before.startsAt.getTime() || input.endsAt.getTime() !== before.endsAt.getTime() || input.timeZone !== before.timeZone) {
    changes.push("time");
  }
  if (input.format !== before.format) changes.push("format");
  if ((input.location ?? null) !== before.location) changes.push("place");
  if ((input.onlineUrl ?? null) !== (raw?.onlineUrl ?? null)) changes.push("link");
  if (input.description !== before.description) changes.push("description");
  return changes;
}

/**
 * Writes one event's edit inside the caller's transaction (row locked, capacity checked, SEQUENCE
 * bumped, places released or promoted). `extra` sets series columns (detached, series_id) in the same
 * update. Once committed, announce it with announceEventUpdate.
 */
export async function writeEventUpdate(
  tx: Tx,
  eventId: string,
  input: EventInput,
  changes: readonly EventChange[],
  extra: { detached?: boolean; seriesId?: string | null; recurrenceId?: Date | null } = {},
  /** Capacity below the people going: "move" the latest RSVPs back to the waitlist, else refuse. */
  overflow: CapacityOverflow = "keep",
) {
  const locked = await lockEvent(tx, eventId);
  if (locked.status === "cancelled") throw Conflict("This event has been cancelled; it can't be edited.");
  const rescheduled = input.startsAt.getTime() !== locked.startsAt.getTime();
  const going = await countGoing(tx, eventId);
  const over = input.capacity !== null && input.capacity < going;
  if (over && overflow !== "move") {
    throw Invalid("Capacity is below the number of people going.", {
      capacity: [
        `${going} ${going === 1 ? "person is" : "people are"} already going: capacity can't be lower than that, unless you choose to move the latest RSVPs back to the waitlist.`,
      ],
    });
  }
  const demoted = over ? await demoteLatest(tx, eventId, input.capacity!) : [];
  const [saved] = await tx
    .update(events)
    .set({
      ...editableColumns(input),
      updatedAt: sql`now()`,
      ...extra,
      // Calendar apps keep their copy unless SEQUENCE grows; bumped in SQL so concurrent edits both count.
      ...(changes.length > 0 ? { sequence: sql`${events.sequence} + 1` } : {}),
      // A new start time is a new date to be reminded of (the reminders' keys carry the start).
      ...(rescheduled ? { reminder24hSentAt: null, reminder1hSentAt: null } : {}),
    })
    .where(eq(events.id, eventId))
    .returning({ sequence: events.sequence });
  // Moving the event to another group can take it out of someone's sight: their place is released.
  const released = await withdrawPlaces(tx, eventId, { ...locked, capacity: input.capacity, title: input.title, startsAt: input.startsAt }, await placesLost(tx, eventId));
  const raised = input.startsAt.getTime() > Date.now() ? await promoteFromWaitlist(tx, eventId, input.capacity) : [];
  const promoted = [...released.promoted, ...raised];
  return { sequence: saved!.sequence, promoted, demoted: demoted.filter((u) => !promoted.includes(u)) };
}

/** After an edit committed: the promoted are told, and going and waitlisted people who may still see the event hear of the change (notify.server.ts). */
export async function announceEventUpdate(app: AppContext, actorId: string, eventId: string, changes: EventChange[], result: { sequence: number; promoted: string[]; demoted?: string[] }) {
  await queuePromotions(app, eventId, result.promoted);
  // Moved back to the waitlist by a lower capacity: told at once (event_demoted).
  await notifyDemoted(app, eventId, result.demoted ?? [], actorId);
  if (changes.length > 0) await queueNotification(app, "events.notice", { change: "changed", eventId, sequence: result.sequence, what: changes, actorId });
}

/** Cancels an event everywhere (page, listing, ICS: STATUS:CANCELLED), recording who did it. */
export async function cancelEvent(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await findEvent(app, viewer, eventId);
  assertCan(viewer, "event.cancel", event.target, "That event");
  const cancelled = await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    if (locked.status === "cancelled") return false;
    await tx
      .update(events)
      .set({ status: "cancelled", cancelledAt: sql`now()`, cancelledBy: viewer!.id, updatedAt: sql`now()`, sequence: sql`${events.sequence} + 1` })
      .where(eq(events.id, eventId));
    return true;
  });
  // Going and waitlisted people who may still see the event hear of it (notify.server.ts).
  if (cancelled) await queueNotification(app, "events.notice", { change: "cancelled", eventId, actorId: viewer!.id }, `cancelled:${eventId}`);
  return { id: eventId };
}

/** Organizers' view: who is going, who is waiting (in order), maybe and not going (display names only). */
export async function listAttendees(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await getEvent(app, viewer, eventId);
  assertCan(viewer, "event.viewAttendees", event.target, "That event");
  const rows = await app.db
    .select({ userId: eventRsvps.userId, displayName: users.displayName, status: eventRsvps.status, since: eventRsvps.createdAt, checkedInAt: eventRsvps.checkedInAt })
    .from(eventRsvps)
    .innerJoin(users, eq(users.id, eventRsvps.userId))
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted", "maybe", "not_going"])))
    .orderBy(asc(eventRsvps.seq))
    .limit(ATTENDEE_LIMIT);
  return {
    event,
    going: rows.filter((r) => r.status === "going"),
    waitlist: rows.filter((r) => r.status === "waitlisted"),
    maybe: rows.filter((r) => r.status === "maybe"),
    notGoing: rows.filter((r) => r.status === "not_going"),
  };
}

/** The attendee list as CSV (status, position, display name, since, attended), safe to open in a spreadsheet. */
export async function attendeesCsv(app: AppContext, viewer: Actor | null, eventId: string) {
  const { event, going, waitlist, maybe, notGoing } = await listAttendees(app, viewer, eventId);
  const rows: (string | number)[][] = [["status", "position", "display_name", "rsvp_at_utc", "attended"]];
  // attended: yes/no for people going (checked in on the day or not), empty for everyone else.
  going.forEach((r, i) => rows.push(["going", i + 1, r.displayName, r.since.toISOString(), r.checkedInAt ? "yes" : "no"]));
  waitlist.forEach((r, i) => rows.push(["waitlisted", i + 1, r.displayName, r.since.toISOString(), ""]));
  maybe.forEach((r) => rows.push(["maybe", "", r.displayName, r.since.toISOString(), ""]));
  notGoing.forEach((r) => rows.push(["not_going", "", r.displayName, r.since.toISOString(), ""]));
  return { event, csv: toCsv(rows) };
}
