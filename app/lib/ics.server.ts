/**
 * iCalendar (RFC 5545) writer for event exports and feeds: CRLF line ends, lines folded at 75
 * octets without splitting a UTF-8 character, TEXT values escaped (\\ ; , and newlines), a stable
 * UID per event, DTSTAMP, and times in UTC (…Z), which every client converts to its reader's zone.
 * Recurring series are the exception: their rule only keeps 18:00 at 18:00 across DST in the
 * series' zone, so they are written in TZID wall-clock time with a VTIMEZONE block. STATUS is CANCELLED for cancelled events, TENTATIVE for a
 * place that is not confirmed (a personal calendar's waitlisted events), CONFIRMED otherwise.
 */

import { formatLocal, vtimezoneLines } from "./vtimezone.server";

export type IcsStatus = "CONFIRMED" | "TENTATIVE" | "CANCELLED";

export interface IcsEvent {
  /** Stable across exports and edits: calendar apps update the entry instead of adding another. */
  uid: string;
  /** The event's revision counter (RFC 5545 SEQUENCE): grows with every change a calendar shows. */
  sequence: number;
  start: Date;
  end: Date;
  summary: string;
  description: string;
  location?: string | null;
  /** The event's page. */
  url?: string | null;
  status: IcsStatus;
  lastModified: Date;
  created: Date;
  /** The event's own IANA zone, as a hint for clients that show it (X-HEARTH-TIMEZONE). */
  timeZone?: string;
  /**
   * Recurring series (ics-series.server.ts): times are written as wall clock in this zone (TZID, with
   * a VTIMEZONE block per zone), not UTC. A master carries rrule/exdates and a duration; an override
   * carries recurrenceId (the start the rule gave that occurrence) and its own start and end.
   */
  tzid?: string;
  rrule?: string;
  exdates?: readonly Date[];
  recurrenceId?: Date;
}

/** Escapes a TEXT value: backslash, semicolon, comma and newlines. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, "\\\\")
    .replace(/;/g, "\\;")
    .replace(/,/g, "\\,")
    .replace(/\r\n|\r|\n/g, "\\n")
    // Other control characters are not allowed in TEXT; drop them.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, "");
}

/** Folds one content line to at most 75 octets per physical line (continuations start with a space). */
export function foldLine(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const out: string[] = [];
  let current = "";
  let bytes = 0;
  for (const ch of line) {
    const size = encoder.encode(ch).length;
    const limit = out.length === 0 ? 75 : 74; // continuation lines spend one octet on the leading space
    if (bytes + size > limit) {
      out.push(current);
      current = "";
      bytes = 0;
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join("\r\n ");
}

/** 20261025T170000Z */
export function formatUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** DTSTART/DTEND in UTC, or for a series in its zone's wall clock with RRULE, EXDATE and RECURRENCE-ID. */
function timeLines(e: IcsEvent): string[] {
  if (!e.tzid) return [`DTSTART:${formatUtc(e.start)}`, `DTEND:${formatUtc(e.end)}`];
  const local = (d: Date) => `;TZID=${e.tzid}:${formatLocal(d, e.tzid!)}`;
  const lines = [`DTSTART${local(e.start)}`];
  if (e.rrule) {
    // A master: DURATION applies to every instance the rule makes (DTEND would be one instance's end).
    lines.push(`DURATION:PT${Math.max(0, Math.round((e.end.getTime() - e.start.getTime()) / 1000))}S`, `RRULE:${e.rrule}`);
    for (const d of e.exdates ?? []) lines.push(`EXDATE${local(d)}`);
  } else {
    lines.push(`DTEND${local(e.end)}`);
  }
  if (e.recurrenceId) lines.push(`RECURRENCE-ID${local(e.recurrenceId)}`);
  return lines;
}

/** One VTIMEZONE per zone the series use, covering every date written in it. */
function timezoneLines(events: readonly IcsEvent[]): string[] {
  const ranges = new Map<string, { from: Date; to: Date }>();
  for (const e of events) {
    if (!e.tzid) continue;
    const dates = [e.start, e.end, ...(e.exdates ?? []), ...(e.recurrenceId ? [e.recurrenceId] : [])];
    const r = ranges.get(e.tzid) ?? { from: e.start, to: e.start };
    for (const d of dates) {
      if (d < r.from) r.from = d;
      if (d > r.to) r.to = d;
    }
    // A master's rule runs on past its first instance (at most two years: decision 0021).
    if (e.rrule) r.to = new Date(Math.max(r.to.getTime(), e.start.getTime() + 2 * 366 * 86_400_000));
    ranges.set(e.tzid, r);
  }
  return [...ranges].flatMap(([zone, r]) => vtimezoneLines(zone, r.from, r.to));
}

function eventLines(e: IcsEvent, dtstamp: Date): string[] {
  const lines = [
    "BEGIN:VEVENT",
    `UID:${e.uid}`,
    `SEQUENCE:${Math.max(0, Math.floor(e.sequence))}`,
    `DTSTAMP:${formatUtc(dtstamp)}`,
    `CREATED:${formatUtc(e.created)}`,
    `LAST-MODIFIED:${formatUtc(e.lastModified)}`,
    ...timeLines(e),
    `SUMMARY:${escapeText(e.status === "CANCELLED" ? `Cancelled: ${e.summary}` : e.summary)}`,
  ];
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  if (e.timeZone) lines.push(`X-HEARTH-TIMEZONE:${escapeText(e.timeZone)}`);
  lines.push(`STATUS:${e.status}`, "TRANSP:OPAQUE", "END:VEVENT");
  return lines;
}

/** A whole VCALENDAR: one event (a download) or many (a feed). */
export function buildCalendar(opts: { name: string; events: readonly IcsEvent[]; now?: Date; method?: "PUBLISH" }): string {
  const dtstamp = opts.now ?? new Date();
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//Hearth//Events//EN",
    "CALSCALE:GREGORIAN",
    `METHOD:${opts.method ?? "PUBLISH"}`,
    `X-WR-CALNAME:${escapeText(opts.name)}`,
    ...timezoneLines(opts.events),
    ...opts.events.flatMap((e) => eventLines(e, dtstamp)),
    "END:VCALENDAR",
  ];
  return lines.map(foldLine).join("\r\n") + "\r\n";
}

/** Response headers for calendar downloads and feeds (never cached by shared caches: links are personal). */
export function icsHeaders(filename: string, disposition: "attachment" | "inline" = "attachment"): HeadersInit {
  const safe = filename.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 80) || "event.ics";
  return {
    "Content-Type": "text/calendar; charset=utf-8",
    "Content-Disposition": `${disposition}; filename="${safe}"`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
