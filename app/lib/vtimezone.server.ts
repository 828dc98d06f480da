import { offsetMinutes, wallClockAt } from "#app/lib/time";

/**
 * VTIMEZONE blocks (RFC 5545 §3.6.5) generated from the runtime's Intl data, so a series exported
 * with TZID wall-clock times carries its own rules and no client needs our tz database. Each offset
 * change inside the covered years is found by scanning a day at a time and bisecting to the second;
 * every change becomes one STANDARD or DAYLIGHT component with an explicit DTSTART (no RRULE: the
 * rules of a zone change, the transitions Intl reports are the truth). The first component starts
 * on 1 January of the first year, so times before the first change have an offset too; a zone
 * without DST in that range gets just that one STANDARD.
 */

const DAY = 86_400_000;

export interface ZoneTransition {
  /** First instant (UTC) with the new offset. */
  at: Date;
  fromMinutes: number;
  toMinutes: number;
}

/** The zone's offset changes in [from, to). */
export function zoneTransitions(zone: string, from: Date, to: Date): ZoneTransition[] {
  const out: ZoneTransition[] = [];
  let prevAt = from.getTime();
  let prevOffset = offsetMinutes(from, zone);
  for (let t = prevAt + DAY; prevAt < to.getTime(); t += DAY) {
    const at = Math.min(t, to.getTime());
    const offset = offsetMinutes(new Date(at), zone);
    if (offset !== prevOffset) {
      // Bisect in whole seconds: lo has the old offset, hi the new one.
      let lo = Math.floor(prevAt / 1000);
      let hi = Math.floor(at / 1000);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(new Date(mid * 1000), zone) === prevOffset) lo = mid;
        else hi = mid;
      }
      out.push({
        at: new Date(hi * 1000),
        fromMinutes: prevOffset,
        toMinutes: offsetMinutes(new Date(hi * 1000), zone),
      });
    }
    prevAt = at;
    prevOffset = offset;
  }
  return out;
}

/** +0100, -0330 */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** 20261025T030000: a local date-time (no Z), as `zone`'s clock shows it at `instant`. */
export function formatLocal(instant: Date, zone: string): string {
  const w = wallClockAt(instant, zone);
  return `${pad(w.year, 4)}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
}

/** A local date-time as a clock with a fixed UTC offset shows it (a transition's DTSTART uses the offset before it). */
function formatAtOffset(instant: Date, minutes: number): string {
  return formatLocal(new Date(instant.getTime() + minutes * 60_000), "UTC");
}

/** The VTIMEZONE lines for `zone` covering the whole years of `from` to `to` (inclusive). */
export function vtimezoneLines(zone: string, from: Date, to: Date): string[] {
  const start = new Date(Date.UTC(from.getUTCFullYear(), 0, 1));
  const end = new Date(Date.UTC(to.getUTCFullYear() + 1, 0, 1));
  const transitions = zoneTransitions(zone, start, end);
  const first = offsetMinutes(start, zone);
  // Standard time is the smallest offset the zone uses in the range; anything above it is daylight time.
  const standard = Math.min(first, ...transitions.map((t) => t.toMinutes));
  const component = (kind: "STANDARD" | "DAYLIGHT", dtstart: string, fromM: number, toM: number) => [
    `BEGIN:${kind}`,
    `DTSTART:${dtstart}`,
    `TZOFFSETFROM:${formatOffset(fromM)}`,
    `TZOFFSETTO:${formatOffset(toM)}`,
    `END:${kind}`,
  ];
  const lines = ["BEGIN:VTIMEZONE", `TZID:${zone}`];
  lines.push(...component(first > standard ? "DAYLIGHT" : "STANDARD", formatAtOffset(start, first), first, first));
  for (const t of transitions)
    lines.push(...component(t.toMinutes > standard ? "DAYLIGHT" : "STANDARD", formatAtOffset(t.at, t.fromMinutes), t.fromMinutes, t.toMinutes));
  lines.push("END:VTIMEZONE");
  return lines;
}
