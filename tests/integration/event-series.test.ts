import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRRule } from "#app/lib/rrule";
import { toWallClockInput, wallClockToUtc } from "#app/lib/time";
import type { EventInput } from "#app/modules/events/events.schema";
import { rsvpToEvent } from "#app/modules/events/rsvps.server";
import { cancelSeriesRsvps, createSeries, rsvpToSeries, seriesPanel, updateOccurrence } from "#app/modules/events/series.server";
import { cancelEvent, getEvent } from "#app/modules/events/events.server";
import { action as newEventAction } from "#app/routes/events.new";
import { action as editEventAction } from "#app/routes/events.$eventId.edit";
import { action as eventPageAction } from "#app/routes/events.$eventId._index/route";
import { eventRsvps, events, eventSeries, groupMemberships, groups, organizationMembers, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure, outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;
const ZONE = "Europe/Berlin";
const at = (wall: string, zone = ZONE) => {
  const r = wallClockToUtc(wall, zone);
  if (!r.ok) throw new Error(wall);
  return r.instant;
};

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = at("2030-03-05T18:00");
  return {
    organizationId: "org-a",
    groupId: null,
    title: "Fortnightly circle",
    description: "",
    timeZone: ZONE,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
    format: "online",
    location: null,
    onlineUrl: "https://meet.example/circle",
    capacity: null,
    registrationDeadline: null,
    ...over,
  };
}

const form: Record<string, string> = {
  organizationId: "org-a",
  groupId: "",
  title: "Route series",
  description: "",
  timeZone: ZONE,
  startsAt: "2030-03-05T18:00",
  endsAt: "2030-03-05T20:00",
  format: "online",
  location: "",
  onlineUrl: "https://meet.example/route",
  capacity: "",
  registrationDeadline: "",
  repeat: "biweekly",
  repeatEnds: "count",
  repeatCount: "6",
  repeatUntil: "",
};

describe(`recurring series on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;
  let member: Member;
  let other: Member;
  let outsider: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await t.app.db.insert(groups).values({ id: "g-priv", slug: "private-group", name: "Private group", organizationId: "org-a", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Owner");
    member = await createMember(t.app, "Member");
    other = await createMember(t.app, "Other");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-a", userId: owner.id, role: "owner" },
      { organizationId: "org-b", userId: outsider.id, role: "owner" },
    ]);
    await t.app.db.insert(groupMemberships).values({ groupId: "g-priv", userId: member.id, role: "member", status: "active" });
    await t.app.jobs.start(t.app);
  });
  afterAll(() => t.close());

  const rowsOf = (seriesId: string) => t.app.db.select().from(events).where(eq(events.seriesId, seriesId)).orderBy(asc(events.recurrenceId));
  const seriesRow = async (id: string) => (await t.app.db.select().from(eventSeries).where(eq(eventSeries.id, id)))[0]!;
  const countEvents = async () => (await t.app.db.select({ id: events.id }).from(events)).length;

  it("creates every occurrence in one go; 18:00 stays 18:00 across the March change while the UTC instants move", async () => {
    const { id, seriesId, count } = await createSeries(t.app, owner, input({ capacity: 12 }), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6");
    expect(count).toBe(6);
    const rows = await rowsOf(seriesId);
    expect(rows[0]!.id).toBe(id);
    expect(rows.map((r) => toWallClockInput(r.startsAt, ZONE))).toEqual([
      "2030-03-05T18:00",
      "2030-03-19T18:00",
      "2030-04-02T18:00",
      "2030-04-16T18:00",
      "2030-04-30T18:00",
      "2030-05-14T18:00",
    ]);
    // Berlin changes to summer time on 31 March 2030: the stored instants are an hour apart in UTC.
    expect(rows[1]!.startsAt.toISOString()).toBe("2030-03-19T17:00:00.000Z");
    expect(rows[2]!.startsAt.toISOString()).toBe("2030-04-02T16:00:00.000Z");
    for (const r of rows) {
      expect(r.recurrenceId!.getTime()).toBe(r.startsAt.getTime());
      expect(r.endsAt.getTime() - r.startsAt.getTime()).toBe(2 * 3_600_000);
      expect(r.capacity).toBe(12);
      expect(r.detached).toBe(false);
    }
    expect((await seriesRow(seriesId)).rrule).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6");
    const panel = await seriesPanel(t.app, member, await getEvent(t.app, member, id));
    expect(panel?.description).toBe("Repeats every 2 weeks on Tuesday, 6 times");
    expect(panel?.upcoming).toHaveLength(6);
  });

  it("refuses hostile rules and forged organizers, storing nothing", async () => {
    const before = await countEvents();
    for (const rule of ["FREQ=SECONDLY;UNTIL=21260101", "FREQ=WEEKLY;BYDAY=TU;UNTIL=21300101", "FREQ=WEEKLY;BYDAY=TU;COUNT=500", "FREQ=WEEKLY;BYDAY=WE;COUNT=3", "FREQ=WEEKLY;BYDAY=TU;UNTIL=20300230"]) {
      expect(await outcome(createSeries(t.app, owner, input(), rule)), rule).toBe("invalid");
    }
    expect(await outcome(createSeries(t.app, outsider, input(), "FREQ=WEEKLY;BYDAY=TU;COUNT=3"))).toBe("forbidden");
    expect(await outcome(createSeries(t.app, member, input(), "FREQ=WEEKLY;BYDAY=TU;COUNT=3"))).toBe("forbidden");
    expect(await countEvents()).toBe(before);
  });

  it("'this event' edits one row and marks it detached", async () => {
    const { seriesId } = await createSeries(t.app, owner, input(), "FREQ=WEEKLY;BYDAY=TU;COUNT=4");
    const rows = await rowsOf(seriesId);
    const target = rows[1]!;
    await updateOccurrence(t.app, owner, target.id, input({ title: "Special guest", startsAt: at("2030-03-13T19:00"), endsAt: at("2030-03-13T21:00") }), "this");
    const after = await rowsOf(seriesId);
    expect(after[1]).toMatchObject({ title: "Special guest", detached: true, sequence: 1 });
    expect(toWallClockInput(after[1]!.startsAt, ZONE)).toBe("2030-03-13T19:00");
    // The slot the rule gave it is kept (ICS RECURRENCE-ID).
    expect(after[1]!.recurrenceId!.getTime()).toBe(target.recurrenceId!.getTime());
    for (const i of [0, 2, 3]) expect(after[i]).toMatchObject({ title: "Fortnightly circle", detached: false, sequence: 0 });
  });

  it("'all events' moves every occurrence to the new time of day, each keeping its date, and bumps SEQUENCE", async () => {
    const { seriesId } = await createSeries(t.app, owner, input(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=4");
    const rows = await rowsOf(seriesId);
    await updateOccurrence(t.app, owner, rows[2]!.id, input({ title: "Evening circle", startsAt: at("2030-04-02T19:30"), endsAt: at("2030-04-02T21:00") }), "all");
    const after = await rowsOf(seriesId);
    expect(after.map((r) => toWallClockInput(r.startsAt, ZONE))).toEqual(["2030-03-05T19:30", "2030-03-19T19:30", "2030-04-02T19:30", "2030-04-16T19:30"]);
    for (const r of after) {
      expect(r).toMatchObject({ title: "Evening circle", seriesId, sequence: 1 });
      expect(r.endsAt.getTime() - r.startsAt.getTime()).toBe(90 * 60_000);
      expect(r.recurrenceId!.getTime()).toBe(r.startsAt.getTime());
    }
    expect((await seriesRow(seriesId)).sequence).toBe(1);
  });

  it("'this and following' splits: the old series ends before, keeps its rows as they were; the new series owns the rest", async () => {
    const { seriesId } = await createSeries(t.app, owner, input(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=6");
    const rows = await rowsOf(seriesId);
    const r = await updateOccurrence(t.app, owner, rows[3]!.id, input({ title: "New room", startsAt: at("2030-04-16T17:00"), endsAt: at("2030-04-16T19:00") }), "following");
    expect(r.seriesId).not.toBe(seriesId);
    const old = await rowsOf(seriesId);
    expect(old.map((o) => o.id)).toEqual(rows.slice(0, 3).map((o) => o.id));
    old.forEach((o, i) => {
      expect(o).toMatchObject({ title: "Fortnightly circle", sequence: 0 });
      expect(o.startsAt.getTime()).toBe(rows[i]!.startsAt.getTime());
    });
    const oldRule = parseRRule((await seriesRow(seriesId)).rrule);
    expect(oldRule.ok && oldRule.rule.until?.getTime()).toBe(rows[2]!.recurrenceId!.getTime());
    expect(oldRule.ok && oldRule.rule.count).toBeNull();
    const moved = await rowsOf(r.seriesId!);
    expect(moved.map((o) => o.id)).toEqual(rows.slice(3).map((o) => o.id));
    expect(moved.map((o) => toWallClockInput(o.startsAt, ZONE))).toEqual(["2030-04-16T17:00", "2030-04-30T17:00", "2030-05-14T17:00"]);
    for (const o of moved) expect(o).toMatchObject({ title: "New room", sequence: 1 });
    expect((await seriesRow(r.seriesId!)).rrule).toBe("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=3");
    // Moving the date of several events at once is refused next to the start field.
    const moveDate = await updateOccurrence(t.app, owner, moved[1]!.id, input({ startsAt: at("2030-05-01T17:00"), endsAt: at("2030-05-01T19:00") }), "following").catch((e) => e);
    expect(moveDate.fieldErrors?.startsAt?.[0]).toMatch(/only the time of day/);
  });

  it("'going to all upcoming' takes a place where there is one and the waitlist where it's full; cancel all frees them", async () => {
    const { seriesId } = await createSeries(t.app, owner, input({ capacity: 1 }), "FREQ=WEEKLY;BYDAY=TU;COUNT=4");
    const rows = await rowsOf(seriesId);
    await rsvpToEvent(t.app, other, rows[2]!.id);
    const tally = await rsvpToSeries(t.app, member, rows[0]!.id);
    expect(tally).toEqual({ going: 3, waitlisted: 1, skipped: 0 });
    const mine = await t.app.db.select({ eventId: eventRsvps.eventId, status: eventRsvps.status }).from(eventRsvps).where(eq(eventRsvps.userId, member.id));
    const statusOf = (id: string) => mine.find((m) => m.eventId === id)?.status;
    expect(rows.map((r) => statusOf(r.id))).toEqual(["going", "going", "waitlisted", "going"]);
    // Twice is harmless: the same places are reported.
    expect(await rsvpToSeries(t.app, member, rows[0]!.id)).toEqual({ going: 3, waitlisted: 1, skipped: 0 });
    expect(await cancelSeriesRsvps(t.app, member, rows[1]!.id)).toEqual({ cancelled: 4 });
    const live = await t.app.db
      .select()
      .from(eventRsvps)
      .where(and(eq(eventRsvps.userId, member.id), eq(eventRsvps.status, "going")));
    expect(live.filter((l) => rows.some((r) => r.id === l.eventId))).toHaveLength(0);
  });

  it("cancelling one occurrence cancels only its row; the series panel lists it as cancelled and 'all upcoming' skips it", async () => {
    const { seriesId } = await createSeries(t.app, owner, input(), "FREQ=WEEKLY;BYDAY=TU;COUNT=3");
    const rows = await rowsOf(seriesId);
    await cancelEvent(t.app, owner, rows[1]!.id);
    expect((await rowsOf(seriesId)).map((r) => r.status)).toEqual(["scheduled", "cancelled", "scheduled"]);
    const panel = await seriesPanel(t.app, member, await getEvent(t.app, member, rows[0]!.id));
    expect(panel?.upcoming.map((o) => o.status)).toEqual(["scheduled", "cancelled", "scheduled"]);
    expect(await rsvpToSeries(t.app, member, rows[0]!.id)).toEqual({ going: 2, waitlisted: 0, skipped: 0 });
  });

  it("an 'all' edit racing series RSVPs never leaves an occurrence over its capacity", async () => {
    const { seriesId } = await createSeries(t.app, owner, input({ capacity: 3 }), "FREQ=WEEKLY;BYDAY=TU;COUNT=3");
    const rows = await rowsOf(seriesId);
    const results = await Promise.allSettled([
      rsvpToSeries(t.app, member, rows[0]!.id),
      updateOccurrence(t.app, owner, rows[0]!.id, input({ capacity: 1, startsAt: at("2030-03-05T19:00"), endsAt: at("2030-03-05T21:00") }), "all"),
      rsvpToSeries(t.app, other, rows[0]!.id),
    ]);
    expect(results[0]!.status).toBe("fulfilled");
    expect(results[2]!.status).toBe("fulfilled");
    for (const r of await rowsOf(seriesId)) {
      const going = await t.app.db.select().from(eventRsvps).where(and(eq(eventRsvps.eventId, r.id), eq(eventRsvps.status, "going")));
      expect(going.length).toBeLessThanOrEqual(r.capacity ?? Infinity);
    }
  });

  it("an 'all' edit lowering the capacity refuses by default and, with 'move', sends each occurrence's latest RSVP back to the waitlist", async () => {
    const { seriesId } = await createSeries(t.app, owner, input({ capacity: 2 }), "FREQ=WEEKLY;BYDAY=TU;COUNT=2");
    const rows = await rowsOf(seriesId);
    await rsvpToSeries(t.app, member, rows[0]!.id);
    await rsvpToSeries(t.app, other, rows[0]!.id);
    const lower = input({ capacity: 1 });
    expect((await failure(updateOccurrence(t.app, owner, rows[0]!.id, lower, "all"))).fieldErrors?.capacity?.[0]).toMatch(/capacity can.t be lower/);
    await updateOccurrence(t.app, owner, rows[0]!.id, lower, "all", { overflow: "move" });
    for (const r of await rowsOf(seriesId)) {
      expect(r.capacity).toBe(1);
      const replies = await t.app.db.select({ userId: eventRsvps.userId, status: eventRsvps.status }).from(eventRsvps).where(eq(eventRsvps.eventId, r.id));
      expect(Object.fromEntries(replies.map((x) => [x.userId, x.status]))).toEqual({ [member.id]: "going", [other.id]: "waitlisted" });
    }
  });

  it("keeps a private group's series private: outsiders get 404, forged organizer edits 403/404, through the routes", async () => {
    const { seriesId } = await createSeries(t.app, owner, input({ groupId: "g-priv" }), "FREQ=WEEKLY;BYDAY=TU;COUNT=3");
    const rows = await rowsOf(seriesId);
    const context = (viewer: Member) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
    const post = async (action: typeof editEventAction, path: string, viewer: Member, fields: Record<string, string>) => {
      const request = new Request(`http://localhost${path}`, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      try {
        const res = (await action({ request, context: context(viewer), params: { eventId: rows[0]!.id } })) as Response;
        return res.status;
      } catch (thrown) {
        if (thrown instanceof Response) return thrown.status;
        throw thrown;
      }
    };
    const edit = { ...form, groupId: "g-priv", title: "Hijacked", scope: "all" };
    expect(await post(editEventAction, `/events/${rows[0]!.id}/edit`, outsider, edit)).toBe(404);
    expect(await post(editEventAction, `/events/${rows[0]!.id}/edit`, member, edit)).toBe(403);
    expect(await post(eventPageAction, `/events/${rows[0]!.id}`, outsider, { intent: "rsvp-series" })).toBe(404);
    expect((await rowsOf(seriesId)).every((r) => r.title === "Fortnightly circle")).toBe(true);
    expect(await outcome(updateOccurrence(t.app, outsider, rows[1]!.id, input({ groupId: "g-priv" }), "following"))).toBe("not_found");
    // A member of the group answers the whole series through the page's action.
    expect(await post(eventPageAction, `/events/${rows[0]!.id}`, member, { intent: "rsvp-series" })).toBe(200);
  });

  describe("the new-event form's Repeats choices through the route action", () => {
    const post = async (fields: Record<string, string>) => {
      const request = new Request("http://localhost/events/new", { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      const context = { app: t.app, viewer: owner, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      const response = (await newEventAction({ request, context, params: {} })) as Response;
      const data = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as { error?: Record<string, string[] | null> }) : null;
      return { status: response.status, location: response.headers.get("Location"), errors: data?.error ?? {} };
    };

    const hostile: [string, Record<string, string>, string, RegExp][] = [
      ["every hour", { repeat: "hourly" }, "repeat", /how the event repeats/],
      ["1000 times", { repeatCount: "1000" }, "repeatCount", /At most 104/],
      ["1 time", { repeatCount: "1" }, "repeatCount", /at least 2/],
      ["a count that is not a number", { repeatCount: "lots" }, "repeatCount", /whole number/],
      ["no count", { repeatCount: "" }, "repeatCount", /how many/],
      ["an invalid end date", { repeatEnds: "until", repeatUntil: "2030-02-30" }, "repeatUntil", /doesn't exist/],
      ["a century", { repeatEnds: "until", repeatUntil: "2130-01-01" }, "repeatUntil", /two years|104/],
      ["an end before the start", { repeatEnds: "until", repeatUntil: "2030-01-01" }, "repeatUntil", /on or after/],
      ["an unknown end kind", { repeatEnds: "never" }, "repeatEnds", /when the repeats end/],
      ["a zone that does not exist", { timeZone: "Mars/Olympus_Mons" }, "timeZone", /real time zone/],
      ["monthly on the 31st", { repeat: "monthly_day", startsAt: "2030-05-31T18:00", endsAt: "2030-05-31T20:00" }, "repeat", /Not every month/],
    ];
    for (const [name, override, field, message] of hostile) {
      it(`refuses ${name} with a message on ${field} and stores nothing`, async () => {
        const before = await countEvents();
        const r = await post({ ...form, ...override });
        expect(r.status).toBe(400);
        expect((r.errors[field] ?? []).join(" ")).toMatch(message);
        expect(await countEvents()).toBe(before);
      });
    }

    it("creates a monthly series on the nth weekday from the chosen start", async () => {
      const r = await post({ ...form, repeat: "monthly_nth", repeatCount: "3" });
      expect(r.status).toBe(302);
      const id = r.location!.split("/").pop()!;
      const [first] = await t.app.db.select().from(events).where(eq(events.id, id));
      expect((await seriesRow(first!.seriesId!)).rrule).toBe("FREQ=MONTHLY;BYDAY=1TU;COUNT=3");
      expect((await rowsOf(first!.seriesId!)).map((o) => toWallClockInput(o.startsAt, ZONE))).toEqual(["2030-03-05T18:00", "2030-04-02T18:00", "2030-05-07T18:00"]);
    });
  });
});
