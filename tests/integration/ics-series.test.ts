import { and, eq } from "drizzle-orm";
import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as tokenGroupFeed } from "#app/routes/calendar.$token.groups.$file";
import { loader as publicGroupFeed } from "#app/routes/groups.$slug.events[.ics]";
import { newId } from "#app/lib/ids.server";
import { wallClockAt, wallClockToUtc } from "#app/lib/time";
import { vtimezoneLines } from "#app/lib/vtimezone.server";
import { createFeedToken, eventCalendar, groupCalendar, userCalendar } from "#app/modules/events/feeds.server";
import { cancelEvent } from "#app/modules/events/events.server";
import { createSeries, updateOccurrence } from "#app/modules/events/series.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { eventRsvps, eventSeries, events, groupMemberships, groups, organizationMembers, organizations } from "#db/schema/index";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;
const ORIGIN = "http://localhost";
const HOUR = 3_600_000;

/**
 * Series in calendar exports, proven with an independent parser: ical.js reads the VTIMEZONE we
 * generate, expands our RRULE minus EXDATE plus the overrides, and must land on exactly the UTC
 * instants stored in the occurrence rows, across the DST changes of two zones.
 */
describe(`series in ICS on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let member: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-s", slug: "org-s", name: "Org S" });
    await t.app.db.insert(groups).values([
      {
        id: "g-open",
        slug: "open-series",
        name: "Open series group",
        organizationId: "org-s",
      },
      {
        id: "g-priv",
        slug: "private-series",
        name: "Private series group",
        organizationId: "org-s",
        visibility: "private",
        joinPolicy: "approval",
      },
    ]);
    member = await createMember(t.app, "Series member");
  });
  afterAll(() => t.close());

  /** A series and its rows as helper code would write them: every occurrence at the same wall clock. */
  async function insertSeries(opts: { groupId: string; zone: string; rrule: string; local: string[]; hours?: number; title: string; onlineUrl?: string }) {
    const seriesId = newId(16);
    await t.app.db.insert(eventSeries).values({
      id: seriesId,
      organizationId: "org-s",
      groupId: opts.groupId,
      rrule: opts.rrule,
      timeZone: opts.zone,
    });
    const rows = opts.local.map((local) => {
      const r = wallClockToUtc(local, opts.zone);
      if (!r.ok) throw new Error(local);
      return {
        id: newId(16),
        organizationId: "org-s",
        groupId: opts.groupId,
        title: opts.title,
        description: "Weekly circle.",
        startsAt: r.instant,
        endsAt: new Date(r.instant.getTime() + (opts.hours ?? 2) * HOUR),
        timeZone: opts.zone,
        format: opts.onlineUrl ? ("online" as const) : ("in_person" as const),
        location: opts.onlineUrl ? null : "Hall",
        onlineUrl: opts.onlineUrl ?? null,
        seriesId,
        recurrenceId: r.instant,
      };
    });
    await t.app.db.insert(events).values(rows);
    return {
      seriesId,
      ids: rows.map((r) => r.id),
      starts: rows.map((r) => r.startsAt),
    };
  }

  interface Instance {
    start: string;
    end: string;
    summary: string;
    description: string;
    override: boolean;
  }

  /** Parses a calendar with ical.js: its VTIMEZONEs registered, every series expanded (RRULE − EXDATE + overrides). */
  function expand(ics: string) {
    const calendar = new ICAL.Component(ICAL.parse(ics));
    const zones = calendar.getAllSubcomponents("vtimezone");
    for (const z of zones) ICAL.TimezoneService.register(z);
    // Parse again now that the zones are known, so TZID times resolve through them.
    const again = new ICAL.Component(ICAL.parse(ics));
    const vevents = again.getAllSubcomponents("vevent");
    const byUid = new Map<string, ICAL.Component[]>();
    for (const v of vevents) byUid.set(String(v.getFirstPropertyValue("uid")), [...(byUid.get(String(v.getFirstPropertyValue("uid"))) ?? []), v]);
    const series = new Map<string, { master: ICAL.Component; exdates: string[]; instances: Instance[] }>();
    for (const [uid, comps] of byUid) {
      const master = comps.find((c) => c.hasProperty("rrule"));
      if (!master) continue;
      const event = new ICAL.Event(master);
      for (const o of comps.filter((c) => c !== master)) event.relateException(new ICAL.Event(o));
      const exdates = master.getAllProperties("exdate").map((p) => (p.getFirstValue() as ICAL.Time).toJSDate().toISOString());
      const instances: Instance[] = [];
      const it = event.iterator();
      for (let next = it.next(); next; next = it.next()) {
        const d = event.getOccurrenceDetails(next);
        instances.push({
          start: d.startDate.toJSDate().toISOString(),
          end: d.endDate.toJSDate().toISOString(),
          summary: String(d.item.summary),
          description: String(d.item.description),
          override: d.item !== event,
        });
        if (instances.length > 500) throw new Error("runaway rule");
      }
      series.set(uid, { master, exdates, instances });
    }
    return {
      zones: zones.map((z) => String(z.getFirstPropertyValue("tzid"))),
      vevents,
      series,
    };
  }

  it("exports a Berlin series across the October change as one master, EXDATE for the cancelled one and an override for the moved one", async () => {
    const s = await insertSeries({
      groupId: "g-open",
      zone: "Europe/Berlin",
      rrule: "FREQ=WEEKLY;BYDAY=TU;COUNT=6",
      local: ["2030-10-08T18:00", "2030-10-15T18:00", "2030-10-22T18:00", "2030-10-29T18:00", "2030-11-05T18:00", "2030-11-12T18:00"],
      title: "Tuesday circle",
    });
    // The third is cancelled; the fourth is moved to 19:30 and renamed ("this occurrence").
    await t.app.db.update(events).set({ status: "cancelled", cancelledAt: new Date() }).where(eq(events.id, s.ids[2]!));
    const moved = new Date(s.starts[3]!.getTime() + 1.5 * HOUR);
    await t.app.db
      .update(events)
      .set({
        detached: true,
        startsAt: moved,
        endsAt: new Date(moved.getTime() + 2 * HOUR),
        title: "Tuesday circle (late start)",
        sequence: 2,
      })
      .where(eq(events.id, s.ids[3]!));

    const { ics } = await groupCalendar(t.app, null, "open-series", ORIGIN);
    expect(ics).toContain("DTSTART;TZID=Europe/Berlin:20301008T180000");
    expect(ics).toContain("RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=6");
    const { zones, series } = expand(ics);
    expect(zones).toEqual(["Europe/Berlin"]);
    const got = series.get(`series-${s.seriesId}@hearth`)!;
    expect(got).toBeDefined();

    // Independent expansion = the database rows that are not cancelled, at their own UTC instants.
    const rows = await t.app.db.select().from(events).where(eq(events.seriesId, s.seriesId));
    const expected = rows
      .filter((r) => r.status !== "cancelled")
      .map((r) => ({
        start: r.startsAt.toISOString(),
        end: r.endsAt.toISOString(),
      }))
      .sort((a, b) => a.start.localeCompare(b.start));
    expect(got.instances.map(({ start, end }) => ({ start, end }))).toEqual(expected);
    // Across the change the UTC instant moves by an hour, the Berlin clock stays at 18:00.
    expect(expected[0]!.start).toBe("2030-10-08T16:00:00.000Z");
    expect(expected.at(-1)!.start).toBe("2030-11-12T17:00:00.000Z");
    for (const i of got.instances.filter((x) => !x.override)) expect(wallClockAt(new Date(i.start), "Europe/Berlin").hour).toBe(18);

    // The cancelled one is in EXDATE and is no instance; the moved one is an override with its own SEQUENCE.
    expect(got.exdates).toEqual([s.starts[2]!.toISOString()]);
    expect(got.instances.some((i) => i.start === s.starts[2]!.toISOString())).toBe(false);
    const override = got.instances.filter((i) => i.override);
    expect(override).toEqual([
      expect.objectContaining({
        start: moved.toISOString(),
        summary: "Tuesday circle (late start)",
      }),
    ]);
    const overrideComp = expand(ics).vevents.find((v) => v.hasProperty("recurrence-id"))!;
    expect((overrideComp.getFirstPropertyValue("recurrence-id") as ICAL.Time).toJSDate().toISOString()).toBe(s.starts[3]!.toISOString());
    expect(overrideComp.getFirstPropertyValue("sequence")).toBe(2);

    // "Add to calendar" on one occurrence gives the same whole series.
    const single = expand((await eventCalendar(t.app, member, s.ids[0]!, ORIGIN)).ics).series.get(`series-${s.seriesId}@hearth`)!;
    expect(single.instances.map((i) => i.start)).toEqual(expected.map((e) => e.start));
  });

  it("keeps 18:00 in New York across the March change; the personal feed shows only the owner's occurrences, the link only where they are going", async () => {
    const s = await insertSeries({
      groupId: "g-open",
      zone: "America/New_York",
      rrule: "FREQ=WEEKLY;BYDAY=TH;UNTIL=20310320",
      local: ["2031-02-27T18:00", "2031-03-06T18:00", "2031-03-13T18:00", "2031-03-20T18:00"],
      title: "Thursday call",
      hours: 1,
      onlineUrl: "https://meet.example/secret-room",
    });
    const reader = await createMember(t.app, "Feed reader");
    await t.app.db.insert(eventRsvps).values([
      { eventId: s.ids[0]!, userId: reader.id, status: "going", seq: 1 },
      { eventId: s.ids[2]!, userId: reader.id, status: "waitlisted", seq: 1 },
      { eventId: s.ids[3]!, userId: reader.id, status: "going", seq: 1 },
    ]);
    const token = await createFeedToken(t.app, reader);
    const { series } = expand(await userCalendar(t.app, token, ORIGIN));
    const got = series.get(`series-${s.seriesId}@hearth`)!;
    expect(got.instances.map((i) => i.start)).toEqual([s.starts[0], s.starts[2], s.starts[3]].map((d) => d!.toISOString()));
    expect(got.exdates).toEqual([s.starts[1]!.toISOString()]);
    // 18:00 EST is 23:00Z, 18:00 EDT is 22:00Z.
    expect(got.instances.map((i) => i.start.slice(11, 16))).toEqual(["23:00", "22:00", "22:00"]);
    const [first, waiting, last] = got.instances;
    expect(first!.description).toContain("https://meet.example/secret-room");
    expect(last!.description).toContain("https://meet.example/secret-room");
    expect(waiting!.override).toBe(true);
    expect(waiting!.description).toMatch(/^You are on the waitlist/);
    expect(waiting!.description).not.toContain("secret-room");

    // The shared group feed never carries the link, in no instance.
    const group = expand((await groupCalendar(t.app, reader, "open-series", ORIGIN)).ics).series.get(`series-${s.seriesId}@hearth`)!;
    expect(group.instances).toHaveLength(4);
    expect(group.instances.every((i) => !i.description.includes("secret-room"))).toBe(true);
  });

  it("a series made and edited by the series module (this one moved, this and following split, one cancelled) expands to exactly its rows", async () => {
    const owner = await createMember(t.app, "Series owner");
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-s", userId: owner.id, role: "owner" });
    await t.app.db.insert(groups).values({ id: "g-made", slug: "made-series", name: "Made series", organizationId: "org-s" });
    const wall = (v: string) => {
      const r = wallClockToUtc(v, "Europe/Berlin");
      if (!r.ok) throw new Error(v);
      return r.instant;
    };
    const input = (over: Partial<EventInput> = {}): EventInput => ({
      organizationId: "org-s",
      groupId: "g-made",
      title: "Made circle",
      description: "Every two weeks.",
      timeZone: "Europe/Berlin",
      startsAt: wall("2030-09-03T18:00"),
      endsAt: wall("2030-09-03T20:00"),
      format: "in_person",
      location: "Hall",
      onlineUrl: null,
      capacity: null,
      registrationDeadline: null,
      ...over,
    });
    const { seriesId } = await createSeries(t.app, owner, input(), "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=8");
    const rows = async () => t.app.db.select().from(events).where(eq(events.groupId, "g-made"));
    const first = (await rows()).sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
    // The 2nd moves to 19:00 on its own; from the 5th (after the October change) on, 17:30 (a split); the 3rd is cancelled.
    await updateOccurrence(t.app, owner, first[1]!.id, input({ startsAt: new Date(first[1]!.startsAt.getTime() + HOUR), endsAt: new Date(first[1]!.endsAt.getTime() + HOUR) }), "this");
    await updateOccurrence(t.app, owner, first[4]!.id, input({ startsAt: new Date(first[4]!.startsAt.getTime() - HOUR / 2), endsAt: new Date(first[4]!.endsAt.getTime() - HOUR / 2), title: "Made circle (earlier)" }), "following");
    await cancelEvent(t.app, owner, first[2]!.id);

    const { ics } = await groupCalendar(t.app, null, "made-series", ORIGIN);
    const { series } = expand(ics);
    const after = await rows();
    const seriesIds = [...new Set(after.map((r) => r.seriesId))];
    expect(seriesIds).toHaveLength(2);
    expect(seriesIds).toContain(seriesId);
    const instances = seriesIds.flatMap((id) => series.get(`series-${id}@hearth`)!.instances);
    const expected = after.filter((r) => r.status !== "cancelled").map((r) => ({ start: r.startsAt.toISOString(), end: r.endsAt.toISOString(), summary: r.title }));
    const byStart = (a: { start: string }, b: { start: string }) => a.start.localeCompare(b.start);
    expect(instances.map(({ start, end, summary }) => ({ start, end, summary })).sort(byStart)).toEqual(expected.sort(byStart));
    expect(series.get(`series-${seriesId}@hearth`)!.exdates).toEqual([first[2]!.startsAt.toISOString()]);
    // The split series' rows keep 17:30 in Berlin on both sides of the change.
    for (const i of instances.filter((x) => x.summary === "Made circle (earlier)")) expect(wallClockAt(new Date(i.start), "Europe/Berlin")).toMatchObject({ hour: 17, minute: 30 });
  });

  it("writes one STANDARD for a zone without DST and a change per transition for one with it", () => {
    const kolkata = vtimezoneLines("Asia/Kolkata", new Date("2030-01-05T00:00:00Z"), new Date("2031-06-01T00:00:00Z"));
    expect(kolkata.filter((l) => l.startsWith("BEGIN:"))).toEqual(["BEGIN:VTIMEZONE", "BEGIN:STANDARD"]);
    expect(kolkata).toContain("TZOFFSETTO:+0530");
    const berlin = vtimezoneLines("Europe/Berlin", new Date("2030-01-05T00:00:00Z"), new Date("2030-06-01T00:00:00Z"));
    expect(berlin).toEqual(expect.arrayContaining(["DTSTART:20300331T020000", "DTSTART:20301027T030000", "TZOFFSETTO:+0200"]));
    expect(berlin.filter((l) => l === "BEGIN:DAYLIGHT")).toHaveLength(1);
  });

  it("serves a private group's feed behind the member's token while they are a member; 404 after they leave, for a wrong token and for a visitor's public .ics", async () => {
    const priv = await insertSeries({
      groupId: "g-priv",
      zone: "Europe/Berlin",
      rrule: "FREQ=WEEKLY;BYDAY=MO;COUNT=2",
      local: ["2030-12-02T10:00", "2030-12-09T10:00"],
      title: "Private Monday",
    });
    const insider = await createMember(t.app, "Insider");
    await t.app.db.insert(groupMemberships).values({
      groupId: "g-priv",
      userId: insider.id,
      role: "member",
      status: "active",
    });
    const token = await createFeedToken(t.app, insider);
    // The personal feed carries the private group's occurrence they are going to.
    await t.app.db.insert(eventRsvps).values({ eventId: priv.ids[0]!, userId: insider.id, status: "going", seq: 1 });
    const personalUids = async () => expand(await userCalendar(t.app, token, ORIGIN)).vevents.map((v) => String(v.getFirstPropertyValue("uid")));
    expect(await personalUids()).toContain(`series-${priv.seriesId}@hearth`);
    const ctx = {
      app: t.app,
      viewer: null,
      cspNonce: "n",
      clientIp: "10.0.0.1",
      secure: false,
      isDataRequest: false,
    };
    const fetchFeed = async (tok: string, file = "private-series.ics") => {
      try {
        return await tokenGroupFeed({
          request: new Request(`${ORIGIN}/calendar/${tok}/groups/${file}`),
          context: ctx,
          params: { token: tok, file },
        });
      } catch (e) {
        if (e instanceof Response) return e;
        throw e;
      }
    };
    const ok = await fetchFeed(token);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    const parsed = expand(await ok.text());
    expect([...parsed.series.values()][0]!.instances.map((i) => i.summary)).toEqual(["Private Monday", "Private Monday"]);

    const other = await createTestToken();
    expect((await fetchFeed(other)).status).toBe(404);
    expect((await fetchFeed(token, "private-series.txt")).status).toBe(404);
    const visitor = await (async () => {
      try {
        return await publicGroupFeed({
          request: new Request(`${ORIGIN}/groups/private-series/events.ics`),
          context: ctx,
          params: { slug: "private-series" },
        });
      } catch (e) {
        if (e instanceof Response) return e;
        throw e;
      }
    })();
    expect(visitor.status).toBe(404);

    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-priv"), eq(groupMemberships.userId, insider.id)));
    expect((await fetchFeed(token)).status).toBe(404);
    // Left the group: its events leave the personal feed too, although the RSVP row is still there.
    expect(await personalUids()).not.toContain(`series-${priv.seriesId}@hearth`);
  });

  /** Someone else's valid token: they are not in the private group. */
  async function createTestToken() {
    const outsider = await createMember(t.app, "Outsider");
    return createFeedToken(t.app, outsider);
  }
});
