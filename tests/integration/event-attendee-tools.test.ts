import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventRsvpChanges, eventRsvps, events, groupMemberships, groups, notifications, organizationMembers, organizations } from "#db/schema/index";
import type { EventInput } from "#app/modules/events/events.schema";
import { attendeesCsv, createEvent, getEvent, updateEvent } from "#app/modules/events/events.server";
import { checkInWindow, promoteAttendee, removeAttendee, setCheckedIn } from "#app/modules/events/attendees.server";
import { rsvpToEvent, respondToEvent } from "#app/modules/events/rsvps.server";
import { action as attendeesAction } from "#app/routes/events.$eventId.attendees";
import { action as checkInAction } from "#app/routes/events.$eventId.check-in";
import { action as editAction } from "#app/routes/events.$eventId.edit";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { postFormTo } from "#tests/helpers/route-action";

type Member = Awaited<ReturnType<typeof createMember>>;
const DAY = 86_400_000;

function input(over: Partial<EventInput> = {}): EventInput {
  // Whole minutes: the edit form posts wall-clock minutes, so an unchanged time reads as unchanged.
  const startsAt = new Date(Math.floor((Date.now() + 7 * DAY) / 60_000) * 60_000);
  return {
    organizationId: "org-at",
    groupId: "g-at",
    title: "Tools evening",
    description: "",
    timeZone: "UTC",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3_600_000),
    format: "in_person",
    location: "Hall",
    onlineUrl: null,
    capacity: 2,
    registrationDeadline: null,
    ...over,
  };
}

/** The organizers' attendee tools: remove, promote by hand, capacity lowering, check-in; each notifies exactly the right people. */
describe(`organizer attendee tools on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-at", slug: "org-at", name: "Tools Org" });
    await t.app.db.insert(groups).values({ id: "g-at", slug: "tools", name: "Tools", organizationId: "org-at", visibility: "public", joinPolicy: "open" });
    await t.app.db.insert(groups).values({ id: "g-at-p", slug: "tools-private", name: "Tools private", organizationId: "org-at", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Organizer");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-at", userId: owner.id, role: "owner" });
    await t.app.jobs.start(t.app);
  });
  afterAll(() => t.close());

  const members = async (n: number, prefix: string, groupId = "g-at") => {
    const ms: Member[] = [];
    for (let i = 0; i < n; i++) ms.push(await createMember(t.app, `${prefix}${i}`));
    await t.app.db.insert(groupMemberships).values(ms.map((m) => ({ groupId, userId: m.id, role: "member" as const, status: "active" as const })));
    return ms;
  };
  const statusOf = async (eventId: string, userId: string) =>
    (await t.app.db.select({ status: eventRsvps.status }).from(eventRsvps).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId))))[0]?.status ?? null;
  /** Every notice of this event: [recipient, kind]. */
  const noticesOf = async (eventId: string) => {
    await fanoutsDone(t.app);
    return (await t.app.db.select({ userId: notifications.userId, kind: notifications.kind }).from(notifications).where(eq(notifications.eventId, eventId))).map((n) => [n.userId, n.kind]);
  };
  const changes = async (eventId: string) =>
    (await t.app.db.select({ userId: eventRsvpChanges.userId, status: eventRsvpChanges.status }).from(eventRsvpChanges).where(eq(eventRsvpChanges.eventId, eventId)).orderBy(asc(eventRsvpChanges.createdAt))).map(
      (c) => `${c.userId} ${c.status}`,
    );

  it("removing a going attendee tells them (event_removed) and promotes the first waitlisted (event_promoted); nobody else hears", async () => {
    const [a, b, c, d] = await members(4, "Rm");
    const { id } = await createEvent(t.app, owner, input());
    for (const m of [a, b, c, d]) await rsvpToEvent(t.app, m!, id);
    const r = await removeAttendee(t.app, owner, id, a!.id);
    expect(r).toEqual({ previous: "going", promoted: [c!.id] });
    expect(await statusOf(id, a!.id)).toBe("cancelled");
    expect(await statusOf(id, c!.id)).toBe("going");
    expect((await noticesOf(id)).sort()).toEqual([[a!.id, "event_removed"], [c!.id, "event_promoted"]].sort());
    expect(await changes(id)).toEqual(expect.arrayContaining([`${a!.id} removed`, `${c!.id} going`]));
    // Removing someone who is not on the list is a 404, not a crash.
    await expect(removeAttendee(t.app, owner, id, a!.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("promote by hand: out of turn when a place is free; when full it is refused unless capacity is raised by one", async () => {
    const [a, b, c] = await members(3, "Pr");
    const { id } = await createEvent(t.app, owner, input({ capacity: 1 }));
    for (const m of [a, b, c]) await rsvpToEvent(t.app, m!, id);
    await expect(promoteAttendee(t.app, owner, id, c!.id)).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("Promote and raise capacity by 1") });
    expect(await statusOf(id, c!.id)).toBe("waitlisted");
    expect(await promoteAttendee(t.app, owner, id, c!.id, { raiseCapacity: true })).toEqual({ capacity: 2 });
    expect(await statusOf(id, c!.id)).toBe("going");
    expect(await statusOf(id, b!.id)).toBe("waitlisted");
    expect((await getEvent(t.app, owner, id)).capacity).toBe(2);
    expect(await noticesOf(id)).toEqual([[c!.id, "event_promoted"]]);
    // A person who isn't waitlisted can't be promoted.
    await expect(promoteAttendee(t.app, owner, id, a!.id)).rejects.toMatchObject({ code: "conflict" });
  });

  it("lowering capacity: refused by default; 'move' sends the latest RSVPs back to the front of the waitlist and tells only them", async () => {
    const ms = await members(5, "Cap");
    const { id } = await createEvent(t.app, owner, input({ capacity: 4 }));
    for (const m of ms) await rsvpToEvent(t.app, m, id); // 0..3 going, 4 waitlisted
    await respondToEvent(t.app, (await members(1, "CapMaybe"))[0]!, id, "maybe");
    await expect(updateEvent(t.app, owner, id, input({ capacity: 2, startsAt: (await getEvent(t.app, owner, id)).startsAt, endsAt: (await getEvent(t.app, owner, id)).endsAt }))).rejects.toMatchObject({
      code: "invalid",
    });
    const e = await getEvent(t.app, owner, id);
    await updateEvent(t.app, owner, id, input({ capacity: 2, startsAt: e.startsAt, endsAt: e.endsAt }), { overflow: "move" });
    expect(await statusOf(id, ms[0]!.id)).toBe("going");
    expect(await statusOf(id, ms[1]!.id)).toBe("going");
    expect(await statusOf(id, ms[2]!.id)).toBe("waitlisted");
    expect(await statusOf(id, ms[3]!.id)).toBe("waitlisted");
    // They keep their seq: the line is 2, 3, then 4 who was waiting already.
    const line = await t.app.db.select({ userId: eventRsvps.userId }).from(eventRsvps).where(and(eq(eventRsvps.eventId, id), eq(eventRsvps.status, "waitlisted"))).orderBy(asc(eventRsvps.seq));
    expect(line.map((l) => l.userId)).toEqual([ms[2]!.id, ms[3]!.id, ms[4]!.id]);
    expect((await noticesOf(id)).sort()).toEqual([[ms[2]!.id, "event_demoted"], [ms[3]!.id, "event_demoted"]].sort());
    expect(await changes(id)).toEqual(expect.arrayContaining([`${ms[2]!.id} waitlisted`, `${ms[3]!.id} waitlisted`]));
    expect((await getEvent(t.app, owner, id)).goingCount).toBe(2);
  });

  it("the edit form: capacity below the going count keeps the typed values with a message at the field; 'move' saves", async () => {
    const [a, b] = await members(2, "Form");
    const { id } = await createEvent(t.app, owner, input({ capacity: 2 }));
    await rsvpToEvent(t.app, a!, id);
    await rsvpToEvent(t.app, b!, id);
    const e = await getEvent(t.app, owner, id);
    const wall = (d: Date) => d.toISOString().slice(0, 16);
    const fields = { organizationId: "org-at", groupId: "g-at", title: "Tools evening", timeZone: "UTC", startsAt: wall(e.startsAt), endsAt: wall(e.endsAt), format: "in_person", location: "Hall", capacity: "1" };
    const url = `http://localhost/events/${id}/edit`;
    const refused = await postFormTo(t.app, editAction, url, { eventId: id }, fields, owner);
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.data)).toContain("move the latest RSVPs back to the waitlist");
    expect(JSON.stringify(refused.data)).toContain('"capacity":"1"');
    const moved = await postFormTo(t.app, editAction, url, { eventId: id }, { ...fields, capacityOverflow: "move" }, owner);
    expect(moved.status).toBe(302);
    expect(await statusOf(id, b!.id)).toBe("waitlisted");
    expect(await noticesOf(id)).toEqual([[b!.id, "event_demoted"]]);
  });

  it("check-in: toggles for going people only, the CSV says attended yes/no; the window is 2 h before to 24 h after", async () => {
    const [a, b, c, d] = await members(4, "Ci");
    const { id } = await createEvent(t.app, owner, input({ capacity: 2 }));
    await rsvpToEvent(t.app, a!, id);
    await rsvpToEvent(t.app, b!, id);
    await rsvpToEvent(t.app, c!, id);
    await respondToEvent(t.app, d!, id, "maybe");
    expect(await setCheckedIn(t.app, owner, id, a!.id, true)).toEqual({ here: true });
    expect(await setCheckedIn(t.app, owner, id, b!.id, true)).toEqual({ here: true });
    expect(await setCheckedIn(t.app, owner, id, b!.id, false)).toEqual({ here: false });
    await expect(setCheckedIn(t.app, owner, id, c!.id, true)).rejects.toMatchObject({ code: "not_found" });
    const [row] = await t.app.db.select({ by: eventRsvps.checkedInBy }).from(eventRsvps).where(and(eq(eventRsvps.eventId, id), eq(eventRsvps.userId, a!.id)));
    expect(row!.by).toBe(owner.id);
    const { csv } = await attendeesCsv(t.app, owner, id);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("status,position,display_name,rsvp_at_utc,attended");
    expect(lines.slice(1).map((l) => [l.split(",")[0], l.split(",")[2]!.split(" ")[0], l.split(",")[4]])).toEqual([
      ["going", "Ci0", "yes"],
      ["going", "Ci1", "no"],
      ["waitlisted", "Ci2", ""],
      ["maybe", "Ci3", ""],
    ]);
    const startsAt = new Date("2026-06-01T18:00:00Z");
    const endsAt = new Date("2026-06-01T20:00:00Z");
    expect(checkInWindow({ startsAt, endsAt }, new Date("2026-06-01T15:59:00Z"))).toBe("early");
    expect(checkInWindow({ startsAt, endsAt }, new Date("2026-06-01T16:00:00Z"))).toBe("open");
    expect(checkInWindow({ startsAt, endsAt }, new Date("2026-06-02T20:00:00Z"))).toBe("open");
    expect(checkInWindow({ startsAt, endsAt }, new Date("2026-06-02T20:01:00Z"))).toBe("over");
    // Through the route: the toggle answers its new state; bad input is a 400.
    const url = `http://localhost/events/${id}/check-in`;
    const ok = await postFormTo(t.app, checkInAction, url, { eventId: id }, { userId: b!.id, here: "yes" }, owner);
    expect(ok).toMatchObject({ status: 200, data: { ok: true, here: true } });
    expect((await postFormTo(t.app, checkInAction, url, { eventId: id }, { userId: b!.id, here: "maybe" }, owner)).status).toBe(400);
  });

  it("forged organizer actions: a member gets 403, an outsider of a private group's event 404; nothing is written", async () => {
    const [a, b] = await members(2, "Forge");
    const { id } = await createEvent(t.app, owner, input({ capacity: 1 }));
    await rsvpToEvent(t.app, a!, id);
    await rsvpToEvent(t.app, b!, id);
    const url = `http://localhost/events/${id}/attendees`;
    const p = { eventId: id };
    expect((await postFormTo(t.app, attendeesAction, url, p, { intent: "remove", userId: a!.id, confirm: "yes" }, b)).status).toBe(403);
    expect((await postFormTo(t.app, attendeesAction, url, p, { intent: "promote", userId: b!.id, raiseCapacity: "yes" }, b)).status).toBe(403);
    expect((await postFormTo(t.app, checkInAction, `http://localhost/events/${id}/check-in`, p, { userId: a!.id, here: "yes" }, b)).status).toBe(403);
    expect((await postFormTo(t.app, attendeesAction, url, p, { intent: "bogus", userId: a!.id }, owner)).status).toBe(400);
    expect(await statusOf(id, a!.id)).toBe("going");
    expect(await statusOf(id, b!.id)).toBe("waitlisted");
    const [ev] = await t.app.db.select({ capacity: events.capacity }).from(events).where(eq(events.id, id));
    expect(ev!.capacity).toBe(1);

    // The first press of Remove only asks; nothing changes until the confirmation.
    const ask = await postFormTo(t.app, attendeesAction, url, p, { intent: "remove", userId: a!.id }, owner);
    expect(ask).toMatchObject({ status: 200, data: { confirmRemove: { userId: a!.id } } });
    expect(await statusOf(id, a!.id)).toBe("going");

    const [insider] = await members(1, "Insider", "g-at-p");
    const outsider = await createMember(t.app, "Outsider");
    const { id: pid } = await createEvent(t.app, owner, input({ groupId: "g-at-p" }));
    await rsvpToEvent(t.app, insider!, pid);
    const r = await postFormTo(t.app, attendeesAction, `http://localhost/events/${pid}/attendees`, { eventId: pid }, { intent: "remove", userId: insider!.id, confirm: "yes" }, outsider);
    expect(r.status).toBe(404);
    expect(await statusOf(pid, insider!.id)).toBe("going");
    expect(await noticesOf(id)).toEqual([]);
  });
});
