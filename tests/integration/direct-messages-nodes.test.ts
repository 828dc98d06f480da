import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage, ChatNotice, Sent } from "#app/realtime/events";
import { leaveConversation, setDmPolicy, startConversation } from "#app/modules/chat/direct.server";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { joinedSocket, startTwoNodes, twoNodesUnavailable, untilDelivered, type HearthNode, type TwoNodes } from "#tests/helpers/sockets";

/**
 * Direct conversations on two server nodes sharing Postgres and Redis (as chat-nodes.test.ts): a
 * message reaches the other node, and a leave made through one node takes effect on both at once.
 */
describe.skipIf(twoNodesUnavailable)("direct messages across two nodes (needs DATABASE_URL and REDIS_URL)", () => {
  let nodes: TwoNodes;
  let a: HearthNode, b: HearthNode;
  let sockets: Socket[];
  let roomId: string;
  let ann: Awaited<ReturnType<typeof createMember>>, ben: typeof ann, cat: typeof ann;

  const joined = (n: HearthNode, m: typeof ann) => joinedSocket(n.url, m.token, roomId, sockets);

  beforeAll(async () => {
    nodes = await startTwoNodes();
    ({ a, b, sockets } = nodes);
    [ann, ben, cat] = [await createMember(a.app, "Ann"), await createMember(a.app, "Ben"), await createMember(a.app, "Cat")];
    await createChatGroup(a.app, { moderatorId: ann.id, memberIds: [ben.id, cat.id] });
    await setDmPolicy(a.app, ben, "groups");
    await setDmPolicy(a.app, cat, "groups");
    ({ roomId } = await startConversation(a.app, ann, { people: [ben.displayName, cat.displayName] }));
    const [onA, onB] = [await joined(a, ann), await joined(b, ann)];
    await untilDelivered(onA, onB, roomId);
    await untilDelivered(onB, onA, roomId);
    onA.disconnect();
    onB.disconnect();
  });
  afterAll(() => nodes?.close());

  it("a message sent through node B reaches a member on node A", async () => {
    const onA = await joined(a, ben);
    const onB = await joined(b, ann);
    const cid = clientId();
    const got = nextEvent<ChatMessage>(onA, "message:new", (m) => m.clientId === cid);
    const sent = expectOk(await request<Sent>(onB, "message:send", { roomId, body: "across nodes", clientId: cid }));
    expect(await got).toEqual(sent.message);
  });

  it("a leave made on node B: the leaver's sockets on both nodes stop receiving at once; the others are told", async () => {
    const benOnA = await joined(a, ben);
    const benOnB = await joined(b, ben);
    const annOnA = await joined(a, ann);
    const catOnB = await joined(b, cat);
    const heardA = collect<ChatMessage>(benOnA, "message:new");
    const heardB = collect<ChatMessage>(benOnB, "message:new");
    const told = nextEvent<ChatNotice>(annOnA, "notice", (n) => n.message.includes("left the conversation"));
    await leaveConversation(b.app, ben, roomId);
    expect((await told).message).toBe(`${ben.displayName} left the conversation.`);
    // Sent from node A right after the leave committed: Cat on node B hears it, Ben nowhere.
    await sentinel({ from: annOnA, roomId, control: catOnB, quiet: [benOnA, benOnB] });
    expect(heardA).toEqual([]);
    expect(heardB).toEqual([]);
    expect(expectError(await request(benOnA, "room:join", { roomId })).code).toBe("not_found");
    expect(expectError(await request(benOnB, "message:send", { roomId, body: "still here?", clientId: clientId() })).code).toBe("not_found");
  });
});
