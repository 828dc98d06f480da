import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { and, eq, or } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { notifications, userBlocks, users } from "#db/schema/index";
import { mentionSyntax } from "#app/lib/mentions";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { blockedIdsOf, blocksBetween, listBlocked, setBlock } from "#app/modules/accounts/blocks.server";
import { deleteAccount } from "#app/modules/accounts/deletion.server";
import { exportFiles } from "#app/modules/accounts/export/contents.server";
import { getMemberProfile } from "#app/modules/accounts/profile.server";
import { sendMessage } from "#app/modules/chat/chat.server";
import { createReply, reportPost } from "#app/modules/forums/posts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { createThread, getThreadPage } from "#app/modules/forums/threads.server";
import { mentionCandidates } from "#app/modules/groups/mention-candidates.server";
import type { RoomJoined } from "#app/realtime/events";
import { action as blockAction, loader as blockLoader } from "#app/routes/members.$userId_.block";
import { action as blockedSettingsAction } from "#app/routes/settings.blocked";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, drained, expectOk, nextEvent, request } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { fanoutsDone } from "#tests/helpers/fanout";
import { failure } from "#tests/helpers/errors";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;
type Result = { status: number; data: Record<string, unknown> | null; location: string | null };

/**
 * Blocking end to end on the real modules, routes and sockets: block/unblock, what a block silences
 * (mentions, replies, reactions: one filter in recordNotifications) and what it never touches
 * (reports, moderators), the room join's blockedIds, collapsed forum posts, and bad input.
 */
describe(`blocking on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, blocker: Member, pest: Member, bystander: Member, gone: Member;
  let slug: string, roomId: string;

  const app = () => server.app;
  const noticesOf = (m: Member, kind: string) =>
    app()
      .db.select()
      .from(notifications)
      .where(and(eq(notifications.userId, m.id), eq(notifications.kind, kind)));
  const blockRows = (a: Member) => app().db.select().from(userBlocks).where(or(eq(userBlocks.blockerId, a.id), eq(userBlocks.blockedId, a.id)));

  beforeAll(async () => {
    server = await startTestServer();
    [mod, blocker, pest, bystander, gone] = [
      await createMember(server.app, "Mod"),
      await createMember(server.app, "Blocker"),
      await createMember(server.app, "Pest"),
      await createMember(server.app, "Bystander"),
      await createMember(server.app, "Gone"),
    ];
    ({ slug } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [blocker.id, pest.id, bystander.id, gone.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
    await server.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, gone.id));
    // Every social notice in-app, so a missing row means "filtered", not "the channel is off".
    await server.app.db.update(users).set({ notificationSettings: { channels: { reply: "in_app", reaction: "in_app", mention: "in_app", report: "in_app" } } });
    await server.app.jobs.start(server.app);
  });
  afterAll(() => server?.stop());
  beforeEach(async () => {
    server.app.limiter = new MemoryRateLimiter();
    await server.app.db.delete(userBlocks);
  });

  describe("block and unblock", () => {
    it("are idempotent, listed by name, and seen by blocksBetween and blockedIdsOf", async () => {
      expect(await setBlock(app(), blocker, { intent: "block", userId: pest.id })).toEqual({ displayName: pest.displayName, blocked: true });
      const [first] = await app().db.select().from(userBlocks);
      expect(await setBlock(app(), blocker, { intent: "block", userId: pest.id })).toMatchObject({ blocked: true });
      const rows = await app().db.select().from(userBlocks);
      expect(rows).toHaveLength(1);
      // Blocking twice keeps the first block's date.
      expect(rows[0]!.createdAt.toISOString()).toBe(first!.createdAt.toISOString());
      expect((await listBlocked(app(), blocker)).map((b) => b.displayName)).toEqual([pest.displayName]);
      expect(await blocksBetween(app(), blocker.id, pest.id)).toEqual({ aBlocksB: true, bBlocksA: false, either: true });
      expect(await blocksBetween(app(), pest.id, blocker.id)).toEqual({ aBlocksB: false, bBlocksA: true, either: true });
      expect(await blockedIdsOf(app(), blocker.id)).toEqual([pest.id]);
      expect(await blockedIdsOf(app(), pest.id)).toEqual([]);

      expect(await setBlock(app(), blocker, { intent: "unblock", userId: pest.id })).toMatchObject({ blocked: false });
      expect(await setBlock(app(), blocker, { intent: "unblock", userId: pest.id })).toMatchObject({ blocked: false });
      expect(await app().db.select().from(userBlocks)).toEqual([]);
      expect(await blocksBetween(app(), blocker.id, pest.id)).toMatchObject({ either: false });
    });

    it("refuses oneself (forbidden), unknown and deleted accounts (404) and visitors, storing nothing", async () => {
      expect(await failure(setBlock(app(), blocker, { intent: "block", userId: blocker.id }))).toMatchObject({ code: "forbidden", message: "You can't block yourself." });
      expect(await failure(setBlock(app(), blocker, { intent: "block", userId: "no-such-member" }))).toMatchObject({ code: "not_found" });
      expect(await failure(setBlock(app(), blocker, { intent: "block", userId: gone.id }))).toMatchObject({ code: "not_found" });
      expect(await failure(setBlock(app(), null, { intent: "block", userId: pest.id }))).toMatchObject({ code: "unauthenticated" });
      expect(await app().db.select().from(userBlocks)).toEqual([]);
    });

    it("is rate-limited lightly: the 31st change in ten minutes is refused and changes nothing", async () => {
      for (let i = 0; i < 30; i++) await setBlock(app(), blocker, { intent: i % 2 ? "unblock" : "block", userId: pest.id });
      expect(await failure(setBlock(app(), blocker, { intent: "block", userId: pest.id }))).toMatchObject({ code: "rate_limited" });
      expect(await app().db.select().from(userBlocks)).toEqual([]);
    });

    it("the profile says whether the viewer blocks the member", async () => {
      expect((await getMemberProfile(app(), blocker, pest.id)).blocked).toBe(false);
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      expect((await getMemberProfile(app(), blocker, pest.id)).blocked).toBe(true);
      expect((await getMemberProfile(app(), pest, blocker.id)).blocked).toBe(false);
    });

    it("the data export lists whom I block, by pseudonym only (no ids), and not who blocks me", async () => {
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      await setBlock(app(), bystander, { intent: "block", userId: blocker.id });
      const read = async (userId: string) => {
        const file = exportFiles(app(), userId).find((f) => f.name === "blocked-members.json")!;
        const chunks: Buffer[] = [];
        for await (const c of file.open()) chunks.push(Buffer.from(c as Buffer));
        return Buffer.concat(chunks).toString("utf8");
      };
      const text = await read(blocker.id);
      expect(JSON.parse(text)).toEqual([{ member: pest.displayName, since: expect.any(String) }]);
      expect(text).not.toContain(pest.id);
      expect(text).not.toContain(bystander.displayName);
    });

    it("account deletion removes blocks both ways (the account row stays, so no FK cascade does it)", async () => {
      const leaver = await createMember(app(), "Leaver");
      await setBlock(app(), leaver, { intent: "block", userId: pest.id });
      await setBlock(app(), bystander, { intent: "block", userId: leaver.id });
      expect(await blockRows(leaver)).toHaveLength(2);
      await deleteAccount(app(), leaver, { content: "keep", reauth: { currentPassword: leaver.password } });
      expect(await blockRows(leaver)).toEqual([]);
    });
  });

  describe("what a block silences", () => {
    it("a mention by a blocked person, in a post or in chat, doesn't notify the blocker; others still hear, and the blocker still hears other people", async () => {
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      const body = `Hello ${mentionSyntax(blocker.displayName)} and ${mentionSyntax(bystander.displayName)}`;
      await createThread(app(), pest, slug, { title: "Mentions from a pest", body });
      await sendMessage(app(), pest, { roomId, body, clientId: clientId() });
      await fanoutsDone(app());
      expect(await noticesOf(blocker, "mention")).toEqual([]);
      expect(await noticesOf(bystander, "mention")).toHaveLength(2);

      await sendMessage(app(), bystander, { roomId, body: `Hi ${mentionSyntax(blocker.displayName)}`, clientId: clientId() });
      await fanoutsDone(app());
      expect((await noticesOf(blocker, "mention")).map((n) => n.actorId)).toEqual([bystander.id]);
    });

    it("replies and reactions from a blocked person don't notify the blocker; a bystander's do", async () => {
      const { threadId, postId } = await createThread(app(), blocker, slug, { title: "My thread", body: "How do you all manage mornings?" });
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      await createReply(app(), pest, slug, threadId, { body: "A reply from the pest" });
      await toggleReaction(app(), pest, slug, threadId, postId, "hug");
      await fanoutsDone(app());
      expect(await noticesOf(blocker, "reply")).toEqual([]);
      expect(await noticesOf(blocker, "reaction")).toEqual([]);

      await createReply(app(), bystander, slug, threadId, { body: "A kind reply" });
      await toggleReaction(app(), bystander, slug, threadId, postId, "helpful");
      await fanoutsDone(app());
      expect((await noticesOf(blocker, "reply")).map((n) => n.actorId)).toEqual([bystander.id]);
      expect((await noticesOf(blocker, "reaction")).map((n) => n.actorId)).toEqual([bystander.id]);
    });

    it("the blocker isn't suggested to the blocked person in mention autocomplete (and is to others)", async () => {
      const q = blocker.displayName.slice(0, 5);
      expect((await mentionCandidates(app(), pest, slug, q)).map((c) => c.id)).toContain(blocker.id);
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      expect((await mentionCandidates(app(), pest, slug, q)).map((c) => c.id)).not.toContain(blocker.id);
      expect((await mentionCandidates(app(), bystander, slug, q)).map((c) => c.id)).toContain(blocker.id);
      // The blocker can still find the person they block (to mention them to a moderator, say).
      expect((await mentionCandidates(app(), blocker, slug, pest.displayName.slice(0, 4))).map((c) => c.id)).toContain(pest.id);
    });
  });

  describe("moderation is never hidden", () => {
    it("a moderator who blocks someone still hears of that person's report, and sees their posts uncollapsed", async () => {
      const { threadId, postId } = await createThread(app(), bystander, slug, { title: "Reported thread", body: "Something to report" });
      await setBlock(app(), mod, { intent: "block", userId: pest.id });
      await reportPost(app(), pest, slug, threadId, postId, { reason: "spam", details: "" });
      await fanoutsDone(app());
      expect((await noticesOf(mod, "report")).length).toBeGreaterThan(0);

      await createReply(app(), pest, slug, threadId, { body: "The pest replies" });
      const page = await getThreadPage(app(), mod, slug, threadId);
      expect(page.posts.every((p) => p.blocked === false)).toBe(true);
    });

    it("a moderator who blocks someone opens the room with nothing collapsed", async () => {
      await setBlock(app(), mod, { intent: "block", userId: pest.id });
      const s = server.client({ cookie: `hearth_session=${mod.token}` });
      await connected(s);
      const joined = expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
      expect(joined.you.canModerate).toBe(true);
      expect(joined.you.blockedIds).toEqual([]);
      s.disconnect();
    });
  });

  describe("collapsing", () => {
    it("room:join tells the blocker whom they block (so live messages collapse too), and nobody else", async () => {
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      const [a, b] = [server.client({ cookie: `hearth_session=${blocker.token}` }), server.client({ cookie: `hearth_session=${pest.token}` })];
      await Promise.all([connected(a), connected(b)]);
      expect(expectOk(await request<RoomJoined>(a, "room:join", { roomId })).you.blockedIds).toEqual([pest.id]);
      expect(expectOk(await request<RoomJoined>(b, "room:join", { roomId })).you.blockedIds).toEqual([]);
      // Unblocking shows on the next join.
      await setBlock(app(), blocker, { intent: "unblock", userId: pest.id });
      expect(expectOk(await request<RoomJoined>(a, "room:join", { roomId })).you.blockedIds).toEqual([]);
      a.disconnect();
      b.disconnect();
    });

    it("a block or unblock reaches the blocker's own open tabs at once (the room collapses live); the blocked person hears nothing", async () => {
      const [tab1, tab2, theirs] = [blocker, blocker, pest].map((m) => server.client({ cookie: `hearth_session=${m.token}` }));
      await Promise.all([tab1, tab2, theirs].map((s) => connected(s!)));
      for (const s of [tab1!, theirs!]) expectOk(await request<RoomJoined>(s, "room:join", { roomId }));
      const heardByPest = collect(theirs!, "blocks");
      const both = [nextEvent<{ blockedIds: string[] }>(tab1!, "blocks"), nextEvent<{ blockedIds: string[] }>(tab2!, "blocks")];
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      expect(await Promise.all(both)).toEqual([{ blockedIds: [pest.id] }, { blockedIds: [pest.id] }]);
      const cleared = nextEvent<{ blockedIds: string[] }>(tab1!, "blocks");
      await setBlock(app(), blocker, { intent: "unblock", userId: pest.id });
      expect(await cleared).toEqual({ blockedIds: [] });
      await drained(theirs!);
      expect(heardByPest).toEqual([]);
      for (const s of [tab1, tab2, theirs]) s!.disconnect();
    });

    it("a forum thread collapses the blocked author's posts for the blocker only, on the server", async () => {
      const { threadId } = await createThread(app(), bystander, slug, { title: "Collapsing", body: "Opening post" });
      await createReply(app(), pest, slug, threadId, { body: "Pest reply" });
      await setBlock(app(), blocker, { intent: "block", userId: pest.id });
      const forBlocker = await getThreadPage(app(), blocker, slug, threadId);
      expect(forBlocker.posts.map((p) => [p.authorName, p.blocked])).toEqual([
        [bystander.displayName, false],
        [pest.displayName, true],
      ]);
      // The block link is offered on others' posts, never on one's own.
      expect(forBlocker.posts[0]!.blockUserId).toBe(bystander.id);
      expect((await getThreadPage(app(), bystander, slug, threadId)).posts.map((p) => p.blocked)).toEqual([false, false]);
      expect((await getThreadPage(app(), bystander, slug, threadId)).posts[0]!.blockUserId).toBeNull();
      expect((await getThreadPage(app(), null, slug, threadId)).posts.every((p) => !p.blocked && p.blockUserId === null)).toBe(true);
    });
  });

  describe("the forms", () => {
    async function call(handler: (args: ActionFunctionArgs) => Promise<Response>, url: string, params: Record<string, string>, fields: Record<string, string>, viewer: Member | null): Promise<Result> {
      const request = new Request(url, { method: "POST", body: new URLSearchParams(fields).toString(), headers: { "Content-Type": "application/x-www-form-urlencoded" } });
      const context = { app: app(), viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      try {
        const response = await handler({ request, context, params } as unknown as ActionFunctionArgs);
        const data = response.headers.get("Content-Type")?.includes("json") ? ((await response.json()) as Record<string, unknown>) : null;
        return { status: response.status, data, location: response.headers.get("Location") };
      } catch (thrown) {
        if (thrown instanceof Response) return { status: thrown.status, data: null, location: thrown.headers.get("Location") };
        throw thrown;
      }
    }
    const settings = (fields: Record<string, string>, viewer: Member | null = blocker) => call(blockedSettingsAction, "http://localhost/settings/blocked", {}, fields, viewer);
    const confirm = (userId: string, fields: Record<string, string>, viewer: Member | null = blocker) =>
      call(blockAction, `http://localhost/members/${userId}/block`, { userId }, fields, viewer);

    it("block from the confirm page goes back where the member came from (only on this site); unblock from settings", async () => {
      const done = await confirm(pest.id, { intent: "block", back: `/groups/${slug}/chat/${roomId}` });
      expect(done).toMatchObject({ status: 302, location: `/groups/${slug}/chat/${roomId}` });
      const offsite = await confirm(pest.id, { intent: "block", back: "//evil.example/x" });
      expect(offsite).toMatchObject({ status: 302, location: "/settings/blocked" });
      const stay = await confirm(pest.id, { intent: "block" });
      expect(stay).toMatchObject({ status: 200, data: { ok: true, message: `You have blocked ${pest.displayName}.` } });
      expect(await app().db.select().from(userBlocks)).toHaveLength(1);
      expect(await settings({ intent: "unblock", userId: pest.id })).toMatchObject({ status: 200, data: { ok: true, message: `You have unblocked ${pest.displayName}.` } });
      expect(await app().db.select().from(userBlocks)).toEqual([]);
    });

    it("the confirm page loader: 404 for unknown and deleted accounts, visitors sent to sign in", async () => {
      const load = async (userId: string, viewer: Member | null) => {
        try {
          const data = await blockLoader({ request: new Request(`http://localhost/members/${userId}/block`), context: { app: app(), viewer }, params: { userId } } as unknown as LoaderFunctionArgs);
          return { status: 200, data };
        } catch (thrown) {
          if (thrown instanceof Response) return { status: thrown.status, data: null };
          throw thrown;
        }
      };
      expect(await load(pest.id, blocker)).toMatchObject({ status: 200, data: { member: { id: pest.id, displayName: pest.displayName }, self: false, blocked: false } });
      expect(await load(blocker.id, blocker)).toMatchObject({ status: 200, data: { self: true } });
      expect((await load("no-such-member", blocker)).status).toBe(404);
      expect((await load(gone.id, blocker)).status).toBe(404);
      expect((await load("bad id with spaces", blocker)).status).toBe(404);
      expect((await load(pest.id, null)).status).toBe(302);
    });

    const hostile = "'; drop table user_blocks; -- <script>alert(1)</script>";
    const cases: [string, Record<string, string>, number][] = [
      ["no fields", {}, 400],
      ["no intent", { userId: "x" }, 400],
      ["an unknown intent", { intent: "mute", userId: "x" }, 400],
      ["no member", { intent: "unblock" }, 400],
      ["a hostile member id", { intent: "block", userId: hostile }, 400],
      ["a 1 MB member id", { intent: "block", userId: "a".repeat(1024 * 1024) }, 400],
      ["an unknown member", { intent: "block", userId: "no-such-member" }, 404],
    ];
    for (const [what, fields, status] of cases) {
      it(`settings → blocked refuses ${what} with ${status}, storing nothing`, async () => {
        const r = await settings(fields.userId === "x" ? { ...fields, userId: pest.id } : fields);
        expect(r.status).toBe(status);
        if (status === 400) expect(String(r.data?.message)).toMatch(/Choose/);
        expect(await app().db.select().from(userBlocks)).toEqual([]);
      });
    }

    it("the confirm page refuses a bad intent, oneself and visitors, storing nothing", async () => {
      expect((await confirm(pest.id, { intent: "explode" })).status).toBe(400);
      expect(await confirm(blocker.id, { intent: "block" })).toMatchObject({ status: 403, data: { message: "You can't block yourself." } });
      expect((await confirm(pest.id, { intent: "block" }, null)).status).toBe(302);
      expect((await confirm("no-such-member", { intent: "block" })).status).toBe(404);
      expect(await app().db.select().from(userBlocks)).toEqual([]);
    });
  });
});
