/**
 * Time-zone helpers on the Intl APIs only (no tz database of our own). Instants are UTC `Date`s;
 * a "wall-clock" time is "YYYY-MM-DDTHH:mm" as seen in one IANA zone (what <input type="datetime-local">
 * sends). Safe for the browser and the server.
 */

/**
 * Names that ICU (and so Node and some browsers) still reports as canonical although the IANA
 * database renamed them: Intl.supportedValuesOf and resolvedOptions() say "Asia/Calcutta", so
 * nobody typing "Kolkata" or "Kyiv" would find their zone. We show and store the current IANA name;
 * the old one is still accepted (mapped here), and every runtime understands both spellings.
 */
const RENAMED_ZONES: Record<string, string> = {
  "Africa/Asmera": "Africa/Asmara",
  "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
  "America/Catamarca": "America/Argentina/Catamarca",
  "America/Cordoba": "America/Argentina/Cordoba",
  "America/Jujuy": "America/Argentina/Jujuy",
  "America/Mendoza": "America/Argentina/Mendoza",
  "America/Coral_Harbour": "America/Atikokan",
  "America/Godthab": "America/Nuuk",
  "America/Indianapolis": "America/Indiana/Indianapolis",
  "America/Louisville": "America/Kentucky/Louisville",
  "Asia/Calcutta": "Asia/Kolkata",
  "Asia/Katmandu": "Asia/Kathmandu",
  "Asia/Rangoon": "Asia/Yangon",
  "Asia/Saigon": "Asia/Ho_Chi_Minh",
  "Atlantic/Faeroe": "Atlantic/Faroe",
  "Europe/Kiev": "Europe/Kyiv",
  "Pacific/Enderbury": "Pacific/Kanton",
  "Pacific/Ponape": "Pacific/Pohnpei",
  "Pacific/Truk": "Pacific/Chuuk",
};

/** Every IANA zone this runtime knows, by its current name, sorted, with UTC first. */
export function timeZoneList(): string[] {
  const zones = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const current = new Set(zones.map((z) => RENAMED_ZONES[z] ?? z));
  current.delete("UTC");
  return ["UTC", ...[...current].sort()];
}

const canonicalCache = new Map<string, string>();

/** The current IANA name of a real zone ("europe/berlin" → "Europe/Berlin", "Asia/Calcutta" → "Asia/Kolkata"), or null. */
export function canonicalTimeZone(zone: string): string | null {
  const hit = canonicalCache.get(zone);
  if (hit) return hit;
  if (!zone || zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return null;
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
  const current = RENAMED_ZONES[resolved] ?? resolved;
  // Real zones only, and bounded: odd spellings ("EUROPE/berlin") must not grow it forever.
  if (canonicalCache.size < 2_000) canonicalCache.set(zone, current);
  return current;
}

export interface ZoneChoice {
  id: string;
  /** The place first, so typing a city in the picker finds it: "Kathmandu", "Buenos Aires (Argentina)". */
  label: string;
}

/** Zones grouped by region for the picker (UTC on its own first), labelled by place. */
export function groupTimeZones(zones: readonly string[]): { region: string | null; zones: ZoneChoice[] }[] {
  const groups = new Map<string | null, ZoneChoice[]>();
  for (const id of zones) {
    const [region, ...rest] = id.split("/");
    const key = rest.length ? region! : null;
    const place = rest.length ? rest[rest.length - 1]! : id;
    const within = rest.slice(0, -1).join(", ");
    const label = (within ? `${place} (${within})` : place).replace(/_/g, " ");
    const list = groups.get(key) ?? [];
    list.push({ id, label });
    groups.set(key, list);
  }
  return [...groups].map(([region, list]) => ({ region, zones: list.sort((a, b) => a.label.localeCompare(b.label, "en")) }));
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

/** The zone of this runtime (the browser's, on the client), by its current name; UTC when it can't be told. */
export function runtimeTimeZone(): string {
  try {
    return canonicalTimeZone(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? "UTC";
  } catch {
    return "UTC";
  }
}

/** Whether the zone's clocks change between the two instants (an event across a DST change). */
function crossesClockChange(start: Date, end: Date, zone: string): boolean {
  return offsetMinutes(start, zone) !== offsetMinutes(end, zone);
}

/**
 * "Thu 4 Dec 2025, 19:00–21:00" (or across days, "Thu 4 Dec 2025, 19:00 – Fri 5 Dec, 10:00") in `zone`.
 * With `zoneNames`, the zone's abbreviation follows. Whenever the clocks change during the range,
 * each end carries its own ("Sun 25 Oct 2026, 01:00 CEST – 04:00 CET"): one name for both would be
 * an hour wrong at one end.
 */
export function formatRange(start: Date, end: Date, zone: string, opts: { zoneNames?: boolean } = {}): string {
  const a = wallClockAt(start, zone);
  const b = wallClockAt(end, zone);
  const sameDay = a.year === b.year && a.month === b.month && a.day === b.day;
  const crosses = crossesClockChange(start, end, zone);
  const from = formatDayTime(start, zone, { year: true }) + (crosses ? ` ${zoneAbbreviation(start, zone)}` : "");
  const to = (sameDay ? formatTime(end, zone) : formatDayTime(end, zone)) + (crosses || opts.zoneNames ? ` ${zoneAbbreviation(end, zone)}` : "");
  return sameDay && !crosses ? `${from}–${to}` : `${from} – ${to}`;
}

/** The event's time in its own zone: "Thu 4 Dec 2025, 19:00–21:00 CET". */
export function describeInZone(start: Date, end: Date, zone: string): string {
  return formatRange(start, end, zone, { zoneNames: true });
}

/**
 * The event's time for a reader in `viewerZone`: their own clock first, the event's clock in brackets
 * when the two differ ("Thu 4 Dec 2025, 18:00–20:00 your time (19:00 CET)", or both ends when the
 * event's clocks change during it: "(01:00 CEST – 04:00 CET)"); null when they agree.
 */
export function describeForViewer(start: Date, end: Date, eventZone: string, viewerZone: string): string | null {
  if (sameClock(start, eventZone, viewerZone) && sameClock(end, eventZone, viewerZone)) return null;
  const at = (instant: Date) => `${formatTime(instant, eventZone)} ${zoneAbbreviation(instant, eventZone)}`;
  const theirs = crossesClockChange(start, end, eventZone) ? `${at(start)} – ${at(end)}` : at(start);
  return `${formatRange(start, end, viewerZone)} your time (${theirs})`;
}

/** An event's times as loaders send them: ISO instants, its zone, and the sentence in that zone. */
export function eventTimes(e: { startsAt: Date; endsAt: Date; timeZone: string }) {
  return { startsAt: e.startsAt.toISOString(), endsAt: e.endsAt.toISOString(), timeZone: e.timeZone, inZone: describeInZone(e.startsAt, e.endsAt, e.timeZone) };
}
