import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventRsvpChanges, groups, notifications, organizationMembers, organizations, users } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { createEvent } from "#app/modules/events/events.server";
import { digestSummary, rsvpDigestSweep } from "#app/modules/events/rsvp-digest.server";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;
const MIN = 60_000;
const HOUR = 60 * MIN;

function input(title: string): EventInput {
  const startsAt = new Date(Date.now() + 14 * 24 * HOUR);
  return {
    organizationId: "org-dig",
    groupId: "g-dig",
    title,
    description: "",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + HOUR),
    format: "online",
    location: null,
    onlineUrl: "https://meet.example.test/x",
    capacity: null,
    registrationDeadline: null,
  };
}

describe(`organizers' RSVP digest (sweep "events.rsvp-digest", moving clock) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, admin: Member, moderator: Member, optedOut: Member, outsider: Member;
  const t0 = new Date("2031-03-01T10:00:00Z");

  const sweepAt = async (d: Date) => {
    t.app.clock = { now: () => d };
    await runSweeps(t.app);
  };
  const change = (eventId: string, userId: string, status: string, at: Date) => t.app.db.insert(eventRsvpChanges).values({ id: newId(), eventId, userId, status, createdAt: at });
  const digests = (eventId: string) =>
    t.app.db.select({ userId: notifications.userId, title: notifications.title, link: notifications.link, emailStatus: notifications.emailStatus }).from(notifications).where(and(eq(notifications.eventId, eventId), eq(notifications.kind, "event_rsvps")));
  const pending = async (eventId: string) => (await t.app.db.select().from(eventRsvpChanges).where(and(eq(eventRsvpChanges.eventId, eventId), isNull(eventRsvpChanges.digestedAt)))).length;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-dig", slug: "org-dig", name: "Digest Org" });
    await t.app.db.insert(groups).values({ id: "g-dig", slug: "dig-group", name: "Digest circle", organizationId: "org-dig" });
    [owner, admin, moderator, optedOut, outsider] = await Promise.all(["Owner", "Admin", "Moderator", "OptedOut", "Outsider"].map((n) => createMember(t.app, n)));
    await t.app.db.insert(organizationMembers).values([
      { organizationId: "org-dig", userId: owner.id, role: "owner" },
      { organizationId: "org-dig", userId: admin.id, role: "admin" },
      { organizationId: "org-dig", userId: moderator.id, role: "moderator" },
      { organizationId: "org-dig", userId: optedOut.id, role: "moderator" },
    ]);
    await t.app.db.update(users).set({ notificationSettings: { channels: { event_rsvps: "off" } } }).where(eq(users.id, optedOut.id));
  });
  afterAll(() => t.close());

  it("summarises each person once, by their latest change", () => {
    expect(
      digestSummary([
        { userId: "a", status: "going" },
        { userId: "b", status: "going" },
        { userId: "a", status: "cancelled" },
        { userId: "c", status: "maybe" },
        { userId: "d", status: "going" },
      ]),
    ).toBe("2 new going, 1 maybe, 1 cancelled");
  });

  it("a burst becomes one notice per organizer once quiet for 10 minutes, at most hourly, stamped once under concurrent sweeps", async () => {
    const { id } = await createEvent(t.app, owner, input("Peer support evening"));
    const people = await Promise.all(["A", "B", "C", "D", "E"].map((n) => createMember(t.app, n)));
    await change(id, people[0]!.id, "going", t0);
    await change(id, people[1]!.id, "going", new Date(t0.getTime() + 1 * MIN));
    await change(id, people[2]!.id, "going", new Date(t0.getTime() + 2 * MIN));
    await change(id, people[3]!.id, "maybe", new Date(t0.getTime() + 3 * MIN));
    await change(id, people[4]!.id, "cancelled", new Date(t0.getTime() + 4 * MIN));

    await sweepAt(new Date(t0.getTime() + 10 * MIN)); // the last change is 6 minutes old: wait
    expect(await digests(id)).toEqual([]);

    const ripe = new Date(t0.getTime() + 15 * MIN);
    t.app.clock = { now: () => ripe };
    await Promise.all([rsvpDigestSweep(t.app, ripe), rsvpDigestSweep(t.app, ripe), runSweeps(t.app)]);
    const first = await digests(id);
    expect(first.map((d) => d.userId).sort()).toEqual([owner.id, admin.id, moderator.id].sort());
    expect(first[0]!.title).toBe("Peer support evening: 3 new going, 1 maybe, 1 cancelled");
    expect(first[0]!.link).toBe(`/events/${id}/attendees`);
    // The preference's default: the daily digest e-mail.
    expect(first.every((d) => d.emailStatus === "digest")).toBe(true);
    expect(await pending(id)).toBe(0);
    expect(first.some((d) => d.userId === outsider.id || d.userId === optedOut.id)).toBe(false);

    // A new change 20 minutes later waits out the hour since the last notice.
    await change(id, people[0]!.id, "not_going", new Date(t0.getTime() + 20 * MIN));
    await sweepAt(new Date(t0.getTime() + 45 * MIN));
    expect(await digests(id)).toHaveLength(3);
    expect(await pending(id)).toBe(1);
    await sweepAt(new Date(t0.getTime() + 76 * MIN));
    const second = await digests(id);
    expect(second).toHaveLength(6);
    expect(second.filter((d) => d.userId === owner.id).map((d) => d.title)).toContain("Peer support evening: 1 not going");
    await sweepAt(new Date(t0.getTime() + 200 * MIN));
    expect(await digests(id)).toHaveLength(6);
  });

  it("an organizer who left the organization gets nothing", async () => {
    const { id } = await createEvent(t.app, owner, input("Quiet evening"));
    const leaver = await createMember(t.app, "Leaver");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-dig", userId: leaver.id, role: "admin" });
    await change(id, (await createMember(t.app, "F")).id, "going", t0);
    await t.app.db.delete(organizationMembers).where(and(eq(organizationMembers.organizationId, "org-dig"), eq(organizationMembers.userId, leaver.id)));
    await sweepAt(new Date(t0.getTime() + 30 * MIN));
    const rows = await digests(id);
    expect(rows.map((d) => d.userId).sort()).toEqual([owner.id, admin.id, moderator.id].sort());
  });
});
