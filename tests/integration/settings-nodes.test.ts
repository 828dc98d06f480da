import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, type DatabaseHandle } from "#db/client";
import { endOtherSessions, endSession, sessionRef } from "#app/modules/accounts/sessions.server";
import { createSession } from "#app/modules/auth/session.server";
import { createMember } from "#tests/helpers/app";
import { createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { createTestDatabase } from "#tests/helpers/database";
import { connectedSocket, dropRedisStream, joinedSocket, redisPrefix, startNode, untilDelivered, type HearthNode } from "#tests/helpers/sockets";

/**
 * Ending a session in settings on one node disconnects that session's sockets on the other node at
 * once (Socket.IO Redis Streams adapter), and leaves the member's other sockets alone. Two real
 * nodes share Postgres and Redis, as in chat-nodes.test.ts.
 */
const needs = !process.env.DATABASE_URL || !process.env.REDIS_URL;

describe.skipIf(needs)("ending sessions across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  let a: HearthNode, b: HearthNode;
  let prefix: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const shared: DatabaseHandle = await createTestDatabase();
    const second = await createDatabase({ url: shared.url!, max: 5 });
    prefix = redisPrefix();
    a = await startNode(shared, prefix);
    b = await startNode(second, prefix);
    // Each node's stream reader is up once a chat message from the other reaches it.
    const mod = await createMember(a.app, "NodeMod");
    const { slug } = await createChatGroup(a.app, { moderatorId: mod.id });
    const roomId = (await createChatRoom(a.app, mod, slug)).id;
    const [onA, onB] = [await joinedSocket(a.url, mod.token, roomId, sockets), await joinedSocket(b.url, mod.token, roomId, sockets)];
    await untilDelivered(onA, onB, roomId);
    await untilDelivered(onB, onA, roomId);
    onA.disconnect();
    onB.disconnect();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await b?.close();
    await a?.close(); // closes the shared handle, which drops the test database
    await dropRedisStream(prefix);
  });

  const socketOn = (n: HearthNode, token: string) => connectedSocket(n.url, { cookie: `hearth_session=${token}`, track: sockets });
  const gone = (s: Socket) => new Promise<void>((resolve) => s.once("disconnect", () => resolve()));

  it("ending one session on node A drops its socket on node B; ending all others drops the rest", async () => {
    const m = await createMember(a.app, "Nodes");
    const phone = await createSession(a.app, m.id, "Firefox on Android");
    const laptop = await createSession(a.app, m.id, "Chrome on Windows");
    const [phoneOnB, laptopOnB, mineOnB] = [await socketOn(b, phone.token), await socketOn(b, laptop.token), await socketOn(b, m.token)];

    const phoneGone = gone(phoneOnB);
    await endSession(a.app, m, sessionRef(phone.token));
    await phoneGone;
    expect(laptopOnB.connected).toBe(true);
    expect(mineOnB.connected).toBe(true);

    const laptopGone = gone(laptopOnB);
    expect(await endOtherSessions(a.app, m)).toBe(1);
    await laptopGone;
    expect(mineOnB.connected).toBe(true);
  });
});
