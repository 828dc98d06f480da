import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatMessages } from "#db/schema/index";
import { messageHref } from "#app/lib/chat-links";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { archiveRoom, banUser, deleteMessage, sendMessage } from "#app/modules/chat/chat.server";
import { CHAT_SEARCH_PAGE, ChatSearchSchema } from "#app/modules/chat/search.schema";
import { searchDirectChat, searchGroupChat } from "#app/modules/chat/search.server";
import { setDmPolicy, startConversation } from "#app/modules/chat/direct.server";
import { loader } from "#app/routes/groups.$slug.chat.search/route";
import { createMember, createTestApp, queryCounter, type TestApp } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Chat search on the real database: Postgres full-text over the generated chat_messages.search
 * column, only in rooms the reader may read (the policy's chat.read per room), one query for the
 * results whatever the number of rooms, newest first with a keyset cursor.
 */
describe(`chat search on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let mod: Member, member: Member, banned: Member, outsider: Member;
  let slug: string;
  let general: { id: string }, garden: { id: string }, old: { id: string };

  const say = async (who: Member, roomId: string, body: string) => {
    t.app.limiter = new MemoryRateLimiter();
    return (await sendMessage(t.app, who, { roomId, body, clientId: clientId() })).message;
  };
  const search = (who: Member | null, q: string, more: { room?: string; after?: string } = {}) => searchGroupChat(t.app, who, slug, { q, ...more });
  const bodies = (r: Awaited<ReturnType<typeof search>>) => r.results.map((m) => m.snippet.map((p) => p.text).join(""));
  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const load = async (viewer: Member | null, query: string) =>
    (await loader({ request: new Request(`http://localhost/groups/${slug}/chat/search${query}`), context: ctx(viewer), params: { slug } } as never)) as Awaited<ReturnType<typeof loader>>;

  beforeAll(async () => {
    t = await createTestApp();
    mod = await createMember(t.app, "Mod");
    member = await createMember(t.app, "Member");
    banned = await createMember(t.app, "Banned");
    outsider = await createMember(t.app, "Outsider");
    ({ slug } = await createChatGroup(t.app, { visibility: "private", moderatorId: mod.id, memberIds: [member.id, banned.id] }));
    general = await createChatRoom(t.app, mod, slug, "General");
    garden = await createChatRoom(t.app, mod, slug, "Garden");
    old = await createChatRoom(t.app, mod, slug, "Old times");
    await say(member, general.id, "I walked to the pharmacy this morning, slowly.");
    await say(mod, garden.id, "The tulips in the garden came up early.");
    await say(member, old.id, "Kept from the old room: a secret tulip bulb.");
    await archiveRoom(t.app, mod, slug, { roomId: old.id, archived: true });
    await banUser(t.app, mod, { roomId: garden.id, userId: banned.id, banned: true, reason: "Testing search" });
  });
  afterAll(() => t.close());

  it("finds a message by its stem and links to it in context", async () => {
    const found = await search(member, "walking");
    expect(found.results).toHaveLength(1);
    const [hit] = found.results;
    expect(hit!.roomName).toBe("General");
    expect(hit!.authorName).toBe(member.displayName);
    expect(hit!.href).toBe(messageHref({ roomId: general.id, groupSlug: slug }, hit!.seq));
    // The match is marked as a flag on plain text: the word as it was written.
    expect(hit!.snippet.filter((p) => p.hit).map((p) => p.text)).toEqual(["walked"]);
  });

  it("searches every readable room of the group in one query, or one room with room=", async () => {
    const both = await search(mod, "tulip");
    expect(both.results.map((r) => r.roomName).sort()).toEqual(["Garden", "Old times"]);
    const one = await search(mod, "tulip", { room: garden.id });
    expect(one.results.map((r) => r.roomName)).toEqual(["Garden"]);
    expect(one.room).toMatchObject({ id: garden.id, name: "Garden" });

    // The group, its rooms with the viewer's standing, the results: three queries, however many rooms.
    const counter = queryCounter(t);
    try {
      const three = await counter.count(() => searchGroupChat(counter.app, mod, slug, { q: "tulip" }));
      await createChatRoom(t.app, mod, slug, "Another");
      await createChatRoom(t.app, mod, slug, "And another");
      expect(await counter.count(() => searchGroupChat(counter.app, mod, slug, { q: "tulip" }))).toBe(three);
      expect(three).toBe(3);
    } finally {
      await counter.close();
    }
  });

  it("finds nothing of a private group for outsiders and visitors (404), nor of a room for someone banned from it", async () => {
    await expect(search(outsider, "tulip")).rejects.toMatchObject({ code: "not_found" });
    await expect(search(null, "tulip")).rejects.toMatchObject({ code: "not_found" });
    await expect(load(outsider, "?q=tulip")).rejects.toMatchObject({ status: 404 });
    await expect(load(null, "?q=tulip")).rejects.toMatchObject({ status: 404 });

    const asBanned = await search(banned, "tulip");
    expect(asBanned.results).toEqual([]);
    expect(asBanned.rooms.map((r) => r.name)).not.toContain("Garden");
    expect(asBanned.rooms.map((r) => r.name)).toContain("General");
    await expect(search(banned, "tulip", { room: garden.id })).rejects.toMatchObject({ code: "not_found" });
    // What they may read is still found.
    expect((await search(banned, "pharmacy")).results).toHaveLength(1);
  });

  it("finds an archived room's messages for moderators only", async () => {
    expect(bodies(await search(member, "secret"))).toEqual([]);
    await expect(search(member, "secret", { room: old.id })).rejects.toMatchObject({ code: "not_found" });
    expect(bodies(await search(mod, "secret"))).toEqual([expect.stringContaining("secret tulip bulb")]);
    expect((await search(mod, "secret", { room: old.id })).results).toHaveLength(1);
  });

  it("never finds a deleted message; an edited one is found by its new text only", async () => {
    const gone = await say(member, general.id, "My rhubarb recipe is the best.");
    expect((await search(member, "rhubarb")).results).toHaveLength(1);
    await deleteMessage(t.app, mod, { messageId: gone.id, reason: "Testing search" });
    expect((await search(member, "rhubarb")).results).toEqual([]);
    expect((await search(mod, "rhubarb")).results).toEqual([]);

    const edited = await say(member, general.id, "Anyone tried acupuncture?");
    // The generated search column follows the body, whoever changes it.
    await t.app.db.update(chatMessages).set({ body: "Anyone tried hydrotherapy?", editedAt: new Date() }).where(eq(chatMessages.id, edited.id));
    expect((await search(member, "acupuncture")).results).toEqual([]);
    expect((await search(member, "hydrotherapy")).results.map((r) => r.id)).toEqual([edited.id]);
  });

  it("pages newest first with a cursor: no result twice, none left out", async () => {
    const sent = [];
    for (let i = 0; i < CHAT_SEARCH_PAGE + 5; i++) sent.push(await say(i % 2 ? mod : member, general.id, `Stretching routine number ${i}`));
    const first = await search(member, "stretch");
    expect(first.results).toHaveLength(CHAT_SEARCH_PAGE);
    expect(first.results.map((r) => r.seq)).toEqual([...sent].reverse().slice(0, CHAT_SEARCH_PAGE).map((m) => m.seq));
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = await search(member, "stretch", { after: first.nextCursor! });
    expect(second.results.map((r) => r.seq)).toEqual([...sent].reverse().slice(CHAT_SEARCH_PAGE).map((m) => m.seq));
    expect(second.nextCursor).toBeNull();
    // A tampered cursor is the first page again, never an error.
    expect((await search(member, "stretch", { after: "not-a-cursor" })).results).toHaveLength(CHAT_SEARCH_PAGE);

    // The page shows the same, with its "More results" link.
    const page = await load(member, `?q=stretch&room=${general.id}`);
    expect(page.results).toHaveLength(CHAT_SEARCH_PAGE);
    expect(page.nextCursor).toBe(first.nextCursor);
  });

  it("a common word (more than a thousand matches) pages the same way, newest first, from each room's index", async () => {
    // Bulk rows straight into the table (the send path is tested above): 1,200 in one room, 30 in another.
    const bulk = async (roomId: string, n: number, from: number) =>
      t.app.db.execute(sql`
        insert into chat_messages (id, room_id, seq, author_id, body, client_id, created_at)
        select ${roomId} || '-bulk-' || g, ${roomId}, ${from} + g, ${member.id}, 'Breathing exercise number ' || g, 'bulk-' || ${roomId} || '-' || g,
          now() - make_interval(secs => ${n} - g)
        from generate_series(1, ${n}::int) g`);
    await bulk(general.id, 1200, 10_000);
    await bulk(garden.id, 30, 10_000);
    const seen = new Set<string>();
    let after: string | undefined;
    let newest = Infinity;
    for (let page = 0; page < 3; page++) {
      const found = await search(member, "breathe", { after });
      expect(found.results).toHaveLength(CHAT_SEARCH_PAGE);
      for (const r of found.results) {
        expect(seen.has(r.id)).toBe(false);
        seen.add(r.id);
        const at = Date.parse(r.createdAt);
        expect(at).toBeLessThanOrEqual(newest);
        newest = at;
      }
      after = found.nextCursor!;
      expect(after).toEqual(expect.any(String));
    }
    // The newest of both rooms came first: the garden's last 30 seconds interleave with the general room's.
    expect([...seen].some((id) => id.startsWith(`${garden.id}-bulk-`))).toBe(true);
    expect([...seen].some((id) => id.startsWith(`${general.id}-bulk-`))).toBe(true);
    // Narrowed to the garden: its 30, then nothing more.
    const garden1 = await search(member, "breathe", { room: garden.id });
    const garden2 = await search(member, "breathe", { room: garden.id, after: garden1.nextCursor! });
    expect(garden1.results.length + garden2.results.length).toBe(30);
    expect(garden2.nextCursor).toBeNull();
  });

  it("answers bad queries with clear words, never an error", async () => {
    expect(await search(member, "")).toMatchObject({ results: [], notice: null });
    expect(await search(member, "the and of")).toMatchObject({ results: [], notice: expect.stringContaining("too common") });
    for (const hostile of [`&|!:*()'"\\`, "'); drop table chat_messages; --", "<script>alert(1)</script>", "🌱🌷", "!!! walking", "walking:*", "\0walking"]) {
      const found = await search(member, hostile);
      expect(Array.isArray(found.results), hostile).toBe(true);
    }
    expect((await search(member, "\0walking")).results).toHaveLength(1);
    expect((await search(member, "🌷 walking")).results).toHaveLength(1);

    // Too long: the page says so and searches nothing; the room choice stays.
    expect(ChatSearchSchema.safeParse({ q: "a".repeat(501) }).success).toBe(false);
    const long = await load(member, `?q=${"walking ".repeat(70)}&room=${general.id}`);
    expect(long).toMatchObject({ error: "Use at most 200 characters.", results: [], room: { id: general.id } });
    // A room that is not one of the group's: 404, like a room that is not there.
    await expect(load(member, "?q=walking&room=nope")).rejects.toMatchObject({ status: 404 });
    // Markup in a message comes back as text parts, never as HTML.
    await say(member, general.id, "<b>bold</b> <img src=x onerror=alert(1)> chamomile");
    const [hit] = (await search(member, "chamomile")).results;
    expect(hit!.snippet.map((p) => p.text).join("")).toContain("<img src=x onerror=alert(1)>");
  });

  it("a direct conversation is searched by its members only: 404 for anyone else, site admins too; group searches never reach it", async () => {
    await setDmPolicy(t.app, mod, "anyone");
    t.app.limiter = new MemoryRateLimiter();
    const { roomId } = await startConversation(t.app, member, { people: [mod.displayName], body: "Between us: the lavender oil helps.", clientId: clientId() });
    for (const who of [member, mod]) {
      const found = await searchDirectChat(t.app, who, roomId, { q: "lavender" });
      expect(found.results.map((r) => r.href)).toEqual([messageHref({ roomId, groupSlug: null }, 1)]);
    }
    const admin = { ...outsider, siteRole: "admin" as const };
    for (const who of [outsider, admin, null]) await expect(searchDirectChat(t.app, who, roomId, { q: "lavender" })).rejects.toMatchObject({ code: "not_found" });
    await expect(searchDirectChat(t.app, mod, general.id, { q: "walking" })).rejects.toMatchObject({ code: "not_found" });
    expect((await search(mod, "lavender")).results).toEqual([]);
  });

  it("visitors on a public group see the page but find nothing (chat is for members)", async () => {
    const pub = await createChatGroup(t.app, { visibility: "public", moderatorId: mod.id, memberIds: [member.id] });
    const room = await createChatRoom(t.app, mod, pub.slug, "Open");
    await say(member, room.id, "Public group chat about swimming");
    expect((await searchGroupChat(t.app, member, pub.slug, { q: "swimming" })).results).toHaveLength(1);
    const visitor = await searchGroupChat(t.app, null, pub.slug, { q: "swimming" });
    expect(visitor).toMatchObject({ rooms: [], results: [] });
    expect((await searchGroupChat(t.app, outsider, pub.slug, { q: "swimming" })).results).toEqual([]);
    await expect(searchGroupChat(t.app, null, pub.slug, { q: "swimming", room: room.id })).rejects.toMatchObject({ code: "not_found" });
  });
});
