import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEvent } from "#app/modules/events/events.server";
import { cancelRsvp, rsvpToEvent } from "#app/modules/events/rsvps.server";
import { eventRsvps, organizationMembers, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * Capacity under concurrency. On Postgres the RSVPs really run at once on several pooled
 * connections, and only the row lock (SELECT … FOR UPDATE) keeps the count right; on PGlite (one
 * connection) they are serialized by the driver, so the same assertions check the logic.
 */
describe(`concurrent RSVPs on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let members: Awaited<ReturnType<typeof createMember>>[];
  let eventId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org", slug: "org", name: "Org" });
    const owner = await createMember(t.app, "Owner");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org", userId: owner.id, role: "admin" });
    members = [];
    for (let i = 0; i < 20; i++) members.push(await createMember(t.app, `Racer${i}`));
    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    ({ id: eventId } = await createEvent(t.app, owner, {
      organizationId: "org",
      groupId: null,
      title: "Five places",
      description: "",
      timeZone: "UTC",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      format: "in_person",
      location: "Library",
      onlineUrl: null,
      capacity: 5,
      registrationDeadline: null,
    }));
  });
  afterAll(() => t.close());

  it("20 simultaneous RSVPs for 5 places: exactly 5 going, 15 waitlisted in order", async () => {
    const results = await Promise.all(members.map((m) => rsvpToEvent(t.app, m, eventId)));
    expect(results.filter((r) => r.status === "going")).toHaveLength(5);
    const waitlisted = results.filter((r) => r.status === "waitlisted");
    expect(waitlisted).toHaveLength(15);
    // Every waitlisted RSVP got a distinct place, 1..15.
    expect(waitlisted.map((r) => r.position).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));

    const rows = await t.app.db
      .select({ userId: eventRsvps.userId, status: eventRsvps.status, seq: eventRsvps.seq })
      .from(eventRsvps)
      .where(eq(eventRsvps.eventId, eventId))
      .orderBy(asc(eventRsvps.seq));
    expect(rows).toHaveLength(20);
    // The order of the lock is the order of the line: the 5 first are going, the rest wait behind them.
    expect(rows.map((r) => r.status)).toEqual([...Array(5).fill("going"), ...Array(15).fill("waitlisted")]);
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each member's reported position matches the stored order.
    for (const [i, row] of rows.entries()) {
      const r = results[members.findIndex((m) => m.id === row.userId)]!;
      expect(r.position).toBe(i < 5 ? null : i - 4);
    }
  });

  it("simultaneous cancellations and RSVPs never go over capacity; promotion follows the line", async () => {
    const before = await t.app.db.select({ userId: eventRsvps.userId, status: eventRsvps.status }).from(eventRsvps).where(eq(eventRsvps.eventId, eventId)).orderBy(asc(eventRsvps.seq));
    const goingIds = before.filter((r) => r.status === "going").map((r) => r.userId);
    const waitIds = before.filter((r) => r.status === "waitlisted").map((r) => r.userId);
    const late = [];
    for (let i = 0; i < 5; i++) late.push(await createMember(t.app, `Late${i}`));
    const leavers = goingIds.slice(0, 3).map((id) => members.find((m) => m.id === id)!);
    await Promise.all([...leavers.map((m) => cancelRsvp(t.app, m, eventId)), ...late.map((m) => rsvpToEvent(t.app, m, eventId))]);
    const going = await t.app.db.select({ userId: eventRsvps.userId }).from(eventRsvps).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.status, "going")));
    expect(going).toHaveLength(5);
    // The three places went to the first three in line, never to the late-comers.
    expect(going.map((g) => g.userId).sort()).toEqual([...goingIds.slice(3), ...waitIds.slice(0, 3)].sort());
  });
});
