import { sql } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rowsOf } from "#app/lib/db-rows.server";
import type { Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, expectError, expectOk, request } from "#tests/helpers/chat";
import { joinedSocket, startTwoNodes, twoNodesUnavailable, type HearthNode, type TwoNodes } from "#tests/helpers/sockets";

/**
 * The send path's per-node copy of the room's state and the sender's standing (chat.server.ts
 * submitMessage, docs/decisions/0025-chat-send-state-checked-in-the-insert.md): node B has sent for
 * the person, so it holds their standing; a moderator on node A changes it; the person's very next
 * send through node B obeys the change. Needs the real two-node setup (Postgres and Redis).
 */
describe.skipIf(twoNodesUnavailable)("chat send state across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  let nodes: TwoNodes;
  let a: HearthNode, b: HearthNode;
  let sockets: Socket[];
  let mod: Awaited<ReturnType<typeof createMember>>;
  let slug: string;

  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b, sockets } = nodes);
    mod = await createMember(a.app, "Mod");
    ({ slug } = await createChatGroup(a.app, { moderatorId: mod.id, memberIds: [] }));
  });
  afterAll(() => nodes?.close());

  /** A fresh member in a fresh room, with a socket on each node; node B has already stored a message of theirs. */
  async function warmOnB(name: string) {
    const member = await createMember(a.app, name);
    await a.app.db.execute(
      sql`insert into group_memberships (group_id, user_id, role, status) select id, ${member.id}, 'member', 'active' from groups where slug = ${slug}`,
    );
    const roomId = (await createChatRoom(a.app, mod, slug)).id;
    const modOnA = await joinedSocket(a.url, mod.token, roomId, sockets);
    const memberOnB = await joinedSocket(b.url, member.token, roomId, sockets);
    expectOk(await request<Sent>(memberOnB, "message:send", { roomId, body: "warm", clientId: clientId() }));
    const send = async (body: string) => request<Sent>(memberOnB, "message:send", { roomId, body, clientId: clientId() });
    return { member, roomId, modOnA, send };
  }

  it("a room mute on node A refuses the next send on node B", async () => {
    const { member, roomId, modOnA, send } = await warmOnB("Muted");
    expectOk(await request(modOnA, "user:mute", { roomId, userId: member.id, minutes: 10, reason: "Cooling off" }));
    expect(expectError(await send("after the mute")).code).toBe("forbidden");
  });

  it("a ban on node A refuses the next send on node B", async () => {
    const { member, roomId, modOnA, send } = await warmOnB("Banned");
    expectOk(await request(modOnA, "user:ban", { roomId, userId: member.id, banned: true, reason: "Gone" }));
    // Node B's socket may already have been taken out of the room; either way nothing is stored.
    expect(["forbidden", "not_found"]).toContain(expectError(await send("after the ban")).code);
    const [row] = rowsOf<{ n: number }>(await a.app.db.execute(sql`select count(*)::int as n from chat_messages where room_id = ${roomId} and author_id = ${member.id}`));
    expect(row?.n).toBe(1);
  });

  it("a lock on node A refuses the next send on node B, and the unlock lets it through", async () => {
    const { roomId, modOnA, send } = await warmOnB("Locked out");
    expectOk(await request(modOnA, "room:lock", { roomId, locked: true, reason: "Break" }));
    expect(expectError(await send("while locked")).code).toBe("forbidden");
    expectOk(await request(modOnA, "room:lock", { roomId, locked: false }));
    expectOk(await send("after the unlock"));
  });

  it("slow mode set on node A applies to the next send on node B", async () => {
    const { roomId, modOnA, send } = await warmOnB("Slowed");
    expectOk(await request(modOnA, "room:slow-mode", { roomId, seconds: 60 }));
    const refused = expectError(await send("too soon"));
    expect(refused.code).toBe("rate_limited");
    expect(refused.message).toMatch(/Slow mode is on/);
  });
});
