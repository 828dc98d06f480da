import { describe, expect, it } from "vitest";
import { librarySummary } from "#app/modules/library/list-summary";

describe("librarySummary", () => {
  it("says how many resources the combined filters show", () => {
    expect(librarySummary({ total: 12, tag: "botox" })).toBe("12 resources tagged botox");
    expect(librarySummary({ total: 1, q: "neck", category: "Medications", group: "Carers" })).toBe("1 resource matching “neck” in Medications, in the group Carers");
    expect(librarySummary({ total: 0, tag: "dbs", organization: "Dystonia UK" })).toBe("No resources tagged dbs, from Dystonia UK");
    expect(librarySummary({ total: 1200 })).toBe("1,200 resources");
  });
});
