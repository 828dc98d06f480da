import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventFormSchema, type EventInput } from "#app/modules/events/events.schema";
import { attendeesCsv, cancelEvent, createEvent, getEvent, listAttendees, listEvents, updateEvent } from "#app/modules/events/events.server";
import { eventCalendar, createFeedToken, groupCalendar, resetFeedToken, userCalendar } from "#app/modules/events/feeds.server";
import { cancelRsvp, rsvpToEvent } from "#app/modules/events/rsvps.server";
import { listNotifications, markRead, unreadCount } from "#app/modules/notifications/notifications.server";
import { eventRsvps, events, groupMemberships, groups, organizationMembers, organizations, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { outcome } from "#tests/helpers/errors";

type Member = Awaited<ReturnType<typeof createMember>>;

const code = outcome;

const DAY = 86_400_000;
const ORIGIN = "https://hearth.example";
const SECRET_LINK = "https://meet.example/secret-room-42";

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = new Date(Date.now() + 7 * DAY);
  return {
    organizationId: "org-a",
    groupId: null,
    title: "Stretching session",
    description: "Gentle neck stretches, **at your own pace**.",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
    format: "online",
    location: null,
    onlineUrl: SECRET_LINK,
    capacity: null,
    registrationDeadline: null,
    ...over,
  };
}

describe(`events on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;
  let orgMod: Member;
  let privateMember: Member;
  let outsider: Member;

  beforeAll(async () => {
    t = await createTestApp();
    const db = t.app.db;
    await db.insert(organizations).values([
      { id: "org-a", slug: "org-a", name: "Org A" },
      { id: "org-b", slug: "org-b", name: "Org B" },
    ]);
    await db.insert(groups).values([
      { id: "g-pub", slug: "public-group", name: "Public group", organizationId: "org-a" },
      { id: "g-priv", slug: "private-group", name: "Private group", organizationId: "org-a", visibility: "private", joinPolicy: "approval" },
      { id: "g-other", slug: "other-group", name: "Other group", organizationId: "org-b" },
    ]);
    owner = await createMember(t.app, "Owner");
    orgMod = await createMember(t.app, "OrgMod");
    privateMember = await createMember(t.app, "Insider");
    outsider = await createMember(t.app, "Outsider");
    await db.insert(organizationMembers).values([
      { organizationId: "org-a", userId: owner.id, role: "owner" },
      { organizationId: "org-a", userId: orgMod.id, role: "moderator" },
    ]);
    await db.insert(groupMemberships).values({ groupId: "g-priv", userId: privateMember.id, role: "member", status: "active" });
    // Event notices are recorded by the fan-out job after the change commits.
    await t.app.jobs.start(t.app);
  });
  afterAll(() => t.close());

  it("lets organization staff create events, and nobody else", async () => {
    expect(await code(createEvent(t.app, outsider, input()))).toBe("forbidden");
    expect(await code(createEvent(t.app, null, input()))).toBe("unauthenticated");
    expect(await code(createEvent(t.app, owner, input({ organizationId: "org-b" })))).toBe("forbidden");
    expect(await code(createEvent(t.app, owner, input({ groupId: "g-other" })))).toBe("invalid");
    expect(await code(createEvent(t.app, owner, input({ organizationId: "nope" })))).toBe("invalid");
    const { id } = await createEvent(t.app, orgMod, input({ groupId: "g-pub" }));
    const e = await getEvent(t.app, null, id);
    expect(e).toMatchObject({ title: "Stretching session", timeZone: "Europe/Berlin", status: "scheduled", group: { slug: "public-group" } });
  });

  it("fills places, then the waitlist in order, and promotes the first waiting member when someone cancels", async () => {
    const { id } = await createEvent(t.app, owner, input({ capacity: 2, title: "Small meetup" }));
    const [a, b, c, d] = await Promise.all([1, 2, 3, 4].map((i) => createMember(t.app, `Rsvp${i}`)));
    expect(await rsvpToEvent(t.app, a!, id)).toEqual({ status: "going", position: null });
    expect(await rsvpToEvent(t.app, b!, id)).toEqual({ status: "going", position: null });
    expect(await rsvpToEvent(t.app, c!, id)).toEqual({ status: "waitlisted", position: 1 });
    expect(await rsvpToEvent(t.app, d!, id)).toEqual({ status: "waitlisted", position: 2 });
    // Idempotent: a double click changes nothing.
    expect(await rsvpToEvent(t.app, d!, id)).toEqual({ status: "waitlisted", position: 2 });
    expect(await code(rsvpToEvent(t.app, null, id))).toBe("unauthenticated");

    const page = await getEvent(t.app, d!, id);
    expect(page).toMatchObject({ goingCount: 2, waitlistCount: 2, spotsLeft: 0, myRsvp: "waitlisted", waitlistPosition: 2 });

    expect(await cancelRsvp(t.app, a!, id)).toEqual({ previous: "going", promoted: [c!.id] });
    await fanoutsDone(t.app);
    expect((await getEvent(t.app, c!, id)).myRsvp).toBe("going");
    expect((await getEvent(t.app, d!, id)).waitlistPosition).toBe(1);
    const notes = await listNotifications(t.app, c!);
    expect(notes.notifications.map((n) => n.kind)).toEqual(["event_promoted"]);

    // Waitlisted members who cancel free nothing; the waitlist closes up behind them.
    expect(await cancelRsvp(t.app, d!, id)).toEqual({ previous: "waitlisted", promoted: [] });
    // Cancelling twice is harmless; a member can come back (to the end of the line).
    expect(await cancelRsvp(t.app, d!, id)).toEqual({ previous: null, promoted: [] });
    expect(await rsvpToEvent(t.app, a!, id)).toEqual({ status: "waitlisted", position: 1 });

    const { going, waitlist } = await listAttendees(t.app, owner, id);
    expect(going.map((r) => r.displayName)).toEqual([b!.displayName, c!.displayName]);
    expect(waitlist.map((r) => r.displayName)).toEqual([a!.displayName]);
    expect(await code(listAttendees(t.app, b!, id))).toBe("forbidden");

    // Raising the capacity promotes from the waitlist at once; lowering below those going is refused.
    await updateEvent(t.app, owner, id, input({ capacity: 3, title: "Small meetup", startsAt: page.startsAt, endsAt: page.endsAt }));
    await fanoutsDone(t.app);
    expect((await getEvent(t.app, a!, id)).myRsvp).toBe("going");
    expect((await listNotifications(t.app, a!)).notifications.map((n) => n.kind)).toEqual(["event_promoted"]);
    expect(await code(updateEvent(t.app, owner, id, input({ capacity: 1, title: "Small meetup", startsAt: page.startsAt, endsAt: page.endsAt })))).toBe("invalid");
  });

  it("closes RSVPs after the deadline and once the event has started", async () => {
    const { id } = await createEvent(t.app, owner, input({ registrationDeadline: new Date(Date.now() + DAY) }));
    await t.app.db.update(events).set({ registrationDeadline: new Date(Date.now() - 1000) }).where(eq(events.id, id));
    expect(await code(rsvpToEvent(t.app, outsider, id))).toBe("forbidden");
    expect((await getEvent(t.app, outsider, id)).closed).toBe(true);
    const started = await createEvent(t.app, owner, input());
    await t.app.db.update(events).set({ startsAt: new Date(Date.now() - 1000) }).where(eq(events.id, started.id));
    expect(await code(rsvpToEvent(t.app, outsider, started.id))).toBe("forbidden");
  });

  it("keeps private groups' events to their members: listing, page, ICS and feeds", async () => {
    const { id } = await createEvent(t.app, owner, input({ groupId: "g-priv", title: "Carers' evening" }));
    const titles = async (viewer: Member | null) => (await listEvents(t.app, viewer, { when: "upcoming" })).events.map((e) => e.title);
    expect(await titles(null)).not.toContain("Carers' evening");
    expect(await titles(outsider)).not.toContain("Carers' evening");
    expect(await titles(privateMember)).toContain("Carers' evening");
    expect(await titles(orgMod)).toContain("Carers' evening");
    expect(await code(getEvent(t.app, outsider, id))).toBe("not_found");
    expect(await code(getEvent(t.app, null, id))).toBe("not_found");
    expect(await code(rsvpToEvent(t.app, outsider, id))).toBe("not_found");
    expect(await code(eventCalendar(t.app, outsider, id, ORIGIN))).toBe("not_found");
    expect(await code(groupCalendar(t.app, outsider, "private-group", ORIGIN))).toBe("not_found");
    expect(await code(groupCalendar(t.app, null, "private-group", ORIGIN))).toBe("not_found");
    expect((await groupCalendar(t.app, privateMember, "private-group", ORIGIN)).ics).toContain("Carers' evening");
    expect(await code(listAttendees(t.app, outsider, id))).toBe("not_found");
    // Filtering by the private group's slug reveals nothing either.
    expect((await listEvents(t.app, outsider, { group: "private-group" })).events).toEqual([]);
  });

  it("shows the online link only to members who are going and to organizers, on pages and in ICS", async () => {
    const { id } = await createEvent(t.app, owner, input({ capacity: 1, groupId: "g-pub", title: "Q&A online" }));
    const goer = await createMember(t.app, "Goer");
    const waiter = await createMember(t.app, "Waiter");
    await rsvpToEvent(t.app, goer, id);
    await rsvpToEvent(t.app, waiter, id);
    for (const viewer of [null, outsider, waiter]) {
      const e = await getEvent(t.app, viewer, id);
      expect(e.onlineUrl).toBeNull();
      expect(e.hasOnlineLink).toBe(true);
      expect(JSON.stringify(e)).not.toContain("secret-room-42");
      const { ics } = await eventCalendar(t.app, viewer, id, ORIGIN);
      expect(ics).not.toContain("secret-room-42");
    }
    expect((await getEvent(t.app, goer, id)).onlineUrl).toBe(SECRET_LINK);
    expect((await getEvent(t.app, orgMod, id)).onlineUrl).toBe(SECRET_LINK);
    expect((await eventCalendar(t.app, goer, id, ORIGIN)).ics.replace(/\r\n /g, "")).toContain("secret-room-42");
    // Listings never carry it, not even for the organizer or those going.
    for (const viewer of [goer, orgMod]) {
      const listed = (await listEvents(t.app, viewer, {})).events.find((e) => e.id === id)!;
      expect(listed.onlineUrl).toBeNull();
    }
    // The group feed is shareable: no link, whoever fetches it.
    expect((await groupCalendar(t.app, goer, "public-group", ORIGIN)).ics.replace(/\r\n /g, "")).not.toContain("secret-room-42");
    // The personal feed carries it for events its owner is going to, not for waitlisted ones.
    const goerFeed = await userCalendar(t.app, await createFeedToken(t.app, goer), ORIGIN);
    expect(goerFeed.replace(/\r\n /g, "")).toContain("secret-room-42");
    const waiterFeed = await userCalendar(t.app, await createFeedToken(t.app, waiter), ORIGIN);
    expect(waiterFeed).toContain("Q&A online");
    expect(waiterFeed.replace(/\r\n /g, "")).not.toContain("secret-room-42");
  });

  it("serves personal feeds behind a token that can be reset", async () => {
    const m = await createMember(t.app, "Feeder");
    const token = await createFeedToken(t.app, m);
    expect(token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(await createFeedToken(t.app, m)).toBe(token);
    expect(await userCalendar(t.app, token, ORIGIN)).toContain("BEGIN:VCALENDAR");
    const fresh = await resetFeedToken(t.app, m);
    expect(fresh).not.toBe(token);
    expect(await code(userCalendar(t.app, token, ORIGIN))).toBe("not_found");
    expect(await userCalendar(t.app, fresh, ORIGIN)).toContain("BEGIN:VCALENDAR");
    await t.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, m.id));
    expect(await code(userCalendar(t.app, fresh, ORIGIN))).toBe("not_found");
  });

  it("notifies members who are going when the event changes or is cancelled; marks notices read", async () => {
    const { id } = await createEvent(t.app, owner, input({ title: "Changing event" }));
    const goer = await createMember(t.app, "Notified");
    await rsvpToEvent(t.app, goer, id);
    const e = await getEvent(t.app, owner, id);
    await updateEvent(t.app, owner, id, input({ title: "Changing event", startsAt: new Date(e.startsAt.getTime() + 3_600_000), endsAt: new Date(e.endsAt.getTime() + 3_600_000) }));
    await fanoutsDone(t.app);
    expect(await unreadCount(t.app, goer)).toBe(1);
    expect(await unreadCount(t.app, outsider)).toBe(0);
    await cancelEvent(t.app, orgMod, id);
    await fanoutsDone(t.app);
    const cancelled = await getEvent(t.app, goer, id);
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.cancelledByName).toBe(orgMod.displayName);
    expect(cancelled.permissions.rsvp).toBe(false);
    expect(await code(updateEvent(t.app, owner, id, input()))).toBe("forbidden");
    expect(await code(cancelEvent(t.app, goer, id))).toBe("forbidden");
    const { notifications } = await listNotifications(t.app, goer);
    expect(notifications.map((n) => n.kind)).toEqual(["event_cancelled", "event_changed"]);
    expect(notifications[1]!.body).toContain("It now starts");
    // Someone else's id is ignored; then one, then all.
    expect(await markRead(t.app, outsider, [notifications[0]!.id])).toBe(0);
    expect(await markRead(t.app, goer, [notifications[0]!.id])).toBe(1);
    expect(await unreadCount(t.app, goer)).toBe(1);
    expect(await markRead(t.app, goer)).toBe(1);
    expect(await unreadCount(t.app, goer)).toBe(0);
    // Cancelled events say so in the calendar.
    expect((await eventCalendar(t.app, goer, id, ORIGIN)).ics).toContain("STATUS:CANCELLED");
  });

  it("lists upcoming and past events by start time, filtered and keyset-paginated", async () => {
    const fresh = await createTestApp();
    try {
      await fresh.app.db.insert(organizations).values({ id: "o", slug: "o", name: "O" });
      await fresh.app.db.insert(groups).values({ id: "g", slug: "g", name: "G", organizationId: "o" });
      const base = Date.now() + DAY;
      const rows = Array.from({ length: 45 }, (_, i) => ({
        id: `e${String(i).padStart(2, "0")}`,
        organizationId: "o",
        groupId: i % 3 === 0 ? "g" : null,
        title: `Event ${i}`,
        startsAt: new Date(base + (i % 15) * 3_600_000),
        endsAt: new Date(base + (i % 15) * 3_600_000 + 3_600_000),
        timeZone: "UTC",
        format: i % 2 ? ("online" as const) : ("in_person" as const),
      }));
      rows.push({ id: "past", organizationId: "o", groupId: null, title: "Past", startsAt: new Date(Date.now() - 3 * DAY), endsAt: new Date(Date.now() - 2 * DAY), timeZone: "UTC", format: "online" });
      await fresh.app.db.insert(events).values(rows);
      const seen: string[] = [];
      let after: string | null | undefined;
      do {
        const page = await listEvents(fresh.app, null, { after: after ?? undefined });
        seen.push(...page.events.map((e) => e.id));
        after = page.nextCursor;
      } while (after);
      const expected = rows.filter((r) => r.id !== "past").sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.id.localeCompare(b.id)).map((r) => r.id);
      expect(seen).toEqual(expected);
      expect((await listEvents(fresh.app, null, { when: "past" })).events.map((e) => e.id)).toEqual(["past"]);
      expect((await listEvents(fresh.app, null, { group: "g" })).events.every((e) => e.group?.slug === "g")).toBe(true);
      expect((await listEvents(fresh.app, null, { format: "online" })).events.every((e) => e.format === "online")).toBe(true);
      expect((await listEvents(fresh.app, null, { organization: "nope" })).events).toEqual([]);
      // A tampered cursor is just the first page.
      expect((await listEvents(fresh.app, null, { after: "garbage" })).events[0]!.id).toBe(expected[0]);
    } finally {
      await fresh.close();
    }
  });

  it("exports attendees as CSV that a spreadsheet can't run as formulas", async () => {
    const { id } = await createEvent(t.app, owner, input({ title: "CSV event" }));
    const sneaky = await createMember(t.app, "Sneaky");
    await t.app.db.update(users).set({ displayName: '=HYPERLINK("http://evil.example","x")' }).where(eq(users.id, sneaky.id));
    await rsvpToEvent(t.app, sneaky, id);
    const { csv } = await attendeesCsv(t.app, owner, id);
    expect(csv.split("\r\n")[0]).toBe("status,position,display_name,rsvp_at_utc,attended");
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).not.toMatch(/(^|,)=/m);
    expect(await code(attendeesCsv(t.app, outsider, id))).toBe("forbidden");
  });

  it("stores the wall-clock time of the event's own zone across the autumn DST change", async () => {
    const schema = eventFormSchema({ requireFuture: false });
    const parsed = schema.parse({
      organizationId: "org-a",
      title: "DST evening",
      timeZone: "Europe/Berlin",
      startsAt: "2030-10-27T18:00",
      endsAt: "2030-10-27T20:00",
      format: "in_person",
      location: "Town hall",
    });
    // 27 Oct 2030 is the Sunday summer time ends in Berlin: 18:00 is CET (UTC+1), i.e. 17:00 UTC.
    expect(parsed.startsAt.toISOString()).toBe("2030-10-27T17:00:00.000Z");
    const { id } = await createEvent(t.app, owner, parsed);
    const [row] = await t.app.db.select({ startsAt: events.startsAt, timeZone: events.timeZone }).from(events).where(eq(events.id, id));
    expect(row!.startsAt.toISOString()).toBe("2030-10-27T17:00:00.000Z");
    expect(row!.timeZone).toBe("Europe/Berlin");
    const { ics } = await eventCalendar(t.app, null, id, ORIGIN);
    expect(ics).toContain("DTSTART:20301027T170000Z");
  });

  it("never leaves an RSVP row behind for events that vanish, and rejects unknown ids", async () => {
    expect(await code(getEvent(t.app, outsider, "does-not-exist"))).toBe("not_found");
    expect(await code(rsvpToEvent(t.app, outsider, "does-not-exist"))).toBe("not_found");
    const count = await t.app.db.select().from(eventRsvps).where(eq(eventRsvps.eventId, "does-not-exist"));
    expect(count).toEqual([]);
  });
});
