import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { groupMemberships, roomReads } from "#db/schema/index";
import { listRooms } from "#app/modules/chat/chat.server";
import { HISTORY_PAGE } from "#app/modules/chat/chat.schema";
import type { RoomJoined, Sent } from "#app/realtime/events";
import { createMember, createTestApp, queryCounter } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, expectError, expectOk, request } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Chat reading state over a real Socket.IO client: room:read, the join's lastReadSeq, the room list's unread counts. */
describe(`chat unread (room_reads) on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, alice: Member, bob: Member, outsider: Member;
  let slug: string, groupId: string, roomId: string, quietRoomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, alice, bob, outsider] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Alice"),
      await createMember(server.app, "Bob"),
      await createMember(server.app, "Outsider"),
    ];
    ({ slug, groupId } = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id, bob.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    quietRoomId = (await createChatRoom(server.app, mod, slug, "Quiet corner")).id;
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [mod, alice, bob]) await server.app.limiter.reset(`chat:send:${m.id}`);
  });

  async function socketFor(m: Member) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    return s;
  }
  async function send(s: Awaited<ReturnType<typeof socketFor>>, body: string, room = roomId) {
    return expectOk(await request<Sent>(s, "message:send", { roomId: room, body, clientId: clientId() })).message;
  }
  async function stored(m: Member, room = roomId) {
    const [row] = await server.app.db
      .select({ seq: roomReads.lastReadSeq })
      .from(roomReads)
      .where(and(eq(roomReads.userId, m.id), eq(roomReads.roomId, room)));
    return row?.seq ?? null;
  }
  const unreadOf = async (m: Member, room = roomId) => (await listRooms(server.app, m, slug)).rooms.find((r) => r.id === room)!.unread;

  it("room:read stores the position, never moves it backwards and never past the last message; sending marks your own message read", async () => {
    const b = await socketFor(bob);
    const a = await socketFor(alice);
    expectOk(await request<RoomJoined>(a, "room:join", { roomId }));
    const first = await send(b, "one");
    const second = await send(b, "two");
    const third = await send(b, "three");
    // Bob sent them, so Bob has read them; Alice has a row only once she reads.
    expect(await stored(bob)).toBe(third.seq);
    expect(await unreadOf(bob)).toBe(0);
    expect(await stored(alice)).toBeNull();

    expect(expectOk(await request(a, "room:read", { roomId, seq: second.seq }))).toEqual({ roomId, lastReadSeq: second.seq });
    expect(await stored(alice)).toBe(second.seq);
    expect(await unreadOf(alice)).toBe(1);
    // An older tab reporting an older position does not move it back.
    expect(expectOk(await request(a, "room:read", { roomId, seq: first.seq }))).toEqual({ roomId, lastReadSeq: second.seq });
    // A forged position past the last message is clamped to it.
    expect(expectOk(await request(a, "room:read", { roomId, seq: third.seq + 1000 }))).toEqual({ roomId, lastReadSeq: third.seq });
    expect(await unreadOf(alice)).toBe(0);

    // The next join tells the client where the divider goes.
    await send(b, "four");
    const rejoin = expectOk(await request<RoomJoined>(await socketFor(alice), "room:join", { roomId }));
    expect(rejoin.lastReadSeq).toBe(third.seq);
    expect(rejoin.messages.filter((m) => m.seq > rejoin.lastReadSeq).map((m) => m.body)).toEqual(["four"]);
    expect(await unreadOf(alice)).toBe(1);
  });

  it("refuses bad payloads, outsiders and a banned member (404, nothing stored)", async () => {
    const a = await socketFor(alice);
    expect(expectError(await request(a, "room:read", { roomId, seq: -1 })).code).toBe("invalid");
    expect(expectError(await request(a, "room:read", { roomId, seq: "3" })).code).toBe("invalid");
    expect(expectError(await request(a, "room:read", { roomId, seq: 1, extra: true })).code).toBe("invalid");
    expect(expectError(await request(a, "room:read", { roomId: "no-such-room", seq: 1 })).code).toBe("not_found");

    const o = await socketFor(outsider);
    expect(expectError(await request(o, "room:read", { roomId, seq: 1 })).code).toBe("not_found");
    expect(await stored(outsider)).toBeNull();

    const m = await socketFor(mod);
    expectOk(await request(m, "room:join", { roomId: quietRoomId }));
    const b = await socketFor(bob);
    expectOk(await request(m, "user:ban", { roomId: quietRoomId, userId: bob.id, reason: "Repeated harassment" }));
    const msg = await send(m, "after the ban", quietRoomId);
    expect(expectError(await request(b, "room:read", { roomId: quietRoomId, seq: msg.seq })).code).toBe("not_found");
    expect(await stored(bob, quietRoomId)).toBeNull();
    // The list shows a room they may not open without a count.
    expect(await unreadOf(bob, quietRoomId)).toBe(0);
    expectOk(await request(m, "user:ban", { roomId: quietRoomId, userId: bob.id, banned: false, reason: "Second chance" }));
    expectOk(await request(b, "room:read", { roomId: quietRoomId, seq: msg.seq }));
    expect(await stored(bob, quietRoomId)).toBe(msg.seq);
  });

  it("a room never opened counts the latest page as unread, and the join's lastReadSeq agrees", async () => {
    const late = await createMember(server.app, "Latecomer");
    const room = (await createChatRoom(server.app, mod, slug, "Busy room")).id;
    await server.app.db.insert(groupMemberships).values({ groupId, userId: late.id, role: "member", status: "active" });
    const m = await socketFor(mod);
    for (let i = 0; i < HISTORY_PAGE + 5; i++) {
      await server.app.limiter.reset(`chat:send:${mod.id}`);
      await send(m, `message ${i + 1}`, room);
    }
    expect(await unreadOf(late, room)).toBe(HISTORY_PAGE);
    const joined = expectOk(await request<RoomJoined>(await socketFor(late), "room:join", { roomId: room }));
    expect(joined.lastReadSeq).toBe(5);
    expect(joined.messages.filter((x) => x.seq > joined.lastReadSeq)).toHaveLength(HISTORY_PAGE);
  });

  it("the room list's unread counts are one query, however many rooms", async () => {
    const t = await createTestApp();
    const counter = queryCounter(t);
    try {
      const [m, reader] = [await createMember(t.app, "Mod"), await createMember(t.app, "Reader")];
      const group = await createChatGroup(t.app, { moderatorId: m.id, memberIds: [reader.id] });
      for (const name of ["One", "Two"]) await createChatRoom(t.app, m, group.slug, name);
      let rooms: Awaited<ReturnType<typeof listRooms>>["rooms"] = [];
      const few = await counter.count(async () => void (rooms = (await listRooms(counter.app, reader, group.slug)).rooms));
      expect(rooms.map((r) => r.unread)).toEqual([0, 0]);
      for (const name of ["Three", "Four", "Five"]) await createChatRoom(t.app, m, group.slug, name);
      const more = await counter.count(async () => void (rooms = (await listRooms(counter.app, reader, group.slug)).rooms));
      expect(rooms).toHaveLength(5);
      // The same number of queries (the group lookup, then the one list query) for five rooms as for two.
      expect(more).toBe(few);
    } finally {
      await counter.close();
      await t.close();
    }
  });
});
