import { describe, expect, it } from "vitest";
import { describeRRule, endOfLocalDay, expandRRule, formatRRule, monthlyLabels, parseRRule, ruleForChoice, type RRule } from "#app/lib/rrule";
import { toWallClockInput, wallClockToUtc } from "#app/lib/time";

const at = (value: string, zone: string) => {
  const r = wallClockToUtc(value, zone);
  if (!r.ok) throw new Error(`${value} in ${zone}: ${r.reason}`);
  return r.instant;
};
const rule = (text: string): RRule => {
  const r = parseRRule(text);
  if (!r.ok) throw new Error(r.message);
  return r.rule;
};
const expand = (text: string, first: string, zone: string) => {
  const r = expandRRule(rule(text), at(first, zone), zone);
  if (!r.ok) throw new Error(r.message);
  return r.starts;
};
const refusal = (text: string, first = "2026-04-14T18:00", zone = "Europe/Berlin") => {
  const parsed = parseRRule(text);
  if (!parsed.ok) return parsed.message;
  const r = expandRRule(parsed.rule, at(first, zone), zone);
  return r.ok ? null : r.message;
};

describe("RRULE subset", () => {
  it("keeps 18:00 at 18:00 in Berlin across both DST changes (the UTC instants move)", () => {
    const starts = expand("FREQ=WEEKLY;BYDAY=TU;COUNT=40", "2026-03-17T18:00", "Europe/Berlin");
    expect(starts).toHaveLength(40);
    for (const s of starts) expect(toWallClockInput(s, "Europe/Berlin").slice(11)).toBe("18:00");
    expect(starts[0]!.toISOString()).toBe("2026-03-17T17:00:00.000Z"); // CET
    expect(starts[2]!.toISOString()).toBe("2026-03-31T16:00:00.000Z"); // CEST after 29 March
    const afterOctober = starts.find((s) => s.getTime() > Date.UTC(2026, 9, 26))!;
    expect(afterOctober.toISOString()).toBe("2026-10-27T17:00:00.000Z"); // CET again after 25 October
  });

  it("keeps 18:00 at 18:00 in New York across the March and November changes", () => {
    const starts = expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH;UNTIL=20261231", "2026-02-26T18:00", "America/New_York");
    for (const s of starts) expect(toWallClockInput(s, "America/New_York").slice(11)).toBe("18:00");
    expect(starts[0]!.toISOString()).toBe("2026-02-26T23:00:00.000Z");
    expect(starts[1]!.toISOString()).toBe("2026-03-12T22:00:00.000Z"); // EDT from 8 March
    expect(starts.find((s) => s.getTime() > Date.UTC(2026, 10, 2))!.toISOString()).toBe("2026-11-05T23:00:00.000Z"); // EST from 1 November
  });

  it("shifts a wall time that doesn't exist on the spring-forward day by the gap (02:30 → 03:30), never skips it", () => {
    const starts = expand("FREQ=WEEKLY;BYDAY=SU;COUNT=3", "2026-03-22T02:30", "Europe/Berlin");
    expect(starts.map((s) => toWallClockInput(s, "Europe/Berlin"))).toEqual(["2026-03-22T02:30", "2026-03-29T03:30", "2026-04-05T02:30"]);
    // The time that happens twice in October is the first (summer-time) one.
    const autumn = expand("FREQ=WEEKLY;BYDAY=SU;COUNT=2", "2026-10-18T02:30", "Europe/Berlin");
    expect(autumn[1]!.toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("expands every 2 weeks on several weekdays, Monday-first weeks, from the first date", () => {
    const starts = expand("FREQ=WEEKLY;INTERVAL=2;BYDAY=TH,TU;COUNT=5", "2026-04-14T18:00", "UTC");
    expect(starts.map((s) => s.toISOString().slice(0, 10))).toEqual(["2026-04-14", "2026-04-16", "2026-04-28", "2026-04-30", "2026-05-12"]);
  });

  it("expands the nth weekday of the month, including the last (-1)", () => {
    expect(expand("FREQ=MONTHLY;BYDAY=2TU;COUNT=4", "2026-04-14T18:00", "UTC").map((s) => s.toISOString().slice(0, 10))).toEqual([
      "2026-04-14",
      "2026-05-12",
      "2026-06-09",
      "2026-07-14",
    ]);
    expect(expand("FREQ=MONTHLY;BYDAY=-1FR;COUNT=4", "2026-01-30T10:00", "UTC").map((s) => s.toISOString().slice(0, 10))).toEqual([
      "2026-01-30",
      "2026-02-27",
      "2026-03-27",
      "2026-04-24",
    ]);
    expect(expand("FREQ=MONTHLY;BYMONTHDAY=28;COUNT=3", "2026-01-28T10:00", "UTC").map((s) => s.toISOString().slice(0, 10))).toEqual(["2026-01-28", "2026-02-28", "2026-03-28"]);
  });

  it("treats UNTIL as inclusive and COUNT as exact", () => {
    const zone = "Europe/Berlin";
    const until = endOfLocalDay("2026-05-12", zone)!;
    const r = expandRRule({ ...rule("FREQ=WEEKLY;BYDAY=TU;COUNT=1"), count: null, until }, at("2026-04-14T18:00", zone), zone);
    expect(r.ok && r.starts.map((s) => toWallClockInput(s, zone).slice(0, 10))).toEqual(["2026-04-14", "2026-04-21", "2026-04-28", "2026-05-05", "2026-05-12"]);
    // UNTIL exactly at an occurrence's start includes it.
    const exact = expand("FREQ=WEEKLY;BYDAY=TU;UNTIL=20260428T160000Z", "2026-04-14T18:00", zone);
    expect(exact).toHaveLength(3);
    expect(expand("FREQ=WEEKLY;BYDAY=TU;COUNT=7", "2026-04-14T18:00", zone)).toHaveLength(7);
  });

  it("refuses hostile and unsupported rules with a message", () => {
    for (const text of [
      "FREQ=SECONDLY;UNTIL=21260101",
      "FREQ=MINUTELY;COUNT=100",
      "FREQ=HOURLY;COUNT=5",
      "FREQ=DAILY;INTERVAL=1;COUNT=5",
      "FREQ=YEARLY;COUNT=3",
      "FREQ=FORTNIGHTLY;COUNT=3",
      "FREQ=WEEKLY;BYDAY=TU",
      "FREQ=WEEKLY;BYDAY=TU;COUNT=105",
      "FREQ=WEEKLY;BYDAY=TU;COUNT=0",
      "FREQ=WEEKLY;BYDAY=TU;COUNT=99999999999",
      "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260230",
      "FREQ=WEEKLY;BYDAY=TU;UNTIL=nope",
      "FREQ=WEEKLY;BYDAY=TU;COUNT=3;UNTIL=20270101",
      "FREQ=WEEKLY;INTERVAL=5;BYDAY=TU;COUNT=3",
      "FREQ=WEEKLY;BYDAY=XX;COUNT=3",
      "FREQ=WEEKLY;BYDAY=2TU;COUNT=3",
      "FREQ=WEEKLY;BYDAY=TU;BYHOUR=1,2,3;COUNT=3",
      "FREQ=WEEKLY;FREQ=WEEKLY;COUNT=3",
      "FREQ=MONTHLY;BYDAY=5TU;COUNT=3",
      "FREQ=MONTHLY;BYMONTHDAY=31;COUNT=3",
      "FREQ=MONTHLY;BYDAY=TU;COUNT=3",
      "FREQ=MONTHLY;BYDAY=2TU;BYMONTHDAY=3;COUNT=3",
      "",
      "x".repeat(500),
    ]) {
      expect(refusal(text), text).toEqual(expect.any(String));
    }
  });

  it("refuses rules that run past two years or make more than 104 occurrences, and a first date off the rule", () => {
    expect(refusal("FREQ=WEEKLY;BYDAY=TU;UNTIL=21260101")).toMatch(/two years|104/);
    expect(refusal("FREQ=WEEKLY;BYDAY=MO,TU,WE;UNTIL=20270601")).toMatch(/104/);
    expect(refusal("FREQ=MONTHLY;INTERVAL=12;BYDAY=2TU;COUNT=4")).toMatch(/two years/);
    expect(refusal("FREQ=WEEKLY;BYDAY=WE;COUNT=3", "2026-04-14T18:00")).toMatch(/first date/);
    expect(refusal("FREQ=WEEKLY;BYDAY=TU;COUNT=104")).toBeNull();
  });

  it("normalises and describes rules", () => {
    expect(formatRRule(rule("rrule:freq=weekly;byday=th,tu;interval=2;count=10"))).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=10");
    expect(formatRRule(rule("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630"))).toBe("FREQ=WEEKLY;BYDAY=TU;UNTIL=20270630T235959Z");
    const zone = "Europe/Berlin";
    const fortnightly = ruleForChoice("biweekly", at("2026-04-14T18:00", zone), zone, { until: endOfLocalDay("2027-06-30", zone)! });
    expect(describeRRule(fortnightly, zone)).toBe("Repeats every 2 weeks on Tuesday, until 30 June 2027");
    expect(parseRRule(formatRRule(fortnightly)).ok).toBe(true);
    expect(describeRRule(ruleForChoice("monthly_nth", at("2026-04-14T18:00", zone), zone, { count: 10 }), zone)).toBe("Repeats monthly on the 2nd Tuesday, 10 times");
    expect(formatRRule(ruleForChoice("monthly_nth", at("2026-04-28T18:00", zone), zone, { count: 2 }))).toBe("FREQ=MONTHLY;BYDAY=4TU;COUNT=2");
    expect(formatRRule(ruleForChoice("monthly_nth", at("2026-06-30T18:00", zone), zone, { count: 2 }))).toBe("FREQ=MONTHLY;BYDAY=-1TU;COUNT=2");
    expect(monthlyLabels("2026-04-14T18:00")).toEqual({ nth: "on the 2nd Tuesday", day: "on day 14" });
    expect(monthlyLabels("2026-02-30T18:00")).toBeNull();
  });
});
