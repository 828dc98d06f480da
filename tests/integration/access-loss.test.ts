import { and, eq } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "#db/client";
import { eventRsvps, groupMemberships, groups, notifications } from "#db/schema/index";
import { archiveRoom, reportMessage, sendMessage } from "#app/modules/chat/chat.server";
import type { EventInput } from "#app/modules/events/events.schema";
import { cancelEvent, createEvent, getEvent, updateEvent } from "#app/modules/events/events.server";
import { rsvpToEvent } from "#app/modules/events/rsvps.server";
import { leaveGroup } from "#app/modules/groups/groups.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { editGroup, manageTeam, setGroupModerator } from "#app/modules/organizations/organizations.server";
import type { ChatMessage, ChatNotice, ChatPresence, RoomJoined } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, drained, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { createTestDatabase, testDatabaseKind } from "#tests/helpers/database";
import { outcome } from "#tests/helpers/errors";
import { fanoutsDone } from "#tests/helpers/fanout";
import { connected, startTestServer } from "#tests/helpers/server";
import { dropRedisStream, joinedSocket, redisPrefix, startNode, type HearthNode } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;
type Typing = { roomId: string; user: { id: string }; typing: boolean };

const DAY = 86_400_000;

/**
 * Issue 10 #1, #3, #23: a loss of access to a group takes effect everywhere at once. Through the
 * real server and real socket.io clients; the changes go through the same module functions the
 * routes call. Negative checks never sleep: a later packet on the same socket (a whoami ack, or a
 * control message another member received first) proves the earlier one would have arrived.
 */
describe(`losing access to a group on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let owner: Member;

  beforeAll(async () => {
    server = await startTestServer();
    owner = await createMember(server.app, "Owner");
    // Event notices are recorded by the fan-out job after the change commits.
    await server.app.jobs.start(server.app);
  });
  afterAll(() => server.stop());

  /** A private group run by an organization (owner = `owner`), with a moderator, members and one room. */
  async function privateGroup(memberIds: string[], staff: { userId: string; role: "admin" | "moderator" }[] = []) {
    const mod = await createMember(server.app, "Mod");
    const g = await createChatGroup(server.app, {
      visibility: "private",
      moderatorId: mod.id,
      memberIds,
      orgStaff: [{ userId: owner.id, role: "owner" }, ...staff],
    });
    const roomId = (await createChatRoom(server.app, mod, g.slug)).id;
    return { ...g, mod, roomId, orgSlug: `o-${g.slug}` };
  }

  async function inRoom(m: Member, roomId: string) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
    return s;
  }

  /**
   * Someone who may read the room arrives: resolves with the first presence `control` hears that
   * lists them. Such a presence was computed after the arrival, so after everything before it.
   */
  async function newcomerPresence(groupId: string, roomId: string, control: Socket) {
    const newcomer = await createMember(server.app, "Newcomer");
    await server.app.db.insert(groupMemberships).values({ groupId, userId: newcomer.id, role: "member", status: "active" });
    const presence = nextEvent<ChatPresence>(control, "presence", (p) => p.people.some((x) => x.id === newcomer.id));
    await inRoom(newcomer, roomId);
    return { newcomer, presence: await presence };
  }

  /**
   * The removed socket hears nothing more of the room: no message:new, typing, presence or notice,
   * and its own typing is not relayed; a member who stayed (`control`) hears all of it.
   */
  async function expectCutOff(removed: Socket, removedId: string, control: Socket, g: { groupId: string; roomId: string; mod: Member }, modSocket: Socket) {
    const { roomId, mod } = g;
    const heard = {
      messages: collect<ChatMessage>(removed, "message:new"),
      typing: collect<Typing>(removed, "typing"),
      presence: collect<ChatPresence>(removed, "presence"),
      notices: collect<ChatNotice>(removed, "notice"),
    };
    const controlTyping = collect<Typing>(control, "typing");

    // A message, typing and a room notice from the moderator reach the control socket...
    const cid = clientId();
    const message = nextEvent<ChatMessage>(control, "message:new", (m) => m.clientId === cid);
    await sendMessage(server.app, mod, { roomId, body: "after the loss", clientId: cid });
    await message;
    const modTyping = nextEvent<Typing>(control, "typing", (t) => t.user.id === mod.id);
    expectOk(await request(modSocket, "typing", { roomId, typing: true }));
    await modTyping;
    const notice = nextEvent<ChatNotice>(control, "notice", (n) => n.roomId === roomId && /Slow mode is on/.test(n.message));
    expectOk(await request(modSocket, "room:slow-mode", { roomId, seconds: 5 }));
    await notice;
    expectOk(await request(modSocket, "room:slow-mode", { roomId, seconds: 0 }));
    // ...and a presence update (someone arrives) too; it lists only people who may read the room.
    const { newcomer, presence } = await newcomerPresence(g.groupId, roomId, control);
    expect(presence.people.map((p) => p.id)).not.toContain(removedId);

    await drained(removed);
    expect(heard.messages).toEqual([]);
    expect(heard.typing).toEqual([]);
    // (A presence sent before the loss may still have been on its way; none sent after it came.)
    expect(heard.presence.filter((p) => p.people.some((x) => x.id === newcomer.id))).toEqual([]);
    expect(heard.notices).toEqual([]);
    // Their own typing is refused, not relayed.
    expect(expectError(await request(removed, "typing", { roomId, typing: true })).code).toBe("not_found");
    const modTyped = nextEvent<Typing>(control, "typing", (t) => t.user.id === mod.id && !t.typing);
    expectOk(await request(modSocket, "typing", { roomId, typing: false }));
    await modTyped;
    expect(controlTyping.filter((t) => t.user.id === removedId)).toEqual([]);
  }

  it("Leave group: the person's open sockets leave the group's rooms at once", async () => {
    const [leaver, stayer] = [await createMember(server.app, "Leaver"), await createMember(server.app, "Stayer")];
    const g = await privateGroup([leaver.id, stayer.id]);
    const [ls, ss, ms] = [await inRoom(leaver, g.roomId), await inRoom(stayer, g.roomId), await inRoom(g.mod, g.roomId)];
    // A second socket of the same person (another tab) is cut off too.
    const ls2 = await inRoom(leaver, g.roomId);

    await leaveGroup(server.app, leaver, g.slug);

    await expectCutOff(ls, leaver.id, ss, g, ms);
    const second = collect<ChatMessage>(ls2, "message:new");
    const cid = clientId();
    const got = nextEvent<ChatMessage>(ss, "message:new", (m) => m.clientId === cid);
    await sendMessage(server.app, g.mod, { roomId: g.roomId, body: "second tab?", clientId: cid });
    await got;
    await drained(ls2);
    expect(second).toEqual([]);
    // And it can't come back in.
    expect(expectError(await request(ls, "room:join", { roomId: g.roomId })).code).toBe("not_found");
  });

  it("a group ban from the moderation queue cuts the sockets off and their typing is not relayed", async () => {
    const [author, reporter] = [await createMember(server.app, "Banned"), await createMember(server.app, "Reporter")];
    const g = await privateGroup([author.id, reporter.id]);
    const [as, rs, ms] = [await inRoom(author, g.roomId), await inRoom(reporter, g.roomId), await inRoom(g.mod, g.roomId)];
    const cid = clientId();
    const own = nextEvent<ChatMessage>(as, "message:new", (m) => m.clientId === cid);
    const sent = await sendMessage(server.app, author, { roomId: g.roomId, body: "spam spam", clientId: cid });
    await own; // delivered before the ban, so it can't be mistaken for one after it
    await reportMessage(server.app, reporter, { messageId: sent.message.id, reason: "spam", details: "" });

    await actOnReport(server.app, g.mod, { intent: "ban", targetType: "chat_message", targetId: sent.message.id, groupId: g.groupId, reason: "Repeated spam" });

    await expectCutOff(as, author.id, rs, g, ms);
  });

  it("a chat ban (one room) goes through the same mechanism: no messages, notices or typing relay", async () => {
    const [banned, stayer] = [await createMember(server.app, "RoomBanned"), await createMember(server.app, "Stayer")];
    const g = await privateGroup([banned.id, stayer.id]);
    const [bs, ss, ms] = [await inRoom(banned, g.roomId), await inRoom(stayer, g.roomId), await inRoom(g.mod, g.roomId)];
    expectOk(await request(ms, "user:ban", { roomId: g.roomId, userId: banned.id, reason: "Off topic, again" }));
    await expectCutOff(bs, banned.id, ss, g, ms);
  });

  it("removal from the organization's team ends staff access to its private groups' rooms", async () => {
    const [staffer, member] = [await createMember(server.app, "Staffer"), await createMember(server.app, "Member")];
    const g = await privateGroup([member.id], [{ userId: staffer.id, role: "moderator" }]);
    const [ts, ss, ms] = [await inRoom(staffer, g.roomId), await inRoom(member, g.roomId), await inRoom(g.mod, g.roomId)];

    await manageTeam(server.app, owner, g.orgSlug, { intent: "remove", userId: staffer.id });

    await expectCutOff(ts, staffer.id, ss, g, ms);
  });

  it("a moderator who stands down leaves the archived rooms only moderators may read", async () => {
    const steward = await createMember(server.app, "Steward");
    const g = await privateGroup([steward.id]);
    await setGroupModerator(server.app, owner, g.slug, { userId: steward.id, intent: "appoint" });
    await archiveRoom(server.app, g.mod, g.slug, { roomId: g.roomId, archived: true });
    const [ss, ms] = [await inRoom(steward, g.roomId), await inRoom(g.mod, g.roomId)];
    const control = await inRoom(owner, g.roomId);

    await setGroupModerator(server.app, owner, g.slug, { userId: steward.id, intent: "standDown" });

    const heard = collect<Typing>(ss, "typing");
    const typed = nextEvent<Typing>(control, "typing", (t) => t.user.id === g.mod.id);
    expectOk(await request(ms, "typing", { roomId: g.roomId, typing: true }));
    await typed;
    await drained(ss);
    expect(heard).toEqual([]);
  });

  it("a socket that stayed in a room after its person lost access: its typing is not relayed, presence leaves it out and puts it out", async () => {
    const [typer, silent, stayer] = [await createMember(server.app, "GhostTyper"), await createMember(server.app, "GhostSilent"), await createMember(server.app, "Stayer")];
    const g = await privateGroup([typer.id, silent.id, stayer.id]);
    const [ts, qs, ss, ms] = [await inRoom(typer, g.roomId), await inRoom(silent, g.roomId), await inRoom(stayer, g.roomId), await inRoom(g.mod, g.roomId)];
    // Access goes without the removal broadcast (as in a race with a join): being in the Socket.IO
    // room must not be permission.
    for (const m of [typer, silent]) {
      await server.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, g.groupId), eq(groupMemberships.userId, m.id)));
    }
    const stayerTyping = collect<Typing>(ss, "typing");
    expect(expectError(await request(ts, "typing", { roomId: g.roomId, typing: true })).code).toBe("not_found");
    const modTyping = nextEvent<Typing>(ss, "typing", (t) => t.user.id === g.mod.id);
    expectOk(await request(ms, "typing", { roomId: g.roomId, typing: true }));
    await modTyping;
    expect(stayerTyping.filter((t) => t.user.id === typer.id)).toEqual([]);

    // The next presence leaves the silent one out, and they don't hear it: they were put out first.
    const heardPresence = collect<ChatPresence>(qs, "presence");
    const { newcomer, presence } = await newcomerPresence(g.groupId, g.roomId, ss);
    expect(presence.people.map((p) => p.id)).not.toContain(silent.id);
    expect(presence.people.map((p) => p.id)).not.toContain(typer.id);
    await drained(qs);
    expect(heardPresence.filter((p) => p.people.some((x) => x.id === newcomer.id))).toEqual([]);
    // Out of the room: later messages reach neither.
    const heard = [collect<ChatMessage>(ts, "message:new"), collect<ChatMessage>(qs, "message:new")];
    const cid = clientId();
    const got = nextEvent<ChatMessage>(ss, "message:new", (m) => m.clientId === cid);
    await sendMessage(server.app, g.mod, { roomId: g.roomId, body: "still there?", clientId: cid });
    await got;
    await Promise.all([drained(ts), drained(qs)]);
    expect(heard).toEqual([[], []]);
  });

  // ── events (#3, #23) ──────────────────────────────────────────────────────────────────────

  function eventInput(organizationId: string, groupId: string | null, over: Partial<EventInput> = {}): EventInput {
    const startsAt = new Date(Date.now() + 7 * DAY);
    return {
      organizationId,
      groupId,
      title: "Private stretching circle",
      description: "Gentle stretches.",
      timeZone: "Europe/Berlin",
      startsAt,
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000),
      format: "in_person",
      location: "Room 4, Community Centre",
      onlineUrl: null,
      capacity: 1,
      registrationDeadline: null,
      ...over,
    };
  }
  const orgOf = async (slug: string) => (await server.app.db.select({ organizationId: groups.organizationId }).from(groups).where(eq(groups.slug, slug)))[0]!;
  const rsvpOf = async (eventId: string, userId: string) =>
    (await server.app.db.select({ status: eventRsvps.status }).from(eventRsvps).where(and(eq(eventRsvps.eventId, eventId), eq(eventRsvps.userId, userId))))[0]?.status ?? null;
  const noticesOf = async (userId: string, eventId: string) => {
    await fanoutsDone(server.app);
    return (await server.app.db.select({ kind: notifications.kind, body: notifications.body }).from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.eventId, eventId)))).map((n) => n.kind);
  };

  it("leaving cancels the person's places in the group's events and the waitlist moves up; later notices skip them", async () => {
    const [leaver, waiter, third] = [await createMember(server.app, "GoingLeaver"), await createMember(server.app, "Waiter"), await createMember(server.app, "Third")];
    const g = await privateGroup([leaver.id, waiter.id, third.id]);
    const { organizationId } = await orgOf(g.slug);
    const { id } = await createEvent(server.app, owner, eventInput(organizationId, g.groupId));
    expect((await rsvpToEvent(server.app, leaver, id)).status).toBe("going");
    expect((await rsvpToEvent(server.app, waiter, id)).status).toBe("waitlisted");
    expect((await rsvpToEvent(server.app, third, id)).status).toBe("waitlisted");

    await leaveGroup(server.app, leaver, g.slug);

    expect(await rsvpOf(id, leaver.id)).toBe("cancelled");
    expect(await rsvpOf(id, waiter.id)).toBe("going");
    expect(await rsvpOf(id, third.id)).toBe("waitlisted");
    expect(await noticesOf(waiter.id, id)).toEqual(["event_promoted"]);
    expect(await noticesOf(leaver.id, id)).toEqual([]);

    // A change of time and place: the one going and the one waiting hear of it, the leaver doesn't.
    const e = await getEvent(server.app, owner, id);
    await updateEvent(server.app, owner, id, eventInput(organizationId, g.groupId, {
      startsAt: new Date(e.startsAt.getTime() + 3_600_000),
      endsAt: new Date(e.endsAt.getTime() + 3_600_000),
      location: "Secret new address 12",
    }));
    expect(await noticesOf(waiter.id, id)).toEqual(expect.arrayContaining(["event_promoted", "event_changed"]));
    expect(await noticesOf(third.id, id)).toEqual(["event_changed"]);
    expect(await noticesOf(leaver.id, id)).toEqual([]);
    await cancelEvent(server.app, owner, id);
    expect(await noticesOf(leaver.id, id)).toEqual([]);
    expect((await noticesOf(third.id, id)).sort()).toEqual(["event_cancelled", "event_changed"]);
  });

  it("a group ban releases the banned person's places (and promotes); removal from the team releases a staffer's", async () => {
    const [author, reporter, waiter] = [await createMember(server.app, "BannedGoer"), await createMember(server.app, "Reporter"), await createMember(server.app, "Waiter")];
    const staffer = await createMember(server.app, "StaffGoer");
    const g = await privateGroup([author.id, reporter.id, waiter.id], [{ userId: staffer.id, role: "moderator" }]);
    const { organizationId } = await orgOf(g.slug);
    const first = (await createEvent(server.app, owner, eventInput(organizationId, g.groupId))).id;
    const second = (await createEvent(server.app, owner, eventInput(organizationId, g.groupId, { capacity: null }))).id;
    await rsvpToEvent(server.app, author, first);
    await rsvpToEvent(server.app, waiter, first);
    await rsvpToEvent(server.app, staffer, second);

    const sent = await sendMessage(server.app, author, { roomId: g.roomId, body: "spam", clientId: clientId() });
    await reportMessage(server.app, reporter, { messageId: sent.message.id, reason: "spam", details: "" });
    await actOnReport(server.app, g.mod, { intent: "ban", targetType: "chat_message", targetId: sent.message.id, groupId: g.groupId, reason: "Spam" });
    expect(await rsvpOf(first, author.id)).toBe("cancelled");
    expect(await rsvpOf(first, waiter.id)).toBe("going");

    await manageTeam(server.app, owner, g.orgSlug, { intent: "remove", userId: staffer.id });
    expect(await rsvpOf(second, staffer.id)).toBe("cancelled");
    // Leaving the team of a group they are still a member of keeps their place (access not lost).
    const both = await createMember(server.app, "MemberAndStaff");
    await server.app.db.insert(groupMemberships).values({ groupId: g.groupId, userId: both.id, role: "member", status: "active" });
    await manageTeam(server.app, owner, g.orgSlug, { intent: "add", displayName: both.displayName, role: "moderator" });
    await rsvpToEvent(server.app, both, second);
    await manageTeam(server.app, owner, g.orgSlug, { intent: "remove", userId: both.id });
    expect(await rsvpOf(second, both.id)).toBe("going");
  });

  it("a group turned private releases outsiders' places; notices are filtered by who may see at send time", async () => {
    const [outsider, member] = [await createMember(server.app, "PublicGoer"), await createMember(server.app, "Member")];
    const mod = await createMember(server.app, "Mod");
    const g = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [member.id], orgStaff: [{ userId: owner.id, role: "owner" }] });
    const { organizationId } = await orgOf(g.slug);
    const id = (await createEvent(server.app, owner, eventInput(organizationId, g.groupId, { capacity: null }))).id;
    await rsvpToEvent(server.app, outsider, id);
    await rsvpToEvent(server.app, member, id);

    await editGroup(server.app, owner, g.slug, { name: `Group ${g.slug}`, description: "", visibility: "private", joinPolicy: "approval" });
    expect(await rsvpOf(id, outsider.id)).toBe("cancelled");
    expect(await rsvpOf(id, member.id)).toBe("going");

    // Access gone without any release (a row changed behind the module's back): the notice still
    // goes only to those who may see the event when it is sent.
    await server.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, g.groupId), eq(groupMemberships.userId, member.id)));
    const e = await getEvent(server.app, owner, id);
    await updateEvent(server.app, owner, id, eventInput(organizationId, g.groupId, { capacity: null, title: "Renamed private circle", startsAt: e.startsAt, endsAt: e.endsAt }));
    expect(await noticesOf(member.id, id)).toEqual([]);
    expect(await outcome(getEvent(server.app, member, id))).toBe("not_found");
  });

  it("moving an event to another group releases the places of those who can't see it there", async () => {
    const [mover, both] = [await createMember(server.app, "OldGroupOnly"), await createMember(server.app, "BothGroups")];
    const g = await privateGroup([mover.id, both.id]);
    const { organizationId } = await orgOf(g.slug);
    // A second private group of the same organization, with only one of them in it.
    const other = await createChatGroup(server.app, { visibility: "private", moderatorId: owner.id, memberIds: [both.id] });
    await server.app.db.update(groups).set({ organizationId }).where(eq(groups.id, other.groupId));
    const base = eventInput(organizationId, g.groupId, { capacity: null });
    const id = (await createEvent(server.app, owner, base)).id;
    await rsvpToEvent(server.app, mover, id);
    await rsvpToEvent(server.app, both, id);

    await updateEvent(server.app, owner, id, { ...base, groupId: other.groupId, location: "Moved to Hall C" });
    expect(await rsvpOf(id, mover.id)).toBe("cancelled");
    expect(await rsvpOf(id, both.id)).toBe("going");
    expect(await noticesOf(mover.id, id)).toEqual([]);
    expect(await noticesOf(both.id, id)).toEqual(["event_changed"]);
  });

  it("waitlisted people hear of a new time or place, but not of a new online link they can't see (#23)", async () => {
    const [goer, waiter] = [await createMember(server.app, "Goer"), await createMember(server.app, "Waitlisted")];
    const g = await privateGroup([goer.id, waiter.id]);
    const { organizationId } = await orgOf(g.slug);
    const base = eventInput(organizationId, g.groupId, { format: "hybrid", onlineUrl: "https://meet.example/one" });
    const id = (await createEvent(server.app, owner, base)).id;
    await rsvpToEvent(server.app, goer, id);
    expect((await rsvpToEvent(server.app, waiter, id)).status).toBe("waitlisted");

    await updateEvent(server.app, owner, id, { ...base, onlineUrl: "https://meet.example/two" });
    expect(await noticesOf(goer.id, id)).toEqual(["event_changed"]);
    expect(await noticesOf(waiter.id, id)).toEqual([]);

    await updateEvent(server.app, owner, id, { ...base, onlineUrl: "https://meet.example/two", location: "Hall B, Community Centre" });
    await fanoutsDone(server.app);
    const [notice] = await server.app.db.select({ body: notifications.body }).from(notifications).where(and(eq(notifications.userId, waiter.id), eq(notifications.eventId, id)));
    expect(notice?.body).toContain("Hall B");
    expect(notice?.body).not.toContain("online link");
  });
});

/**
 * The same on two nodes sharing Postgres and Redis (the Redis Streams adapter): leaving through
 * node A cuts off the person's socket on node B. Needs DATABASE_URL and REDIS_URL (CI sets both).
 */
const needsNodes = !process.env.DATABASE_URL || !process.env.REDIS_URL;
describe.skipIf(needsNodes)("losing access across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  type Node = HearthNode;
  let shared: DatabaseHandle;
  let a: Node, b: Node;
  let prefix: string;
  const sockets: Socket[] = [];
  const inRoom = (n: Node, m: Member, roomId: string) => joinedSocket(n.url, m.token, roomId, sockets);

  beforeAll(async () => {
    shared = await createTestDatabase();
    prefix = redisPrefix();
    a = await startNode(shared, prefix);
    b = await startNode(await createDatabase({ url: shared.url!, max: 5 }), prefix);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b?.close();
    await a?.close(); // closes `shared`, which drops the test database
    await dropRedisStream(prefix);
  });

  it("Leave group on node A: the person's socket on node B hears no more messages or typing", async () => {
    const [mod, leaver, stayer] = [await createMember(a.app, "Mod"), await createMember(a.app, "Leaver"), await createMember(a.app, "Stayer")];
    const g = await createChatGroup(a.app, { visibility: "private", moderatorId: mod.id, memberIds: [leaver.id, stayer.id] });
    const roomId = (await createChatRoom(a.app, mod, g.slug)).id;
    const modOnA = await inRoom(a, mod, roomId);
    const leaverOnB = await inRoom(b, leaver, roomId);
    const stayerOnB = await inRoom(b, stayer, roomId);
    // Both nodes deliver to each other before the change (the streams are read from their start).
    const warm = clientId();
    const warmed = nextEvent<ChatMessage>(leaverOnB, "message:new", (m) => m.clientId === warm);
    expectOk(await request(modOnA, "message:send", { roomId, body: "hello", clientId: warm }));
    await warmed;

    await leaveGroup(a.app, leaver, g.slug);

    const heard = { messages: collect<ChatMessage>(leaverOnB, "message:new"), typing: collect<Typing>(leaverOnB, "typing") };
    await sentinel({ from: modOnA, roomId, control: stayerOnB });
    const typed = nextEvent<Typing>(stayerOnB, "typing", (t) => t.user.id === mod.id);
    expectOk(await request(modOnA, "typing", { roomId, typing: true }));
    await typed;
    await drained(leaverOnB);
    expect(heard).toEqual({ messages: [], typing: [] });
  });
});
