import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventRsvpChanges,
  eventRsvps,
  groupMemberships,
  groups,
  notifications,
  organizationMembers,
  organizations,
} from "#db/schema/index";
import type { EventInput } from "#app/modules/events/events.schema";
import { createEvent, getEvent } from "#app/modules/events/events.server";
import {
  cancelRsvp,
  respondToEvent,
  rsvpToEvent,
} from "#app/modules/events/rsvps.server";
import { listMyNextEvents } from "#app/modules/events/mine.server";
import { action as eventAction } from "#app/routes/events.$eventId._index/route";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { postFormTo } from "#tests/helpers/route-action";

type Member = Awaited<ReturnType<typeof createMember>>;
const DAY = 86_400_000;

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = new Date(Date.now() + 7 * DAY);
  return {
    organizationId: "org-rc",
    groupId: "g-rc",
    title: "Choices evening",
    description: "",
    timeZone: "UTC",
    startsAt,
    endsAt: new Date(startsAt.getTime() + 3_600_000),
    format: "online",
    location: null,
    onlineUrl: "https://meet.example/secret-room",
    capacity: 5,
    registrationDeadline: null,
    ...over,
  };
}

/** Going / maybe / not going (decision 0021): maybe and not going never take a place, and every transition is logged. */
describe(`RSVP choices on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db
      .insert(organizations)
      .values({ id: "org-rc", slug: "org-rc", name: "Choices Org" });
    await t.app.db
      .insert(groups)
      .values({
        id: "g-rc",
        slug: "choices",
        name: "Choices",
        organizationId: "org-rc",
        visibility: "public",
        joinPolicy: "open",
      });
    owner = await createMember(t.app, "Organizer");
    await t.app.db
      .insert(organizationMembers)
      .values({ organizationId: "org-rc", userId: owner.id, role: "owner" });
    await t.app.jobs.start(t.app);
  });
  afterAll(() => t.close());

  const members = async (n: number, prefix: string) => {
    const ms: Member[] = [];
    for (let i = 0; i < n; i++)
      ms.push(await createMember(t.app, `${prefix}${i}`));
    await t.app.db
      .insert(groupMemberships)
      .values(
        ms.map((m) => ({
          groupId: "g-rc",
          userId: m.id,
          role: "member" as const,
          status: "active" as const,
        }))
      );
    return ms;
  };
  const statusesOf = async (eventId: string) =>
    t.app.db
      .select({ userId: eventRsvps.userId, status: eventRsvps.status })
      .from(eventRsvps)
      .where(eq(eventRsvps.eventId, eventId))
      .orderBy(asc(eventRsvps.seq));
  const changesOf = async (eventId: string) =>
    await t.app.db
      .select({
        userId: eventRsvpChanges.userId,
        status: eventRsvpChanges.status,
      })
      .from(eventRsvpChanges)
      .where(eq(eventRsvpChanges.eventId, eventId))
      .orderBy(asc(eventRsvpChanges.createdAt), asc(eventRsvpChanges.id));

  it("20 parallel mixed replies on 5 places: exactly 5 going, maybe and not going never take a place or a waitlist spot", async () => {
    const ms = await members(20, "Mixed");
    const { id } = await createEvent(t.app, owner, input());
    const answers = ms.map(
      (_, i) =>
        (i % 4 === 1 ? "maybe" : i % 4 === 3 ? "not_going" : "going") as
          | "going"
          | "maybe"
          | "not_going"
    );
    await Promise.all(
      ms.map((m, i) =>
        answers[i] === "going"
          ? rsvpToEvent(t.app, m, id)
          : respondToEvent(t.app, m, id, answers[i] as "maybe" | "not_going")
      )
    );
    const rows = await statusesOf(id);
    expect(rows.filter((r) => r.status === "going")).toHaveLength(5);
    expect(rows.filter((r) => r.status === "waitlisted")).toHaveLength(5);
    expect(rows.filter((r) => r.status === "maybe")).toHaveLength(5);
    expect(rows.filter((r) => r.status === "not_going")).toHaveLength(5);
    // Each person's row holds their own answer: a maybe never became going.
    for (const [i, m] of ms.entries()) {
      const row = rows.find((r) => r.userId === m.id)!;
      if (answers[i] === "going")
        expect(["going", "waitlisted"]).toContain(row.status);
      else expect(row.status).toBe(answers[i]);
    }
    const e = await getEvent(t.app, owner, id);
    expect({
      going: e.goingCount,
      waitlist: e.waitlistCount,
      maybe: e.maybeCount,
      notGoing: e.notGoingCount,
      left: e.spotsLeft,
    }).toEqual({ going: 5, waitlist: 5, maybe: 5, notGoing: 5, left: 0 });
    // A member sees the maybe count but not who said no.
    expect((await getEvent(t.app, ms[0]!, id)).notGoingCount).toBeNull();
    // Every reply was logged once, in its own transaction.
    const changes = await changesOf(id);
    expect(changes).toHaveLength(20);
    expect(changes.filter((c) => c.status === "maybe")).toHaveLength(5);
  });

  it("going → maybe gives the place up: the first waitlisted is promoted and told; the maybe gets no online link and no 'you got a place'", async () => {
    const [a, b, c] = await members(3, "Swap");
    const { id } = await createEvent(t.app, owner, input({ capacity: 1 }));
    expect((await rsvpToEvent(t.app, a!, id)).status).toBe("going");
    expect((await rsvpToEvent(t.app, b!, id)).status).toBe("waitlisted");
    expect((await rsvpToEvent(t.app, c!, id)).status).toBe("waitlisted");
    expect((await getEvent(t.app, a!, id)).onlineUrl).toBe(
      "https://meet.example/secret-room"
    );

    expect(await respondToEvent(t.app, a!, id, "maybe")).toEqual({
      previous: "going",
      promoted: [b!.id],
    });
    // (A reply takes a new seq: the rows' order is the order of the replies.)
    expect((await statusesOf(id)).map((r) => [r.userId, r.status])).toEqual([
      [b!.id, "going"],
      [c!.id, "waitlisted"],
      [a!.id, "maybe"],
    ]);
    const asA = await getEvent(t.app, a!, id);
    expect(asA.myRsvp).toBe("maybe");
    expect(asA.onlineUrl).toBeNull();
    // Maybe isn't a "next event" on the home page.
    expect(
      (await listMyNextEvents(t.app, a!, 10)).events.map((e) => e.id)
    ).not.toContain(id);
    expect(
      (await listMyNextEvents(t.app, b!, 10)).events.map((e) => e.id)
    ).toContain(id);

    await fanoutsDone(t.app);
    const kinds = async (userId: string) =>
      (
        await t.app.db
          .select({ kind: notifications.kind })
          .from(notifications)
          .where(
            and(eq(notifications.userId, userId), eq(notifications.eventId, id))
          )
      ).map((n) => n.kind);
    expect(await kinds(b!.id)).toEqual(["event_promoted"]);
    expect(await kinds(a!.id)).toEqual([]);
    expect(await kinds(c!.id)).toEqual([]);

    // Maybe → going takes a place again only if there is one: the line is full, so a joins the waitlist behind c.
    expect(await rsvpToEvent(t.app, a!, id)).toEqual({
      status: "waitlisted",
      position: 2,
    });
    // Not going from the waitlist leaves the line; withdrawing a not going clears the reply.
    expect((await respondToEvent(t.app, c!, id, "not_going")).promoted).toEqual(
      []
    );
    expect((await getEvent(t.app, a!, id)).waitlistPosition).toBe(1);
    expect((await cancelRsvp(t.app, c!, id)).previous).toBe("not_going");
    expect((await getEvent(t.app, c!, id)).myRsvp).toBeNull();

    // One line per transition (rows of one transaction share its now(): compared as a set).
    const key = (x: readonly string[]) => x.join(" ");
    expect(
      (await changesOf(id)).map((ch) => key([ch.userId, ch.status])).sort()
    ).toEqual(
      [
        [a!.id, "going"],
        [b!.id, "waitlisted"],
        [c!.id, "waitlisted"],
        [a!.id, "maybe"],
        [b!.id, "going"],
        [a!.id, "waitlisted"],
        [c!.id, "not_going"],
        [c!.id, "cancelled"],
      ]
        .map(key)
        .sort()
    );
  });

  it("the same answer twice changes nothing; closed and cancelled events refuse replies; a visitor or a bad answer gets no 500", async () => {
    const [a] = await members(1, "Twice");
    const { id } = await createEvent(t.app, owner, input());
    await respondToEvent(t.app, a!, id, "maybe");
    await respondToEvent(t.app, a!, id, "maybe");
    expect(await changesOf(id)).toHaveLength(1);

    const url = `http://localhost/events/${id}`;
    const bad = await postFormTo(
      t.app,
      eventAction,
      url,
      { eventId: id },
      { intent: "respond", answer: "perhaps" },
      a
    );
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.data)).toContain(
      "Choose going, maybe or not going."
    );
    const ok = await postFormTo(
      t.app,
      eventAction,
      url,
      { eventId: id },
      { intent: "respond", answer: "not_going" },
      a
    );
    expect(ok.status).toBe(200);
    expect((await getEvent(t.app, a!, id)).myRsvp).toBe("not_going");
    const visitor = await postFormTo(
      t.app,
      eventAction,
      url,
      { eventId: id },
      { intent: "respond", answer: "maybe" },
      null
    );
    expect(visitor.status).toBe(302);
  });

  it("a private group's event: an outsider's reply is a 404 and writes nothing", async () => {
    await t.app.db
      .insert(groups)
      .values({
        id: "g-rc-p",
        slug: "choices-private",
        name: "Private choices",
        organizationId: "org-rc",
        visibility: "private",
        joinPolicy: "approval",
      });
    const outsider = await createMember(t.app, "Outsider");
    const { id } = await createEvent(
      t.app,
      owner,
      input({ groupId: "g-rc-p" })
    );
    const r = await postFormTo(
      t.app,
      eventAction,
      `http://localhost/events/${id}`,
      { eventId: id },
      { intent: "respond", answer: "maybe" },
      outsider
    );
    expect(r.status).toBe(404);
    expect(await statusesOf(id)).toEqual([]);
  });
});
