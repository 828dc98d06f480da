import { and, asc, eq, gt, inArray, sql } from "drizzle-orm";
import { events, eventSeries } from "#db/schema/index";
import type { CapacityOverflow } from "./attendees.schema";
import type { AppContext } from "#app/lib/app-context.server";
import { Invalid, isDomainError } from "#app/lib/errors";
import { newId } from "#app/lib/ids.server";
import { withinRate } from "#app/lib/rate-limit.server";
import { describeRRule, formatRRule, localInstant, parseRRule, type RRule } from "#app/lib/rrule";
import { wallClockAt } from "#app/lib/time";
import { assertGroupOfOrganization, organizationRoleOf } from "#app/modules/organizations/staff.server";
import { refuseWatchedWords } from "#app/modules/safety/watched.server";
import { askAboutPersonalData } from "#app/modules/safety/personal-data";
import { assertCan, type Actor } from "#app/policy.server";
import { baseEventQuery, findEvent, toEventView, visibleToSql, type EventView, type Tx } from "./common.server";
import type { EventInput } from "./events.schema";
import { announceEventUpdate, checkEventEdit, eventChanges, eventCreateRate, getEvent, writeEventUpdate } from "./events.server";
import type { EventChange } from "./notify.server";
import { cancelRsvp, rsvpToEvent } from "./rsvps.server";
import { planSeries, type EditScope } from "./series.schema";

/**
 * Recurring series (decision 0021): every occurrence is an ordinary events row with series_id, so
 * capacity, waitlists, RSVPs and notices work per row through the usual functions. This file makes
 * the rows (createSeries), applies an edit to one, the following or all of them (splitting the
 * series for "this and following"), and answers "going to all upcoming" one occurrence at a time.
 */

const UPCOMING_LIST = 8;

/** Creates the series and all its occurrences in one transaction (policy event.create, one rate-limit step). */
export async function createSeries(app: AppContext, viewer: Actor | null, input: EventInput, rrule: string, options: { confirmedPersonal?: boolean } = {}) {
  const orgRole = await organizationRoleOf(app, viewer, input.organizationId);
  assertCan(viewer, "event.create", { orgRole }, "That organization");
  await assertGroupOfOrganization(app, input.groupId, input.organizationId);
  const plan = planSeries(rrule, input.startsAt, input.timeZone);
  if (!plan.ok) throw Invalid(plan.message, { repeat: [plan.message] });
  await refuseWatchedWords(app.db, input.organizationId, { title: input.title, description: input.description });
  askAboutPersonalData([input.title, input.description], options.confirmedPersonal ?? false, "event");
  const seriesId = newId();
  const ids = plan.plan.starts.map(() => newId());
  const rows = plan.plan.starts.map((start, i) => ({ id: ids[i]!, seriesId, recurrenceId: start, createdBy: viewer!.id, ...occurrenceFields(input, start) }));
  await withinRate(app.limiter, `event:create:${viewer!.id}`, eventCreateRate, () =>
    app.db.transaction(async (tx) => {
      await tx.insert(eventSeries).values({ id: seriesId, organizationId: input.organizationId, groupId: input.groupId, rrule: plan.plan.rrule, timeZone: input.timeZone, createdBy: viewer!.id });
      await tx.insert(events).values(rows);
    }),
  );
  return { id: ids[0]!, seriesId, count: ids.length };
}

/** One occurrence's fields: the form's, moved to `start` (same duration, deadline as long before the start). */
function occurrenceFields(input: EventInput, start: Date): EventInput {
  const shift = start.getTime() - input.startsAt.getTime();
  return {
    ...input,
    startsAt: start,
    endsAt: new Date(input.endsAt.getTime() + shift),
    registrationDeadline: input.registrationDeadline ? new Date(input.registrationDeadline.getTime() + shift) : null,
  };
}

/** The series columns of an event row (not in the shared event view). */
export async function occurrenceOf(db: Tx | AppContext["db"], eventId: string) {
  const [row] = await db
    .select({ seriesId: events.seriesId, recurrenceId: events.recurrenceId, detached: events.detached, rrule: eventSeries.rrule, seriesZone: eventSeries.timeZone })
    .from(events)
    .leftJoin(eventSeries, eq(eventSeries.id, events.seriesId))
    .where(eq(events.id, eventId));
  return row && row.seriesId && row.rrule && row.recurrenceId ? { seriesId: row.seriesId, recurrenceId: row.recurrenceId, detached: row.detached, rrule: row.rrule, timeZone: row.seriesZone! } : null;
}

/** Of these events, the ids that belong to a series (the listing marks them). */
export async function seriesMembers(app: AppContext, eventIds: readonly string[]): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const rows = await app.db
    .select({ id: events.id })
    .from(events)
    .where(and(inArray(events.id, [...eventIds]), sql`${events.seriesId} is not null`));
  return new Set(rows.map((r) => r.id));
}

/**
 * The event page's series panel: the rule in words and the other upcoming occurrences the viewer can
 * see (each with the viewer's reply), or null for a one-off event. The caller already showed the event.
 */
export async function seriesPanel(app: AppContext, viewer: Actor | null, event: EventView) {
  const occ = await occurrenceOf(app.db, event.id);
  if (!occ) return null;
  const parsed = parseRRule(occ.rrule);
  const now = app.clock.now();
  const rows = await baseEventQuery(app, viewer)
    .where(and(eq(events.seriesId, occ.seriesId), gt(events.endsAt, now), visibleToSql(viewer)))
    .orderBy(asc(events.startsAt), asc(events.id))
    .limit(200);
  const upcoming = rows.map((r) => toEventView(viewer, r, now)).filter((e) => e.permissions.view);
  const open = upcoming.filter((e) => e.status === "scheduled" && !e.closed);
  return {
    seriesId: occ.seriesId,
    detached: occ.detached,
    description: parsed.ok ? describeRRule(parsed.rule, occ.timeZone) : "Repeats",
    upcoming: upcoming.slice(0, UPCOMING_LIST).map((e) => ({ id: e.id, startsAt: e.startsAt, endsAt: e.endsAt, timeZone: e.timeZone, status: e.status, myRsvp: e.myRsvp, current: e.id === event.id })),
    upcomingCount: upcoming.length,
    canRsvpAll: viewer !== null && open.some((e) => e.permissions.rsvp),
    canCancelAll: viewer !== null && open.some((e) => e.myRsvp === "going" || e.myRsvp === "waitlisted"),
  };
}

// ── editing ──────────────────────────────────────────────────────────────────────────────────

type Row = { id: string; groupId: string | null; title: string; description: string; startsAt: Date; endsAt: Date; timeZone: string; format: EventInput["format"]; location: string | null; status: string; recurrenceId: Date | null };

const dateOf = (instant: Date, zone: string) => {
  const w = wallClockAt(instant, zone);
  return `${w.year}-${w.month}-${w.day}`;
};

/** `instant`'s date in `fromZone` at the wall time `time` in `toZone`. */
function onSameDate(instant: Date, fromZone: string, time: { hour: number; minute: number }, toZone: string): Date {
  const d = wallClockAt(instant, fromZone);
  return localInstant(d.year, d.month, d.day, time.hour, time.minute, toZone);
}

/**
 * Edits an occurrence. "this": the one row, marked detached. "following": this and the later rows;
 * when earlier rows exist the series is split (the old one ends with the occurrence before, a new
 * series owns the rest). "all": every row that has not started (a split at the first of them when
 * some have). For following/all each row keeps its date and takes the new time of day and fields;
 * moving the date itself is a "this" edit. Every row goes through writeEventUpdate in one
 * transaction, and people going to each row get the usual notice once it committed.
 */
export async function updateOccurrence(
  app: AppContext,
  viewer: Actor | null,
  eventId: string,
  input: EventInput,
  scope: EditScope,
  options: { confirmedPersonal?: boolean; /** As for updateEvent, applied to each row the edit reaches. */ overflow?: CapacityOverflow } = {},
) {
  const before = await findEvent(app, viewer, eventId, app.clock.now());
  await checkEventEdit(app, viewer, before, input, options);
  const occ = await occurrenceOf(app.db, eventId);
  if (scope === "this" || !occ) {
    const changes = await eventChanges(app.db, before, input);
    const result = await app.db.transaction((tx) => writeEventUpdate(tx, eventId, input, changes, occ ? { detached: true } : {}, options.overflow));
    await announceEventUpdate(app, viewer!.id, eventId, changes, result);
    return { id: eventId, edited: 1 };
  }
  if (dateOf(input.startsAt, input.timeZone) !== dateOf(before.startsAt, before.timeZone)) {
    const message = "For several events of the series only the time of day can change; each keeps its date. To move this date, choose “This event”.";
    throw Invalid(message, { startsAt: [message] });
  }
  const now = app.clock.now();
  const columns = { id: events.id, groupId: events.groupId, title: events.title, description: events.description, startsAt: events.startsAt, endsAt: events.endsAt, timeZone: events.timeZone, format: events.format, location: events.location, status: events.status, recurrenceId: events.recurrenceId };
  const seriesRows: Row[] = await app.db.select(columns).from(events).where(eq(events.seriesId, occ.seriesId)).orderBy(asc(events.recurrenceId));
  const from = scope === "following" ? seriesRows.find((r) => r.id === eventId)! : seriesRows.find((r) => r.startsAt.getTime() > now.getTime() && r.status === "scheduled");
  if (!from || from.startsAt.getTime() <= now.getTime()) {
    const message = "This event has started: only the events still to come can change.";
    throw Invalid(message, { scope: [message] });
  }
  const moving = seriesRows.filter((r) => r.recurrenceId!.getTime() >= from.recurrenceId!.getTime());
  const editing = moving.filter((r) => r.status === "scheduled" && r.startsAt.getTime() > now.getTime());
  // A "this" edit may have moved a row to another group: those rows are checked on their own (the
  // rest share this event's organization and group, so this event's check stands for them).
  const ownGroup = before.group?.id ?? null;
  for (const r of editing) {
    if (r.id !== eventId && r.groupId !== ownGroup) assertCan(viewer, "event.edit", (await findEvent(app, viewer, r.id, now)).target, "That event");
  }
  const earlier = seriesRows.filter((r) => r.recurrenceId!.getTime() < from.recurrenceId!.getTime());
  const time = wallClockAt(input.startsAt, input.timeZone);
  const parsed = parseRRule(occ.rrule);
  if (!parsed.ok) throw Invalid(parsed.message);
  const rule = parsed.rule;
  const newRecurrence = (r: Row) => onSameDate(r.recurrenceId!, r.timeZone, time, input.timeZone);
  const lastRecurrence = newRecurrence(moving.at(-1)!);
  // The rule keeps covering every row it owns (a later time of day must not fall past UNTIL).
  const coverUntil = (r: RRule): RRule => (r.until && r.until.getTime() < lastRecurrence.getTime() ? { ...r, until: lastRecurrence } : r);
  const announcements: { id: string; changes: EventChange[]; result: { sequence: number; promoted: string[] } }[] = [];
  const targetSeries = await app.db.transaction(async (tx) => {
    let seriesId = occ.seriesId;
    if (earlier.length > 0) {
      seriesId = newId();
      const newRule = coverUntil({ ...rule, count: rule.count === null ? null : rule.count - earlier.length });
      await tx.insert(eventSeries).values({ id: seriesId, organizationId: before.organizationId, groupId: input.groupId, rrule: formatRRule(newRule), timeZone: input.timeZone, createdBy: viewer!.id });
      // The old series ends with the occurrence before the split (UNTIL inclusive, in UTC as RFC 5545 asks).
      await tx
        .update(eventSeries)
        .set({ rrule: formatRRule({ ...rule, count: null, until: earlier.at(-1)!.recurrenceId! }), sequence: sql`${eventSeries.sequence} + 1`, updatedAt: sql`now()` })
        .where(eq(eventSeries.id, occ.seriesId));
    } else {
      await tx
        .update(eventSeries)
        .set({ rrule: formatRRule(coverUntil(rule)), timeZone: input.timeZone, groupId: input.groupId, sequence: sql`${eventSeries.sequence} + 1`, updatedAt: sql`now()` })
        .where(eq(eventSeries.id, occ.seriesId));
    }
    for (const r of moving) {
      const recurrenceId = newRecurrence(r);
      if (!editing.includes(r)) {
        // Cancelled (or, for "all", started) rows only follow their series, unchanged otherwise.
        await tx.update(events).set({ seriesId, recurrenceId, updatedAt: sql`now()` }).where(eq(events.id, r.id));
        continue;
      }
      const start = onSameDate(r.startsAt, r.timeZone, time, input.timeZone);
      const rowInput = occurrenceFields(input, start);
      const changes = await eventChanges(tx, r, rowInput);
      const result = await writeEventUpdate(tx, r.id, rowInput, changes, { seriesId, recurrenceId }, options.overflow);
      announcements.push({ id: r.id, changes, result });
    }
    return seriesId;
  });
  for (const a of announcements) await announceEventUpdate(app, viewer!.id, a.id, a.changes, a.result);
  return { id: eventId, edited: announcements.length, seriesId: targetSeries };
}

// ── replying to the whole series ─────────────────────────────────────────────────────────────

/** The upcoming scheduled occurrences of an event's series, soonest first (after the viewer may see this one). */
async function upcomingOccurrences(app: AppContext, viewer: Actor | null, eventId: string) {
  await getEvent(app, viewer, eventId);
  const occ = await occurrenceOf(app.db, eventId);
  if (!occ) throw Invalid("This event isn't part of a series.");
  const now = app.clock.now();
  return app.db
    .select({ id: events.id })
    .from(events)
    .where(and(eq(events.seriesId, occ.seriesId), eq(events.status, "scheduled"), gt(events.startsAt, now)))
    .orderBy(asc(events.startsAt), asc(events.id));
}

/**
 * "Going to all upcoming": rsvpToEvent for each upcoming occurrence, each in its own locked
 * transaction with its own capacity (full ones put the viewer on that waitlist). Occurrences whose
 * RSVPs closed, or that the viewer may not answer, are skipped and counted; if none could be
 * answered, the first refusal is the answer.
 */
export async function rsvpToSeries(app: AppContext, viewer: Actor | null, eventId: string) {
  const rows = await upcomingOccurrences(app, viewer, eventId);
  const tally = { going: 0, waitlisted: 0, skipped: 0 };
  let firstRefusal: unknown = null;
  for (const { id } of rows) {
    try {
      const r = await rsvpToEvent(app, viewer, id);
      if (r.status === "going") tally.going += 1;
      else if (r.status === "waitlisted") tally.waitlisted += 1;
      else tally.skipped += 1;
    } catch (e) {
      if (!isDomainError(e) || !["conflict", "forbidden", "not_found"].includes(e.code)) throw e;
      firstRefusal ??= e;
      tally.skipped += 1;
    }
  }
  if (tally.going + tally.waitlisted === 0 && firstRefusal) throw firstRefusal;
  return tally;
}

/** Withdraws the viewer's place (or waitlist spot) in every upcoming occurrence; the waitlists move up as usual. */
export async function cancelSeriesRsvps(app: AppContext, viewer: Actor | null, eventId: string) {
  const rows = await upcomingOccurrences(app, viewer, eventId);
  let cancelled = 0;
  for (const { id } of rows) {
    const event = await findEvent(app, viewer, id, app.clock.now());
    if (event.myRsvp !== "going" && event.myRsvp !== "waitlisted") continue;
    const r = await cancelRsvp(app, viewer, id);
    if (r.previous) cancelled += 1;
  }
  return { cancelled };
}

