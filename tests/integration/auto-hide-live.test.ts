import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { notifications } from "#db/schema/index";
import { mentionSyntax } from "#app/lib/mentions";
import type { ChatMessage, ChatMessageEdited, Sent } from "#app/realtime/events";
import type { SendResult } from "#app/modules/chat/chat.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { action as uploadVoice } from "#app/routes/chat.rooms.$roomId.voice";
import { loader as voiceFile } from "#app/routes/chat.voice.$messageId";
import { createMember } from "#tests/helpers/app";
import { webmOpus } from "#tests/helpers/audio";
import { clientId, collect, createChatGroup, createChatRoom, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { startTestServer } from "#tests/helpers/server";
import { joinedSocket, type TestSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Auto-hide in a live room, with real Socket.IO clients: K (3) members' reports hide a message for
 * everyone else's socket at once, with no body; a moderator's dismissal brings it back with its body.
 * And the two side doors: an edit of a hidden message doesn't broadcast its new words, and a hidden
 * voice note's file answers 404 to everyone but the group's moderators.
 */
describe(`auto-hide live in chat on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let dataDir: string;
  let mod: Member, author: Member, watcher: Member, reporters: Member[];
  let roomId: string, groupId: string;
  let authorSocket: TestSocket, watcherSocket: TestSocket, modSocket: TestSocket;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-autohide-"));
    server = await startTestServer({ DATA_DIR: dataDir });
    await server.app.jobs.start(server.app);
    [mod, author, watcher, ...reporters] = await Promise.all(["Mod", "Author", "Watcher", "R1", "R2", "R3"].map((n) => createMember(server.app, n)));
    const group = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [author.id, watcher.id, ...reporters.map((r) => r.id)] });
    groupId = group.groupId;
    roomId = (await createChatRoom(server.app, mod, group.slug)).id;
    [authorSocket, watcherSocket, modSocket] = await Promise.all([author, watcher, mod].map((m) => joinedSocket(server.url, m.token, roomId, sockets)));
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    for (const m of [mod, author, watcher, ...reporters]) {
      await server.app.limiter.reset(`chat:send:${m.id}`);
      await server.app.limiter.reset(`chat:edit:${m.id}`);
      await server.app.limiter.reset(`report:${m.id}`);
    }
  });

  /** The author sends it; resolves once the watcher has it (so later checks start after its broadcast). */
  async function say(body: string) {
    const id = clientId();
    const arrived = nextEvent<ChatMessage>(watcherSocket, "message:new", (m) => m.clientId === id);
    const sent = expectOk(await request<Sent>(authorSocket, "message:send", { roomId, body, clientId: id })).message;
    await arrived;
    return sent;
  }

  /** The three members report it over their own sockets; resolves with what the watcher heard when it was hidden. */
  async function reportedByThree(messageId: string) {
    const hidden = nextEvent<ChatMessage>(watcherSocket, "message:new", (m) => m.id === messageId && m.hidden === true);
    for (const r of reporters) {
      const s = await joinedSocket(server.url, r.token, roomId, sockets);
      expectOk(await request(s, "message:report", { messageId, reason: "medical_misinformation", details: "" }));
      s.disconnect();
    }
    return hidden;
  }

  it("three members' reports hide a message on another member's socket with no body; a moderator's dismissal brings it back with it", async () => {
    const m = await say("Stop your medication, drink quailnectar instead");
    // Two reports: nothing happens yet.
    const early = collect<ChatMessage>(watcherSocket, "message:new");
    for (const r of reporters.slice(0, 2)) {
      const s = await joinedSocket(server.url, r.token, roomId, sockets);
      expectOk(await request(s, "message:report", { messageId: m.id, reason: "spam", details: "" }));
      s.disconnect();
    }
    await sentinel({ from: modSocket, roomId, control: watcherSocket });
    expect(early.filter((x) => x.id === m.id)).toEqual([]);
    watcherSocket.off("message:new");

    const hidden = nextEvent<ChatMessage>(watcherSocket, "message:new", (x) => x.id === m.id);
    const s = await joinedSocket(server.url, reporters[2]!.token, roomId, sockets);
    expectOk(await request(s, "message:report", { messageId: m.id, reason: "spam", details: "" }));
    const heard = await hidden;
    expect(heard).toMatchObject({ id: m.id, seq: m.seq, hidden: true, body: "", voice: null });
    expect(JSON.stringify(heard)).not.toContain("quailnectar");

    const back = nextEvent<ChatMessage>(watcherSocket, "message:new", (x) => x.id === m.id);
    await actOnReport(server.app, mod, { intent: "dismiss", targetType: "chat_message", targetId: m.id, groupId, reason: "" });
    expect(await back).toMatchObject({ id: m.id, hidden: false, body: "Stop your medication, drink quailnectar instead" });
  });

  it("an edit of a hidden message goes to the room without its new words (the author's ack keeps them)", async () => {
    const m = await say("first words");
    await reportedByThree(m.id);
    const edits = collect<ChatMessageEdited>(watcherSocket, "message:edited");
    const again = nextEvent<ChatMessage>(watcherSocket, "message:new", (x) => x.id === m.id);
    const ack = expectOk(await request<ChatMessageEdited>(authorSocket, "message:edit", { messageId: m.id, body: "secret plumwizard words" }));
    expect(ack.body).toBe("secret plumwizard words");
    // The room hears it is still hidden (and edited), never the new body.
    expect(await again).toMatchObject({ id: m.id, hidden: true, body: "", editedAt: ack.editedAt });
    await sentinel({ from: modSocket, roomId, control: watcherSocket });
    expect(JSON.stringify(edits)).not.toContain("plumwizard");
    expect(edits.filter((e) => e.messageId === m.id)).toEqual([]);
    watcherSocket.off("message:edited");
    // Dismissed: it comes back with the edited body.
    const back = nextEvent<ChatMessage>(watcherSocket, "message:new", (x) => x.id === m.id);
    await actOnReport(server.app, mod, { intent: "dismiss", targetType: "chat_message", targetId: m.id, groupId, reason: "" });
    expect(await back).toMatchObject({ hidden: false, body: "secret plumwizard words" });
  });

  it("a mention added by editing a hidden message notifies nobody (its words would reach them in the notice)", async () => {
    const m = await say("plain words");
    await reportedByThree(m.id);
    const again = nextEvent<ChatMessage>(watcherSocket, "message:new", (x) => x.id === m.id);
    expectOk(await request<ChatMessageEdited>(authorSocket, "message:edit", { messageId: m.id, body: `${mentionSyntax(watcher.displayName)} look: hidden owlsaffron words` }));
    await again;
    await fanoutsDone(server.app);
    const notices = await server.app.db.select().from(notifications).where(and(eq(notifications.userId, watcher.id), eq(notifications.kind, "mention")));
    expect(JSON.stringify(notices)).not.toContain("owlsaffron");
    expect(notices).toEqual([]);
  });

  it("a hidden voice note's file is 404 for members and the author, and still plays for the group's moderator", async () => {
    const ctx = (viewer: Member) => ({ app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.9", secure: false, isDataRequest: false });
    const form = new FormData();
    form.append("clientId", clientId());
    form.append("audio", new Blob([new Uint8Array(webmOpus(1500))], { type: "audio/webm" }), "note.webm");
    const uploaded = (await uploadVoice({ request: new Request(`http://localhost/chat/rooms/${roomId}/voice`, { method: "POST", body: form }), context: ctx(author), params: { roomId } })) as Response;
    expect(uploaded.status).toBe(200);
    const { sent } = (await uploaded.json()) as { sent: SendResult };
    const messageId = sent.message.id;
    const status = async (viewer: Member) => {
      try {
        return ((await voiceFile({ request: new Request(`http://localhost/chat/voice/${messageId}`), context: ctx(viewer), params: { messageId } })) as Response).status;
      } catch (thrown) {
        if (thrown instanceof Response) return thrown.status;
        throw thrown;
      }
    };
    expect(await status(watcher)).toBe(200);
    const hidden = await reportedByThree(messageId);
    expect(hidden).toMatchObject({ hidden: true, voice: null });
    expect(await status(watcher)).toBe(404);
    expect(await status(reporters[0]!)).toBe(404);
    expect(await status(author)).toBe(404);
    expect(await status(mod)).toBe(200);
    await actOnReport(server.app, mod, { intent: "dismiss", targetType: "chat_message", targetId: messageId, groupId, reason: "" });
    expect(await status(watcher)).toBe(200);
  });
});
