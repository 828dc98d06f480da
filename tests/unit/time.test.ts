import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  describeForViewer,
  describeInZone,
  groupTimeZones,
  offsetMinutes,
  parseWallClock,
  timeZoneList,
  toWallClockInput,
  wallClockToUtc,
} from "#app/lib/time";

const utc = (value: string, zone: string) => {
  const r = wallClockToUtc(value, zone);
  if (!r.ok) throw new Error(`${value} in ${zone}: ${r.reason}`);
  return r.instant.toISOString();
};

describe("time zones", () => {
  it("lists the runtime's IANA zones, with UTC", () => {
    const zones = timeZoneList();
    expect(zones).toContain("Europe/Berlin");
    expect(zones).toContain("America/New_York");
    expect(zones).toContain("UTC");
  });

  it("offers the current IANA names (Kathmandu, Kyiv, Kolkata), never the old spellings, and maps the old ones", () => {
    const zones = timeZoneList();
    for (const current of ["Asia/Kathmandu", "Europe/Kyiv", "Asia/Kolkata", "Asia/Ho_Chi_Minh", "America/Nuuk", "America/Argentina/Buenos_Aires"]) {
      expect(zones).toContain(current);
    }
    for (const old of ["Asia/Katmandu", "Europe/Kiev", "Asia/Calcutta", "Asia/Saigon", "America/Godthab", "America/Buenos_Aires"]) {
      expect(zones).not.toContain(old);
    }
    expect(new Set(zones).size).toBe(zones.length);
    expect(canonicalTimeZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("Asia/Kolkata")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("europe/kiev")).toBe("Europe/Kyiv");
    expect(canonicalTimeZone("Asia/Katmandu")).toBe("Asia/Kathmandu");
    // Every listed zone is one the runtime computes with, and is its own canonical name.
    for (const zone of zones) expect(canonicalTimeZone(zone), zone).toBe(zone);
    expect(utc("2026-06-01T10:00", "Asia/Kathmandu")).toBe("2026-06-01T04:15:00.000Z");
  });

  it("groups the picker by region and labels each zone by its place, so typing the city finds it", () => {
    const groups = groupTimeZones(timeZoneList());
    expect(groups[0]).toEqual({ region: null, zones: [{ id: "UTC", label: "UTC" }] });
    const label = (region: string, id: string) => groups.find((g) => g.region === region)?.zones.find((z) => z.id === id)?.label;
    expect(label("Asia", "Asia/Kathmandu")).toBe("Kathmandu");
    expect(label("Europe", "Europe/Kyiv")).toBe("Kyiv");
    expect(label("America", "America/Argentina/Buenos_Aires")).toBe("Buenos Aires (Argentina)");
    expect(label("America", "America/New_York")).toBe("New York");
  });

  it("accepts real zones (canonicalised) and refuses made-up or hostile ones", () => {
    expect(canonicalTimeZone("Europe/Berlin")).toBe("Europe/Berlin");
    expect(canonicalTimeZone("europe/berlin")).toBe("Europe/Berlin");
    for (const bad of ["", "Mars/Olympus_Mons", "Europe/Berlin'; drop table events;--", "<script>", "x".repeat(200), "../../etc/passwd"]) {
      expect(canonicalTimeZone(bad)).toBeNull();
    }
  });

  it("keeps 18:00 Europe/Berlin at 18:00 on the Sunday DST ends (and the days around it)", () => {
    // 2026: summer time ends Sunday 25 October at 03:00 CEST → 02:00 CET.
    expect(utc("2026-10-24T18:00", "Europe/Berlin")).toBe("2026-10-24T16:00:00.000Z"); // CEST, UTC+2
    expect(utc("2026-10-25T18:00", "Europe/Berlin")).toBe("2026-10-25T17:00:00.000Z"); // CET, UTC+1
    expect(utc("2026-10-26T18:00", "Europe/Berlin")).toBe("2026-10-26T17:00:00.000Z");
    for (const day of ["2026-10-24", "2026-10-25", "2026-10-26"]) {
      const r = wallClockToUtc(`${day}T18:00`, "Europe/Berlin");
      expect(r.ok && toWallClockInput(r.instant, "Europe/Berlin")).toBe(`${day}T18:00`);
    }
    // The same wall-clock time, a week apart across the change, is 25 hours × 7 − 1 apart in UTC.
    const before = Date.parse(utc("2026-10-18T18:00", "Europe/Berlin"));
    const after = Date.parse(utc("2026-10-25T18:00", "Europe/Berlin"));
    expect((after - before) / 3_600_000).toBe(7 * 24 + 1);
  });

  it("handles the spring gap and the autumn overlap explicitly", () => {
    expect(wallClockToUtc("2026-03-29T02:30", "Europe/Berlin")).toEqual({ ok: false, reason: "nonexistent" });
    // 02:30 happens twice on 25 Oct 2026; the first (summer-time) occurrence is chosen.
    expect(utc("2026-10-25T02:30", "Europe/Berlin")).toBe("2026-10-25T00:30:00.000Z");
    expect(utc("2026-11-01T01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
  });

  it("handles half-hour and southern-hemisphere zones", () => {
    expect(utc("2026-06-01T10:00", "Asia/Kolkata")).toBe("2026-06-01T04:30:00.000Z");
    expect(utc("2026-01-15T10:00", "Australia/Sydney")).toBe("2026-01-14T23:00:00.000Z");
    expect(offsetMinutes(new Date("2026-01-15T00:00:00Z"), "Australia/Sydney")).toBe(660);
  });

  it("rejects malformed and impossible wall-clock values", () => {
    for (const bad of ["", "tomorrow", "2026-02-30T10:00", "2026-13-01T10:00", "2026-01-01T24:00", "2026-01-01 10:00", "1800-01-01T10:00", "2026-01-01T10:00Z"]) {
      expect(parseWallClock(bad)).toBeNull();
    }
  });

  it("gives each end of an event across a clock change its own offset", () => {
    // Berlin leaves summer time at 03:00 CEST on Sun 25 Oct 2026 (01:00 UTC); London an hour earlier on the clock.
    const start = new Date("2026-10-24T23:00:00Z"); // 01:00 CEST
    const end = new Date("2026-10-25T03:00:00Z"); // 04:00 CET
    expect(describeInZone(start, end, "Europe/Berlin")).toBe("Sun 25 Oct 2026, 01:00 CEST – 04:00 CET");
    expect(describeInZone(new Date("2026-10-24T21:00:00Z"), new Date("2026-10-25T09:00:00Z"), "Europe/Berlin")).toBe("Sat 24 Oct 2026, 23:00 CEST – Sun 25 Oct, 10:00 CET");
    expect(describeForViewer(start, end, "Europe/Berlin", "Europe/London")).toBe("Sun 25 Oct 2026, 00:00 BST – 03:00 GMT your time (01:00 CEST – 04:00 CET)");
    expect(describeForViewer(start, end, "Europe/Berlin", "America/New_York")).toBe("Sat 24 Oct 2026, 19:00–23:00 your time (01:00 CEST – 04:00 CET)");
    // No change in between: the zone once, as before.
    expect(describeInZone(new Date("2026-10-25T17:00:00Z"), new Date("2026-10-25T19:00:00Z"), "Europe/Berlin")).toBe("Sun 25 Oct 2026, 18:00–20:00 CET");
  });

  it("describes an event in its zone, and for a reader elsewhere", () => {
    const start = new Date("2025-12-04T18:00:00Z");
    const end = new Date("2025-12-04T20:00:00Z");
    expect(describeInZone(start, end, "Europe/Berlin")).toBe("Thu 4 Dec 2025, 19:00–21:00 CET");
    expect(describeForViewer(start, end, "Europe/Berlin", "Europe/London")).toBe("Thu 4 Dec 2025, 18:00–20:00 your time (19:00 CET)");
    expect(describeForViewer(start, end, "Europe/Berlin", "Europe/Paris")).toBeNull();
  });
});
