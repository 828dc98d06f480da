import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventRsvps, events, groupMemberships, groups, notifications, organizationMembers, organizations } from "#db/schema/index";
import type { EventInput } from "#app/modules/events/events.schema";
import { cancelEvent, createEvent, updateEvent } from "#app/modules/events/events.server";
import { cancelRsvp, rsvpToEvent } from "#app/modules/events/rsvps.server";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

const MIN = 60_000;
const HOUR = 60 * MIN;

// Events far enough ahead that real-time RSVP checks pass; the sweep only ever sees `app.clock`.
function input(startsAt: Date, over: Partial<EventInput> = {}): EventInput {
  return {
    organizationId: "org-rem",
    groupId: "g-rem-pub",
    title: "Peer support evening",
    description: "Tea and talk.",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * HOUR),
    format: "in_person",
    location: "Room 4, Community Centre",
    onlineUrl: null,
    capacity: null,
    registrationDeadline: null,
    ...over,
  };
}

describe(`event reminders (sweep "events.reminders", moving clock) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-rem", slug: "org-rem", name: "Reminder Org" });
    await t.app.db.insert(groups).values([
      { id: "g-rem-pub", slug: "rem-public", name: "Public circle", organizationId: "org-rem" },
      { id: "g-rem-priv", slug: "rem-private", name: "Private circle", organizationId: "org-rem", visibility: "private", joinPolicy: "approval" },
    ]);
    owner = await createMember(t.app, "Organizer");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-rem", userId: owner.id, role: "owner" });
  });
  afterAll(() => t.close());

  const at = (d: Date) => {
    t.app.clock = { now: () => d };
  };
  const sweepAt = async (d: Date) => {
    at(d);
    await runSweeps(t.app);
  };
  const reminders = (eventId: string) =>
    t.app.db
      .select({ userId: notifications.userId, title: notifications.title, dedupeKey: notifications.dedupeKey, link: notifications.link })
      .from(notifications)
      .where(and(eq(notifications.eventId, eventId), eq(notifications.kind, "event_reminder")));
  const keysOf = async (eventId: string, userId: string) =>
    (await reminders(eventId))
      .filter((r) => r.userId === userId)
      .map((r) => r.dedupeKey?.split(":")[0])
      .sort();
  const stamps = async (id: string) =>
    (await t.app.db.select({ day: events.reminder24hSentAt, hour: events.reminder1hSentAt }).from(events).where(eq(events.id, id)))[0]!;

  it("24 h before (not at 24 h 05), once however often or concurrently it sweeps; then 1 h before; only to those going", async () => {
    const start = new Date("2030-06-01T16:00:00Z"); // 18:00 in Berlin (CEST)
    const { id } = await createEvent(t.app, owner, input(start, { capacity: 1 }));
    const [going, waiting, withdrew, late] = [await createMember(t.app, "Going"), await createMember(t.app, "Waiting"), await createMember(t.app, "Withdrew"), await createMember(t.app, "Late")];
    const cap = await createEvent(t.app, owner, input(start, { title: "Other evening" }));
    expect((await rsvpToEvent(t.app, going, id)).status).toBe("going");
    expect((await rsvpToEvent(t.app, waiting, id)).status).toBe("waitlisted");
    await rsvpToEvent(t.app, withdrew, cap.id);
    await cancelRsvp(t.app, withdrew, cap.id);

    await sweepAt(new Date(start.getTime() - 24 * HOUR - 5 * MIN));
    expect(await reminders(id)).toEqual([]);
    expect(await stamps(id)).toEqual({ day: null, hour: null });

    const dayBefore = new Date(start.getTime() - 23 * HOUR - 59 * MIN);
    at(dayBefore);
    await Promise.all([runSweeps(t.app), runSweeps(t.app)]);
    await runSweeps(t.app);
    const sent = await reminders(id);
    expect(sent).toEqual([
      {
        userId: going.id,
        title: "Reminder: “Peer support evening” starts tomorrow at 18:00 CEST",
        dedupeKey: `reminder24:${id}:${start.toISOString()}`,
        link: `/events/${id}`,
      },
    ]);
    expect((await stamps(id)).day).toEqual(dayBefore);
    expect(await reminders(cap.id)).toEqual([]);

    // RSVPs after the 24 h reminder went out: not sent late, but the 1 h one comes.
    await t.app.db.update(events).set({ capacity: null }).where(eq(events.id, id));
    expect((await rsvpToEvent(t.app, late, id)).status).toBe("going");
    await sweepAt(new Date(start.getTime() - 2 * HOUR));
    expect(await keysOf(id, late.id)).toEqual([]);

    await sweepAt(new Date(start.getTime() - 59 * MIN));
    await sweepAt(new Date(start.getTime() - 58 * MIN));
    expect(await keysOf(id, going.id)).toEqual(["reminder1", "reminder24"]);
    expect(await keysOf(id, late.id)).toEqual(["reminder1"]);
    expect(await keysOf(id, waiting.id)).toEqual([]);
    const [hourly] = (await reminders(id)).filter((r) => r.userId === late.id);
    expect(hourly!.title).toBe("Reminder: “Peer support evening” starts within the hour, at 18:00 CEST");

    // Once it has started: nothing more.
    await sweepAt(new Date(start.getTime() + 5 * MIN));
    expect(await reminders(id)).toHaveLength(3);
  });

  it("an event created less than an hour before gets only the 1 h reminder; one already started none", async () => {
    const start = new Date("2030-07-01T10:00:00Z");
    const soon = await createEvent(t.app, owner, input(start, { title: "Short notice" }));
    const started = await createEvent(t.app, owner, input(new Date(start.getTime() - 10 * MIN), { title: "Already on" }));
    const m = await createMember(t.app, "Soon");
    await rsvpToEvent(t.app, m, soon.id);
    await rsvpToEvent(t.app, m, started.id);
    await sweepAt(new Date(start.getTime() - 50 * MIN));
    expect(await keysOf(soon.id, m.id)).toEqual(["reminder1"]);
    expect(await keysOf(started.id, m.id)).toEqual(["reminder1"]);
    await sweepAt(new Date(start.getTime() - 5 * MIN));
    expect(await stamps(soon.id)).toMatchObject({ day: null });
    expect(await keysOf(soon.id, m.id)).toEqual(["reminder1"]);

    const late = await createEvent(t.app, owner, input(start, { title: "Never reminded" }));
    await rsvpToEvent(t.app, m, late.id);
    await sweepAt(new Date(start.getTime() + MIN));
    expect(await reminders(late.id)).toEqual([]);
    expect(await stamps(late.id)).toEqual({ day: null, hour: null });
  });

  it("a rescheduled event reminds again for its new time; a cancelled one never", async () => {
    const start = new Date("2030-08-01T16:00:00Z");
    const { id } = await createEvent(t.app, owner, input(start, { title: "Moving evening" }));
    const m = await createMember(t.app, "Mover");
    await rsvpToEvent(t.app, m, id);
    await sweepAt(new Date(start.getTime() - 23 * HOUR));
    expect(await keysOf(id, m.id)).toEqual(["reminder24"]);

    const moved = new Date(start.getTime() + 2 * 24 * HOUR);
    await updateEvent(t.app, owner, id, input(moved, { title: "Moving evening" }));
    expect(await stamps(id)).toEqual({ day: null, hour: null });
    await sweepAt(new Date(start.getTime() - 22 * HOUR));
    expect(await reminders(id)).toHaveLength(1);
    await sweepAt(new Date(moved.getTime() - 23 * HOUR));
    expect((await reminders(id)).map((r) => r.dedupeKey).sort()).toEqual([`reminder24:${id}:${moved.toISOString()}`, `reminder24:${id}:${start.toISOString()}`].sort());
    // An edit that keeps the time keeps the stamps.
    await updateEvent(t.app, owner, id, input(moved, { title: "Moving evening", location: "Hall B" }));
    expect((await stamps(id)).day).not.toBeNull();

    const off = await createEvent(t.app, owner, input(start, { title: "Called off" }));
    await rsvpToEvent(t.app, m, off.id);
    await cancelEvent(t.app, owner, off.id);
    await sweepAt(new Date(start.getTime() - 23 * HOUR));
    await sweepAt(new Date(start.getTime() - 30 * MIN));
    expect(await reminders(off.id)).toEqual([]);
  });

  it("Europe/London across the March clock change: reminded at the real 24 h and 1 h instants, in local time", async () => {
    // Sunday 30 March 2031, 10:00 BST = 09:00 UTC; the clocks went forward at 01:00 UTC that night.
    const start = new Date("2031-03-30T09:00:00Z");
    const { id } = await createEvent(t.app, owner, input(start, { title: "Spring walk", timeZone: "Europe/London", groupId: null }));
    const m = await createMember(t.app, "Walker");
    await rsvpToEvent(t.app, m, id);
    // Saturday 08:59 GMT is 24 h 01 before; 09:01 GMT is 23 h 59 before (the wall clock's "10:00 the day before" would be 25 h).
    await sweepAt(new Date("2031-03-29T08:59:00Z"));
    expect(await reminders(id)).toEqual([]);
    await sweepAt(new Date("2031-03-29T09:01:00Z"));
    expect((await reminders(id)).map((r) => r.title)).toEqual(["Reminder: “Spring walk” starts tomorrow at 10:00 BST"]);
    await sweepAt(new Date("2031-03-30T07:59:00Z"));
    expect(await keysOf(id, m.id)).toEqual(["reminder24"]);
    await sweepAt(new Date("2031-03-30T08:01:00Z"));
    expect(await keysOf(id, m.id)).toEqual(["reminder1", "reminder24"]);
  });

  it("people who lost access between their RSVP and the reminder hear nothing (banned, left a private group)", async () => {
    const start = new Date("2030-09-01T16:00:00Z");
    const [stays, banned, left] = [await createMember(t.app, "Stays"), await createMember(t.app, "Banned"), await createMember(t.app, "Left")];
    await t.app.db.insert(groupMemberships).values([stays, banned, left].map((m) => ({ groupId: "g-rem-priv", userId: m.id, role: "member" as const, status: "active" as const })));
    const priv = await createEvent(t.app, owner, input(start, { groupId: "g-rem-priv", title: "Private evening" }));
    const pub = await createEvent(t.app, owner, input(start, { groupId: "g-rem-pub", title: "Public evening" }));
    for (const m of [stays, banned, left]) await rsvpToEvent(t.app, m, priv.id);
    await rsvpToEvent(t.app, banned, pub.id);
    await t.app.db.insert(groupMemberships).values({ groupId: "g-rem-pub", userId: banned.id, role: "member", status: "active" });

    // Behind the module's back (no release of places): the sweep itself must ask the policy.
    await t.app.db.update(groupMemberships).set({ status: "banned" }).where(eq(groupMemberships.userId, banned.id));
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.userId, left.id), eq(groupMemberships.groupId, "g-rem-priv")));
    expect(await t.app.db.select().from(eventRsvps).where(and(eq(eventRsvps.userId, banned.id), eq(eventRsvps.status, "going")))).toHaveLength(2);

    await sweepAt(new Date(start.getTime() - 23 * HOUR));
    expect((await reminders(priv.id)).map((r) => r.userId)).toEqual([stays.id]);
    expect(await reminders(pub.id)).toEqual([]);
    expect(await t.app.db.select().from(notifications).where(and(like(notifications.dedupeKey, "reminder%"), eq(notifications.userId, banned.id)))).toEqual([]);
  });
});
