import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventRsvps, events, eventSeries, groups, notifications, organizationMembers, organizations, users } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;
const HOUR = 3_600_000;

/**
 * Who the 24 h / 1 h reminders reach: only people going. "Maybe" is not reminded on purpose: they
 * have not taken a place, and a reminder would read as if they had (decision: only "going"); nor
 * the waitlist or "not going". Preferences decide the channel; each occurrence of a series is
 * reminded on its own.
 */
describe(`event reminders: recipients, preferences and series occurrences on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;
  let seq = 0;
  const start = new Date("2032-05-10T16:00:00Z");

  const event = async (over: Partial<typeof events.$inferInsert> = {}) => {
    const id = newId();
    await t.app.db.insert(events).values({ id, organizationId: "org-rr", groupId: "g-rr", title: "Circle", timeZone: "Europe/Berlin", startsAt: start, endsAt: new Date(start.getTime() + HOUR), format: "online", ...over });
    return id;
  };
  const answer = (eventId: string, userId: string, status: "going" | "waitlisted" | "maybe" | "not_going" | "cancelled") => t.app.db.insert(eventRsvps).values({ eventId, userId, status, seq: ++seq });
  const reminded = (eventId: string) =>
    t.app.db.select({ userId: notifications.userId, emailStatus: notifications.emailStatus, key: notifications.dedupeKey }).from(notifications).where(and(eq(notifications.eventId, eventId), eq(notifications.kind, "event_reminder")));
  const sweepAt = async (d: Date) => {
    t.app.clock = { now: () => d };
    await runSweeps(t.app);
  };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-rr", slug: "org-rr", name: "Reminder Recipients Org" });
    await t.app.db.insert(groups).values({ id: "g-rr", slug: "rr-circle", name: "Circle", organizationId: "org-rr" });
    owner = await createMember(t.app, "Organizer");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-rr", userId: owner.id, role: "owner" });
  });
  afterAll(() => t.close());

  it("only people going: not maybe, not going, waitlisted or cancelled; the channel follows each preference", async () => {
    const id = await event();
    const [mail, inApp, off, maybe, notGoing, waiting, cancelled] = await Promise.all(["Mail", "InApp", "Off", "Maybe", "NotGoing", "Waiting", "Cancelled"].map((n) => createMember(t.app, n)));
    for (const m of [mail, inApp, off]) await answer(id, m.id, "going");
    await answer(id, maybe.id, "maybe");
    await answer(id, notGoing.id, "not_going");
    await answer(id, waiting.id, "waitlisted");
    await answer(id, cancelled.id, "cancelled");
    await t.app.db.update(users).set({ notificationSettings: { channels: { event_reminder: "in_app" } } }).where(eq(users.id, inApp.id));
    await t.app.db.update(users).set({ notificationSettings: { channels: { event_reminder: "off" } } }).where(eq(users.id, off.id));

    await sweepAt(new Date(start.getTime() - 23 * HOUR));
    const rows = await reminded(id);
    expect(rows.map((r) => r.userId).sort()).toEqual([mail.id, inApp.id].sort());
    expect(rows.find((r) => r.userId === mail.id)!.emailStatus).toBe("pending");
    expect(rows.find((r) => r.userId === inApp.id)!.emailStatus).toBeNull();

    // "Maybe" who decides to go before the hour is reminded then.
    await t.app.db.update(eventRsvps).set({ status: "going" }).where(and(eq(eventRsvps.eventId, id), eq(eventRsvps.userId, maybe.id)));
    await sweepAt(new Date(start.getTime() - 30 * 60_000));
    const after = await reminded(id);
    expect(after.filter((r) => r.key?.startsWith("reminder1:")).map((r) => r.userId).sort()).toEqual([mail.id, inApp.id, maybe.id].sort());
    expect(after.some((r) => [notGoing.id, waiting.id, cancelled.id, off.id].includes(r.userId))).toBe(false);
  });

  it("each occurrence of a series is reminded on its own, for its own attendees; a cancelled occurrence is not", async () => {
    const seriesId = newId();
    await t.app.db.insert(eventSeries).values({ id: seriesId, organizationId: "org-rr", groupId: "g-rr", rrule: "FREQ=WEEKLY;COUNT=3", timeZone: "Europe/Berlin" });
    const week = 7 * 24 * HOUR;
    const starts = [0, 1, 2].map((i) => new Date(start.getTime() + 7 * 24 * HOUR * 10 + i * week));
    const ids = [];
    for (const s of starts) ids.push(await event({ seriesId, recurrenceId: s, startsAt: s, endsAt: new Date(s.getTime() + HOUR), title: "Weekly circle" }));
    const [first, second, both] = await Promise.all(["First", "Second", "Both"].map((n) => createMember(t.app, n)));
    await answer(ids[0]!, first.id, "going");
    await answer(ids[1]!, second.id, "going");
    await answer(ids[0]!, both.id, "going");
    await answer(ids[1]!, both.id, "going");
    await answer(ids[2]!, both.id, "going");
    await t.app.db.update(events).set({ status: "cancelled" }).where(eq(events.id, ids[2]!));

    await sweepAt(new Date(starts[0]!.getTime() - 2 * HOUR));
    expect((await reminded(ids[0]!)).map((r) => r.userId).sort()).toEqual([first.id, both.id].sort());
    expect(await reminded(ids[1]!)).toEqual([]);
    await sweepAt(new Date(starts[1]!.getTime() - 2 * HOUR));
    expect((await reminded(ids[1]!)).map((r) => r.userId).sort()).toEqual([second.id, both.id].sort());
    await sweepAt(new Date(starts[2]!.getTime() - 2 * HOUR));
    await sweepAt(new Date(starts[2]!.getTime() - 30 * 60_000));
    expect(await reminded(ids[2]!)).toEqual([]);
  });
});
