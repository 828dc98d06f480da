import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { eventRsvps, events, groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { NotFound } from "#app/lib/errors";
import { canonicalTimeZone } from "#app/lib/time";
import { can, type Actor, type EventTarget, type OrgRole } from "#app/policy.server";
import { eventVisibleSql } from "#app/policy-sql.server";
import { joinedStanding, optionalGroupTargetOf, standingColumns, standingJoins } from "#app/modules/groups/standing.server";

/**
 * Private helpers shared by the events files (events, rsvps, notices, feeds): the one event query
 * with the viewer's standing, its policy target and view, the SQL visibility filter, the row lock.
 */

/** A database handle or an open transaction. */
import type { Transaction } from "#db/client";
export type Tx = Transaction;

const goingCount = sql<number>`(
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'going'
)`;
const maybeCount = sql<number>`(
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'maybe'
)`;
const notGoingCount = sql<number>`(
  select count(*)::int from ${eventRsvps} r where r.event_id = ${events.id} and r.status = 'not_going'
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
export function baseEventQuery(app: AppContext | { db: Tx }, viewer: Actor | null) {
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
      seriesId: events.seriesId,
      cancelledAt: events.cancelledAt,
      cancelledByName,
      organization: { slug: organizations.slug, name: organizations.name, verified: sql<boolean>`${organizations.verifiedAt} is not null` },
      groupSlug: groups.slug,
      groupName: groups.name,
      groupVisibility: groups.visibility,
      groupJoinPolicy: groups.joinPolicy,
      groupForumPublic: groups.forumPublic,
      ...standingColumns,
      rsvpStatus: eventRsvps.status,
      goingCount,
      waitlistCount,
      maybeCount,
      notGoingCount,
      waitlistPosition,
    })
    .from(events)
    .innerJoin(organizations, eq(organizations.id, events.organizationId))
    .leftJoin(groups, eq(groups.id, events.groupId))
    .leftJoin(groupMemberships, on.membership)
    .leftJoin(organizationMembers, on.orgRole)
    .leftJoin(eventRsvps, and(eq(eventRsvps.eventId, events.id), eq(eventRsvps.userId, id)));
}

export type EventRow = Awaited<ReturnType<ReturnType<typeof baseEventQuery>["execute"]>>[number];
/** What the policy needs from an event row (one viewer's relationship to it included). */
export type TargetRow = Pick<
  EventRow,
  "groupId" | "groupVisibility" | "groupJoinPolicy" | "groupForumPublic" | "membershipRole" | "membershipStatus" | "mutedUntil" | "orgRole" | "rsvpStatus" | "status" | "startsAt" | "registrationDeadline"
>;

export function targetOf(row: TargetRow, now: Date): EventTarget {
  const orgRole: OrgRole | null = row.orgRole ?? null;
  const group = optionalGroupTargetOf(row);
  const closed = now.getTime() >= row.startsAt.getTime() || (!!row.registrationDeadline && now.getTime() > row.registrationDeadline.getTime());
  // A cancelled RSVP is no reply; maybe and not going are replies that hold no place (decision 0021).
  const rsvp = row.rsvpStatus === null || row.rsvpStatus === "cancelled" ? null : row.rsvpStatus;
  return { kind: "event", orgRole, group, event: { cancelled: row.status === "cancelled", closed }, rsvp };
}

export function toEventView(viewer: Actor | null, row: EventRow, now = new Date()) {
  const target = targetOf(row, now);
  const permissions = {
    view: can(viewer, "event.view", target),
    edit: can(viewer, "event.edit", target),
    cancel: can(viewer, "event.cancel", target),
    rsvp: can(viewer, "event.rsvp", target),
    respond: can(viewer, "event.respond", target),
    manageAttendees: can(viewer, "event.manageAttendees", target),
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
    /** An occurrence of a recurring series (series.server.ts). */
    inSeries: row.seriesId !== null,
    organization: row.organization,
    group: row.groupId && row.groupSlug ? { id: row.groupId, slug: row.groupSlug, name: row.groupName ?? "", visibility: row.groupVisibility } : null,
    goingCount: row.goingCount,
    waitlistCount: row.waitlistCount,
    maybeCount: row.maybeCount,
    /** Shown to organizers only (a member's "no" is not the room's business). */
    notGoingCount: permissions.viewAttendees ? row.notGoingCount : null,
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
export function visibleToSql(viewer: Actor | null): SQL {
  return eventVisibleSql(viewer, { ...joinedStanding, groupId: events.groupId });
}

export async function findEvent(app: AppContext, viewer: Actor | null, eventId: string, now = new Date()) {
  const [row] = await baseEventQuery(app, viewer).where(eq(events.id, eventId)).limit(1);
  if (!row) throw NotFound("That event");
  return toEventView(viewer, row, now);
}

/** Locks the event row for the rest of the transaction: RSVPs, promotions and edits queue behind it. */
export async function lockEvent(tx: Tx, eventId: string) {
  const [row] = await tx
    .select({ status: events.status, capacity: events.capacity, startsAt: events.startsAt, registrationDeadline: events.registrationDeadline, title: events.title })
    .from(events)
    .where(eq(events.id, eventId))
    .for("update");
  if (!row) throw NotFound("That event");
  return row;
}

export async function countGoing(tx: Tx, eventId: string): Promise<number> {
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
export async function targetsFor(tx: Tx, eventId: string, userIds: readonly string[]) {
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
      groupForumPublic: groups.forumPublic,
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

export type LockedEvent = Awaited<ReturnType<typeof lockEvent>>;
