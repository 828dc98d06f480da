import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendMessage } from "#app/modules/chat/chat.server";
import { groupMemberships } from "#db/schema/index";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";

/**
 * The chat send path is the hot one: it reads the sender's standing with the lean one-query room
 * load (groups/standing.server.ts joined onto the room), not the group page's view. Queries are
 * counted with the shared queryCounter (tests/helpers/app.ts).
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

  // The safety gate (watched words, new-member review, a held retry: app/modules/safety/screen.server.ts) is one query of its own.
  it("a member's send is four queries (idempotency check, room with standing, the safety gate, insert), and a muted member's is refused after two", async () => {
    const mod = await createMember(t.app, "Mod");
    const member = await createMember(t.app, "Sender");
    const { slug } = await createChatGroup(t.app, { moderatorId: mod.id, memberIds: [member.id] });
    const room = await createChatRoom(t.app, mod, slug);

    let sent: Awaited<ReturnType<typeof sendMessage>> | undefined;
    const sendQueries = await counter.count(async () => {
      sent = await sendMessage(counter.app, member, { roomId: room.id, body: "hello", clientId: "c-1" });
    });
    expect(sent?.duplicate).toBe(false);
    expect(sent?.message.author.displayName).toBe(member.displayName);
    expect(sendQueries).toBe(4);

    // The same standing decides: a group-wide mute refuses the send, with no insert.
    await t.app.db
      .update(groupMemberships)
      .set({ mutedUntil: new Date(Date.now() + 3_600_000) })
      .where(eq(groupMemberships.userId, member.id));
    const refusedQueries = await counter.count(() =>
      expect(sendMessage(counter.app, member, { roomId: room.id, body: "still here?", clientId: "c-2" })).rejects.toMatchObject({ code: "forbidden" }),
    );
    expect(refusedQueries).toBe(2);
  });
});
