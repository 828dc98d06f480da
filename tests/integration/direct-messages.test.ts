import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { chatMessages, chatRoomMembers, chatRooms, notifications, reports, userBlocks, users } from "#db/schema/index";
import { isDomainError } from "#app/lib/errors";
import { listConversations, leaveConversation, mayMessage, openConversation, setDmPolicy, startConversation, unreadConversations } from "#app/modules/chat/direct.server";
import { deleteMessage, muteUser, openRoom, setLocked } from "#app/modules/chat/chat.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { deleteAccount } from "#app/modules/accounts/deletion.server";
import { exportFiles } from "#app/modules/accounts/export/contents.server";
import type { ChatMessage, ChatNotice, RoomJoined, Sent } from "#app/realtime/events";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

async function code(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (e) {
    if (isDomainError(e)) return `${e.code}: ${e.message}`;
    throw e;
  }
  return "allowed";
}

describe(`direct messages on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let ann: Member, ben: Member, cat: Member, dan: Member, mod: Member, orgMod: Member, admin: Member, stranger: Member;
  let slug: string;

  beforeAll(async () => {
    server = await startTestServer();
    [ann, ben, cat, dan, mod, orgMod, admin, stranger] = await Promise.all(
      ["Ann", "Ben", "Cat", "Dan", "Mod", "OrgMod", "Admin", "Stranger"].map((n) => createMember(server.app, n)),
    );
    await server.app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, siteRole: "admin" };
    // Ann, Ben, Cat, Dan and the moderators share a group; the stranger shares none.
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [ann.id, ben.id, cat.id, dan.id], orgStaff: [{ userId: orgMod.id, role: "moderator" }] }));
    await setDmPolicy(server.app, ben, "groups");
    await setDmPolicy(server.app, cat, "anyone");
    await setDmPolicy(server.app, stranger, "anyone");
    // Dan keeps the default: nobody.
    await server.app.jobs.start(server.app);
  });
  afterAll(() => server.stop());
  beforeEach(async () => {
    for (const m of [ann, ben, cat, dan, stranger]) await server.app.limiter.reset(`chat:send:${m.id}`);
  });

  async function socketFor(m: Member) {
    const s = server.client({ cookie: `hearth_session=${m.token}` });
    await connected(s);
    return s;
  }
  async function joined(m: Member, roomId: string) {
    const s = await socketFor(m);
    const data = expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
    return { s, data };
  }
  const members = (roomId: string) => server.app.db.select().from(chatRoomMembers).where(eq(chatRoomMembers.roomId, roomId));

  describe("consent", () => {
    it("nobody is the default: Dan can't be messaged, and is told exactly like any other refusal", async () => {
      const [row] = await server.app.db.select({ p: users.dmPolicy }).from(users).where(eq(users.id, dan.id));
      expect(row!.p).toBe("nobody");
      expect(await code(startConversation(server.app, ann, { people: [dan.displayName] }))).toBe(`forbidden: ${dan.displayName} doesn't accept direct messages from you.`);
      expect(await mayMessage(server.app, ann, dan.id)).toBe(false);
    });

    it("members of my groups: a member of a shared group may, a stranger may not (same words)", async () => {
      expect(await mayMessage(server.app, ann, ben.id)).toBe(true);
      expect(await mayMessage(server.app, stranger, ben.id)).toBe(false);
      expect(await code(startConversation(server.app, stranger, { people: [ben.displayName] }))).toBe(`forbidden: ${ben.displayName} doesn't accept direct messages from you.`);
    });

    it("anyone: a stranger may", async () => {
      expect(await mayMessage(server.app, stranger, cat.id)).toBe(true);
    });

    it("a block either way refuses, with the same words; someone who doesn't exist reads the same too", async () => {
      await server.app.db.insert(userBlocks).values({ blockerId: cat.id, blockedId: dan.id });
      try {
        expect(await code(startConversation(server.app, dan, { people: [cat.displayName] }))).toBe(`forbidden: ${cat.displayName} doesn't accept direct messages from you.`);
        await setDmPolicy(server.app, dan, "anyone");
        expect(await code(startConversation(server.app, cat, { people: [dan.displayName] }))).toBe(`forbidden: ${dan.displayName} doesn't accept direct messages from you.`);
      } finally {
        await setDmPolicy(server.app, dan, "nobody");
        await server.app.db.delete(userBlocks).where(and(eq(userBlocks.blockerId, cat.id), eq(userBlocks.blockedId, dan.id)));
      }
      expect(await code(startConversation(server.app, ann, { people: ["No Such Person 123"] }))).toBe("forbidden: No Such Person 123 doesn't accept direct messages from you.");
    });

    it("a suspended recipient can't be messaged; a suspended or unconfirmed sender is told about themselves", async () => {
      const sus = await createMember(server.app, "Sus");
      await setDmPolicy(server.app, sus, "anyone");
      await server.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, sus.id));
      expect(await code(startConversation(server.app, ann, { people: [sus.displayName] }))).toBe(`forbidden: ${sus.displayName} doesn't accept direct messages from you.`);
      expect(await code(startConversation(server.app, { ...sus, status: "suspended" }, { people: [cat.displayName] }))).toMatch(/suspended/);
      const fresh = await createMember(server.app, "Fresh", { verified: false });
      expect(await code(startConversation(server.app, fresh, { people: [cat.displayName] }))).toMatch(/confirm/i);
    });

    it("nobody is refused, nothing is stored, when one of several people refuses", async () => {
      const before = await server.app.db.select({ id: chatRooms.id }).from(chatRooms).where(eq(chatRooms.kind, "direct"));
      expect(await code(startConversation(server.app, ann, { people: [ben.displayName, dan.displayName], body: "hi both" }))).toMatch(/Dan .* doesn't accept/);
      const after = await server.app.db.select({ id: chatRooms.id }).from(chatRooms).where(eq(chatRooms.kind, "direct"));
      expect(after.length).toBe(before.length);
    });
  });

  describe("starting", () => {
    it("creates a 1:1 with its first message, and a second start opens the same one", async () => {
      const first = await startConversation(server.app, ann, { people: [ben.displayName], body: "Hello Ben" });
      expect(first.reused).toBe(false);
      const room = (await server.app.db.select().from(chatRooms).where(eq(chatRooms.id, first.roomId)))[0]!;
      expect(room).toMatchObject({ kind: "direct", groupId: null, name: "", createdBy: ann.id });
      expect((await members(first.roomId)).map((m) => m.userId).sort()).toEqual([ann.id, ben.id].sort());
      const msgs = await server.app.db.select().from(chatMessages).where(eq(chatMessages.roomId, first.roomId));
      expect(msgs.map((m) => m.body)).toEqual(["Hello Ben"]);
      // Either way round, by any spelling of the name: the same conversation.
      const again = await startConversation(server.app, ben, { people: [ann.displayName.toUpperCase()] });
      expect(again).toEqual({ roomId: first.roomId, reused: true });
      // Ann accepts nobody, but Ben is already in an open 1:1 with her: that isn't a new conversation.
      const [ownPolicy] = await server.app.db.select({ p: users.dmPolicy }).from(users).where(eq(users.id, ann.id));
      expect(ownPolicy!.p).toBe("nobody");
    });

    it("two starts of the same 1:1 at once (a double click, or both people together) make one conversation", async () => {
      const [eve, fay] = [await createMember(server.app, "Eve"), await createMember(server.app, "Fay")];
      await setDmPolicy(server.app, eve, "anyone");
      await setDmPolicy(server.app, fay, "anyone");
      const started = await Promise.all([
        startConversation(server.app, eve, { people: [fay.displayName] }),
        startConversation(server.app, fay, { people: [eve.displayName] }),
        startConversation(server.app, eve, { people: [fay.displayName] }),
      ]);
      expect(new Set(started.map((s) => s.roomId)).size).toBe(1);
      expect(started.filter((s) => !s.reused)).toHaveLength(1);
      const rooms = await server.app.db.select({ id: chatRooms.id }).from(chatRooms).where(and(eq(chatRooms.kind, "direct"), eq(chatRooms.createdBy, eve.id)));
      const byFay = await server.app.db.select({ id: chatRooms.id }).from(chatRooms).where(and(eq(chatRooms.kind, "direct"), eq(chatRooms.createdBy, fay.id)));
      expect(rooms.length + byFay.length).toBe(1);
    });

    it("a small group: up to 7 others; 8 others (9 people) are refused before anyone is asked", async () => {
      const many = await Promise.all(Array.from({ length: 8 }, (_, i) => createMember(server.app, `Many${i}`)));
      for (const m of many) await setDmPolicy(server.app, m, "anyone");
      expect(await code(startConversation(server.app, ann, { people: many.map((m) => m.displayName) }))).toMatch(/^invalid: A conversation has at most 8 people/);
      const ok = await startConversation(server.app, ann, { people: many.slice(0, 7).map((m) => m.displayName), body: "Welcome, all" });
      expect((await members(ok.roomId)).length).toBe(8);
    });

    it("bad input: nobody chosen, oneself, nothing stored", async () => {
      expect(await code(startConversation(server.app, ann, { people: ["  "] }))).toMatch(/^invalid: Choose at least one person/);
      expect(await code(startConversation(server.app, ann, { people: [ann.displayName] }))).toMatch(/^invalid: That's you/);
      expect(await code(startConversation(server.app, null, { people: [ben.displayName] }))).toMatch(/^unauthenticated/);
    });
  });

  describe("live in the conversation", () => {
    it("both people chat live over the room machinery; the list shows it with the unread count", async () => {
      const { roomId } = await startConversation(server.app, ann, { people: [cat.displayName] });
      const { s: a, data } = await joined(ann, roomId);
      expect(data.group).toBeNull();
      expect(data.you).toMatchObject({ canSend: true, canModerate: false });
      const { s: c } = await joined(cat, roomId);
      const arrived = nextEvent<ChatMessage>(c, "message:new", (m) => m.body === "Are you there?");
      const sent = expectOk(await request<Sent>(a, "message:send", { roomId, body: "Are you there?", clientId: clientId() }));
      expect((await arrived).id).toBe(sent.message.id);
      const list = await listConversations(server.app, cat);
      const item = list.conversations.find((x) => x.id === roomId)!;
      expect(item.others).toEqual([ann.displayName]);
      expect(item.unread).toBe(1);
      expect(item.lastMessageAt).toBe(sent.message.createdAt);
      expect(list.conversations[0]!.id).toBe(roomId);
      expect(await unreadConversations(server.app, cat.id)).toBeGreaterThanOrEqual(1);
      expectOk(await request(c, "room:read", { roomId, seq: sent.message.seq }));
      expect((await listConversations(server.app, cat)).conversations.find((x) => x.id === roomId)!.unread).toBe(0);
    });

    it("a blocked 1:1 takes no messages (a reason, nothing stored)", async () => {
      const { roomId } = await startConversation(server.app, stranger, { people: [cat.displayName] });
      const { s } = await joined(stranger, roomId);
      await server.app.db.insert(userBlocks).values({ blockerId: cat.id, blockedId: stranger.id });
      try {
        const err = expectError(await request(s, "message:send", { roomId, body: "hello?", clientId: clientId() }));
        expect(err.message).toMatch(/blocked/);
        expect(await server.app.db.select().from(chatMessages).where(eq(chatMessages.roomId, roomId))).toEqual([]);
      } finally {
        await server.app.db.delete(userBlocks).where(eq(userBlocks.blockerId, cat.id));
      }
    });

    it("a leaver stops receiving at once; the others are told; they can't join or read again (404)", async () => {
      const { roomId } = await startConversation(server.app, ann, { people: [ben.displayName, cat.displayName] });
      const { s: a } = await joined(ann, roomId);
      const { s: b } = await joined(ben, roomId);
      const { s: c } = await joined(cat, roomId);
      const heard: ChatMessage[] = [];
      b.on("message:new", (m: ChatMessage) => heard.push(m));
      const told = nextEvent<ChatNotice>(a, "notice", (n) => n.message.includes("left the conversation"));
      await leaveConversation(server.app, ben, roomId);
      expect((await told).message).toBe(`${ben.displayName} left the conversation.`);
      await sentinel({ from: a, roomId, control: c, quiet: [b] });
      expect(heard).toEqual([]);
      expect(expectError(await request(b, "room:join", { roomId })).code).toBe("not_found");
      expect(expectError(await request(b, "message:send", { roomId, body: "back?", clientId: clientId() })).code).toBe("not_found");
      expect((await listConversations(server.app, ben)).conversations.map((x) => x.id)).not.toContain(roomId);
      expect((await listConversations(server.app, ann)).conversations.find((x) => x.id === roomId)!.others).toEqual([cat.displayName]);
      // Leaving twice, or a conversation one was never in: 404.
      expect(await code(leaveConversation(server.app, ben, roomId))).toMatch(/^not_found/);
      expect(await code(leaveConversation(server.app, stranger, roomId))).toMatch(/^not_found/);
    });
  });

  describe("nobody else can read it", () => {
    let roomId: string;
    beforeAll(async () => {
      ({ roomId } = await startConversation(server.app, ann, { people: [ben.displayName], body: "Private words" }));
    });

    it.each([
      ["the group moderator", () => mod],
      ["an organization moderator", () => orgMod],
      ["a site admin", () => admin],
      ["a stranger", () => stranger],
    ])("%s can't join it or read its history (404)", async (_l, who) => {
      const s = await socketFor(who());
      expect(expectError(await request(s, "room:join", { roomId })).code).toBe("not_found");
      expect(expectError(await request(s, "room:history", { roomId, before: 100 })).code).toBe("not_found");
      expect(expectError(await request(s, "room:read", { roomId, seq: 1 })).code).toBe("not_found");
      expect(await code(openRoom(server.app, who(), { roomId }))).toMatch(/^not_found/);
      expect(await code(openConversation(server.app, who(), roomId))).toMatch(/^not_found/);
    });

    it("moderation and room management don't exist for a direct room, even for site admins (404)", async () => {
      const [msg] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.roomId, roomId));
      expect(await code(deleteMessage(server.app, admin, { messageId: msg!.id, reason: "x" }))).toMatch(/^not_found/);
      expect(await code(muteUser(server.app, admin, { roomId, userId: ann.id, minutes: 10, reason: "x" }))).toMatch(/^not_found/);
      expect(await code(setLocked(server.app, admin, { roomId, locked: true }))).toMatch(/^not_found/);
      const s = await socketFor(admin);
      expect(expectError(await request(s, "room:lock", { roomId, locked: true, reason: "x" })).code).toBe("not_found");
    });

    it("the group's chat page doesn't open it either", async () => {
      const opened = await openRoom(server.app, ann, { roomId });
      expect(opened.group).toBeNull();
      expect(slug).toBeTruthy();
    });
  });

  describe("reports", () => {
    it("a reported message goes to the site admins only, with up to five messages before it as context", async () => {
      const { roomId } = await startConversation(server.app, stranger, { people: [cat.displayName], body: "m1" });
      const { s: st } = await joined(stranger, roomId);
      const { s: c } = await joined(cat, roomId);
      let last: Sent | null = null;
      for (const body of ["m2", "m3", "m4", "m5", "m6", "m7 bad"]) {
        await server.app.limiter.reset(`chat:send:${stranger.id}`);
        last = expectOk(await request<Sent>(st, "message:send", { roomId, body, clientId: clientId() }));
      }
      expectOk(await request(c, "message:send", { roomId, body: "after", clientId: clientId() }));
      expectOk(await request(c, "message:report", { messageId: last!.message.id, reason: "harassment", details: "" }));
      const [report] = await server.app.db.select().from(reports).where(eq(reports.targetId, last!.message.id));
      expect(report!.groupId).toBeNull();
      const queue = await listQueue(server.app, admin);
      const item = queue.queue.find((i) => i.targetId === last!.message.id)!;
      expect(item.content).toMatchObject({ body: "m7 bad", link: null, title: "A direct conversation" });
      expect(item.content!.context.map((m) => m.body)).toEqual(["m2", "m3", "m4", "m5", "m6", "m7 bad"]);
      // Nowhere else: the group's moderators and the organization's staff don't see it.
      for (const who of [mod, orgMod]) {
        const theirs = await listQueue(server.app, who);
        expect(theirs.queue.map((i) => i.targetId)).not.toContain(last!.message.id);
      }
    });
  });

  describe("notifications", () => {
    async function fanoutsDone() {
      const result = await server.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`);
      const rows = (Array.isArray(result) ? result : (result as { rows: { n: number }[] }).rows) as { n: number }[];
      await server.app.jobs.waitFor("notifications.fanout", Number(rows[0]!.n));
    }

    it("the others hear 'X sent you a message' (never the body), linked to the message; consecutive messages fold into one unread notice", async () => {
      const { roomId } = await startConversation(server.app, ann, { people: [ben.displayName, cat.displayName], body: "My secret symptom list" });
      const { s } = await joined(ann, roomId);
      const second = expectOk(await request<Sent>(s, "message:send", { roomId, body: "And another detail", clientId: clientId() }));
      await fanoutsDone();
      const rows = await server.app.db.select().from(notifications).where(and(eq(notifications.kind, "direct_message"), eq(notifications.dedupeKey, `direct-message:${roomId}`)));
      expect(rows.map((r) => r.userId).sort()).toEqual([ben.id, cat.id].sort());
      for (const r of rows) {
        expect(r.title).toBe(`${ann.displayName} sent you a message`);
        expect(r.body).toBe("");
        expect(r.count).toBe(2);
        expect(r.readAt).toBeNull();
        // The folded notice keeps pointing at the first unread message: reading starts there.
        expect(r.link).toBe(`/messages/${roomId}?at=${second.message.seq - 1}#message-${second.message.seq - 1}`);
      }
      // The author hears nothing of their own messages.
      expect(await server.app.db.select().from(notifications).where(and(eq(notifications.userId, ann.id), eq(notifications.dedupeKey, `direct-message:${roomId}`)))).toEqual([]);
    });
  });

  describe("data export", () => {
    it("the member's own direct messages are in chat-messages.json (no group)", async () => {
      const { roomId } = await startConversation(server.app, ann, { people: [ben.displayName] });
      const { s } = await joined(ann, roomId);
      expectOk(await request<Sent>(s, "message:send", { roomId, body: "For my export", clientId: clientId() }));
      const file = exportFiles(server.app, ann.id).find((f) => f.name === "chat-messages.json")!;
      let text = "";
      for await (const chunk of file.open()) text += String(chunk);
      const entries = JSON.parse(text) as { body: string; group: string | null; room: string }[];
      expect(entries).toContainEqual(expect.objectContaining({ body: "For my export", group: null, room: "A direct conversation" }));
    });
  });

  describe("account deletion", () => {
    it("a deleted account leaves its conversations; the others keep the history", async () => {
      const gone = await createMember(server.app, "Gone");
      await setDmPolicy(server.app, gone, "anyone");
      const { roomId } = await startConversation(server.app, cat, { people: [gone.displayName], body: "before" });
      await deleteAccount(server.app, gone, { content: "keep", reauth: { currentPassword: gone.password } });
      const rows = await members(roomId);
      expect(rows.find((m) => m.userId === gone.id)!.leftAt).not.toBeNull();
      expect(rows.find((m) => m.userId === cat.id)!.leftAt).toBeNull();
      const list = await listConversations(server.app, cat);
      expect(list.conversations.find((x) => x.id === roomId)!.others).toEqual([]);
      expect((await server.app.db.select().from(chatMessages).where(eq(chatMessages.roomId, roomId))).map((m) => m.body)).toEqual(["before"]);
    });
  });

  describe("bad payloads on a direct room", () => {
    it("malformed, oversize and hostile sends are refused with error acks; nothing stored; the room still works", async () => {
      const { roomId } = await startConversation(server.app, ann, { people: [cat.displayName, ben.displayName] });
      const { s: a } = await joined(ann, roomId);
      const { s: c } = await joined(cat, roomId);
      for (const payload of [{ roomId }, { roomId, body: "x".repeat(4001), clientId: clientId() }, { roomId, body: 42, clientId: clientId() }, { roomId: "'; drop table chat_rooms; --", body: "x", clientId: clientId() }]) {
        expectError(await request(a, "message:send", payload));
      }
      expect(await server.app.db.select().from(chatMessages).where(eq(chatMessages.roomId, roomId))).toEqual([]);
      const hostile = "<img src=x onerror=alert(1)>";
      const arrived = nextEvent<ChatMessage>(c, "message:new", (m) => m.body === hostile);
      expectOk(await request(a, "message:send", { roomId, body: hostile, clientId: clientId() }));
      expect((await arrived).body).toBe(hostile);
    });
  });
});
