import { sql } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { action as calendarAction, loader as calendarLoader } from "#app/routes/calendar._index";
import { loader as feedLoader } from "#app/routes/calendar.$token.events[.ics]";
import { action as eventPageAction } from "#app/routes/events.$eventId._index/route";
import { action as editEventAction } from "#app/routes/events.$eventId.edit";
import { action as newEventAction } from "#app/routes/events.new";
import { groups, organizationMembers, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

const ORIGIN = "http://localhost";
const eventFields = {
  organizationId: "org-a",
  groupId: "g-pub",
  title: "Stretching session",
  description: "Gentle stretches.",
  timeZone: "Europe/Berlin",
  startsAt: "2030-06-01T18:00",
  endsAt: "2030-06-01T20:00",
  format: "in_person",
  location: "Town hall",
  onlineUrl: "",
  capacity: "1",
  registrationDeadline: "",
};

/**
 * The personal calendar feed through the real routes: /calendar only reads (the secret address is made
 * by an explicit POST), a waitlisted place is TENTATIVE, and SEQUENCE counts the edits a calendar
 * app shows, however close together they come.
 */
describe(`calendar feeds on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, goer: Member, waiter: Member;
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const form = (fields: Record<string, string>) =>
    new URLSearchParams(fields).toString();
  const post = (path: string, fields: Record<string, string>) =>
    new Request(`${ORIGIN}${path}`, { method: "POST", body: form(fields), headers: { "Content-Type": "application/x-www-form-urlencoded" } });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-a", slug: "org-a", name: "Org A" });
    await t.app.db.insert(groups).values({ id: "g-pub", slug: "public-group", name: "Public group", organizationId: "org-a" });
    owner = await createMember(t.app, "Owner");
    goer = await createMember(t.app, "Goer");
    waiter = await createMember(t.app, "Waiter");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-a", userId: owner.id, role: "owner" });
  });
  afterAll(() => t.close());

  /** Rows in every table of the schema: a loader that writes anything changes one of these. */
  async function rowCounts(): Promise<Record<string, number>> {
    const tables = rowsOf<{ name: string }>(
      await t.app.db.execute(sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`),
    );
    const counts: Record<string, number> = {};
    for (const { name } of tables) {
      const [row] = rowsOf<{ n: number }>(await t.app.db.execute(sql`select count(*)::int as n from ${sql.identifier(name)}`));
      counts[name] = row!.n;
    }
    return counts;
  }

  async function calendarPage(viewer: Member) {
    return (await calendarLoader({ request: new Request(`${ORIGIN}/calendar`), context: ctx(viewer), params: {} })) as unknown as { personal: string | null };
  }

  async function calendarPost(viewer: Member, intent: string) {
    const response = (await calendarAction({ request: post("/calendar", { intent }), context: ctx(viewer), params: {} })) as Response;
    return { status: response.status, body: (await response.json()) as { message: string } };
  }

  /** The personal feed (fetched by a calendar app: no cookies), parsed back with ical.js. */
  async function feedOf(viewer: Member) {
    const personal = (await calendarPage(viewer)).personal ?? (await calendarPost(viewer, "create"), (await calendarPage(viewer)).personal!);
    const token = /\/calendar\/([^/]+)\/events\.ics$/.exec(personal)![1]!;
    const response = await feedLoader({ request: new Request(personal), context: ctx(null), params: { token } });
    expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const calendar = new ICAL.Component(ICAL.parse(await response.text()));
    return calendar.getAllSubcomponents("vevent");
  }

  async function createEvent(fields: Record<string, string> = {}) {
    const response = (await newEventAction({ request: post("/events/new", { ...eventFields, ...fields }), context: ctx(owner), params: {} })) as Response;
    expect(response.status).toBe(302);
    return response.headers.get("Location")!.split("/").pop()!;
  }

  async function editEvent(id: string, fields: Record<string, string>) {
    const response = (await editEventAction({ request: post(`/events/${id}/edit`, { ...eventFields, ...fields }), context: ctx(owner), params: { eventId: id } })) as Response;
    expect(response.status).toBe(302);
  }

  async function eventIntent(viewer: Member, id: string, fields: Record<string, string>) {
    const response = (await eventPageAction({ request: post(`/events/${id}`, fields), context: ctx(viewer), params: { eventId: id } })) as Response;
    expect(response.status).toBe(200);
  }

  it("GET /calendar writes nothing; the secret address is created by POST “Create my calendar address”", async () => {
    const member = await createMember(t.app, "Reader");
    const before = await rowCounts();
    expect((await calendarPage(member)).personal).toBeNull();
    expect(await rowCounts()).toEqual(before);

    const created = await calendarPost(member, "create");
    expect(created.status).toBe(200);
    const personal = (await calendarPage(member)).personal;
    expect(personal).toMatch(/^http:\/\/localhost\/calendar\/[A-Za-z0-9_-]{40,}\/events\.ics$/);
    const afterCreate = await rowCounts();
    expect(afterCreate.calendar_feeds).toBe(before.calendar_feeds! + 1);
    // Reading it again writes nothing either, and creating twice keeps the same address.
    expect((await calendarPage(member)).personal).toBe(personal);
    await calendarPost(member, "create");
    expect((await calendarPage(member)).personal).toBe(personal);
    expect(await rowCounts()).toEqual(afterCreate);

    // Reset still replaces it; an unknown intent is refused.
    await calendarPost(member, "reset");
    expect((await calendarPage(member)).personal).not.toBe(personal);
    expect((await calendarPost(member, "delete-everything")).status).toBe(400);
  });

  it("shows a waitlisted place as TENTATIVE in the personal feed, CONFIRMED once promoted", async () => {
    const id = await createEvent({ title: "Small meetup" });
    await eventIntent(goer, id, { intent: "rsvp" });
    await eventIntent(waiter, id, { intent: "rsvp" });
    const uid = `event-${id}@hearth`;
    const statusIn = async (viewer: Member) => (await feedOf(viewer)).find((e) => e.getFirstPropertyValue("uid") === uid)?.getFirstPropertyValue("status");
    expect(await statusIn(goer)).toBe("CONFIRMED");
    expect(await statusIn(waiter)).toBe("TENTATIVE");
    const waiting = (await feedOf(waiter)).find((e) => e.getFirstPropertyValue("uid") === uid)!;
    expect(waiting.getFirstPropertyValue("description")).toMatch(/^You are on the waitlist/);

    await eventIntent(goer, id, { intent: "cancel-rsvp" });
    expect(await statusIn(waiter)).toBe("CONFIRMED");
  });

  it("counts SEQUENCE per edit (two edits in the same second are 1 and 2); edits a calendar doesn't show keep it", async () => {
    const id = await createEvent({ title: "Revised event", capacity: "" });
    await eventIntent(goer, id, { intent: "rsvp" });
    const uid = `event-${id}@hearth`;
    const sequence = async () => (await feedOf(goer)).find((e) => e.getFirstPropertyValue("uid") === uid)!.getFirstPropertyValue("sequence");
    expect(await sequence()).toBe(0);
    await editEvent(id, { title: "Revised event, new title", capacity: "" });
    await editEvent(id, { title: "Revised event, new title", location: "Library, room 2", capacity: "" });
    expect(await sequence()).toBe(2);
    // Capacity is not in the calendar entry: no new revision.
    await editEvent(id, { title: "Revised event, new title", location: "Library, room 2", capacity: "50" });
    expect(await sequence()).toBe(2);
    await eventIntent(owner, id, { intent: "cancel-event", confirm: "yes" });
    const cancelled = (await feedOf(goer)).find((e) => e.getFirstPropertyValue("uid") === uid)!;
    expect(cancelled.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(cancelled.getFirstPropertyValue("sequence")).toBe(3);
  });
});
