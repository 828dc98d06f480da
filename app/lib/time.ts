/**
 * Time-zone helpers on the Intl APIs only (no tz database of our own). Instants are UTC `Date`s;
 * a "wall-clock" time is "YYYY-MM-DDTHH:mm" as seen in one IANA zone (what <input type="datetime-local">
 * sends). Safe for the browser and the server.
 */

/** Every IANA zone this runtime knows, plus UTC (some engines leave it out of supportedValuesOf). */
export function timeZoneList(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  return zones.includes("UTC") ? zones : ["UTC", ...zones];
}

/** The canonical name of a real IANA zone ("europe/berlin" → "Europe/Berlin"), or null. */
export function canonicalTimeZone(zone: string): string | null {
  if (!zone || zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function isTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== null;
}

const partsCache = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    partsCache.set(zone, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** What a clock in `zone` shows at `instant`. */
export function wallClockAt(instant: Date, zone: string): WallClock {
  const p: Record<string, number> = {};
  for (const part of partsFormat(zone).formatToParts(instant)) if (part.type !== "literal") p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

/** The zone's offset from UTC at `instant`, in minutes (Berlin in summer: +120). */
export function offsetMinutes(instant: Date, zone: string): number {
  const w = wallClockAt(instant, zone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  const whole = Math.floor(instant.getTime() / 1000) * 1000;
  return Math.round((asUtc - whole) / 60_000);
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** "2026-10-25T18:00" for an instant seen in `zone` (the value a datetime-local input takes). */
export function toWallClockInput(instant: Date, zone: string): string {
  const w = wallClockAt(instant, zone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}`;
}

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

export function parseWallClock(value: string): WallClock | null {
  const m = WALL_CLOCK.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second = 0] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const probe = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second));
  // Reject 2026-02-30 and 25:00 rather than letting Date roll them over.
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month! - 1 || probe.getUTCDate() !== day || probe.getUTCHours() !== hour || probe.getUTCMinutes() !== minute) {
    return null;
  }
  if (year! < 1970 || year! > 9999) return null;
  return { year: year!, month: month!, day: day!, hour: hour!, minute: minute!, second };
}

export type WallClockResult = { ok: true; instant: Date } | { ok: false; reason: "malformed" | "nonexistent" };

/**
 * The UTC instant at which a clock in `zone` shows `value`. Correct across DST changes: the offset is
 * looked up at the candidate instant itself, not at "now". A time skipped by a spring-forward change
 * (02:30 in Berlin on the last Sunday of March) is "nonexistent"; a time that happens twice at the
 * autumn change takes the first (summer-time) occurrence.
 */
export function wallClockToUtc(value: string, zone: string): WallClockResult {
  const w = parseWallClock(value);
  if (!w) return { ok: false, reason: "malformed" };
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  // Offsets a few hours either side cover every real transition; try each and keep those that fit.
  const candidates = new Set<number>();
  for (const probeHours of [-30, -6, 0, 6, 30]) {
    const off = offsetMinutes(new Date(asUtc + probeHours * 3_600_000), zone);
    candidates.add(asUtc - off * 60_000);
  }
  const fits = [...candidates].filter((t) => {
    const back = wallClockAt(new Date(t), zone);
    return back.year === w.year && back.month === w.month && back.day === w.day && back.hour === w.hour && back.minute === w.minute;
  });
  if (fits.length === 0) return { ok: false, reason: "nonexistent" };
  return { ok: true, instant: new Date(Math.min(...fits)) };
}

/** Short zone name at that instant for a reader in en-GB ("CET", "GMT+2" where no abbreviation exists). */
export function zoneAbbreviation(instant: Date, zone: string, locale = "en-GB"): string {
  const part = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: "short" })
    .formatToParts(instant)
    .find((p) => p.type === "timeZoneName");
  return part?.value ?? zone;
}

const LOCALE = "en-GB";

/** "Thu 4 Dec, 19:00" in `zone`. */
export function formatDayTime(instant: Date, zone: string, opts: { year?: boolean } = {}): string {
  // Assembled from parts: ICU versions disagree on the commas ("Thu, 4 Dec 2025" vs "Thu 4 Dec 2025").
  const parts = new Intl.DateTimeFormat(LOCALE, { timeZone: zone, weekday: "short", day: "numeric", month: "short", year: opts.year ? "numeric" : undefined }).formatToParts(instant);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const day = [part("weekday"), part("day"), part("month"), opts.year ? part("year") : ""].filter(Boolean).join(" ");
  return `${day}, ${formatTime(instant, zone)}`;
}

/** "19:00" in `zone`. */
export function formatTime(instant: Date, zone: string): string {
  return new Intl.DateTimeFormat(LOCALE, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(instant);
}

/** Whether two zones show the same clock at this instant (Europe/Paris and Europe/Berlin do). */
export function sameClock(instant: Date, a: string, b: string): boolean {
  return offsetMinutes(instant, a) === offsetMinutes(instant, b);
}

/** The zone of this runtime (the browser's, on the client); UTC when it can't be told. */
export function runtimeTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "Thu 4 Dec 2025, 19:00–21:00" (or across days, "Thu 4 Dec 2025, 19:00 – Fri 5 Dec, 10:00") in `zone`. */
export function formatRange(start: Date, end: Date, zone: string): string {
  const a = wallClockAt(start, zone);
  const b = wallClockAt(end, zone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  return sameDay ? `${formatDayTime(start, zone, { year: true })}–${formatTime(end, zone)}` : `${formatDayTime(start, zone, { year: true })} – ${formatDayTime(end, zone)}`;
}

/** The event's time in its own zone: "Thu 4 Dec 2025, 19:00–21:00 CET". */
export function describeInZone(start: Date, end: Date, zone: string): string {
  return `${formatRange(start, end, zone)} ${zoneAbbreviation(start, zone)}`;
}

/**
 * The event's time for a reader in `viewerZone`: their own clock first, the event's clock in brackets
 * when the two differ ("Thu 4 Dec 2025, 18:00–20:00 your time (19:00 CET)"); null when they agree.
 */
export function describeForViewer(start: Date, end: Date, eventZone: string, viewerZone: string): string | null {
  if (sameClock(start, eventZone, viewerZone) && sameClock(end, eventZone, viewerZone)) return null;
  return `${formatRange(start, end, viewerZone)} your time (${formatTime(start, eventZone)} ${zoneAbbreviation(start, eventZone)})`;
}
