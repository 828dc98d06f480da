import { describe, expect, it } from "vitest";
import {
  findPersonalData,
  kvnrCheckOk,
  nhsCheckOk,
  nirCheckOk,
  personalDataQuestion,
  type PersonalDataKind,
} from "#app/modules/safety/personal-data";

/** The personal-data detector (app/modules/safety/personal-data.ts): pure, linear, gentle. */

const positives: [string, PersonalDataKind[]][] = [
  ["You can mail me at jo.smith+dystonia@example.co.uk if you like", ["email"]],
  ["my address is SAM_99@mail.example.org.", ["email"]],
  ["Ring me on +44 20 7946 0958 after six", ["phone"]],
  ["+44 (0)20 7946 0958", ["phone"]],
  ["0044 20 7946 0958", ["phone"]],
  ["call 07700 900123 anytime", ["phone"]],
  ["mobile 07700900123", ["phone"]],
  ["020 7946 0958", ["phone"]],
  ["Our number is (555) 123-4567.", ["phone"]],
  ["555-123-4567", ["phone"]],
  ["555.123.4567", ["phone"]],
  ["1-800-555-0199", ["phone"]],
  ["Praxis: 030 1234567", ["phone"]],
  ["+49 30 1234567", ["phone"]],
  ["+49 (0)30 123 45 67", ["phone"]],
  ["appelle-moi au 06 12 34 56 78", ["phone"]],
  ["I live at 12 Baker Street, come by", ["address"]],
  ["221B Baker St", ["address"]],
  ["1600 Pennsylvania Avenue NW", ["address"]],
  ["flat 3, 45 Mill lane", ["address"]],
  ["Hauptstraße 5", ["address"]],
  ["wir wohnen in der Berliner Straße 12a", ["address"]],
  ["Lindenweg 3, 10115 Berlin", ["address"]],
  ["12 rue de la Paix", ["address"]],
  ["postcode SW1A 1AA", ["address"]],
  ["M1 1AE", ["address"]],
  ["Springfield, IL 62704", ["address"]],
  ["my NHS number is 943 476 5919", ["health_number"]],
  ["NHS 9434765919", ["health_number"]],
  ["SSN 078-05-1120", ["health_number"]],
  ["Versichertennummer A123456780", ["health_number"]],
  ["numéro de sécu 1 85 05 78 006 084 91", ["health_number"]],
  ["185057800608491", ["health_number"]],
  ["MBI 1EG4-TE5-MK73", ["health_number"]],
  ["Medicare 2123 45670 1", ["health_number"]],
  [
    "I'm at 12 Baker Street, call 07700 900123 or write to jo@example.com, NHS 943 476 5919",
    ["email", "phone", "address", "health_number"],
  ],
];

/** Wording from real dystonia posts (and ../shared/seed-article.txt): doses, dates, times, counts, levels. */
const negatives = [
  "Botox 300 units every 12 weeks, the last one on 2026-12-01 at 10:30",
  "200 mg three times a day, now 0.5 mg at night",
  "3 months since my DBS at 2.5 V, 60 µs, 130 Hz",
  "C5-C6 fusion in 2019, C4-C5 next year",
  "In 2019 Dr Patel said the Tsui score was 12",
  "appointment 01.12.2026 14:00",
  "12/05/2024 13:45",
  "ISBN 0-306-40615-2 is the book my neurologist recommended",
  "rate the pain 0 1 2 3 4 5 6 7 8 9 10",
  "0.5 0.25 mg of clonazepam",
  "My 3 Month Road to Recovery",
  "My 10 Year Road To Acceptance",
  "1,000,000 people live with dystonia",
  "I walked 5 miles down the road today",
  "B12 1MG and vitamin D 1000 IU",
  "took 2.5 mg at 08:00 and 14:00",
  "from 1998 to 2004, 2010 and 2012",
  "version 1.2.3.4 of the app",
  "Dystonia affects about 1 in 1000 people",
  "between 100 and 200 units of Dysport, 500 units once",
  "I am 45 years old with 3 kids",
  "Room 101 at the clinic",
  "2024 2025 2026 were hard years",
  "3 x 100 units in each side",
  "wait 20-30 minutes for it to work",
  "see pages 123-130",
  "1 2 3 4 5 6 7 8 9",
  "TWSTRS went from 45 to 32 after 6 weeks",
  "baclofen 10 mg, trihexyphenidyl 2 mg twice daily, 4 weeks later 6 mg",
  "Cervical dystonia (neck), blepharospasm (eyelids), and writer's cramp (hand and arm).",
  "Deep brain stimulation (DBS) can be effective for severe cases.",
  "I'm on Dr Smith's list at St Mary's since 2021",
  "BMI 23.5, BP 120/80, HR 72",
  "Nov 3, 2026 or 3/11/2026",
  "@alex thanks, see you at 7",
  "price £1,250.00 for the brace",
  "25% better, 2x a day, 10-15 reps",
];

describe("findPersonalData", () => {
  it.each(positives)("finds %j", (text, kinds) => {
    expect(findPersonalData(text)).toEqual(kinds);
  });

  it.each(negatives)("stays quiet about %j", (text) => {
    expect(findPersonalData(text)).toEqual([]);
  });

  it("names each kind once, in the fixed order", () => {
    const text = "NHS 943 476 5919, a@b.io, c@d.io, 07700 900123, 020 7946 0958, SW1A 1AA, 12 Baker Street";
    expect(findPersonalData(text)).toEqual(["email", "phone", "address", "health_number"]);
  });

  it("looks at the first 20,000 characters only", () => {
    expect(findPersonalData(`${"a ".repeat(10_000)}call 07700 900123`)).toEqual([]);
    expect(findPersonalData(`${"a ".repeat(9_000)}call 07700 900123`)).toEqual(["phone"]);
  });

  it("takes linear time on hostile input (no catastrophic backtracking)", () => {
    const hostile = [
      "1 ".repeat(10_000),
      "1".repeat(20_000),
      "(1)".repeat(6_000),
      "a.".repeat(10_000) + "@",
      "a".repeat(19_990) + "@b",
      "A ".repeat(10_000),
      "12 Aaaa ".repeat(2_500),
      `${"+1-".repeat(6_000)}`,
      "Straßestraße".repeat(1_600),
      "1 rue de de de ".repeat(1_300),
    ];
    for (const text of hostile) {
      const started = performance.now();
      findPersonalData(text);
      expect(performance.now() - started, text.slice(0, 20)).toBeLessThan(500);
    }
  });
});

describe("check digits", () => {
  it("NHS mod 11", () => {
    expect(nhsCheckOk("9434765919")).toBe(true);
    expect(nhsCheckOk("9434765918")).toBe(false);
    // A wrong check digit is no NHS number, but 3-3-4 digits still read as a North American phone number.
    expect(findPersonalData("943 476 5918")).toEqual(["phone"]);
    expect(findPersonalData("943-476-5919")).toEqual(["health_number"]);
  });
  it("KVNR", () => {
    expect(kvnrCheckOk("A123456780")).toBe(true);
    expect(kvnrCheckOk("A123456781")).toBe(false);
    expect(findPersonalData("part A123456781")).toEqual([]);
  });
  it("NIR key 97", () => {
    expect(nirCheckOk("1 85 05 78 006 084 91")).toBe(true);
    expect(nirCheckOk("1 85 05 78 006 084 36")).toBe(false);
  });
});

describe("personalDataQuestion", () => {
  it("asks gently and names what it saw", () => {
    expect(personalDataQuestion(["phone", "email"])).toBe(
      "This looks like personal information (a phone number and an e-mail address). Anyone who can read this group will see it. Post anyway?",
    );
    expect(personalDataQuestion(["email", "phone", "address"])).toBe(
      "This looks like personal information (an e-mail address, a phone number and a street address). Anyone who can read this group will see it. Post anyway?",
    );
    expect(personalDataQuestion(["health_number"], "room")).toBe(
      "This looks like personal information (a health or insurance number). Anyone in this room will see it. Send anyway?",
    );
    expect(personalDataQuestion(["phone"], "event")).toMatch(/Anyone who can see this event will see it\. Save anyway\?$/);
  });
});
