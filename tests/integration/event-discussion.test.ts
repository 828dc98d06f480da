import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatRooms, events, groupMemberships, groups, organizationMembers, organizations, posts, threads } from "#db/schema/index";
import type { EventInput } from "#app/modules/events/events.schema";
import { eventDiscussion, openDiscussion } from "#app/modules/events/discussion.server";
import { createEvent } from "#app/modules/events/events.server";
import { action as eventAction, loader as eventLoader } from "#app/routes/events.$eventId._index/route";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { postFormTo } from "#tests/helpers/route-action";

type Member = Awaited<ReturnType<typeof createMember>>;
const HOUR = 3_600_000;

function input(over: Partial<EventInput> = {}): EventInput {
  const startsAt = new Date(Date.now() + 10 * 24 * HOUR);
  return {
    organizationId: "org-disc",
    groupId: "g-disc-pub",
    title: "Peer support evening",
    description: "",
    timeZone: "Europe/Berlin",
    startsAt,
    endsAt: new Date(startsAt.getTime() + HOUR),
    format: "in_person",
    location: "Room 4",
    onlineUrl: null,
    capacity: null,
    registrationDeadline: null,
    ...over,
  };
}

describe(`event discussion (forum thread or chat room) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let owner: Member, member: Member, outsider: Member;

  const open = (viewer: Member | null, eventId: string, kind: string) => postFormTo(t.app, eventAction, `http://localhost/events/${eventId}`, { eventId }, { intent: "open-discussion", kind }, viewer);
  const pageOf = async (viewer: Member | null, eventId: string) =>
    (await eventLoader({ params: { eventId }, context: { app: t.app, viewer }, request: new Request(`http://localhost/events/${eventId}`) } as never)) as unknown as {
      discussion: { kind: string; label: string; href: string }[];
      organizerExtras: { canOpenDiscussion: boolean; opened: { thread: boolean; room: boolean } };
    };

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.db.insert(organizations).values({ id: "org-disc", slug: "org-disc", name: "Discussion Org" });
    await t.app.db.insert(groups).values([
      { id: "g-disc-pub", slug: "disc-public", name: "Public circle", organizationId: "org-disc" },
      { id: "g-disc-priv", slug: "disc-private", name: "Private circle", organizationId: "org-disc", visibility: "private", joinPolicy: "approval" },
    ]);
    [owner, member, outsider] = await Promise.all(["Organizer", "Member", "Outsider"].map((n) => createMember(t.app, n)));
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-disc", userId: owner.id, role: "owner" });
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-disc-pub", userId: member.id },
      { groupId: "g-disc-priv", userId: member.id },
    ]);
  });
  afterAll(() => t.close());

  it("opens one members-only thread in the group's public forum, titled with the date, linking back; twice makes one", async () => {
    const { id } = await createEvent(t.app, owner, input());
    const r = await open(owner, id, "thread");
    expect(r.status).toBe(200);
    expect(r.data?.message).toMatch(/forum thread is open/);
    const again = await open(owner, id, "thread");
    expect(again.data?.message).toBe("This event already has a forum thread.");

    const [event] = await t.app.db.select({ threadId: events.discussionThreadId }).from(events).where(eq(events.id, id));
    const rows = await t.app.db.select().from(threads).where(eq(threads.groupId, "g-disc-pub"));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.id).toBe(event!.threadId);
    expect(rows[0]!.title).toMatch(/^Peer support evening — \w{3} \d{1,2} \w{3}, \d\d:\d\d$/);
    expect(rows[0]!.membersOnly).toBe(true);
    const [first] = await t.app.db.select({ body: posts.body, authorId: posts.authorId }).from(posts).where(eq(posts.threadId, rows[0]!.id));
    expect(first!.body).toMatch(new RegExp(`\\(https?://[^)]+/events/${id}\\)`));
    expect(first!.authorId).toBe(owner.id);

    // A member finds the link; a visitor (who may see the public event, not the members-only thread) does not.
    expect((await pageOf(member, id)).discussion).toEqual([{ kind: "thread", label: rows[0]!.title, href: `/groups/disc-public/forum/${rows[0]!.id}` }]);
    expect((await pageOf(null, id)).discussion).toEqual([]);
    expect((await pageOf(outsider, id)).discussion).toEqual([]);

    // A removed thread is no longer linked for members.
    await t.app.db.update(threads).set({ deletedAt: new Date() }).where(eq(threads.id, rows[0]!.id));
    expect((await pageOf(member, id)).discussion).toEqual([]);
  });

  it("a chat room in the group, once however many clicks race; linked to those who can read the room", async () => {
    const { id } = await createEvent(t.app, owner, input({ groupId: "g-disc-priv", title: "A rather long private evening title that will not fit a room name" }));
    const results = await Promise.all([openDiscussion(t.app, owner, id, "room"), openDiscussion(t.app, owner, id, "room"), openDiscussion(t.app, owner, id, "room")]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const rooms = await t.app.db.select().from(chatRooms).where(eq(chatRooms.groupId, "g-disc-priv"));
    expect(rooms).toHaveLength(1);
    expect(rooms[0]!.name.length).toBeLessThanOrEqual(60);
    expect(rooms[0]!.name).toMatch(/… — /);
    expect((await pageOf(member, id)).discussion.map((d) => d.href)).toEqual([`/groups/disc-private/chat/${rooms[0]!.id}`]);
    const links = await eventDiscussion(t.app, outsider, { id, group: { slug: "disc-private" } });
    expect(links.links).toEqual([]);
    expect((await pageOf(owner, id)).organizerExtras.opened).toEqual({ thread: false, room: true });
  });

  it("forged: a member 403, an outsider of a private group's event 404, an organization-wide event 403, a bad kind 400; nothing made", async () => {
    const pub = await createEvent(t.app, owner, input({ title: "Forged public" }));
    const priv = await createEvent(t.app, owner, input({ groupId: "g-disc-priv", title: "Forged private" }));
    const orgWide = await createEvent(t.app, owner, input({ groupId: null, title: "Organization-wide" }));
    expect((await open(member, pub.id, "thread")).status).toBe(403);
    expect((await open(outsider, priv.id, "room")).status).toBe(404);
    const wide = await open(owner, orgWide.id, "thread");
    expect(wide.status).toBe(403);
    expect(wide.data?.message).toBe("A discussion needs a group: this event is organization-wide.");
    expect((await open(owner, pub.id, "wiki")).status).toBe(400);
    expect((await open(null, pub.id, "thread")).status).toBe(302);
    const made = await t.app.db.select({ t: events.discussionThreadId, r: events.discussionRoomId }).from(events).where(eq(events.id, pub.id));
    expect(made).toEqual([{ t: null, r: null }]);
    expect((await pageOf(member, pub.id)).organizerExtras.canOpenDiscussion).toBe(false);
  });
});
