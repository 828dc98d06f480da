import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as eventsLoader } from "#app/routes/events._index";
import { loader as calendarLoader } from "#app/routes/calendar._index";
import { newId } from "#app/lib/ids.server";
import { createFeedToken } from "#app/modules/events/feeds.server";
import { groupFeedFor } from "#app/modules/events/group-feed.server";
import { chosenTimeZone, currentMonth, monthEvents } from "#app/modules/events/month.server";
import { events, groupMemberships, groups, organizations, users } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;
const ORIGIN = "http://localhost";

/** The month grid's query and the group feed addresses, through the module and the /events and /calendar loaders. */
describe(`event month and group feeds on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let insider: Member, outsider: Member;
  const ids = { pub: newId(16), priv: newId(16), edge: newId(16), january: newId(16) };
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-m", slug: "org-m", name: "Org M" });
    await t.app.db.insert(groups).values([
      { id: "gm-pub", slug: "month-public", name: "Month public", organizationId: "org-m" },
      { id: "gm-priv", slug: "month-private", name: "Month private", organizationId: "org-m", visibility: "private", joinPolicy: "approval" },
    ]);
    insider = await createMember(t.app, "Month insider");
    outsider = await createMember(t.app, "Month outsider");
    await t.app.db.insert(groupMemberships).values([
      { groupId: "gm-priv", userId: insider.id, role: "member", status: "active" },
      { groupId: "gm-pub", userId: insider.id, role: "member", status: "active" },
    ]);
    const base = { organizationId: "org-m", timeZone: "Europe/Berlin", format: "in_person" as const, location: "Hall" };
    const at = (iso: string, hours = 2) => ({ startsAt: new Date(iso), endsAt: new Date(new Date(iso).getTime() + hours * 3_600_000) });
    await t.app.db.insert(events).values([
      { ...base, id: ids.pub, groupId: "gm-pub", title: "Public December", ...at("2030-12-08T10:00:00Z") },
      { ...base, id: ids.priv, groupId: "gm-priv", title: "Private December", ...at("2030-12-09T17:00:00Z") },
      // 1 December at 00:30 in Berlin, still 30 November in UTC: the grid must get it to place it.
      { ...base, id: ids.edge, groupId: "gm-pub", title: "Just after midnight", ...at("2030-11-30T23:30:00Z", 1) },
      { ...base, id: ids.january, groupId: "gm-pub", title: "January", ...at("2031-01-02T12:00:00Z") },
    ]);
  });
  afterAll(() => t.close());

  it("lists the month's visible events (from every zone's point of view), private groups only for members", async () => {
    const visitor = (await monthEvents(t.app, null, "2030-12")).map((e) => e.id);
    expect(visitor).toEqual([ids.edge, ids.pub]);
    expect((await monthEvents(t.app, outsider, "2030-12")).map((e) => e.id)).toEqual([ids.edge, ids.pub]);
    expect((await monthEvents(t.app, insider, "2030-12")).map((e) => e.id)).toEqual([ids.edge, ids.pub, ids.priv]);
    expect((await monthEvents(t.app, insider, "2030-12", { group: "month-private" })).map((e) => e.id)).toEqual([ids.priv]);
    // What the grid gets has no online links or descriptions, only what a day button lists.
    expect(Object.keys((await monthEvents(t.app, insider, "2030-12"))[0]!).sort()).toEqual(["group", "id", "startsAt", "status", "title"]);
  });

  it("the viewer's chosen zone is used when they chose one", async () => {
    expect(await chosenTimeZone(t.app, insider)).toBeNull();
    const [row] = await t.app.db.select({ settings: users.notificationSettings }).from(users).where(eq(users.id, insider.id));
    await t.app.db
      .update(users)
      .set({ notificationSettings: { ...(row!.settings as object), timeZone: "Europe/Berlin" } })
      .where(eq(users.id, insider.id));
    expect(await chosenTimeZone(t.app, insider)).toBe("Europe/Berlin");
    expect(await chosenTimeZone(t.app, null)).toBeNull();
  });

  it("the /events loader: month view, a bad month falls back to this month (no 500), list view untouched", async () => {
    const load = async (query: string, viewer: Member | null) =>
      (await eventsLoader({ request: new Request(`${ORIGIN}/events?${query}`), context: ctx(viewer), params: {} })) as unknown as {
        calendar: { month: string; events: { id: string }[]; zone: string | null } | null;
        events: unknown[];
        groupFeed: { url: string | null; private: boolean } | null;
      };
    const month = await load("view=month&month=2030-12", insider);
    expect(month.calendar!.month).toBe("2030-12");
    expect(month.calendar!.events.map((e) => e.id)).toContain(ids.priv);
    expect(month.calendar!.zone).toBe("Europe/Berlin");
    for (const bad of ["2030-13", "30-12", "<script>", "2030-12-01"]) {
      expect((await load(`view=month&month=${encodeURIComponent(bad)}`, null)).calendar!.month).toBe(currentMonth());
    }
    expect((await load("view=calendar", null)).calendar).toBeNull();
    const visitorPrivate = await load("view=month&month=2030-12&group=month-private", null);
    expect(visitorPrivate.calendar!.events).toEqual([]);
    expect(visitorPrivate.groupFeed).toBeNull();
  });

  it("group feed addresses: members only; a private group's needs the personal token; the /calendar page lists it that way", async () => {
    expect(await groupFeedFor(t.app, null, "month-private", ORIGIN)).toBeNull();
    expect(await groupFeedFor(t.app, outsider, "month-private", ORIGIN)).toBeNull();
    expect(await groupFeedFor(t.app, outsider, "month-public", ORIGIN)).toBeNull();
    expect(await groupFeedFor(t.app, insider, "month-public", ORIGIN)).toEqual({ name: "Month public", private: false, url: `${ORIGIN}/groups/month-public/events.ics` });
    expect(await groupFeedFor(t.app, insider, "month-private", ORIGIN)).toEqual({ name: "Month private", private: true, url: null });
    const page = async (viewer: Member) =>
      ((await calendarLoader({ request: new Request(`${ORIGIN}/calendar`), context: ctx(viewer), params: {} })) as unknown as { groups: { slug: string; url: string | null }[] }).groups;
    expect((await page(insider)).find((g) => g.slug === "month-private")!.url).toBeNull();

    const token = await createFeedToken(t.app, insider);
    const tokenUrl = `${ORIGIN}/calendar/${token}/groups/month-private.ics`;
    expect((await groupFeedFor(t.app, insider, "month-private", ORIGIN))!.url).toBe(tokenUrl);
    expect((await page(insider)).find((g) => g.slug === "month-private")!.url).toBe(tokenUrl);
    expect((await page(outsider)).find((g) => g.slug === "month-private")).toBeUndefined();

    // A ban ends the membership: no address offered.
    await t.app.db
      .update(groupMemberships)
      .set({ status: "banned" })
      .where(and(eq(groupMemberships.groupId, "gm-priv"), eq(groupMemberships.userId, insider.id)));
    expect(await groupFeedFor(t.app, insider, "month-private", ORIGIN)).toBeNull();
  });
});
