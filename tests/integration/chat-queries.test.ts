import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { sendMessage } from "#app/modules/chat/chat.server";
import { groupMemberships } from "#db/schema/index";
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
});
