import { describe, expect, it } from "vitest";
import { countOf, minutesText, secondsText } from "#app/lib/plural";

describe("counts with their unit", () => {
  it("uses the singular for exactly one", () => {
    expect(countOf(1, "second")).toBe("1 second");
    expect(countOf(0, "second")).toBe("0 seconds");
    expect(countOf(2, "person", "people")).toBe("2 people");
  });
  it("says lengths in the largest whole unit", () => {
    expect(minutesText(1)).toBe("1 minute");
    expect(minutesText(90)).toBe("90 minutes");
    expect(minutesText(60)).toBe("1 hour");
    expect(minutesText(180)).toBe("3 hours");
    expect(minutesText(24 * 60)).toBe("1 day");
    expect(secondsText(1)).toBe("1 second");
    expect(secondsText(30)).toBe("30 seconds");
    expect(secondsText(60)).toBe("1 minute");
    expect(secondsText(300)).toBe("5 minutes");
  });
});
