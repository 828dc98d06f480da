import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, groupMemberships } from "#db/schema/index";
import type { ChatMessage } from "#app/realtime/events";
import type { SendResult } from "#app/modules/chat/chat.server";
import { setSlowMode } from "#app/modules/chat/chat.server";
import { VOICE_MAX_BYTES } from "#app/modules/chat/voice.schema";
import { action as voiceAction } from "#app/routes/chat.rooms.$roomId.voice";
import { loader as audioLoader } from "#app/routes/chat.voice.$messageId";
import { deleteAccount } from "#app/modules/accounts/deletion.server";
import { writeExportZip } from "#app/modules/accounts/export/build.server";
import { storageFor } from "#app/modules/library/storage.server";
import { createMember } from "#tests/helpers/app";
import { readZip } from "#tests/helpers/zip";
import { HTML_BYTES, oggOpus, PNG_BYTES, webmOpus } from "#tests/helpers/audio";
import { clientId, collect, createChatGroup, createChatRoom, nextEvent, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import type { Socket } from "socket.io-client";
import { joinedSocket, type TestSocket } from "#tests/helpers/sockets";
import { startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

/** Every file under a directory (recursively), relative to it: the storage's files and its temp files. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
}

/**
 * Voice notes through the real upload and playback routes on a real server (its Socket.IO carries
 * the broadcast): accepted Opus in WebM and Ogg, idempotent retries, every refusal (not audio, too
 * long, too big, truncated, empty, wrong room, lost access, muted, slow mode, cross-origin) leaving
 * no file, no row and no broadcast, and playback through the policy with Range requests.
 */
describe(`voice notes on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let dataDir: string;
  let uploads: string;
  let mod: Member, alice: Member, bob: Member, outsider: Member, leaver: Member;
  let roomId: string, privateRoomId: string, privateGroupId: string, publicGroupId: string;
  let bobSocket: TestSocket;
  const sockets: Socket[] = [];
  const ctx = (viewer: Member | null) => ({ app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "hearth-voice-"));
    uploads = path.join(dataDir, "uploads");
    server = await startTestServer({ DATA_DIR: dataDir });
    [mod, alice, bob, outsider, leaver] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Alice"),
      await createMember(server.app, "Bob"),
      await createMember(server.app, "Outsider"),
      await createMember(server.app, "Leaver"),
    ];
    const { slug, groupId } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [alice.id, bob.id] });
    publicGroupId = groupId;
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    const priv = await createChatGroup(server.app, { visibility: "private", moderatorId: mod.id, memberIds: [alice.id, leaver.id] });
    privateGroupId = priv.groupId;
    privateRoomId = (await createChatRoom(server.app, mod, priv.slug)).id;
    bobSocket = await joinedSocket(server.url, bob.token, roomId, sockets);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    for (const m of [mod, alice, bob, outsider, leaver]) await server.app.limiter.reset(`chat:send:${m.id}`);
  });

  async function post(
    room: string,
    viewer: Member | null,
    parts: { audio?: { bytes: Buffer; name?: string; type?: string } | null; clientId?: string; note?: string; confirmPersonal?: boolean } = {},
  ) {
    const form = new FormData();
    if (parts.clientId !== undefined) form.append("clientId", parts.clientId);
    if (parts.note !== undefined) form.append("note", parts.note);
    if (parts.confirmPersonal) form.append("confirmPersonal", "1");
    if (parts.audio) form.append("audio", new Blob([new Uint8Array(parts.audio.bytes)], { type: parts.audio.type ?? "audio/webm" }), parts.audio.name ?? "voice-note.webm");
    const request = new Request(`http://localhost/chat/rooms/${room}/voice`, { method: "POST", body: form });
    let response: Response;
    try {
      response = (await voiceAction({ request, context: ctx(viewer), params: { roomId: room } })) as Response;
    } catch (thrown) {
      if (!(thrown instanceof Response)) throw thrown;
      response = thrown;
    }
    return { status: response.status, body: (await response.json()) as { ok: boolean; message: string; sent?: SendResult } };
  }

  async function play(messageId: string, viewer: Member | null, range?: string) {
    const request = new Request(`http://localhost/chat/voice/${messageId}`, { headers: range ? { Range: range } : {} });
    try {
      return (await audioLoader({ request, context: ctx(viewer), params: { messageId } })) as Response;
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }

  const rowCount = async () => Number((await server.app.db.select({ n: sql<number>`count(*)` }).from(chatMessages))[0]!.n);

  /** A refusal: the status and the words, and afterwards no file, no row, and nothing broadcast to Bob. */
  async function expectRefused(room: string, viewer: Member | null, parts: Parameters<typeof post>[2], status: number, words: RegExp) {
    const before = { files: filesUnder(uploads), rows: await rowCount() };
    const heard = collect<ChatMessage>(bobSocket, "message:new");
    const res = await post(room, viewer, parts);
    expect(res.status).toBe(status);
    expect(res.body.ok).toBe(false);
    expect(res.body.message).toMatch(words);
    expect(filesUnder(uploads)).toEqual(before.files);
    expect(await rowCount()).toBe(before.rows);
    // A sentinel through the same room: whatever a refusal might have broadcast would have arrived before it.
    await server.app.limiter.reset(`chat:send:${mod.id}`);
    const control = await joinedSocket(server.url, mod.token, roomId, sockets);
    await sentinel({ from: control, roomId, control: bobSocket });
    expect(heard.filter((m) => m.kind === "voice")).toEqual([]);
    bobSocket.off("message:new");
    control.disconnect();
  }

  /** A note accepted, and its broadcast arrived at Bob's socket (so a later check starts clean). */
  async function sentAndHeard(viewer: Member, bytes: Buffer) {
    const id = clientId();
    const heard = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    expect((await post(roomId, viewer, { audio: { bytes }, clientId: id })).status).toBe(200);
    await heard;
  }

  it("stores a WebM Opus note with its short text note, answers with the message and broadcasts it", async () => {
    const before = filesUnder(uploads).filter((f) => !f.startsWith("tmp"));
    const id = clientId();
    const arrived = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    const res = await post(roomId, alice, { audio: { bytes: webmOpus(2000) }, clientId: id, note: "  My knee today <b>hurts</b>  " });
    expect(res.status).toBe(200);
    const message = res.body.sent!.message;
    expect(message).toMatchObject({ kind: "voice", body: "My knee today <b>hurts</b>", clientId: id, author: { id: alice.id }, voice: { url: `/chat/voice/${message.id}`, durationMs: 2000 } });
    expect(res.body.sent!.duplicate).toBe(false);
    expect(await arrived).toEqual(message);
    const [row] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, message.id));
    expect(row!.voice).toMatchObject({ mime: "audio/webm", bytes: webmOpus(2000).length, durationMs: 2000 });
    expect(row!.voice!.key).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    const after = filesUnder(uploads).filter((f) => !f.startsWith("tmp"));
    expect(after.length).toBe(before.length + 1);
    expect(filesUnder(path.join(uploads, "tmp"))).toEqual([]);
  });

  it("stores an Ogg Opus note without a text note", async () => {
    const id = clientId();
    const heard = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    const res = await post(roomId, alice, { audio: { bytes: oggOpus(5000), name: "note.ogg", type: "audio/ogg" }, clientId: id });
    expect(res.status).toBe(200);
    await heard;
    expect(res.body.sent!.message).toMatchObject({ kind: "voice", body: "", voice: { durationMs: 5000 } });
  });

  it("answers a retried clientId with the stored message, storing and broadcasting nothing more", async () => {
    const id = clientId();
    const firstHeard = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    const first = await post(roomId, alice, { audio: { bytes: oggOpus(1500) }, clientId: id });
    await firstHeard;
    const files = filesUnder(uploads);
    const rows = await rowCount();
    const heard = collect<ChatMessage>(bobSocket, "message:new");
    const again = await post(roomId, alice, { audio: { bytes: oggOpus(1500) }, clientId: id });
    expect(again.status).toBe(200);
    expect(again.body.sent).toMatchObject({ duplicate: true, message: { id: first.body.sent!.message.id } });
    expect(filesUnder(uploads)).toEqual(files);
    expect(await rowCount()).toBe(rows);
    await sentinel({ from: await joinedSocket(server.url, mod.token, roomId, sockets), roomId, control: bobSocket });
    expect(heard.filter((m) => m.clientId === id)).toEqual([]);
    bobSocket.off("message:new");
  });

  it("asks before a note that looks like personal information (422, nothing stored); 'send anyway' stores it once", async () => {
    const id = clientId();
    const files = filesUnder(uploads);
    const rows = await rowCount();
    const note = "Call me on 07700 900123";
    const asked = await post(roomId, alice, { audio: { bytes: webmOpus(1200) }, clientId: id, note });
    expect(asked.status).toBe(422);
    expect(asked.body.message).toMatch(/personal information/);
    expect(filesUnder(uploads)).toEqual(files);
    expect(await rowCount()).toBe(rows);
    const heard = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    const sent = await post(roomId, alice, { audio: { bytes: webmOpus(1200) }, clientId: id, note, confirmPersonal: true });
    expect(sent.status).toBe(200);
    expect((await heard).body).toBe(note);
    expect(await rowCount()).toBe(rows + 1);
  });

  it("refuses what is not a voice note: an image, a web page, random bytes, another codec", async () => {
    await expectRefused(roomId, alice, { audio: { bytes: PNG_BYTES, name: "note.webm" }, clientId: clientId() }, 400, /not a voice note/);
    await expectRefused(roomId, alice, { audio: { bytes: HTML_BYTES, name: "note.webm", type: "audio/webm" }, clientId: clientId() }, 400, /not a voice note/);
    const noise = Buffer.from(Array.from({ length: 4000 }, (_, i) => (i * 7919) % 256));
    await expectRefused(roomId, alice, { audio: { bytes: noise }, clientId: clientId() }, 400, /not a voice note/);
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(1000, { codec: "A_VORBIS" }) }, clientId: clientId() }, 400, /not a voice note/);
    // A WebM header in front of a web page is still refused (the HTML check sees it).
    await expectRefused(roomId, alice, { audio: { bytes: Buffer.concat([webmOpus(500), HTML_BYTES]) }, clientId: clientId() }, 400, /not a voice note/);
  });

  it("refuses a note longer than two minutes, by its granule positions or its block timecodes", async () => {
    await expectRefused(roomId, alice, { audio: { bytes: oggOpus(125_000) }, clientId: clientId() }, 400, /at most 2 minutes/);
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(130_000) }, clientId: clientId() }, 400, /at most 2 minutes/);
  });

  it("refuses a file over 2 MB while it streams in (413)", async () => {
    const big = Buffer.concat([webmOpus(1000), Buffer.alloc(VOICE_MAX_BYTES, 0)]);
    await expectRefused(roomId, alice, { audio: { bytes: big }, clientId: clientId() }, 413, /larger than 2 MB/);
  });

  it("refuses a cut-off recording, an empty file, headers without sound, and a form without audio", async () => {
    const ogg = oggOpus(4000);
    const webm = webmOpus(4000);
    await expectRefused(roomId, alice, { audio: { bytes: ogg.subarray(0, ogg.length - 100) }, clientId: clientId() }, 400, /cut off/);
    await expectRefused(roomId, alice, { audio: { bytes: webm.subarray(0, webm.length - 7) }, clientId: clientId() }, 400, /cut off/);
    await expectRefused(roomId, alice, { audio: { bytes: Buffer.alloc(0) }, clientId: clientId() }, 400, /no sound/);
    const headersOnly = oggOpus(20).subarray(0, oggOpus(20).indexOf("OggS", 60, "latin1"));
    await expectRefused(roomId, alice, { audio: { bytes: headersOnly }, clientId: clientId() }, 400, /cut off|no sound/);
    await expectRefused(roomId, alice, { clientId: clientId() }, 400, /Record a voice note first/);
  });

  it("refuses bad fields: no clientId, a hostile clientId, a note over the limit", async () => {
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(1000) } }, 400, /clientId/);
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(1000) }, clientId: "'; drop table chat_messages; --" }, 400, /clientId/);
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(1000) }, clientId: clientId(), note: "x".repeat(4001) }, 400, /at most 4,000/);
  });

  it("refuses the wrong room, a room the sender can't see, a visitor, and someone who lost access", async () => {
    await expectRefused("no-such-room", alice, { audio: { bytes: webmOpus(1000) }, clientId: clientId() }, 404, /could not be found/);
    await expectRefused(privateRoomId, outsider, { audio: { bytes: webmOpus(1000) }, clientId: clientId() }, 404, /could not be found/);
    await expectRefused(roomId, null, { audio: { bytes: webmOpus(1000) }, clientId: clientId() }, 401, /sign in/);
    // Leaver could send to the private room; then leaves the group: refused at once (404, it is private).
    expect((await post(privateRoomId, leaver, { audio: { bytes: webmOpus(800) }, clientId: clientId() })).status).toBe(200);
    await server.app.db.delete(groupMemberships).where(and(eq(groupMemberships.userId, leaver.id), eq(groupMemberships.groupId, privateGroupId)));
    await expectRefused(privateRoomId, leaver, { audio: { bytes: webmOpus(1000) }, clientId: clientId() }, 404, /could not be found/);
  });

  it("keeps slow mode and the send rate for voice notes too", async () => {
    await setSlowMode(server.app, mod, { roomId, seconds: 60 });
    try {
      await sentAndHeard(bob, webmOpus(700));
      await expectRefused(roomId, bob, { audio: { bytes: webmOpus(700) }, clientId: clientId() }, 429, /Slow mode is on/);
    } finally {
      await setSlowMode(server.app, mod, { roomId, seconds: 0 });
    }
    for (let i = 0; i < 5; i++) await sentAndHeard(alice, webmOpus(300));
    await expectRefused(roomId, alice, { audio: { bytes: webmOpus(300) }, clientId: clientId() }, 429, /very quickly/);
  });

  it("refuses a cross-origin POST at the server's Origin check (real HTTP), storing nothing", async () => {
    const before = { files: filesUnder(uploads), rows: await rowCount() };
    const form = new FormData();
    form.append("clientId", clientId());
    form.append("audio", new Blob([new Uint8Array(webmOpus(1000))]), "note.webm");
    for (const origin of ["https://evil.example", "null", undefined]) {
      const res = await fetch(`${server.url}/chat/rooms/${roomId}/voice`, {
        method: "POST",
        body: form,
        headers: { Cookie: `hearth_session=${alice.token}`, ...(origin ? { Origin: origin } : {}) },
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/did not come from this site/);
    }
    expect(filesUnder(uploads)).toEqual(before.files);
    expect(await rowCount()).toBe(before.rows);
  });

  it("puts a member's voice notes in their data export, and removes their files when the account is deleted", async () => {
    const carol = await createMember(server.app, "Carol");
    await server.app.db.insert(groupMemberships).values({ groupId: publicGroupId, userId: carol.id, role: "member", status: "active" });
    const bytes = oggOpus(1200);
    const id = clientId();
    const heard = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.clientId === id);
    const sent = (await post(roomId, carol, { audio: { bytes }, clientId: id, note: "for the export" })).body.sent!.message;
    expect((await heard).voice).not.toBeNull();
    const [row] = await server.app.db.select({ voice: chatMessages.voice }).from(chatMessages).where(eq(chatMessages.id, sent.id));
    const key = row!.voice!.key;

    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on("data", (c: Buffer) => chunks.push(c));
    await writeExportZip(server.app, carol.id, out);
    const zip = await readZip(Buffer.concat(chunks));
    expect(zip.get(`voice-notes/${sent.id}.ogg`)?.equals(bytes)).toBe(true);
    const listed = JSON.parse(zip.get("chat-messages.json")!.toString("utf8")) as { id: string; voiceNote: string | null }[];
    expect(listed.find((m) => m.id === sent.id)?.voiceNote).toBe(`voice-notes/${sent.id}.ogg`);

    // Deleted, even with "keep my content": the note's text stays (anonymised), the recording goes.
    const arrived = nextEvent<ChatMessage>(bobSocket, "message:new", (m) => m.id === sent.id);
    await deleteAccount(server.app, carol, { content: "keep", reauth: { currentPassword: carol.password } });
    expect((await arrived).voice).toBeNull();
    expect(await storageFor(server.app).get(key)).toBeNull();
    expect(filesUnder(uploads).some((f) => f.endsWith(key))).toBe(false);
    const [after] = await server.app.db.select({ voice: chatMessages.voice, body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.id, sent.id));
    expect(after).toEqual({ voice: null, body: "for the export" });
    expect((await play(sent.id, bob)).status).toBe(404);
  });

  describe("playback", () => {
    let message: ChatMessage;
    let bytes: Buffer;
    let privateMessage: ChatMessage;
    beforeAll(async () => {
      bytes = webmOpus(3000);
      message = (await post(roomId, alice, { audio: { bytes }, clientId: clientId(), note: "listen" })).body.sent!.message;
      privateMessage = (await post(privateRoomId, alice, { audio: { bytes: oggOpus(1000) }, clientId: clientId() })).body.sent!.message;
    });

    it("serves the whole file with its type, length, private caching and nosniff", async () => {
      const res = await play(message.id, bob);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toBe("audio/webm");
      expect(res.headers.get("Content-Length")).toBe(String(bytes.length));
      expect(res.headers.get("Cache-Control")).toMatch(/private/);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Accept-Ranges")).toBe("bytes");
      expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    });

    it("answers Range requests with 206 and Content-Range, and a bad range with 416", async () => {
      const part = await play(message.id, bob, "bytes=0-99");
      expect(part.status).toBe(206);
      expect(part.headers.get("Content-Range")).toBe(`bytes 0-99/${bytes.length}`);
      expect(part.headers.get("Content-Length")).toBe("100");
      expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(0, 100))).toBe(true);
      const tail = await play(message.id, bob, "bytes=-10");
      expect(tail.status).toBe(206);
      expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10))).toBe(true);
      const open = await play(message.id, bob, `bytes=${bytes.length - 5}-`);
      expect(open.headers.get("Content-Range")).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
      for (const bad of [`bytes=${bytes.length}-`, "bytes=50-10", "bytes=abc", "bytes=-0"]) {
        const res = await play(message.id, bob, bad);
        expect(res.status).toBe(416);
        expect(res.headers.get("Content-Range")).toBe(`bytes */${bytes.length}`);
      }
      // Another unit is ignored: the whole file.
      expect((await play(message.id, bob, "items=0-1")).status).toBe(200);
    });

    it("is refused to anyone who may not read the room (404 where it is private), and 404 once deleted", async () => {
      expect((await play(privateMessage.id, outsider)).status).toBe(404);
      expect((await play(privateMessage.id, null)).status).toBe(404);
      expect((await play(privateMessage.id, alice)).status).toBe(200);
      expect((await play("nonexistent-id", alice)).status).toBe(404);
      // A public group's room is for its members: the policy's refusal (the group is no secret).
      expect((await play(message.id, outsider)).status).toBe(403);
      expect((await play(message.id, null)).status).toBe(401);
      await server.app.db.update(chatMessages).set({ deletedAt: new Date(), deletedBy: alice.id }).where(eq(chatMessages.id, message.id));
      expect((await play(message.id, bob)).status).toBe(404);
      expect((await play(message.id, alice)).status).toBe(404);
    });
  });

});
