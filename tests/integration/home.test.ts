import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "#app/lib/cursor";
import { getThreadPage } from "#app/modules/forums/threads.server";
import { getHome } from "#app/modules/home/home.server";
import { loader as homeLoader } from "#app/routes/_index";
import { loader as groupPageLoader } from "#app/routes/groups.$slug._index/route";
import { loader as welcomeLoader } from "#app/routes/welcome";
import { leaveGroup } from "#app/modules/groups/groups.server";
import {
  eventRsvps,
  events,
  groupMemberships,
  groups,
  notifications,
  organizations,
  posts,
  resources,
  threadFollows,
  threadReads,
  threads,
} from "#db/schema/index";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * The signed-in home's data: new-since-last-visit counts, unread replies in followed threads with
 * the first unread post, mentions still visible, next events with the waitlist place, new library
 * resources; everything behind the policy (a private group left vanishes), in a fixed number of queries.
 */
describe(`member home on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let me: Awaited<ReturnType<typeof createMember>>;
  let other: Awaited<ReturnType<typeof createMember>>;
  let fresh: Awaited<ReturnType<typeof createMember>>;
  const NOW = new Date("2026-06-10T12:00:00Z");
  const at = (minutesAgo: number) => new Date(NOW.getTime() - minutesAgo * 60_000);
  let seq = 0;

  async function thread(groupId: string, id: string, title: string, replies: { id: string; minutesAgo: number; author?: string }[], minutesAgo = 600) {
    const last = replies.length ? Math.min(...replies.map((r) => r.minutesAgo)) : minutesAgo;
    await t.app.db.insert(threads).values({ id, groupId, authorId: other.id, title, replyCount: replies.length, createdAt: at(minutesAgo), lastActivityAt: at(last) });
    await t.app.db.insert(posts).values([
      { id: `${id}-open`, threadId: id, authorId: other.id, isOpening: true, body: "opening", createdAt: at(minutesAgo) },
      ...replies.map((r) => ({ id: r.id, threadId: id, authorId: r.author ?? other.id, body: "reply", createdAt: at(r.minutesAgo) })),
    ]);
  }

  async function event(id: string, groupId: string | null, startsInHours: number, capacity: number | null = null) {
    const startsAt = new Date(NOW.getTime() + startsInHours * 3_600_000);
    await t.app.db.insert(events).values({
      id,
      organizationId: "org-h",
      groupId,
      title: `Event ${id}`,
      startsAt,
      endsAt: new Date(startsAt.getTime() + 3_600_000),
      timeZone: "Europe/Berlin",
      format: "online",
      capacity,
    });
  }
  const rsvp = (eventId: string, userId: string, status: "going" | "waitlisted") =>
    t.app.db.insert(eventRsvps).values({ eventId, userId, status, seq: ++seq });

  beforeAll(async () => {
    t = await createTestApp();
    t.app.clock = { now: () => NOW };
    await t.app.db.insert(organizations).values({ id: "org-h", slug: "org-h", name: "Org H" });
    await t.app.db.insert(groups).values([
      { id: "g-open", slug: "open", name: "Open group", organizationId: "org-h" },
      { id: "g-quiet", slug: "quiet", name: "Quiet group", organizationId: "org-h" },
      { id: "g-secret", slug: "secret", name: "Secret group", organizationId: "org-h", visibility: "private" },
      { id: "g-other", slug: "other", name: "Not mine", organizationId: "org-h" },
    ]);
    me = await createMember(t.app, "Me");
    other = await createMember(t.app, "Other");
    fresh = await createMember(t.app, "Fresh");
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-open", userId: me.id, lastVisitedAt: at(120), createdAt: at(10_000) },
      // Never visited: new counts from joining.
      { groupId: "g-quiet", userId: me.id, lastVisitedAt: null, createdAt: at(30) },
      { groupId: "g-secret", userId: me.id, lastVisitedAt: at(120), createdAt: at(10_000) },
      ...["g-open", "g-quiet", "g-secret", "g-other"].map((groupId) => ({ groupId, userId: other.id })),
    ]);

    // Open: one thread active before my last visit, two after.
    await thread("g-open", "t-old", "Old news", [{ id: "p-old", minutesAgo: 300 }]);
    await thread("g-open", "t-new1", "Neck pain at night", [
      { id: "p-n1a", minutesAgo: 100 },
      { id: "p-n1b", minutesAgo: 90, author: me.id },
      { id: "p-n1c", minutesAgo: 80 },
    ]);
    await thread("g-open", "t-new2", "Botox appointments", [{ id: "p-n2a", minutesAgo: 60 }]);
    // Only my own post since my visit: nothing new for me.
    await thread("g-open", "t-mine", "My own update", [{ id: "p-mine", minutesAgo: 50, author: me.id }]);
    // Quiet: one thread before I joined, one after.
    await thread("g-quiet", "t-q-before", "Before I came", [{ id: "p-qb", minutesAgo: 45 }]);
    await thread("g-quiet", "t-q-after", "After I came", [{ id: "p-qa", minutesAgo: 20 }]);
    // Secret: a new thread I follow, with an unread reply.
    await thread("g-secret", "t-secret", "Private worries", [{ id: "p-s1", minutesAgo: 10 }]);
    await thread("g-other", "t-elsewhere", "Elsewhere", [{ id: "p-e1", minutesAgo: 10 }]);

    await t.app.db.insert(threadFollows).values([
      // Read up to p-n1a: p-n1b is mine, so p-n1c is the one unread reply.
      { userId: me.id, threadId: "t-new1", level: "watching", reason: "replied" },
      // Never opened: every reply unread.
      { userId: me.id, threadId: "t-new2", level: "watching", reason: "chosen" },
      // Fully read: not listed.
      { userId: me.id, threadId: "t-old", level: "watching", reason: "created" },
      // Normal, not watching: not listed.
      { userId: me.id, threadId: "t-q-after", level: "normal", reason: "chosen" },
      { userId: me.id, threadId: "t-secret", level: "watching", reason: "replied" },
    ]);
    await t.app.db.insert(threadReads).values([
      { userId: me.id, threadId: "t-new1", lastReadPostId: "p-n1a", lastReadAt: at(100) },
      { userId: me.id, threadId: "t-old", lastReadPostId: "p-old", lastReadAt: at(300) },
    ]);

    await t.app.db.insert(notifications).values([
      { id: "n-open", userId: me.id, kind: "mention", groupId: "g-open", title: "Other mentioned you in Neck pain at night", link: "/groups/open/forum/t-new1#post-p-n1c", createdAt: at(80) },
      { id: "n-secret", userId: me.id, kind: "mention", groupId: "g-secret", title: "Other mentioned you in Private worries", link: "/groups/secret/forum/t-secret#post-p-s1", createdAt: at(10) },
      { id: "n-reply", userId: me.id, kind: "reply", groupId: "g-open", title: "Not a mention", createdAt: at(5) },
      { id: "n-theirs", userId: other.id, kind: "mention", groupId: "g-open", title: "Someone else's", createdAt: at(5) },
    ]);

    // Events: going to one, second on a waitlist of two, one past, one cancelled, one in the secret group.
    await event("e-soon", "g-open", 24);
    await event("e-full", null, 48, 1);
    await event("e-past", "g-open", -5);
    await event("e-cancelled", "g-open", 30);
    await event("e-secret", "g-secret", 72);
    await event("e-notmine", "g-open", 12);
    await rsvp("e-soon", me.id, "going");
    await rsvp("e-full", other.id, "going");
    await rsvp("e-full", fresh.id, "waitlisted");
    await rsvp("e-full", me.id, "waitlisted");
    await rsvp("e-past", me.id, "going");
    await rsvp("e-cancelled", me.id, "going");
    await t.app.db.update(events).set({ status: "cancelled" }).where(eq(events.id, "e-cancelled"));
    await rsvp("e-secret", me.id, "going");

    // Resources: new in my group, new org-wide, new in the secret group, old, retired, in a group not mine.
    const res = (id: string, groupId: string | null, daysAgo: number, retired = false) => ({
      id,
      organizationId: "org-h",
      groupId,
      kind: "guide" as const,
      category: "living" as const,
      title: `Resource ${id}`,
      body: "text",
      createdAt: new Date(NOW.getTime() - daysAgo * 86_400_000),
      retiredAt: retired ? at(1) : null,
    });
    await t.app.db.insert(resources).values([
      res("r-group", "g-open", 2),
      res("r-org", null, 3),
      res("r-secret", "g-secret", 1),
      res("r-old", "g-open", 30),
      res("r-retired", "g-open", 1, true),
      res("r-notmine", "g-other", 1),
    ]);
  });
  afterAll(() => t?.close());

  it("counts what is new in each group since my last visit, or since I joined", async () => {
    const home = await getHome(t.app, me);
    expect(home.groups.groups).toEqual([
      { slug: "open", name: "Open group", newCount: 2 },
      { slug: "quiet", name: "Quiet group", newCount: 1 },
      { slug: "secret", name: "Secret group", newCount: 1 },
    ]);
    expect(home.suggestions).toEqual([]);
  });

  it("a muted group never counts as new", async () => {
    await t.app.db.update(groupMemberships).set({ notificationLevel: "muted" }).where(and(eq(groupMemberships.groupId, "g-quiet"), eq(groupMemberships.userId, me.id)));
    const home = await getHome(t.app, me);
    expect(home.groups.groups.find((g) => g.slug === "quiet")?.newCount).toBe(0);
    await t.app.db.update(groupMemberships).set({ notificationLevel: "normal" }).where(and(eq(groupMemberships.groupId, "g-quiet"), eq(groupMemberships.userId, me.id)));
  });

  it("lists watched threads with unread replies (not my own), linking to the first unread post", async () => {
    const home = await getHome(t.app, me);
    expect(home.follows.threads.map((f) => [f.id, f.unread, f.href])).toEqual([
      ["t-secret", 1, "/groups/secret/forum/t-secret#post-p-s1"],
      ["t-new2", 1, "/groups/open/forum/t-new2#post-p-n2a"],
      ["t-new1", 1, `/groups/open/forum/t-new1?after=${encodeCursor(["2026-06-10T10:20:00.000000Z", "p-n1a"])}#post-p-n1c`],
    ]);
    // The cursor is the thread page's own: its page starts at the first unread post.
    const after = new URL(home.follows.threads[2]!.href, "http://localhost").searchParams.get("after");
    const page = await getThreadPage(t.app, me, "open", "t-new1", { after });
    expect(page.posts.map((p) => p.id)).toEqual(["p-n1b", "p-n1c"]);
  });

  it("shows only my own mentions", async () => {
    const home = await getHome(t.app, me);
    expect(home.mentions.mentions.map((m) => m.id)).toEqual(["n-secret", "n-open"]);
    expect(home.mentions.mentions[0]).toMatchObject({ unread: true, link: "/groups/secret/forum/t-secret#post-p-s1" });
  });

  it("lists my next events soonest first, with my place on the waitlist; past and cancelled ones are gone", async () => {
    const home = await getHome(t.app, me);
    expect(home.events.events.map((e) => [e.id, e.myRsvp, e.waitlistPosition])).toEqual([
      ["e-soon", "going", null],
      ["e-full", "waitlisted", 2],
      ["e-secret", "going", null],
    ]);
    expect(home.events.events[0]!.timeZone).toBe("Europe/Berlin");
  });

  it("lists new resources of my groups and my organizations, not old, retired or other groups' ones", async () => {
    const home = await getHome(t.app, me);
    expect(home.resources.resources.map((r) => r.id)).toEqual(["r-secret", "r-group", "r-org"]);
  });

  it("runs a fixed number of queries whatever the lists hold", async () => {
    const counter = queryCounter(t);
    try {
      const full = await counter.count(() => getHome(counter.app, me));
      // A member with nothing yet: the same six sections (five and "Your drafts"), plus the group suggestions.
      const empty = await counter.count(() => getHome(counter.app, fresh));
      expect(full).toBeLessThanOrEqual(6);
      expect(empty).toBeLessThanOrEqual(7);
    } finally {
      await counter.close();
    }
  });

  it("a newcomer in no group gets joinable suggestions and empty sections", async () => {
    const home = await getHome(t.app, fresh);
    expect(home.groups.groups).toEqual([]);
    expect(home.follows.threads).toEqual([]);
    expect(home.resources.resources).toEqual([]);
    // The directory's first three groups they may join (or ask to), by name.
    expect(home.suggestions.map((g) => g.slug)).toEqual(["other", "open", "quiet"]);
    expect(home.suggestions.every((g) => g.permissions.join || g.permissions.requestJoin)).toBe(true);
    // Waitlisted, not in any group: the org-wide event still shows with its place.
    expect(home.events.events.map((e) => [e.id, e.waitlistPosition])).toEqual([["e-full", 1]]);
  });

  const context = (viewer: Awaited<ReturnType<typeof createMember>> | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const args = (path: string, viewer: Awaited<ReturnType<typeof createMember>> | null, params: Record<string, string> = {}) => ({
    request: new Request(`http://localhost${path}`),
    context: context(viewer),
    params,
  });

  it("the home route gives visitors the welcome page and members their home, as plain JSON", async () => {
    expect(await homeLoader(args("/", null))).toEqual({ signedIn: false, home: null });
    const page = (await homeLoader(args("/", me))) as unknown as { home: { displayName: string; events: { events: { id: string; inZone: string; startsAt: string }[] } } };
    expect(page.home.displayName).toBe(me.displayName);
    // Shown in the event's own zone, as the events pages do.
    expect(page.home.events.events[0]).toMatchObject({ id: "e-soon", startsAt: "2026-06-11T12:00:00.000Z", inZone: expect.stringContaining("14:00") });
  });

  it("opening the group page records the visit: its new count drops to zero", async () => {
    await t.app.db.update(groupMemberships).set({ lastVisitedAt: at(120) }).where(and(eq(groupMemberships.groupId, "g-open"), eq(groupMemberships.userId, me.id)));
    expect((await getHome(t.app, me)).groups.groups.find((g) => g.slug === "open")?.newCount).toBe(2);
    await groupPageLoader(args("/groups/open", me, { slug: "open" }));
    expect((await getHome(t.app, me)).groups.groups.find((g) => g.slug === "open")?.newCount).toBe(0);
  });

  it("the welcome page asks visitors to sign in, and tells an unconfirmed member that posting waits for the link", async () => {
    const visitor = await welcomeLoader(args("/welcome", null)).catch((r: unknown) => r);
    expect(visitor).toBeInstanceOf(Response);
    expect((visitor as Response).headers.get("location")).toMatch(/^\/signin/);
    const unconfirmed = await createMember(t.app, "Unconfirmed", { verified: false });
    const page = (await welcomeLoader(args("/welcome", unconfirmed))) as unknown as { emailVerified: boolean; groups: { slug: string }[] };
    expect(page.emailVerified).toBe(false);
    expect(page.groups.map((g) => g.slug)).toEqual(["other", "open", "quiet", "secret"]);
    expect(((await welcomeLoader(args("/welcome", me))) as unknown as { emailVerified: boolean }).emailVerified).toBe(true);
  });

  it("after I leave the private group, nothing of it appears: no group, thread, mention, event or resource", async () => {
    await leaveGroup(t.app, me, "secret");
    const home = await getHome(t.app, me);
    expect(home.groups.groups.map((g) => g.slug)).toEqual(["open", "quiet"]);
    expect(home.follows.threads.map((f) => f.id)).not.toContain("t-secret");
    expect(home.mentions.mentions.map((m) => m.id)).toEqual(["n-open"]);
    expect(home.events.events.map((e) => e.id)).not.toContain("e-secret");
    expect(home.resources.resources.map((r) => r.id)).toEqual(["r-group", "r-org"]);
  });

  it("a ban hides the group's content the same way", async () => {
    await t.app.db.update(groupMemberships).set({ status: "banned" }).where(and(eq(groupMemberships.groupId, "g-open"), eq(groupMemberships.userId, me.id)));
    const home = await getHome(t.app, me);
    expect(home.groups.groups.map((g) => g.slug)).toEqual(["quiet"]);
    // The open group is public: its threads stay readable, so a followed thread may still show; its resources are not "my groups'" any more.
    expect(home.resources.resources.map((r) => r.id)).toEqual(["r-org"]);
  });
});
