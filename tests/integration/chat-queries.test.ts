import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { sendMessage, setSlowMode } from "#app/modules/chat/chat.server";
import { chatMessages, chatRooms, groupMemberships, roomReads } from "#db/schema/index";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * The chat send path is the hot one: one round trip per message once a node has seen the room and
 * the sender (docs/decisions/0025-chat-send-state-checked-in-the-insert.md). Queries are counted with
 * the shared queryCounter (tests/helpers/app.ts).
 */
describe(`chat send query count on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let counter: ReturnType<typeof queryCounter>;

  beforeAll(async () => {
    t = await createTestApp();
    counter = queryCounter(t);
  });
  afterAll(async () => {
    await counter.close();
    await t.close();
  });

  // The send path's one statement (chat.server.ts sendStatement) reads the room, the standing and the
  // safety gate's context, checks the clientId and slow mode, and inserts; this node keeps what it read.
  it("a member's send is one statement once the node has seen the room and sender (two the first time), and a change made elsewhere is seen by the next send", async () => {
    const mod = await createMember(t.app, "Mod");
    const member = await createMember(t.app, "Sender");
    const { slug } = await createChatGroup(t.app, { moderatorId: mod.id, memberIds: [member.id] });
    const room = await createChatRoom(t.app, mod, slug);

    let sent: Awaited<ReturnType<typeof sendMessage>> | undefined;
    const first = await counter.count(async () => {
      sent = await sendMessage(counter.app, member, { roomId: room.id, body: "hello", clientId: "c-1" });
    });
    expect(sent?.duplicate).toBe(false);
    expect(sent?.message.author.displayName).toBe(member.displayName);
    expect(first).toBe(2);
    for (const n of [2, 3]) {
      const queries = await counter.count(async () => {
        sent = await sendMessage(counter.app, member, { roomId: room.id, body: `hello ${n}`, clientId: `c-${n}` });
      });
      expect(sent?.message.seq).toBe(n);
      expect(queries).toBe(1);
    }
    // A retry of a stored clientId: the statement finds it (and stores nothing), then it is read back.
    // (Five sends in five seconds is the limit: this is the fourth, the refused one doesn't count.)
    const retry = await counter.count(async () => {
      sent = await sendMessage(counter.app, member, { roomId: room.id, body: "hello 3", clientId: "c-3" });
    });
    expect(sent).toMatchObject({ duplicate: true, message: { seq: 3 } });
    expect(retry).toBe(2);

    // A group-wide mute written straight to the database (no event this node could have heard): the
    // next send's statement sees the standing changed, stores nothing, and the send is refused.
    await t.app.db
      .update(groupMemberships)
      .set({ mutedUntil: new Date(Date.now() + 3_600_000) })
      .where(eq(groupMemberships.userId, member.id));
    await expect(sendMessage(counter.app, member, { roomId: room.id, body: "still here?", clientId: "c-5" })).rejects.toMatchObject({ code: "forbidden" });
    await t.app.db.update(groupMemberships).set({ mutedUntil: null }).where(eq(groupMemberships.userId, member.id));
    // (The refused send counted against the five-in-five-seconds limit: a fresh limiter, same node.)
    sent = await sendMessage({ ...counter.app, limiter: new MemoryRateLimiter() }, member, { roomId: room.id, body: "back", clientId: "c-6" });
    expect(sent.message.seq).toBe(4);
  });
  // Group commit (app/lib/group-commit.server.ts): sends that wait for the room's running statement
  // go together in the next one, each still checked on its own.
  it("concurrent sends to one room share statements: seqs gap-free in arrival order, each checked on its own (a stale standing, a retry, slow mode)", async () => {
    const mod = await createMember(t.app, "Burst mod");
    const members = await Promise.all(Array.from({ length: 10 }, (_, i) => createMember(t.app, `Burst ${i}`)));
    const { slug } = await createChatGroup(t.app, { moderatorId: mod.id, memberIds: members.map((m) => m.id) });
    const room = await createChatRoom(t.app, mod, slug);
    for (const [i, m] of members.entries()) await sendMessage(counter.app, m, { roomId: room.id, body: `warm ${i}`, clientId: `warm-${i}` });

    // Muted elsewhere (straight in the database): this node's copy of member 0's standing is stale.
    await t.app.db.update(groupMemberships).set({ mutedUntil: new Date(Date.now() + 3_600_000) }).where(eq(groupMemberships.userId, members[0]!.id));
    let results: PromiseSettledResult<Awaited<ReturnType<typeof sendMessage>>>[] = [];
    const queries = await counter.count(async () => {
      results = await Promise.allSettled([
        ...members.map((m, i) => sendMessage(counter.app, m, { roomId: room.id, body: `burst ${i}`, clientId: `burst-${i}` })),
        sendMessage(counter.app, members[1]!, { roomId: room.id, body: "warm 1", clientId: "warm-1" }), // a retry of a stored one
      ]);
    });
    expect(results[0]).toMatchObject({ status: "rejected", reason: { code: "forbidden" } });
    const sent = results.slice(1, 10).map((r) => (r.status === "fulfilled" ? r.value : r.reason));
    expect(sent.map((s) => s.duplicate)).toEqual(Array(9).fill(false));
    expect(new Set(sent.map((s) => s.message.seq))).toEqual(new Set([11, 12, 13, 14, 15, 16, 17, 18, 19]));
    expect(results[10]).toMatchObject({ status: "fulfilled", value: { duplicate: true, message: { seq: 2 } } });
    // One send alone, the rest together (one statement), then member 0's state read afresh, the
    // retry's stored message read back and member 0 refused by the full path: far fewer than one each.
    expect(queries).toBeLessThanOrEqual(6);

    const stored = await t.app.db.select({ seq: chatMessages.seq, body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.roomId, room.id)).orderBy(asc(chatMessages.seq));
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 19 }, (_, i) => i + 1));
    expect(stored.filter((m) => m.body.startsWith("burst")).map((m) => m.body)).toEqual(Array.from({ length: 9 }, (_, i) => `burst ${i + 1}`));
    const [{ lastSeq }] = (await t.app.db.select({ lastSeq: chatRooms.lastSeq }).from(chatRooms).where(eq(chatRooms.id, room.id))) as [{ lastSeq: number }];
    expect(lastSeq).toBe(19);
    for (const s of sent) {
      const [read] = await t.app.db.select({ seq: roomReads.lastReadSeq }).from(roomReads).where(and(eq(roomReads.roomId, room.id), eq(roomReads.userId, s.message.author.id)));
      expect(read?.seq).toBe(s.message.seq);
    }

    // Slow mode: two sends at once by one member never share a statement, so the second is refused.
    // (Their earlier messages moved an hour back, and this node's copy refreshed with slow mode on.)
    await setSlowMode(t.app, mod, { roomId: room.id, seconds: 30 });
    const pastSlowMode = () => t.app.db.update(chatMessages).set({ createdAt: new Date(Date.now() - 3_600_000) }).where(eq(chatMessages.roomId, room.id));
    await pastSlowMode();
    for (const n of [3, 4]) await sendMessage(counter.app, members[n]!, { roomId: room.id, body: `slow warm ${n}`, clientId: `slow-warm-${n}` });
    await pastSlowMode();
    const slow = await Promise.allSettled([3, 4].flatMap((n) => [members[n]!, members[n]!].map((m, k) => sendMessage(counter.app, m, { roomId: room.id, body: `slow ${n}.${k}`, clientId: `slow-${n}-${k}` }))));
    expect(slow.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "rejected"]);
    expect(slow[1]).toMatchObject({ reason: { code: "rate_limited" } });
  });
});
