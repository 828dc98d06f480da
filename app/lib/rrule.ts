/**
 * A bounded subset of RFC 5545 recurrence rules, expanded in an IANA zone's wall clock (decision
 * 0021): 18:00 in Europe/Berlin stays 18:00 across the DST changes, so the stored UTC instants move.
 * Pure and safe for the browser (the form describes the rule as it is typed).
 *
 * Supported: FREQ=WEEKLY (INTERVAL 1–4, BYDAY one or more weekdays), FREQ=MONTHLY (INTERVAL 1–12,
 * BYDAY one nth weekday like 2TU or -1FR, or BYMONTHDAY 1–28), ended by UNTIL or COUNT (1–104).
 * At most 104 occurrences within two years of the first. Everything else is refused with a message.
 *
 * Wall times that don't exist on a spring-forward day (02:30 in Berlin on the last Sunday of March)
 * are SHIFTED, never skipped: they take the UTC offset from before the gap (02:30 becomes 03:30), as
 * RFC 5545 §3.3.5 says, so our rows agree with every calendar app reading the exported RRULE. Times
 * that happen twice at the autumn change take the first (summer-time) one, as wallClockToUtc does.
 */
import { offsetMinutes, wallClockAt, wallClockToUtc } from "./time";

export const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const MAX_OCCURRENCES = 104;
export const MAX_SPAN_DAYS = 731;
export const WEEKLY_INTERVAL_MAX = 4;
export const MONTHLY_INTERVAL_MAX = 12;

export interface RRule {
  freq: "WEEKLY" | "MONTHLY";
  interval: number;
  /** WEEKLY: the weekdays (sorted Monday first). MONTHLY: at most one, with its ordinal (1–4 or -1). */
  byDay: { n: number | null; day: Weekday }[];
  /** MONTHLY on a day of the month (1–28: every month has it). */
  byMonthDay: number | null;
  /** The last instant an occurrence may start at (UTC), inclusive. */
  until: Date | null;
  count: number | null;
}

export type RRuleResult = { ok: true; rule: RRule } | { ok: false; message: string };

const DAY_NAMES: Record<Weekday, string> = { MO: "Monday", TU: "Tuesday", WE: "Wednesday", TH: "Thursday", FR: "Friday", SA: "Saturday", SU: "Sunday" };
const ORDINALS: Record<string, string> = { "1": "1st", "2": "2nd", "3": "3rd", "4": "4th", "-1": "last" };
const UNSUPPORTED_FREQ = new Set(["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "YEARLY"]);

const fail = (message: string): RRuleResult => ({ ok: false, message });
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** A calendar date that exists ("2026-02-30" does not), as a UTC-midnight Date for date arithmetic. */
export function calendarDate(year: number, month: number, day: number): Date | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d : null;
}

/** The last instant of a local day in `zone` (the UNTIL of "ends on 30 June 2027", inclusive). */
export function endOfLocalDay(date: string, zone: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m || !calendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + 1));
  const start = localInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, 0, zone);
  return new Date(start.getTime() - 1000);
}

function parseUntil(value: string): Date | null {
  // DATE (20270630: the whole day in UTC) or UTC DATE-TIME (20270630T215959Z), as RFC 5545 allows.
  const m = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})Z)?$/.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!calendarDate(y, mo, d) || y < 1970) return null;
  if (m[4] === undefined) return new Date(Date.UTC(y, mo - 1, d, 23, 59, 59));
  const [h, mi, s] = [Number(m[4]), Number(m[5]), Number(m[6])];
  if (h > 23 || mi > 59 || s > 59) return null;
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** Parses and validates a rule (with or without "RRULE:"); refuses everything outside the subset. */
export function parseRRule(text: string): RRuleResult {
  if (typeof text !== "string" || text.length === 0) return fail("Give the repeat rule.");
  if (text.length > 200) return fail("That repeat rule is too long.");
  const body = text.trim().replace(/^RRULE:/i, "");
  const parts = new Map<string, string>();
  for (const part of body.split(";")) {
    const [key, value, ...rest] = part.split("=");
    if (!key || value === undefined || rest.length > 0 || value === "") return fail(`"${part.slice(0, 40)}" isn't a rule part (NAME=value).`);
    const name = key.trim().toUpperCase();
    if (parts.has(name)) return fail(`${name} appears twice in the rule.`);
    parts.set(name, value.trim().toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (!freq) return fail("Say how often it repeats (FREQ).");
  if (UNSUPPORTED_FREQ.has(freq)) return fail("Events can repeat weekly or monthly only (not every second, minute, hour, day or year).");
  if (freq !== "WEEKLY" && freq !== "MONTHLY") return fail(`"${freq.slice(0, 20)}" isn't a repeat frequency.`);
  for (const name of parts.keys()) {
    if (!["FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"].includes(name)) return fail(`${name.slice(0, 20)} isn't supported in a repeat rule.`);
  }
  if (parts.has("WKST") && parts.get("WKST") !== "MO") return fail("Weeks start on Monday (WKST=MO).");
  const intervalText = parts.get("INTERVAL") ?? "1";
  const max = freq === "WEEKLY" ? WEEKLY_INTERVAL_MAX : MONTHLY_INTERVAL_MAX;
  if (!/^\d{1,2}$/.test(intervalText) || Number(intervalText) < 1 || Number(intervalText) > max) {
    return fail(freq === "WEEKLY" ? `Repeat every 1 to ${max} weeks.` : `Repeat every 1 to ${max} months.`);
  }
  const interval = Number(intervalText);
  const byDay: RRule["byDay"] = [];
  for (const token of parts.get("BYDAY")?.split(",") ?? []) {
    const m = /^([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(token);
    if (!m) return fail(`"${token.slice(0, 10)}" isn't a weekday (MO, TU, … or 2TU, -1FR for monthly).`);
    const n = m[1] === undefined ? null : Number(m[1]);
    if (byDay.some((d) => d.day === m[2])) return fail("Each weekday can appear only once.");
    byDay.push({ n, day: m[2] as Weekday });
  }
  const monthDayText = parts.get("BYMONTHDAY");
  let byMonthDay: number | null = null;
  if (freq === "WEEKLY") {
    if (monthDayText !== undefined) return fail("A weekly rule can't have a day of the month.");
    if (byDay.some((d) => d.n !== null)) return fail("A weekly rule takes plain weekdays (TU, not 2TU).");
    byDay.sort((a, b) => WEEKDAYS.indexOf(a.day) - WEEKDAYS.indexOf(b.day));
  } else {
    if (monthDayText !== undefined) {
      if (byDay.length > 0) return fail("Choose either a weekday or a day of the month, not both.");
      if (!/^\d{1,2}$/.test(monthDayText) || Number(monthDayText) < 1 || Number(monthDayText) > 28) {
        return fail("A monthly day must be between 1 and 28 (every month has those).");
      }
      byMonthDay = Number(monthDayText);
    } else {
      if (byDay.length !== 1) return fail("A monthly rule needs one weekday with its place (2TU: the 2nd Tuesday) or a day of the month.");
      const n = byDay[0]!.n;
      if (n === null || !(n === -1 || (n >= 1 && n <= 4))) return fail("Monthly weekdays are the 1st to 4th or the last (1TU … 4TU, -1TU).");
    }
  }
  const untilText = parts.get("UNTIL");
  const countText = parts.get("COUNT");
  if (untilText !== undefined && countText !== undefined) return fail("End the repeats on a date or after a number of times, not both.");
  if (untilText === undefined && countText === undefined) return fail("Say when the repeats end: on a date or after a number of times.");
  let until: Date | null = null;
  let count: number | null = null;
  if (untilText !== undefined) {
    until = parseUntil(untilText);
    if (!until) return fail("The end date of the repeats isn't a real date.");
  } else {
    if (!/^\d{1,3}$/.test(countText!) || Number(countText) < 1 || Number(countText) > MAX_OCCURRENCES) {
      return fail(`Repeat between 1 and ${MAX_OCCURRENCES} times.`);
    }
    count = Number(countText);
  }
  return { ok: true, rule: { freq, interval, byDay, byMonthDay, until, count } };
}

/** The rule's normalised text (what event_series.rrule stores and ICS exports): FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10. */
export function formatRRule(rule: RRule): string {
  const parts = [`FREQ=${rule.freq}`];
  if (rule.interval !== 1) parts.push(`INTERVAL=${rule.interval}`);
  if (rule.byDay.length > 0) parts.push(`BYDAY=${rule.byDay.map((d) => `${d.n ?? ""}${d.day}`).join(",")}`);
  if (rule.byMonthDay !== null) parts.push(`BYMONTHDAY=${rule.byMonthDay}`);
  if (rule.until) {
    const u = rule.until;
    parts.push(`UNTIL=${pad(u.getUTCFullYear(), 4)}${pad(u.getUTCMonth() + 1)}${pad(u.getUTCDate())}T${pad(u.getUTCHours())}${pad(u.getUTCMinutes())}${pad(u.getUTCSeconds())}Z`);
  }
  if (rule.count !== null) parts.push(`COUNT=${rule.count}`);
  return parts.join(";");
}

const weekdayOf = (d: Date): Weekday => WEEKDAYS[(d.getUTCDay() + 6) % 7]!;
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** Which nth weekday of its month a date is: 2026-04-14 → { n: 2, day: "TU", last: false }. */
export function nthWeekdayOf(year: number, month: number, day: number): { n: number; day: Weekday; last: boolean } {
  const d = new Date(Date.UTC(year, month - 1, day));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { n: Math.ceil(day / 7), day: weekdayOf(d), last: day + 7 > daysInMonth };
}

/** The date of the nth (or -1: last) weekday in a month, or null when the month has no such day. */
function nthWeekdayIn(year: number, month: number, n: number, day: Weekday): Date | null {
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const target = WEEKDAYS.indexOf(day);
  if (n > 0) {
    const firstDow = (new Date(Date.UTC(year, month - 1, 1)).getUTCDay() + 6) % 7;
    const date = 1 + ((target - firstDow + 7) % 7) + (n - 1) * 7;
    return date <= daysInMonth ? new Date(Date.UTC(year, month - 1, date)) : null;
  }
  const lastDow = (new Date(Date.UTC(year, month - 1, daysInMonth)).getUTCDay() + 6) % 7;
  return new Date(Date.UTC(year, month - 1, daysInMonth - ((lastDow - target + 7) % 7)));
}

/**
 * The instant a clock in `zone` shows this wall time; a time inside a spring-forward gap takes the
 * offset from before the gap (02:30 → 03:30), per RFC 5545 §3.3.5.
 */
export function localInstant(year: number, month: number, day: number, hour: number, minute: number, zone: string): Date {
  const r = wallClockToUtc(`${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`, zone);
  if (r.ok) return r.instant;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  return new Date(asUtc - offsetMinutes(new Date(asUtc - 86_400_000), zone) * 60_000);
}

export type ExpandResult = { ok: true; starts: Date[] } | { ok: false; message: string };

/**
 * Every start the rule gives from `first` (its DTSTART, which must itself be one of the rule's days),
 * in `zone`'s wall clock at the first's time of day. Refuses rules that would give more than 104
 * occurrences or run past two years; the loops are bounded by that span whatever the rule says.
 */
export function expandRRule(rule: RRule, first: Date, zone: string): ExpandResult {
  const w = wallClockAt(first, zone);
  const startDate = new Date(Date.UTC(w.year, w.month - 1, w.day));
  const lastDate = addDays(startDate, MAX_SPAN_DAYS - 1);
  const dates: Date[] = [];
  const limit = rule.count ?? MAX_OCCURRENCES + 1;
  const push = (d: Date) => {
    if (d.getTime() < startDate.getTime() || d.getTime() > lastDate.getTime() || dates.length >= limit) return;
    dates.push(d);
  };
  if (rule.freq === "WEEKLY") {
    const days = rule.byDay.length > 0 ? rule.byDay.map((d) => d.day) : [weekdayOf(startDate)];
    const monday = addDays(startDate, -((startDate.getUTCDay() + 6) % 7));
    for (let week = monday; week.getTime() <= lastDate.getTime() && dates.length < limit; week = addDays(week, 7 * rule.interval)) {
      for (const day of days) push(addDays(week, WEEKDAYS.indexOf(day)));
    }
  } else {
    for (let i = 0; dates.length < limit; i += rule.interval) {
      const y = w.year + Math.floor((w.month - 1 + i) / 12);
      const m = ((w.month - 1 + i) % 12) + 1;
      if (Date.UTC(y, m - 1, 1) > lastDate.getTime()) break;
      const spec = rule.byDay[0];
      const d = rule.byMonthDay !== null ? calendarDate(y, m, rule.byMonthDay) : spec ? nthWeekdayIn(y, m, spec.n!, spec.day) : calendarDate(y, m, w.day);
      if (d) push(d);
    }
  }
  if (dates.length === 0 || dates[0]!.getTime() !== startDate.getTime()) {
    return { ok: false, message: "The first date must be one of the days the event repeats on: change the start or the repeat choice." };
  }
  const starts: Date[] = [];
  for (const d of dates) {
    const at = localInstant(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), w.hour, w.minute, zone);
    if (rule.until && at.getTime() > rule.until.getTime()) break;
    starts.push(at);
  }
  if (starts.length > MAX_OCCURRENCES) {
    return { ok: false, message: `A series can have at most ${MAX_OCCURRENCES} occurrences: end it sooner.` };
  }
  if (rule.until && rule.until.getTime() > addDays(first, MAX_SPAN_DAYS).getTime()) {
    return { ok: false, message: "A series can run for at most two years: choose an earlier end date." };
  }
  if (rule.count && starts.length < rule.count) {
    return { ok: false, message: `${rule.count} repeats would run past two years: choose fewer.` };
  }
  return { ok: true, starts };
}

const dateFormat = (zone: string) => new Intl.DateTimeFormat("en-GB", { timeZone: zone, day: "numeric", month: "long", year: "numeric" });

/** "Repeats every 2 weeks on Tuesday, until 30 June 2027" / "Repeats monthly on the 2nd Tuesday, 10 times". */
export function describeRRule(rule: RRule, zone: string): string {
  const list = (names: string[]) => (names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`);
  let what: string;
  if (rule.freq === "WEEKLY") {
    const every = rule.interval === 1 ? "every week" : `every ${rule.interval} weeks`;
    what = rule.byDay.length > 0 ? `${every} on ${list(rule.byDay.map((d) => DAY_NAMES[d.day]))}` : every;
  } else {
    const every = rule.interval === 1 ? "monthly" : `every ${rule.interval} months`;
    const spec = rule.byDay[0];
    what = rule.byMonthDay !== null ? `${every} on day ${rule.byMonthDay}` : spec ? `${every} on the ${ORDINALS[String(spec.n)]} ${DAY_NAMES[spec.day]}` : every;
  }
  const end = rule.until ? `until ${dateFormat(zone).format(rule.until)}` : rule.count === 1 ? "once" : `${rule.count} times`;
  return `Repeats ${what}, ${end}`;
}

/** The simple choices of the event form, turned into a rule from the chosen first start. */
export type RepeatChoice = "weekly" | "biweekly" | "monthly_nth" | "monthly_day";

export function ruleForChoice(choice: RepeatChoice, first: Date, zone: string, end: { count: number } | { until: Date }): RRule {
  const w = wallClockAt(first, zone);
  const nth = nthWeekdayOf(w.year, w.month, w.day);
  const ends = "count" in end ? { count: end.count, until: null } : { count: null, until: end.until };
  switch (choice) {
    case "weekly":
    case "biweekly":
      return { freq: "WEEKLY", interval: choice === "weekly" ? 1 : 2, byDay: [{ n: null, day: nth.day }], byMonthDay: null, ...ends };
    case "monthly_nth":
      // The 5th Tuesday is not in every month: a start in the last week repeats on the last one.
      return { freq: "MONTHLY", interval: 1, byDay: [{ n: nth.n > 4 ? -1 : nth.n, day: nth.day }], byMonthDay: null, ...ends };
    case "monthly_day":
      return { freq: "MONTHLY", interval: 1, byDay: [], byMonthDay: w.day, ...ends };
  }
}

/** How the form names the monthly choices for a start: "on the 2nd Tuesday", "on day 14". */
export function monthlyLabels(wallClock: string): { nth: string; day: string } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(wallClock);
  if (!m || !calendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) return null;
  const nth = nthWeekdayOf(Number(m[1]), Number(m[2]), Number(m[3]));
  return { nth: `on the ${ORDINALS[String(nth.n > 4 ? -1 : nth.n)]} ${DAY_NAMES[nth.day]}`, day: `on day ${Number(m[3])}` };
}
