import { and, asc, desc, eq, gt, inArray, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { calendarFeeds, eventRsvps, events, groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { decodeCursor, encodeCursor } from "#app/lib/cursor";
import { Conflict, Invalid, NotFound } from "#app/lib/errors";
import { buildCalendar, type IcsEvent } from "#app/lib/ics.server";
import { newId } from "#app/lib/ids.server";
import { withinRate, type RateRule } from "#app/lib/rate-limit.server";
import { canonicalTimeZone, formatDayTime, zoneAbbreviation } from "#app/lib/time";
import { notifyUsers } from "#app/modules/notifications/notifications.server";
import { assertGroupOfOrganization, organizationRoleOf, staffOrganizations } from "#app/modules/organizations/staff.server";
import { assertCan, can, type Actor, type EventTarget, type GroupTarget, type OrgRole } from "#app/policy.server";
import { eventVisibleSql, groupVisibleSql } from "#app/policy-sql.server";
import { groupStandingColumns, groupTargetOf, joinedStanding, membershipOf, standingColumns, standingJoins } from "#app/modules/groups/standing.server";
import { toCsv } from "./csv.server";
import type { EventInput, EventListQuery } from "./events.schema";

const PAGE_SIZE = 20;
const ATTENDEE_LIMIT = 2_000;
const FEED_LIMIT = 500;

/** A database handle or an open transaction. */
type Tx = Parameters<Parameters<AppContext["db"]["transaction"]>[0]>[0];

const goingCount = sql<number>`(
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'going'
)`;
const waitlistCount = sql<number>`(
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'waitlisted'
)`;
/** The viewer's place on the waitlist (1 = next in line), null when not waitlisted. */
const waitlistPosition = sql<number | null>`(case when ${eventRsvps.status} = 'waitlisted' then (
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'waitlisted' and r.seq <= ${eventRsvps.seq}
) end)`;
const cancelledByName = sql<string | null>`(select u.display_name from ${users} u where u.id = ${events.cancelledBy})`;

/** The viewer's (or each listed person's) standing in an event's group, and their role in the organization that runs it. */
const eventStanding = (viewer: string | typeof users.id) =>
  standingJoins(viewer, { groupId: events.groupId, organizationId: events.organizationId });

/** One query for an event (or a page of them) with everything the policy and the page need. */
function baseEventQuery(app: AppContext | { db: Tx }, viewer: Actor | null) {
  const id = viewer?.id ?? "";
  const on = eventStanding(id);
  return app.db
    .select({
      id: events.id,
      organizationId: events.organizationId,
      groupId: events.groupId,
      title: events.title,
      description: events.description,
      startsAt: events.startsAt,
      endsAt: events.endsAt,
      timeZone: events.timeZone,
      format: events.format,
      location: events.location,
      onlineUrl: events.onlineUrl,
      capacity: events.capacity,
      registrationDeadline: events.registrationDeadline,
      status: events.status,
      createdAt: events.createdAt,
      updatedAt: events.updatedAt,
      sequence: events.sequence,
      cancelledAt: events.cancelledAt,
      cancelledByName,
      organization: { slug: organizations.slug, name: organizations.name, verified: sql<boolean>`${organizations.verifiedAt} is not null` },
      groupSlug: groups.slug,
      groupName: groups.name,
      groupVisibility: groups.visibility,
      groupJoinPolicy: groups.joinPolicy,
      ...standingColumns,
      rsvpStatus: eventRsvps.status,
      goingCount,
      waitlistCount,
      waitlistPosition,
    })
    .from(events)
    .innerJoin(organizations, eq(organizations.id, events.organizationId))
    .leftJoin(groups, eq(groups.id, events.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .leftJoin(eventRsvps, and(eq(eventRsvps.eventId, events.id), eq(eventRsvps.userId, id)));
}

type EventRow = Awaited<ReturnType<ReturnType<typeof baseEventQuery>["execute"]>>[number];
/** What the policy needs from an event row (one viewer's relationship to it included). */
type TargetRow = Pick<
  EventRow,
  "groupId" | "groupVisibility" | "groupJoinPolicy" | "membershipRole" | "membershipStatus" | "mutedUntil" | "orgRole" | "rsvpStatus" | "status" | "startsAt" | "registrationDeadline"
>;

function targetOf(row: TargetRow, now: Date): EventTarget {
  const orgRole: OrgRole | null = row.orgRole ?? null;
  const group: GroupTarget | null =
    row.groupId && row.groupVisibility && row.groupJoinPolicy
      ? {
          visibility: row.groupVisibility,
          joinPolicy: row.groupJoinPolicy,
          membership: membershipOf(row),
          orgRole,
        }
      : null;
  const closed = now.getTime() >= row.startsAt.getTime() || (!!row.registrationDeadline && now.getTime() > row.registrationDeadline.getTime());
  const rsvp = row.rsvpStatus === "going" || row.rsvpStatus === "waitlisted" ? row.rsvpStatus : null;
  return { kind: "event", orgRole, group, event: { cancelled: row.status === "cancelled", closed }, rsvp };
}

function toEventView(viewer: Actor | null, row: EventRow, now = new Date()) {
  const target = targetOf(row, now);
  const permissions = {
    view: can(viewer, "event.view", target),
    edit: can(viewer, "event.edit", target),
    cancel: can(viewer, "event.cancel", target),
    rsvp: can(viewer, "event.rsvp", target),
    cancelRsvp: can(viewer, "event.cancelRsvp", target),
    viewAttendees: can(viewer, "event.viewAttendees", target),
    viewOnlineLink: can(viewer, "event.viewOnlineLink", target),
  };
  return {
    id: row.id,
    organizationId: row.organizationId,
    title: row.title,
    /** Markdown source: render with renderMarkdown before showing. */
    description: row.description,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    // Stored before the zone was renamed ("Europe/Kiev"): shown and edited by its current name.
    timeZone: canonicalTimeZone(row.timeZone) ?? row.timeZone,
    format: row.format,
    location: row.location,
    /** Null unless the viewer may see it (going, or an organizer). */
    onlineUrl: permissions.viewOnlineLink ? row.onlineUrl : null,
    hasOnlineLink: row.onlineUrl !== null,
    capacity: row.capacity,
    registrationDeadline: row.registrationDeadline,
    status: row.status,
    cancelledAt: row.cancelledAt,
    cancelledByName: row.cancelledByName,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    /** iCalendar SEQUENCE: how many times what a calendar shows has changed. */
    sequence: row.sequence,
    organization: row.organization,
    group: row.groupId && row.groupSlug ? { id: row.groupId, slug: row.groupSlug, name: row.groupName ?? "", visibility: row.groupVisibility } : null,
    goingCount: row.goingCount,
    waitlistCount: row.waitlistCount,
    spotsLeft: row.capacity === null ? null : Math.max(0, row.capacity - row.goingCount),
    myRsvp: target.rsvp,
    waitlistPosition: target.rsvp === "waitlisted" ? row.waitlistPosition : null,
    closed: target.event.closed,
    target,
    permissions,
  };
}
export type EventView = ReturnType<typeof toEventView>;

/** `event.view` in SQL over the standing baseEventQuery joins, for lists and feeds (checked against the policy again per row). */
function visibleToSql(viewer: Actor | null): SQL {
  return eventVisibleSql(viewer, { ...joinedStanding, groupId: events.groupId });
}

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
        when === "upcoming" ? gt(events.endsAt, now) : lte(events.endsAt, now),
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

async function findEvent(app: AppContext, viewer: Actor | null, eventId: string, now = new Date()) {
  const [row] = await baseEventQuery(app, viewer).where(eq(events.id, eventId)).limit(1);
  if (!row) throw NotFound("That event");
  return toEventView(viewer, row, now);
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

export async function createEvent(app: AppContext, viewer: Actor | null, input: EventInput) {
  const orgRole = await organizationRoleOf(app, viewer, input.organizationId);
  assertCan(viewer, "event.create", { orgRole }, "That organization");
  await assertGroupOfOrganization(app, input.groupId, input.organizationId);
  const id = newId();
  await withinRate(app.limiter, `event:create:${viewer!.id}`, eventCreateRate, () => insertEvent(app, id, viewer!.id, input));
  return { id };
}

function insertEvent(app: AppContext, id: string, createdBy: string, input: EventInput) {
  return app.db.insert(events).values({
    id,
    organizationId: input.organizationId,
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
    createdBy,
  });
}

/** Locks the event row for the rest of the transaction: RSVPs, promotions and edits queue behind it. */
async function lockEvent(tx: Tx, eventId: string) {
  const [row] = await tx
    .select({ status: events.status, capacity: events.capacity, startsAt: events.startsAt, registrationDeadline: events.registrationDeadline, title: events.title })
    .from(events)
    .where(eq(events.id, eventId))
    .for("update");
  if (!row) throw NotFound("That event");
  return row;
}

async function countGoing(tx: Tx, eventId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "going")));
  return row?.n ?? 0;
}

/**
 * The event as each of these people stands towards it, from the database as it is now (inside the
 * caller's transaction): one query, so notices and releases ask the policy per person at send time.
 */
async function targetsFor(tx: Tx, eventId: string, userIds: readonly string[]) {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const on = eventStanding(users.id);
  const rows = await tx
    .select({
      userId: users.id,
      siteRole: users.siteRole,
      userStatus: users.status,
      groupId: events.groupId,
      groupVisibility: groups.visibility,
      groupJoinPolicy: groups.joinPolicy,
      ...standingColumns,
      rsvpStatus: eventRsvps.status,
      status: events.status,
      startsAt: events.startsAt,
      registrationDeadline: events.registrationDeadline,
    })
    .from(events)
    .innerJoin(users, inArray(users.id, ids))
    .leftJoin(groups, eq(groups.id, events.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .leftJoin(eventRsvps, and(eq(eventRsvps.eventId, events.id), eq(eventRsvps.userId, users.id)))
    .where(eq(events.id, eventId));
  const now = new Date();
  return rows.map((r) => ({ userId: r.userId, actor: { id: r.userId, siteRole: r.siteRole, status: r.userStatus } as Actor, target: targetOf(r, now) }));
}

/** Of these people, those who may still see the event (policy `event.view`): every event notice goes only to them. */
async function mayStillSee(tx: Tx, eventId: string, userIds: readonly string[]): Promise<string[]> {
  return (await targetsFor(tx, eventId, userIds)).filter((p) => can(p.actor, "event.view", p.target)).map((p) => p.userId);
}

/** People holding a place (all of them, or these) who may no longer hold it (policy `event.keepRsvp`). */
async function placesLost(tx: Tx, eventId: string, userIds?: readonly string[]): Promise<string[]> {
  const holders = await tx
    .select({ userId: eventRsvps.userId })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted"]), userIds ? inArray(eventRsvps.userId, [...userIds]) : undefined));
  const people = await targetsFor(tx, eventId, holders.map((h) => h.userId));
  const keep = new Set(people.filter((p) => can(p.actor, "event.keepRsvp", p.target)).map((p) => p.userId));
  return holders.map((h) => h.userId).filter((u) => !keep.has(u));
}

type LockedEvent = Awaited<ReturnType<typeof lockEvent>>;

/**
 * Cancels these people's live RSVPs; when a going place frees up before the start of a scheduled
 * event, the waitlist moves up in the same transaction. Call with the event row locked.
 */
async function withdrawPlaces(tx: Tx, eventId: string, locked: LockedEvent, userIds: readonly string[]) {
  if (userIds.length === 0) return { withdrawn: [], promoted: [] };
  const live = await tx
    .select({ userId: eventRsvps.userId, status: eventRsvps.status })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, [...userIds]), inArray(eventRsvps.status, ["going", "waitlisted"])));
  const withdrawn = live.map((r) => ({ userId: r.userId, status: r.status as "going" | "waitlisted" }));
  if (withdrawn.length === 0) return { withdrawn, promoted: [] };
  await tx
    .update(eventRsvps)
    .set({ status: "cancelled", updatedAt: sql`now()` })
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, withdrawn.map((w) => w.userId))));
  const freed = withdrawn.some((w) => w.status === "going") && locked.status === "scheduled" && Date.now() < locked.startsAt.getTime();
  const promoted = freed ? await promoteFromWaitlist(tx, eventId, locked.capacity, locked.title) : [];
  return { withdrawn, promoted };
}

/**
 * Moves the first waitlisted people up while there is room. Call with the event row locked. Anyone
 * next in line who may no longer hold a place (lost access to the group) is released, not promoted.
 */
async function promoteFromWaitlist(tx: Tx, eventId: string, capacity: number | null, title: string): Promise<string[]> {
  let free = capacity === null ? Number.MAX_SAFE_INTEGER : capacity - (await countGoing(tx, eventId));
  const ids: string[] = [];
  while (free > 0) {
    const next = await tx
      .select({ userId: eventRsvps.userId })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "waitlisted")))
      .orderBy(asc(eventRsvps.seq))
      .limit(Math.min(free, 10_000));
    if (next.length === 0) break;
    const lost = new Set(await placesLost(tx, eventId, next.map((n) => n.userId)));
    if (lost.size > 0) {
      await tx
        .update(eventRsvps)
        .set({ status: "cancelled", updatedAt: sql`now()` })
        .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, [...lost])));
    }
    const up = next.map((n) => n.userId).filter((u) => !lost.has(u));
    if (up.length > 0) {
      await tx
        .update(eventRsvps)
        .set({ status: "going", updatedAt: sql`now()` })
        .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.userId, up), eq(eventRsvps.status, "waitlisted")));
      ids.push(...up);
      free -= up.length;
    }
    // Each round either fills places or releases someone, so this ends; no releases: the line is done.
    if (lost.size === 0) break;
  }
  if (ids.length === 0) return [];
  await notifyUsers(tx, ids, {
    kind: "event_promoted",
    title: `A place opened up: you are going to "${title}"`,
    body: "You were on the waitlist and now have a place. If you can't make it, please cancel so the next person can go.",
    link: `/events/${eventId}`,
    eventId,
  });
  return ids;
}

const described = (e: { startsAt: Date; timeZone: string }) => `${formatDayTime(e.startsAt, e.timeZone, { year: true })} ${zoneAbbreviation(e.startsAt, e.timeZone)}`;

/** Edits an event; people who are going hear about changes to what, when, where or how. */
export async function updateEvent(app: AppContext, viewer: Actor | null, eventId: string, input: EventInput) {
  const before = await findEvent(app, viewer, eventId);
  assertCan(viewer, "event.edit", before.target, "That event");
  if (input.organizationId !== before.organizationId) {
    throw Invalid("An event can't move to another organization.", { organizationId: ["An event can't move to another organization."] });
  }
  await assertGroupOfOrganization(app, input.groupId, before.organizationId);
  const [raw] = await app.db.select({ onlineUrl: events.onlineUrl }).from(events).where(eq(events.id, eventId));
  const changes: string[] = [];
  if (input.title !== before.title) changes.push(`The title is now "${input.title}".`);
  if (input.startsAt.getTime() !== before.startsAt.getTime() || input.endsAt.getTime() !== before.endsAt.getTime() || input.timeZone !== before.timeZone) {
    changes.push(`It now starts ${described(input)}.`);
  }
  if (input.format !== before.format) changes.push("The format changed.");
  if ((input.location ?? null) !== before.location) changes.push(input.location ? `The place is now: ${input.location}.` : "It no longer has a physical location.");
  const linkNote = "The online link changed: see the event page.";
  if ((input.onlineUrl ?? null) !== (raw?.onlineUrl ?? null)) changes.push(linkNote);
  if (input.description !== before.description) changes.push("The description was updated.");
  await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    if (locked.status === "cancelled") throw Conflict("This event has been cancelled; it can't be edited.");
    const going = await countGoing(tx, eventId);
    if (input.capacity !== null && input.capacity < going) {
      throw Invalid("Capacity is below the number of people going.", {
        capacity: [`${going} ${going === 1 ? "person is" : "people are"} already going: capacity can't be lower than that.`],
      });
    }
    await tx
      .update(events)
      .set({
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
        updatedAt: sql`now()`,
        // Calendar apps keep their copy unless SEQUENCE grows; bumped in SQL so concurrent edits both count.
        ...(changes.length > 0 ? { sequence: sql`${events.sequence} + 1` } : {}),
      })
      .where(eq(events.id, eventId));
    // Moving the event to another group can take it out of someone's sight: their place is released.
    await withdrawPlaces(tx, eventId, { ...locked, capacity: input.capacity, title: input.title, startsAt: input.startsAt }, await placesLost(tx, eventId));
    if (input.startsAt.getTime() > Date.now()) await promoteFromWaitlist(tx, eventId, input.capacity, input.title);
    if (changes.length > 0) {
      // Going and waitlisted people hear of it (a new time or place matters to both), but only those
      // who may still see the event. The waitlist can't see the online link, so it isn't told of it.
      const attendees = await tx
        .select({ userId: eventRsvps.userId, status: eventRsvps.status })
        .from(eventRsvps)
        .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted"])));
      const audience = new Set(await mayStillSee(tx, eventId, attendees.map((a) => a.userId).filter((u) => u !== viewer!.id)));
      const told = (status: "going" | "waitlisted") => attendees.filter((a) => a.status === status && audience.has(a.userId)).map((a) => a.userId);
      const notice = { kind: "event_changed", title: `"${input.title}" has changed`, link: `/events/${eventId}`, eventId } as const;
      await notifyUsers(tx, told("going"), { ...notice, body: changes.join(" ") });
      const forWaitlist = changes.filter((c) => c !== linkNote);
      if (forWaitlist.length > 0) await notifyUsers(tx, told("waitlisted"), { ...notice, body: forWaitlist.join(" ") });
    }
  });
  return { id: eventId };
}

/** Cancels an event everywhere (page, listing, ICS: STATUS:CANCELLED), recording who did it. */
export async function cancelEvent(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await findEvent(app, viewer, eventId);
  assertCan(viewer, "event.cancel", event.target, "That event");
  await app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    if (locked.status === "cancelled") return;
    await tx
      .update(events)
      .set({ status: "cancelled", cancelledAt: sql`now()`, cancelledBy: viewer!.id, updatedAt: sql`now()`, sequence: sql`${events.sequence} + 1` })
      .where(eq(events.id, eventId));
    const attendees = await tx
      .select({ userId: eventRsvps.userId })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted"])));
    await notifyUsers(
      tx,
      await mayStillSee(tx, eventId, attendees.map((a) => a.userId).filter((u) => u !== viewer!.id)),
      {
        kind: "event_cancelled",
        title: `Cancelled: "${locked.title}"`,
        body: `The organizers cancelled this event (it was due to start ${described(event)}).`,
        link: `/events/${eventId}`,
        eventId,
      },
    );
  });
  return { id: eventId };
}

// ── RSVPs ────────────────────────────────────────────────────────────────────────────────────

export type RsvpResult = { status: "going" | "waitlisted"; position: number | null };

/**
 * RSVP "going". In one transaction with the event row locked (SELECT … FOR UPDATE), so concurrent
 * RSVPs queue: the first `capacity` get places, the rest join the waitlist in the order they got the
 * lock (events.rsvp_seq). Going twice is harmless: it answers the current status.
 */
export async function rsvpToEvent(app: AppContext, viewer: Actor | null, eventId: string): Promise<RsvpResult> {
  const event = await findEvent(app, viewer, eventId);
  if (event.myRsvp && event.permissions.view) return { status: event.myRsvp, position: event.waitlistPosition };
  assertCan(viewer, "event.rsvp", event.target, "That event");
  const userId = viewer!.id;
  return app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    const now = Date.now();
    if (locked.status === "cancelled") throw Conflict("This event has been cancelled.");
    if (now >= locked.startsAt.getTime() || (locked.registrationDeadline && now > locked.registrationDeadline.getTime())) {
      throw Conflict("RSVPs for this event are closed.");
    }
    const [existing] = await tx
      .select({ status: eventRsvps.status, seq: eventRsvps.seq })
      .from(eventRsvps)
      .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId)));
    if (existing && existing.status !== "cancelled") {
      return { status: existing.status, position: existing.status === "waitlisted" ? await positionOf(tx, eventId, existing.seq) : null };
    }
    const going = await countGoing(tx, eventId);
    const status = locked.capacity === null || going < locked.capacity ? "going" : "waitlisted";
    const [bumped] = await tx
      .update(events)
      .set({ rsvpSeq: sql`${events.rsvpSeq} + 1` })
      .where(eq(events.id, eventId))
      .returning({ seq: events.rsvpSeq });
    const seq = bumped!.seq;
    await tx
      .insert(eventRsvps)
      .values({ eventId, userId, status, seq })
      .onConflictDoUpdate({
        target: [eventRsvps.eventId, eventRsvps.userId],
        set: { status, seq, createdAt: sql`now()`, updatedAt: sql`now()` },
      });
    return { status, position: status === "waitlisted" ? await positionOf(tx, eventId, seq) : null };
  });
}

async function positionOf(tx: Tx, eventId: string, seq: number): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(eventRsvps)
    .where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "waitlisted"), lte(eventRsvps.seq, seq)));
  return row?.n ?? 1;
}

/**
 * Withdraws the viewer's RSVP. When a going member leaves a scheduled event that hasn't started,
 * the first waitlisted person is promoted in the same transaction (and told so).
 */
export async function cancelRsvp(app: AppContext, viewer: Actor | null, eventId: string): Promise<{ previous: "going" | "waitlisted" | null; promoted: string[] }> {
  const event = await findEvent(app, viewer, eventId);
  if (!event.myRsvp && event.permissions.view && viewer) return { previous: null, promoted: [] };
  assertCan(viewer, "event.cancelRsvp", event.target, "That event");
  const userId = viewer!.id;
  return app.db.transaction(async (tx) => {
    const locked = await lockEvent(tx, eventId);
    const { withdrawn, promoted } = await withdrawPlaces(tx, eventId, locked, [userId]);
    return { previous: withdrawn[0]?.status ?? null, promoted };
  });
}

/**
 * After people lost access to a group (left, declined, banned, removed from the organization's
 * team, the group turned private): releases the places they may no longer hold (policy
 * `event.keepRsvp`) in the group's events that have not ended, one transaction per event with its
 * row locked, so the waitlist moves up exactly as when they cancel. Without userIds, every holder
 * is checked. They get no notice: the event is no longer theirs to see.
 */
export async function releaseLostPlaces(app: AppContext, scope: { groupId: string; userIds?: readonly string[] }) {
  const userIds = scope.userIds ? [...scope.userIds] : undefined;
  if (userIds?.length === 0) return { released: 0, promoted: [] as string[] };
  const affected = await app.db
    .selectDistinct({ eventId: events.id })
    .from(events)
    .innerJoin(eventRsvps, eq(eventRsvps.eventId, events.id))
    .where(
      and(
        eq(events.groupId, scope.groupId),
        eq(events.status, "scheduled"),
        gt(events.endsAt, new Date()),
        inArray(eventRsvps.status, ["going", "waitlisted"]),
        userIds ? inArray(eventRsvps.userId, userIds) : undefined,
      ),
    );
  let released = 0;
  const promoted: string[] = [];
  for (const { eventId } of affected) {
    await app.db.transaction(async (tx) => {
      const locked = await lockEvent(tx, eventId);
      const result = await withdrawPlaces(tx, eventId, locked, await placesLost(tx, eventId, userIds));
      released += result.withdrawn.length;
      promoted.push(...result.promoted);
    });
  }
  return { released, promoted };
}

/** Organizers' view: who is going and who is waiting, in order (display names only). */
export async function listAttendees(app: AppContext, viewer: Actor | null, eventId: string) {
  const event = await getEvent(app, viewer, eventId);
  assertCan(viewer, "event.viewAttendees", event.target, "That event");
  const rows = await app.db
    .select({ displayName: users.displayName, status: eventRsvps.status, since: eventRsvps.createdAt })
    .from(eventRsvps)
    .innerJoin(users, eq(users.id, eventRsvps.userId))
    .where(and(eq(eventRsvps.eventId, eventId), inArray(eventRsvps.status, ["going", "waitlisted"])))
    .orderBy(asc(eventRsvps.seq))
    .limit(ATTENDEE_LIMIT);
  return {
    event,
    going: rows.filter((r) => r.status === "going"),
    waitlist: rows.filter((r) => r.status === "waitlisted"),
  };
}

/** The attendee list as CSV (status, position, display name, since), safe to open in a spreadsheet. */
export async function attendeesCsv(app: AppContext, viewer: Actor | null, eventId: string) {
  const { event, going, waitlist } = await listAttendees(app, viewer, eventId);
  const rows: (string | number)[][] = [["status", "position", "display_name", "rsvp_at_utc"]];
  going.forEach((r, i) => rows.push(["going", i + 1, r.displayName, r.since.toISOString()]));
  waitlist.forEach((r, i) => rows.push(["waitlisted", i + 1, r.displayName, r.since.toISOString()]));
  return { event, csv: toCsv(rows) };
}

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
  return { event, ics: buildCalendar({ name: event.title, events: [toIcsEvent(event, origin, { personal: true })] }) };
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
  return {
    group: { name: group.name },
    ics: buildCalendar({ name: `${group.name} — Hearth events`, events: list.map((e) => toIcsEvent({ ...e, onlineUrl: null }, origin, { personal: false })) }),
  };
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
  const [owner] = await app.db
    .select({ id: users.id, siteRole: users.siteRole, status: users.status })
    .from(calendarFeeds)
    .innerJoin(users, eq(users.id, calendarFeeds.userId))
    .where(eq(calendarFeeds.token, token))
    .limit(1);
  if (!owner || owner.status !== "active") throw NotFound("That calendar feed");
  const actor: Actor = owner;
  const rows = await baseEventQuery(app, actor)
    .where(and(inArray(eventRsvps.status, ["going", "waitlisted"]), gt(events.endsAt, new Date(Date.now() - 30 * 86_400_000))))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(FEED_LIMIT);
  const list = rows.map((r) => toEventView(actor, r)).filter((e) => e.permissions.view);
  return buildCalendar({ name: "My Hearth events", events: list.map((e) => toIcsEvent(e, origin, { personal: true })) });
}
