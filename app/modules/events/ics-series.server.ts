import { asc, eq, inArray } from "drizzle-orm";
import { eventSeries, events } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import type { IcsEvent } from "#app/lib/ics.server";
import { wallClockToUtc } from "#app/lib/time";
import type { Actor } from "#app/policy.server";
import { baseEventQuery, toEventView, type EventView } from "./common.server";

/**
 * Recurring series in calendar exports (decision 0021, RFC 5545 §3.8.5): the occurrences a feed
 * lists become one master VEVENT per series (UID per series, DTSTART in the series' zone at the
 * first occurrence's recurrence_id, DURATION, the stored RRULE) plus one override per occurrence
 * that differs from the master (detached, moved, another length or text, a waitlisted place), with
 * RECURRENCE-ID. Every occurrence the rule makes that this viewer's feed does not list (cancelled,
 * not theirs, outside the feed's window, not visible to them) is in EXDATE, so the series shows
 * exactly what the flat list would have. What each instance says is compared on the rendered
 * calendar entry, so an online link appears in exactly the instances whose own entry had it.
 */

interface SeriesRow {
  id: string;
  seriesId: string | null;
  recurrenceId: Date | null;
  detached: boolean;
}

/** The entry's text without its own event-page address (each occurrence has one; the master links the template's). */
function contentKey(e: IcsEvent): string {
  const strip = (s: string) => (e.url ? s.split(e.url).join("") : s);
  return JSON.stringify([e.summary, e.location ?? null, e.status, strip(e.description)]);
}

/**
 * The stored RRULE as a calendar reads it next to a TZID DTSTART: an UNTIL given as a date means
 * "through that day in the series' zone", which RFC 5545 wants as a UTC date-time.
 */
export function exportRrule(rrule: string, zone: string): string {
  return rrule
    .split(";")
    .map((part) => {
      const m = /^UNTIL=(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z?)$/.exec(part);
      if (!m || m[7] === "Z") return part;
      const [, y, mo, d, h = "23", mi = "59", s = "59"] = m;
      const r = wallClockToUtc(`${y}-${mo}-${d}T${h}:${mi}:${s}`, zone);
      if (!r.ok) return part;
      return `UNTIL=${r.instant
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "")}`;
    })
    .join(";");
}

/** Turns the listed events into calendar entries, folding each series' occurrences into master + overrides. */
export async function toCalendarEntries(app: AppContext, list: readonly EventView[], toIcs: (e: EventView) => IcsEvent, now = new Date()): Promise<IcsEvent[]> {
  if (list.length === 0) return [];
  const info = new Map<string, SeriesRow>();
  const listed = await app.db
    .select({
      id: events.id,
      seriesId: events.seriesId,
      recurrenceId: events.recurrenceId,
      detached: events.detached,
    })
    .from(events)
    .where(
      inArray(
        events.id,
        list.map((e) => e.id)
      )
    );
  for (const r of listed) info.set(r.id, r);
  const seriesIds = [...new Set(listed.flatMap((r) => (r.seriesId ? [r.seriesId] : [])))];
  if (seriesIds.length === 0) return list.map(toIcs);

  const [seriesRows, allRows] = await Promise.all([
    app.db.select().from(eventSeries).where(inArray(eventSeries.id, seriesIds)),
    app.db
      .select({
        id: events.id,
        seriesId: events.seriesId,
        recurrenceId: events.recurrenceId,
      })
      .from(events)
      .where(inArray(events.seriesId, seriesIds))
      .orderBy(asc(events.recurrenceId)),
  ]);
  const seriesById = new Map(seriesRows.map((s) => [s.id, s]));
  const bySeries = new Map<string, EventView[]>();
  for (const e of list) {
    const sid = info.get(e.id)?.seriesId;
    if (sid && seriesById.has(sid)) bySeries.set(sid, [...(bySeries.get(sid) ?? []), e]);
  }

  const out: IcsEvent[] = [];
  const done = new Set<string>();
  for (const e of list) {
    const sid = info.get(e.id)?.seriesId;
    const series = sid ? seriesById.get(sid) : undefined;
    if (!sid || !series) {
      out.push(toIcs(e));
      continue;
    }
    if (done.has(sid)) continue;
    done.add(sid);
    const members = bySeries.get(sid)!;
    const rows = allRows.filter((r) => r.seriesId === sid && r.recurrenceId);
    const live = members
      .filter((m) => m.status !== "cancelled" && info.get(m.id)?.recurrenceId)
      .map((m) => ({
        view: m,
        ics: toIcs(m),
        rid: info.get(m.id)!.recurrenceId!,
        detached: info.get(m.id)!.detached,
      }));
    const first = rows[0]?.recurrenceId;
    if (live.length === 0 || !first) {
      // Nothing left for a rule to show (all cancelled): list them as they are, each with its own UID.
      out.push(...members.map(toIcs));
      continue;
    }
    const onTime = (x: (typeof live)[number]) => !x.detached && x.view.startsAt.getTime() === x.rid.getTime();
    const template = live.find((x) => onTime(x) && x.view.endsAt > now) ?? live.find(onTime) ?? live[0]!;
    const duration = template.view.endsAt.getTime() - template.view.startsAt.getTime();
    const key = contentKey(template.ics);
    const plain = live.filter((x) => onTime(x) && x.view.endsAt.getTime() - x.view.startsAt.getTime() === duration && contentKey(x.ics) === key);
    const overrides = live.filter((x) => !plain.includes(x));
    const shown = new Set(live.map((x) => x.view.id));
    const uid = `series-${sid}@hearth`;
    const zone = series.timeZone;
    out.push({
      ...template.ics,
      uid,
      // Grows whenever an instance the master stands for changes (edits of "all" bump each row).
      sequence: Math.max(series.sequence, ...plain.map((x) => x.ics.sequence)),
      start: first,
      end: new Date(first.getTime() + duration),
      tzid: zone,
      rrule: exportRrule(series.rrule, zone),
      exdates: rows.filter((r) => !shown.has(r.id)).map((r) => r.recurrenceId!),
      created: series.createdAt,
      lastModified: new Date(Math.max(series.updatedAt.getTime(), ...plain.map((x) => x.ics.lastModified.getTime()))),
    });
    for (const x of overrides) out.push({ ...x.ics, uid, tzid: zone, recurrenceId: x.rid });
  }
  return out;
}

/** The series an event belongs to (or null), for "Add to calendar" on one occurrence. */
export async function seriesIdOf(app: AppContext, eventId: string): Promise<string | null> {
  const [row] = await app.db.select({ seriesId: events.seriesId }).from(events).where(eq(events.id, eventId)).limit(1);
  return row?.seriesId ?? null;
}

/** Every occurrence of a series the viewer may see (the whole series as they see it). */
export async function seriesViews(app: AppContext, viewer: Actor | null, seriesId: string, now = new Date()): Promise<EventView[]> {
  const rows = await baseEventQuery(app, viewer).where(eq(events.seriesId, seriesId)).orderBy(asc(events.startsAt), asc(events.id)).limit(500);
  return rows.map((r) => toEventView(viewer, r, now)).filter((e) => e.permissions.view);
}
