import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { buildCalendar } from "#app/lib/ics.server";
import { formatOffset, vtimezoneLines, zoneTransitions } from "#app/lib/vtimezone.server";
import { offsetMinutes } from "#app/lib/time";
import { exportRrule } from "#app/modules/events/ics-series.server";

/** VTIMEZONE from Intl, checked against ical.js's own offset arithmetic for awkward zones. */
describe("VTIMEZONE from Intl", () => {
  it("formats offsets with sign and minutes", () => {
    expect(formatOffset(60)).toBe("+0100");
    expect(formatOffset(-210)).toBe("-0330");
    expect(formatOffset(0)).toBe("+0000");
    expect(formatOffset(630)).toBe("+1030");
  });

  it("finds each transition to the second (Berlin 2030: 01:00Z on the last Sundays of March and October)", () => {
    const t = zoneTransitions("Europe/Berlin", new Date("2030-01-01T00:00:00Z"), new Date("2031-01-01T00:00:00Z"));
    expect(t.map((x) => [x.at.toISOString(), x.fromMinutes, x.toMinutes])).toEqual([
      ["2030-03-31T01:00:00.000Z", 60, 120],
      ["2030-10-27T01:00:00.000Z", 120, 60],
    ]);
  });

  // Southern hemisphere, a half-hour DST step, a negative half-hour zone, and one without DST.
  for (const zone of ["Australia/Sydney", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata", "America/New_York"]) {
    it(`ical.js gives the same UTC offset as Intl all year in ${zone}`, () => {
      const from = new Date("2030-01-01T00:00:00Z");
      const to = new Date("2031-12-31T00:00:00Z");
      const ics = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", ...vtimezoneLines(zone, from, to), "END:VCALENDAR"].join("\r\n");
      const changes = zoneTransitions(zone, from, to).map((c) => c.at.getTime());
      const tz = new ICAL.Timezone(new ICAL.Component(ICAL.parse(ics)).getFirstSubcomponent("vtimezone")!);
      // Every 6 hours across the two years, local wall time → offset.
      for (let t = from.getTime(); t < to.getTime(); t += 6 * 3_600_000) {
        const instant = new Date(t);
        const offset = offsetMinutes(instant, zone);
        const local = new Date(t + offset * 60_000);
        const time = new ICAL.Time(
          {
            year: local.getUTCFullYear(),
            month: local.getUTCMonth() + 1,
            day: local.getUTCDate(),
            hour: local.getUTCHours(),
            minute: local.getUTCMinutes(),
            second: 0,
            isDate: false,
          },
          tz
        );
        // Wall times next to a change are ambiguous or skipped (either reading is right): the transitions themselves are tested above.
        if (changes.some((c) => Math.abs(c - t) < 3 * 3_600_000)) continue;
        expect(tz.utcOffset(time) / 60, `${zone} at ${instant.toISOString()}`).toBe(offset);
      }
    });
  }

  it("writes an UNTIL date as the end of that day in the series' zone, in UTC; leaves UTC UNTIL and COUNT alone", () => {
    expect(exportRrule("FREQ=WEEKLY;BYDAY=TH;UNTIL=20310320", "America/New_York")).toBe("FREQ=WEEKLY;BYDAY=TH;UNTIL=20310321T035959Z");
    expect(exportRrule("FREQ=WEEKLY;UNTIL=20310320T170000Z", "Europe/Berlin")).toBe("FREQ=WEEKLY;UNTIL=20310320T170000Z");
    expect(exportRrule("FREQ=MONTHLY;BYDAY=2TU;COUNT=5", "Europe/Berlin")).toBe("FREQ=MONTHLY;BYDAY=2TU;COUNT=5");
  });

  it("a calendar without series has no VTIMEZONE; one with a series has one per zone", () => {
    const base = { sequence: 0, summary: "x", description: "", status: "CONFIRMED" as const, created: new Date(), lastModified: new Date() };
    const start = new Date("2030-05-01T16:00:00Z");
    const end = new Date("2030-05-01T18:00:00Z");
    expect(buildCalendar({ name: "n", events: [{ ...base, uid: "a", start, end }] })).not.toContain("VTIMEZONE");
    const ics = buildCalendar({
      name: "n",
      events: [
        { ...base, uid: "b", start, end, tzid: "Europe/Berlin", rrule: "FREQ=WEEKLY;COUNT=2" },
        { ...base, uid: "b", start, end, tzid: "Europe/Berlin", recurrenceId: start },
        { ...base, uid: "c", start, end, tzid: "Asia/Kolkata", rrule: "FREQ=WEEKLY;COUNT=2" },
      ],
    });
    expect(ics.match(/BEGIN:VTIMEZONE/g)).toHaveLength(2);
    expect(ics).toContain("DTSTART;TZID=Europe/Berlin:20300501T180000");
    expect(ics).toContain("DURATION:PT7200S");
    expect(ics).toContain("RECURRENCE-ID;TZID=Europe/Berlin:20300501T180000");
  });
});
