import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import { and, asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMessages, chatReactions, chatRooms, moderationActions, reports, users } from "#db/schema/index";
import { newId } from "#app/lib/ids.server";
import { listMessages, listRooms, openRoom, pinMessage } from "#app/modules/chat/chat.server";
import { retentionSweep, setRetention } from "#app/modules/chat/retention.server";
import { retentionText } from "#app/modules/chat/retention.schema";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { storageFor } from "#app/modules/library/storage.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { action as roomsAction } from "#app/routes/groups.$slug.chat._index/route";
import type { ChatRoomState, RoomJoined } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { createChatGroup, createChatRoom, expectOk, nextEvent, request } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;
const DAY = 86_400_000;

/** Retention: who may set it, the room's words for it, and the sweep that deletes old messages (moving clock). */
describe(`chat retention on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let owner: Member, admin: Member, orgMod: Member, mod: Member, member: Member;
  let slug: string, groupId: string;
  const now = new Date();

  beforeAll(async () => {
    server = await startTestServer();
    [owner, admin, orgMod, mod, member] = [
      await createMember(server.app, "Owner"),
      await createMember(server.app, "Admin"),
      await createMember(server.app, "OrgMod"),
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Member"),
    ];
    ({ slug, groupId } = await createChatGroup(server.app, {
      moderatorId: mod.id,
      memberIds: [member.id],
      orgStaff: [
        { userId: owner.id, role: "owner" },
        { userId: admin.id, role: "admin" },
        { userId: orgMod.id, role: "moderator" },
      ],
    }));
    server.app.clock = { now: () => now };
  });
  afterAll(() => server.stop());

  /** Messages inserted as they would have been `daysAgo` days ago, seqs taken from the room like sendMessage does. */
  async function backdated(roomId: string, daysAgo: number, count: number, extra: Partial<typeof chatMessages.$inferInsert> = {}) {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const [room] = await server.app.db
        .update(chatRooms)
        .set({ lastSeq: sql`${chatRooms.lastSeq} + 1` })
        .where(eq(chatRooms.id, roomId))
        .returning({ seq: chatRooms.lastSeq });
      const id = newId();
      await server.app.db.insert(chatMessages).values({
        id,
        roomId,
        seq: room!.seq,
        authorId: member.id,
        body: `${daysAgo} days ago #${i}`,
        clientId: `c${id}`,
        createdAt: new Date(now.getTime() - daysAgo * DAY + i * 1000),
        ...extra,
      });
      ids.push(id);
    }
    return ids;
  }
  const bodies = async (roomId: string) =>
    (await server.app.db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.roomId, roomId)).orderBy(asc(chatMessages.seq))).map((r) => r.body);

  it("owners, admins and site admins set it (audited, told live); moderators and members are refused; the room and the list say it in words", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Kept")).id;
    const s = server.client({ cookie: `hearth_session=${member.token}` });
    await connected(s);
    expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
    const updated = nextEvent<ChatRoomState>(s, "room:updated", (r) => r.id === roomId);
    const notice = nextEvent<{ roomId: string; message: string }>(s, "notice", (n) => n.roomId === roomId);
    expect(await setRetention(server.app, admin, slug, { roomId, days: 90 })).toMatchObject({ days: 90, changed: true });
    expect((await updated).retentionDays).toBe(90);
    expect((await notice).message).toBe("Messages in this room are deleted after 90 days. Pinned messages are kept.");
    expect((await openRoom(server.app, member, { roomId })).room.retentionDays).toBe(90);
    expect((await listRooms(server.app, member, slug)).rooms.find((r) => r.id === roomId)!.retentionDays).toBe(90);
    const [audit] = await server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "chat.room.retention"), eq(moderationActions.targetId, roomId)));
    expect(audit).toMatchObject({ actorId: admin.id, details: { from: null, to: 90 } });

    await setRetention(server.app, owner, slug, { roomId, days: 30 });
    const siteAdmin = { ...(await createMember(server.app, "Site")), siteRole: "admin" as const };
    await server.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, siteAdmin.id));
    await setRetention(server.app, siteAdmin, slug, { roomId, days: 365 });
    expect(retentionText(365)).toBe("Messages in this room are deleted after 1 year. Pinned messages are kept.");
    expect(retentionText(null)).toMatch(/kept until someone deletes them/);

    for (const who of [mod, orgMod, member]) {
      await expect(setRetention(server.app, who, slug, { roomId, days: 30 })).rejects.toMatchObject({
        code: "forbidden",
        message: "Only the organization's owners and admins can change how long messages are kept.",
      });
    }
    await expect(setRetention(server.app, null, slug, { roomId, days: 30 })).rejects.toMatchObject({ code: "unauthenticated" });
    // The room belongs to another group than the address says: not found.
    const other = await createChatGroup(server.app, { moderatorId: mod.id, orgStaff: [{ userId: owner.id, role: "owner" }] });
    await expect(setRetention(server.app, owner, other.slug, { roomId, days: 30 })).rejects.toMatchObject({ code: "not_found" });
    const [row] = await server.app.db.select({ days: chatRooms.retentionDays }).from(chatRooms).where(eq(chatRooms.id, roomId));
    expect(row!.days).toBe(365);
    s.disconnect();
  });

  it("the room list form refuses 45 days, 'x' and nothing with a clear message, and stores nothing", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Form")).id;
    async function post(fields: Record<string, string>, viewer: Member) {
      const request = new Request(`http://localhost/groups/${slug}/chat`, {
        method: "POST",
        body: new URLSearchParams(fields).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      const context = { app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      const response = (await roomsAction({ request, context, params: { slug } } as unknown as ActionFunctionArgs)) as Response;
      return { status: response.status, data: (await response.json()) as { message?: string | null; error?: Record<string, string[]> } };
    }
    for (const bad of ["45", "x", "", "30; drop table chat_rooms"]) {
      const r = await post({ intent: "retention", roomId, retention: bad }, owner);
      expect(r.status).toBe(400);
      expect(JSON.stringify(r.data.error)).toMatch(/Choose forever, 30 days, 90 days or 1 year|Choose how long messages are kept/);
    }
    const refused = await post({ intent: "retention", roomId, retention: "30" }, mod);
    expect(refused.status).toBe(403);
    const ok = await post({ intent: "retention", roomId, retention: "30" }, owner);
    expect(ok.status).toBe(200);
    expect(ok.data.message).toContain("deleted after 30 days");
    const back = await post({ intent: "retention", roomId, retention: "forever" }, owner);
    expect(back.status).toBe(200);
    const [row] = await server.app.db.select({ days: chatRooms.retentionDays }).from(chatRooms).where(eq(chatRooms.id, roomId));
    expect(row!.days).toBeNull();
  });

  it("the sweep deletes only messages older than the room's days, never the pinned one, leaves rooms without retention alone, and is idempotent", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Thirty")).id;
    const keepRoomId = (await createChatRoom(server.app, mod, slug, "Forever")).id;
    const old = await backdated(roomId, 40, 3);
    await backdated(roomId, 10, 2);
    await backdated(keepRoomId, 400, 2);
    await pinMessage(server.app, mod, { roomId, messageId: old[1]! });
    await server.app.db.insert(chatReactions).values({ messageId: old[0]!, userId: mod.id, kind: "hug" });
    await setRetention(server.app, owner, slug, { roomId, days: 30 });

    await runSweeps(server.app);
    expect(await bodies(roomId)).toEqual(["40 days ago #1", "10 days ago #0", "10 days ago #1"]);
    expect(await bodies(keepRoomId)).toEqual(["400 days ago #0", "400 days ago #1"]);
    expect(await server.app.db.select().from(chatReactions).where(eq(chatReactions.messageId, old[0]!))).toEqual([]);
    // The pinned message is still the room's pin.
    expect((await openRoom(server.app, member, { roomId })).room.pinned?.id).toBe(old[1]);

    // Again: nothing more goes.
    await runSweeps(server.app);
    expect(await bodies(roomId)).toHaveLength(3);
    // Twenty days later the 10-day-old ones are past 30 days too.
    server.app.clock = { now: () => new Date(now.getTime() + 21 * DAY) };
    await runSweeps(server.app);
    server.app.clock = { now: () => now };
    expect(await bodies(roomId)).toEqual(["40 days ago #1"]);
  });

  it("works in bounded batches: a backlog goes over several runs, oldest first", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Backlog")).id;
    await backdated(roomId, 100, 7);
    await backdated(roomId, 1, 1);
    await setRetention(server.app, owner, slug, { roomId, days: 90 });
    // 2 rows a statement, 2 statements a run: 4 a run.
    await retentionSweep(server.app, now, { batch: 2, batchesPerRun: 2 });
    expect(await bodies(roomId)).toEqual(["100 days ago #4", "100 days ago #5", "100 days ago #6", "1 days ago #0"]);
    await retentionSweep(server.app, now, { batch: 2, batchesPerRun: 2 });
    expect(await bodies(roomId)).toEqual(["1 days ago #0"]);
  });

  it("removes voice-note files after their rows; replies keep working with a 'no longer available' quote", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Voices")).id;
    const key = newId(24).replace(/[^A-Za-z0-9_-]/g, "a").padEnd(24, "a");
    const tmp = path.join(os.tmpdir(), `voice-${key}.webm`);
    await fs.writeFile(tmp, Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 1, 2, 3]));
    const storage = storageFor(server.app);
    await storage.put(key, tmp);
    expect(await storage.get(key)).not.toBeNull();
    const [voiceId] = await backdated(roomId, 40, 1, { kind: "voice", voice: { key, mime: "audio/webm", bytes: 7, durationMs: 1200 }, body: "" });
    const [replyId] = await backdated(roomId, 5, 1, { replyToId: voiceId });
    await setRetention(server.app, owner, slug, { roomId, days: 30 });
    await runSweeps(server.app);
    expect(await storage.get(key)).toBeNull();
    const { messages } = await listMessages(server.app, roomId);
    expect(messages.map((m) => m.id)).toEqual([replyId]);
    expect(messages[0]!.replyTo).toEqual({ id: voiceId, missing: true });
  });

  it("seq gaps don't break history paging or the catch-up cursor", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Gaps")).id;
    const first = await backdated(roomId, 50, 3); // seqs 1–3: will go
    await backdated(roomId, 5, 60); // seqs 4–63: stay
    await setRetention(server.app, owner, slug, { roomId, days: 30 });
    await runSweeps(server.app);
    expect(first).toHaveLength(3);
    const latest = await listMessages(server.app, roomId);
    expect(latest.messages[0]!.seq).toBe(14);
    expect(latest.hasOlder).toBe(true);
    const older = await listMessages(server.app, roomId, { before: 14 });
    expect(older.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 4));
    expect(older.hasOlder).toBe(false);
    // A client that last saw seq 1 (now gone) catches up on everything that is left.
    const caught = await listMessages(server.app, roomId, { after: 1 });
    expect(caught.messages.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 4));
    expect(caught.hasMore).toBe(false);
  });

  it("a report whose message retention removed still lists, as content that no longer exists", async () => {
    const roomId = (await createChatRoom(server.app, mod, slug, "Reported")).id;
    const [gone] = await backdated(roomId, 40, 1);
    await server.app.db.insert(reports).values({ id: newId(), targetType: "chat_message", targetId: gone!, groupId, reporterId: owner.id, reason: "spam", details: "" });
    await setRetention(server.app, owner, slug, { roomId, days: 30 });
    await runSweeps(server.app);
    const queue = await listQueue(server.app, mod);
    const item = queue.queue.find((i) => i.targetId === gone);
    expect(item).toBeDefined();
    expect(item!.content).toBeNull();
  });
});
