import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  describeForViewer,
  describeInZone,
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

  it("describes an event in its zone, and for a reader elsewhere", () => {
    const start = new Date("2025-12-04T18:00:00Z");
    const end = new Date("2025-12-04T20:00:00Z");
    expect(describeInZone(start, end, "Europe/Berlin")).toBe("Thu 4 Dec 2025, 19:00–21:00 CET");
    expect(describeForViewer(start, end, "Europe/Berlin", "Europe/London")).toBe("Thu 4 Dec 2025, 18:00–20:00 your time (19:00 CET)");
    expect(describeForViewer(start, end, "Europe/Berlin", "Europe/Paris")).toBeNull();
  });
});
