import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { buildCalendar, escapeText, foldLine, type IcsEvent } from "#app/lib/ics.server";
import { csvCell, toCsv } from "#app/modules/events/csv.server";

/** The parse-back check uses ical.js, an independent RFC 5545 parser. */

const event = (over: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: "event-abc@hearth",
  sequence: 3,
  start: new Date("2026-10-25T17:00:00Z"),
  end: new Date("2026-10-25T19:00:00Z"),
  summary: "Q&A; physio, stretches \\ posture",
  description: "Line one\nLine two, with a comma; and a semicolon.\n\n" + "Ünïcödé ✓ ".repeat(20),
  location: "Community Centre, 12 Example Street, Leeds",
  url: "https://hearth.example/events/abc",
  status: "CONFIRMED",
  created: new Date("2026-09-01T10:00:00Z"),
  lastModified: new Date("2026-09-02T10:00:00Z"),
  timeZone: "Europe/Berlin",
  ...over,
});

describe("iCalendar writer", () => {
  it("escapes TEXT values", () => {
    expect(escapeText("a,b;c\\d\ne\r\nf")).toBe("a\\,b\\;c\\\\d\\ne\\nf");
  });

  it("folds lines at 75 octets without splitting UTF-8 characters", () => {
    const long = "DESCRIPTION:" + "é✓x".repeat(60);
    const folded = foldLine(long);
    for (const line of folded.split("\r\n")) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    expect(folded.split("\r\n").slice(1).every((l) => l.startsWith(" "))).toBe(true);
    expect(folded.replace(/\r\n /g, "")).toBe(long);
  });

  it("writes a calendar with CRLF line ends, a stable UID, DTSTAMP and UTC times", () => {
    const ics = buildCalendar({ name: "Test", events: [event()], now: new Date("2026-09-03T00:00:00Z") });
    expect(ics.endsWith("\r\n")).toBe(true);
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
    expect(ics).toContain("\r\nUID:event-abc@hearth\r\n");
    expect(ics).toContain("\r\nDTSTAMP:20260903T000000Z\r\n");
    expect(ics).toContain("\r\nDTSTART:20261025T170000Z\r\n");
    expect(ics).toContain("\r\nSTATUS:CONFIRMED\r\n");
    expect(buildCalendar({ name: "T", events: [event({ status: "CANCELLED" })] })).toContain("\r\nSTATUS:CANCELLED\r\n");
  });

  it("parses back with ical.js to the same values", async () => {
    const ics = buildCalendar({ name: "Test", events: [event(), event({ uid: "event-def@hearth", status: "CANCELLED" })] });
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const [first, second] = calendar.getAllSubcomponents("vevent");
    expect(first!.getFirstPropertyValue("uid")).toBe("event-abc@hearth");
    expect(first!.getFirstPropertyValue("summary")).toBe("Q&A; physio, stretches \\ posture");
    expect(first!.getFirstPropertyValue("description")).toBe(event().description);
    expect(first!.getFirstPropertyValue("location")).toBe("Community Centre, 12 Example Street, Leeds");
    const start = first!.getFirstPropertyValue("dtstart") as { toJSDate(): Date };
    expect(start.toJSDate().toISOString()).toBe("2026-10-25T17:00:00.000Z");
    expect(second!.getFirstPropertyValue("status")).toBe("CANCELLED");
  });
});

describe("iCalendar statuses and single-line values", () => {
  it("writes TENTATIVE for a place that is not confirmed, and ical.js reads it back", () => {
    const ics = buildCalendar({ name: "Mine", events: [event({ status: "TENTATIVE" }), event({ uid: "event-2@hearth", sequence: 7 })] });
    const [tentative, confirmed] = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents("vevent");
    expect(tentative!.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect(confirmed!.getFirstPropertyValue("status")).toBe("CONFIRMED");
    expect(confirmed!.getFirstPropertyValue("sequence")).toBe(7);
  });

  it("keeps a line break stored in an old title or address inside its one property (escaped), never a new property", () => {
    const ics = buildCalendar({
      name: "Evil\r\nX-INJECTED:1",
      events: [event({ summary: "Title\r\nATTENDEE:mailto:x@example.org\rmore", location: "Hall\nDTSTART:19700101T000000Z" })],
    });
    const lines = ics.replace(/\r\n /g, "").split("\r\n");
    expect(lines.filter((l) => /^(ATTENDEE|DTSTART|X-INJECTED)/.test(l))).toEqual(["DTSTART:20261025T170000Z"]);
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const [vevent] = calendar.getAllSubcomponents("vevent");
    expect(vevent!.getFirstPropertyValue("summary")).toBe("Title\nATTENDEE:mailto:x@example.org\nmore");
    expect(vevent!.getAllProperties("attendee")).toEqual([]);
    expect(vevent!.getFirstPropertyValue("location")).toBe("Hall\nDTSTART:19700101T000000Z");
  });
});

describe("CSV export", () => {
  it("neutralises spreadsheet formulas and quotes what needs quoting", () => {
    expect(csvCell("=1+1")).toBe("'=1+1");
    expect(csvCell("+44 123")).toBe("'+44 123");
    expect(csvCell("-2")).toBe("'-2");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=cmd")).toBe("'\t=cmd");
    expect(csvCell('Sam "the" mod, kind')).toBe('"Sam ""the"" mod, kind"');
    expect(csvCell("Alex")).toBe("Alex");
    expect(toCsv([["a", 1], ["b", null]])).toBe("a,1\r\nb,\r\n");
  });
});
