import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { events, groupMemberships, groups, notifications, organizationMembers, organizations, users } from "#db/schema/index";
import { noopPublisher } from "#app/lib/app-context.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { cancelEvent, createEvent, getEvent, updateEvent } from "#app/modules/events/events.server";
import { cancelRsvp, rsvpToEvent } from "#app/modules/events/rsvps.server";
import { fanoutJob } from "#app/modules/notifications/fanout.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";

type Member = Awaited<ReturnType<typeof createMember>>;

const DAY = 86_400_000;

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = new Date(Date.now() + 10 * DAY);
  return {
    organizationId: "org-en",
    groupId: "g-en",
    title: "Craft afternoon",
    description: "Bring wool.",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
    format: "hybrid",
    location: "Room 2",
    onlineUrl: "https://meet.example/craft",
    capacity: 1,
    registrationDeadline: null,
    ...over,
  };
}

/**
 * Event changed / cancelled / promoted notices go through the pipeline: queued after the change
 * commits (source "events.notice"), resolved when the job runs from the database as it is then,
 * recorded with each person's preferences, e-mail and the live push.
 */
describe(`event notices through the fan-out on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;
  let pushed: { userId: string; title: string | null }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    t.app.realtime = { ...noopPublisher, notify: (userId, e) => void pushed.push({ userId, title: e.notification?.title ?? null }) };
    await t.app.db.insert(organizations).values({ id: "org-en", slug: "org-en", name: "Notice Org" });
    await t.app.db.insert(groups).values({ id: "g-en", slug: "notice-circle", name: "Notice circle", organizationId: "org-en", visibility: "private", joinPolicy: "approval" });
    owner = await createMember(t.app, "Organizer");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-en", userId: owner.id, role: "owner" });
  });
  afterAll(() => t.close());

  const members = async (...names: string[]) => {
    const ms = [];
    for (const n of names) ms.push(await createMember(t.app, n));
    await t.app.db.insert(groupMemberships).values(ms.map((m) => ({ groupId: "g-en", userId: m.id, role: "member" as const, status: "active" as const })));
    return ms;
  };
  const noticesOf = (userId: string, eventId: string) =>
    t.app.db
      .select({ kind: notifications.kind, title: notifications.title, body: notifications.body, emailStatus: notifications.emailStatus })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.eventId, eventId)))
      .orderBy(notifications.createdAt);
  /** The fan-out jobs queued for this event, oldest first (the workers are not running yet). */
  const queued = async (eventId: string) =>
    rowsOf<{ data: { source: string; data: Record<string, unknown> } }>(
      await t.app.db.execute(sql`select data from pgboss.job where name = 'notifications.fanout' and data->'data'->>'eventId' = ${eventId} order by created_on`),
    ).map((r) => r.data);
  const run = (job: { source: string; data: unknown }) => fanoutJob.run(t.app, job);

  it("a promotion is told when the job runs, from the state then; a retried job adds nothing; nobody is told inside the request", async () => {
    const [a, b, c] = await members("Going", "Next", "Third");
    const { id } = await createEvent(t.app, owner, input());
    await rsvpToEvent(t.app, a, id);
    await rsvpToEvent(t.app, b, id);
    await rsvpToEvent(t.app, c, id);

    expect(await cancelRsvp(t.app, a, id)).toEqual({ previous: "going", promoted: [b.id] });
    // The request only queued the fan-out.
    expect(await noticesOf(b.id, id)).toEqual([]);
    const [job] = await queued(id);
    expect(job).toEqual({ source: "events.notice", data: { change: "promoted", eventId: id, userIds: [b.id] } });

    // The job runs late, after a rename: it tells today's title. Run twice (a retry): one notice.
    await t.app.db.update(events).set({ title: "Wool afternoon" }).where(eq(events.id, id));
    pushed = [];
    await run(job!);
    await run(job!);
    expect(await noticesOf(b.id, id)).toEqual([
      {
        kind: "event_promoted",
        title: 'A place opened up: you are going to "Wool afternoon"',
        body: "You were on the waitlist and now have a place. If you can't make it, please cancel so the next person can go.",
        // "Changes to my events" are e-mailed at once by default.
        emailStatus: "pending",
      },
    ]);
    expect(pushed).toEqual([{ userId: b.id, title: 'A place opened up: you are going to "Wool afternoon"' }]);

    // Promoted, then gone again before the job ran: nothing to tell.
    expect((await cancelRsvp(t.app, b, id)).promoted).toEqual([c.id]);
    await cancelRsvp(t.app, c, id);
    const second = (await queued(id))[1]!;
    expect(second.data).toMatchObject({ change: "promoted", userIds: [c.id] });
    await run(second);
    expect(await noticesOf(c.id, id)).toEqual([]);
  });

  it("changes reach going and waitlisted (not the link for the waitlist) with their preferences; access lost before the job runs: nothing", async () => {
    const [goer, waiter, quiet, leaver] = await members("Goer", "Waiter", "Quiet", "Leaver");
    const { id } = await createEvent(t.app, owner, input({ capacity: 2 }));
    for (const m of [goer, quiet, waiter, leaver]) await rsvpToEvent(t.app, m, id);
    await t.app.db.update(users).set({ notificationSettings: { channels: { event_update: "off" } } }).where(eq(users.id, quiet.id));
    const e = await getEvent(t.app, owner, id);
    await updateEvent(t.app, owner, id, input({ capacity: 2, onlineUrl: "https://meet.example/new", location: "Hall B", startsAt: e.startsAt, endsAt: e.endsAt }));
    await t.app.db.delete(groupMemberships).where(eq(groupMemberships.userId, leaver.id));
    const [job] = await queued(id);
    expect(job!.data).toMatchObject({ change: "changed", what: ["place", "link"], actorId: owner.id });
    // Later the same day, the place changes again before the first job ran: the notice tells the latest place.
    await t.app.db.update(events).set({ location: "Hall C" }).where(eq(events.id, id));
    await run(job!);

    expect(await noticesOf(goer.id, id)).toEqual([
      { kind: "event_changed", title: '"Craft afternoon" has changed', body: "The place is now: Hall C. The online link changed: see the event page.", emailStatus: "pending" },
    ]);
    expect((await noticesOf(waiter.id, id)).map((n) => n.body)).toEqual(["The place is now: Hall C."]);
    expect(await noticesOf(quiet.id, id)).toEqual([]);
    expect(await noticesOf(leaver.id, id)).toEqual([]);
    expect(await noticesOf(owner.id, id)).toEqual([]);
  });

  it("with the workers running: a cancellation reaches everyone holding a place, once, live", async () => {
    const [goer, waiter] = await members("CancelGoer", "CancelWaiter");
    const { id } = await createEvent(t.app, owner, input());
    await rsvpToEvent(t.app, goer, id);
    await rsvpToEvent(t.app, waiter, id);
    pushed = [];
    await t.app.jobs.start(t.app);
    await cancelEvent(t.app, owner, id);
    await fanoutsDone(t.app);
    // The cancelled event's job again (a retry): nothing more.
    await run({ source: "events.notice", data: { change: "cancelled", eventId: id, actorId: owner.id } });
    for (const m of [goer, waiter]) {
      const notes = await noticesOf(m.id, id);
      expect(notes.map((n) => [n.kind, n.title])).toEqual([["event_cancelled", 'Cancelled: "Craft afternoon"']]);
      expect(notes[0]!.body).toMatch(/^The organizers cancelled this event \(it was due to start .+\)\.$/);
    }
    expect(pushed.filter((p) => p.title === 'Cancelled: "Craft afternoon"').map((p) => p.userId).sort()).toEqual([goer.id, waiter.id].sort());
  });
});
