import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatMessage, ChatSanction } from "#app/lib/chat-wire";
import { banUser, deleteMessage, muteUser, reportMessage, sendMessage } from "#app/modules/chat/chat.server";
import { createReply, reportPost } from "#app/modules/forums/posts.server";
import { createThread, moderateThread } from "#app/modules/forums/threads.server";
import { appealDecision } from "#app/modules/moderation/appeals.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { appealableActions } from "#app/modules/moderation/undo.server";
import type { RoomJoined } from "#app/realtime/events";
import { action as moderationAction } from "#app/routes/moderation";
import { appeals, chatMessages, groupMemberships, moderationActions, posts, threads } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, nextEvent, request } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Every appealable decision has an undo (#17): for each kind in the list the member may appeal, the
 * real decision is taken, appealed, and reversed through the moderation page's action; then the
 * effect must be gone, live sockets included. A kind added to the list without a scenario here (and
 * its undo in undo.server.ts) fails.
 */
describe(`overturning every appealable decision on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, reporter: Member, watcher: Member;
  let slug: string, groupId: string, roomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    [mod, reporter, watcher] = [await createMember(server.app, "Mod"), await createMember(server.app, "Reporter"), await createMember(server.app, "Watcher")];
    ({ slug, groupId } = await createChatGroup(server.app, { moderatorId: mod.id, memberIds: [reporter.id, watcher.id] }));
    roomId = (await createChatRoom(server.app, mod, slug)).id;
  });
  afterAll(() => server.stop());

  /** A fresh member of the group for each decision, so one scenario can't leak into the next. */
  async function newAuthor() {
    const author = await createMember(server.app, "Author");
    await server.app.db.insert(groupMemberships).values({ groupId, userId: author.id });
    return author;
  }
  async function socketOf(member: Member) {
    const s = server.client({ cookie: `hearth_session=${member.token}` });
    await connected(s);
    expect((await request<RoomJoined>(s, "room:join", { roomId })).ok).toBe(true);
    return s;
  }
  async function latest(action: string, subjectUserId: string) {
    const [row] = await server.app.db
      .select({ id: moderationActions.id })
      .from(moderationActions)
      .where(and(eq(moderationActions.action, action), eq(moderationActions.subjectUserId, subjectUserId)))
      .orderBy(desc(moderationActions.createdAt))
      .limit(1);
    return row!.id;
  }
  async function overturn(appealId: string) {
    const request = new Request("http://localhost/moderation", {
      method: "POST",
      body: new URLSearchParams({ appealId, intent: "overturn", note: "On reflection this was fine." }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const context = { app: server.app, viewer: mod, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    const response = (await moderationAction({ request, context, params: {} })) as Response;
    return { status: response.status, data: (await response.json()) as { ok: boolean; message: string } };
  }
  async function reportedChatMessage(author: Member) {
    const sent = await sendMessage(server.app, author, { roomId, body: `A message from ${author.displayName}`, clientId: clientId() });
    await reportMessage(server.app, reporter, { messageId: sent.message.id, reason: "harassment", details: "" });
    return sent.message;
  }
  const canSend = async (author: Member) => (await sendMessage(server.app, author, { roomId, body: "Back again", clientId: clientId() })).message.id.length > 0;

  interface Scenario {
    /** Takes the real decision against `author`; returns the audit entry the notice shows. */
    decide(author: Member): Promise<string>;
    /** Fails unless the decision's effect is gone. */
    expectUndone(author: Member, actionId: string): Promise<void>;
  }

  const scenarios: Record<string, Scenario> = {
    "post.remove": {
      async decide(author) {
        const { threadId } = await createThread(server.app, author, slug, { title: "A thread to reply to", body: "Opening post body" });
        const { postId } = await createReply(server.app, author, slug, threadId, { body: "A reply that gets removed" });
        await reportPost(server.app, reporter, slug, threadId, postId, { reason: "spam", details: "" });
        return (await actOnReport(server.app, mod, { intent: "remove", targetType: "post", targetId: postId, groupId, reason: "Looks like spam" })).moderationActionId!;
      },
      async expectUndone(author) {
        const rows = await server.app.db.select({ deletedAt: posts.deletedAt, isOpening: posts.isOpening }).from(posts).where(eq(posts.authorId, author.id));
        expect(rows.filter((p) => !p.isOpening).map((p) => p.deletedAt)).toEqual([null]);
      },
    },
    "thread.remove": {
      async decide(author) {
        const { threadId } = await createThread(server.app, author, slug, { title: "A thread that gets removed", body: "Opening post body" });
        await moderateThread(server.app, mod, slug, threadId, "remove", "Off topic");
        return latest("thread.remove", author.id);
      },
      async expectUndone(author) {
        const rows = await server.app.db.select({ deletedAt: threads.deletedAt }).from(threads).where(eq(threads.authorId, author.id));
        expect(rows.map((r) => r.deletedAt)).toEqual([null]);
      },
    },
    "chat.message.delete": {
      async decide(author) {
        const message = await reportedChatMessage(author);
        await deleteMessage(server.app, mod, { messageId: message.id, reason: "Unkind" });
        return latest("chat.message.delete", author.id);
      },
      async expectUndone(author) {
        const [row] = await server.app.db.select({ id: chatMessages.id, deletedAt: chatMessages.deletedAt, body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.authorId, author.id));
        expect(row!.deletedAt).toBeNull();
        // A fresh join (a reload) shows the body again.
        const s = await socketOf(watcher);
        const joined = await request<RoomJoined>(s, "room:join", { roomId });
        expect(joined.ok && joined.data.messages.find((m) => m.id === row!.id)).toMatchObject({ body: row!.body, deleted: null });
        s.disconnect();
      },
    },
    "user.warn": {
      async decide(author) {
        const message = await reportedChatMessage(author);
        return (await actOnReport(server.app, mod, { intent: "warn", targetType: "chat_message", targetId: message.id, groupId, reason: "Please be kind" })).moderationActionId!;
      },
      async expectUndone(author) {
        // A warning changes nothing but the record: the member keeps posting and chatting as before.
        const [m] = await server.app.db.select({ status: groupMemberships.status, mutedUntil: groupMemberships.mutedUntil }).from(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, author.id)));
        expect(m).toEqual({ status: "active", mutedUntil: null });
        expect(await canSend(author)).toBe(true);
      },
    },
    "group.mute": {
      async decide(author) {
        const message = await reportedChatMessage(author);
        return (await actOnReport(server.app, mod, { intent: "mute", minutes: 60, targetType: "chat_message", targetId: message.id, groupId, reason: "Cool off" })).moderationActionId!;
      },
      async expectUndone(author) {
        const [m] = await server.app.db.select({ mutedUntil: groupMemberships.mutedUntil }).from(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, author.id)));
        expect(m!.mutedUntil).toBeNull();
        expect(await canSend(author)).toBe(true);
      },
    },
    "group.ban": {
      async decide(author) {
        const message = await reportedChatMessage(author);
        return (await actOnReport(server.app, mod, { intent: "ban", targetType: "chat_message", targetId: message.id, groupId, reason: "Repeated spam" })).moderationActionId!;
      },
      async expectUndone(author) {
        const [m] = await server.app.db.select({ status: groupMemberships.status }).from(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, author.id)));
        expect(m!.status).toBe("active");
        const s = await socketOf(author);
        s.disconnect();
      },
    },
    "chat.mute": {
      async decide(author) {
        await muteUser(server.app, mod, { roomId, userId: author.id, minutes: 60, reason: "Cool off in this room" });
        return latest("chat.mute", author.id);
      },
      async expectUndone(author) {
        expect(await canSend(author)).toBe(true);
      },
    },
    "chat.ban": {
      async decide(author) {
        await banUser(server.app, mod, { roomId, userId: author.id, banned: true, reason: "Out of this room" });
        return latest("chat.ban", author.id);
      },
      async expectUndone(author) {
        const s = await socketOf(author);
        expect(await canSend(author)).toBe(true);
        s.disconnect();
      },
    },
  };

  for (const kind of appealableActions) {
    it(`overturning ${kind} undoes it`, async () => {
      const scenario = scenarios[kind];
      expect(scenario, `no undo scenario for the appealable action ${kind}`).toBeDefined();
      const author = await newAuthor();
      const actionId = await scenario!.decide(author);
      const [decided] = await server.app.db.select({ action: moderationActions.action }).from(moderationActions).where(eq(moderationActions.id, actionId));
      expect(decided!.action).toBe(kind);
      const { appealId } = await appealDecision(server.app, author, actionId, { body: "I think this decision was a mistake." });
      const result = await overturn(appealId);
      expect(result).toMatchObject({ status: 200, data: { ok: true } });
      const [appeal] = await server.app.db.select({ status: appeals.status }).from(appeals).where(eq(appeals.id, appealId));
      expect(appeal!.status).toBe("overturned");
      await scenario!.expectUndone(author, actionId);
    });
  }

  it("every scenario is for an appealable action (no stale ones)", () => {
    expect(Object.keys(scenarios).sort()).toEqual([...appealableActions].sort());
  });

  it("a restored chat message reaches the live room at once, with its body", async () => {
    const author = await newAuthor();
    const live = await socketOf(watcher);
    const message = await reportedChatMessage(author);
    const deleted = nextEvent(live, "message:deleted", (e: { messageId: string }) => e.messageId === message.id);
    await deleteMessage(server.app, mod, { messageId: message.id, reason: "Unkind" });
    await deleted;
    const { appealId } = await appealDecision(server.app, author, await latest("chat.message.delete", author.id), { body: "I think this decision was a mistake." });
    const shown = nextEvent<ChatMessage>(live, "message:new", (m) => m.id === message.id);
    expect((await overturn(appealId)).status).toBe(200);
    expect(await shown).toMatchObject({ id: message.id, body: message.body, deleted: null });
    live.disconnect();
  });

  it("a lifted group mute reaches the member's live socket, which may send again", async () => {
    const author = await newAuthor();
    const s = await socketOf(author);
    const message = await reportedChatMessage(author);
    const muted = nextEvent<ChatSanction>(s, "sanction", (p) => p.mutedUntil !== null);
    const { moderationActionId } = await actOnReport(server.app, mod, { intent: "mute", minutes: 60, targetType: "chat_message", targetId: message.id, groupId, reason: "Cool off" });
    await muted;
    const { appealId } = await appealDecision(server.app, author, moderationActionId!, { body: "I think this decision was a mistake." });
    const lifted = nextEvent<ChatSanction>(s, "sanction", (p) => p.roomId === roomId && p.mutedUntil === null && !p.banned);
    expect((await overturn(appealId)).status).toBe(200);
    await lifted;
    expect((await request(s, "message:send", { roomId, body: "Thank you", clientId: clientId() })).ok).toBe(true);
    s.disconnect();
  });

  it("keeping the decision leaves the chat message removed", async () => {
    const author = await newAuthor();
    const message = await reportedChatMessage(author);
    await deleteMessage(server.app, mod, { messageId: message.id, reason: "Unkind" });
    const { appealId } = await appealDecision(server.app, author, await latest("chat.message.delete", author.id), { body: "I think this decision was a mistake." });
    const request_ = new Request("http://localhost/moderation", {
      method: "POST",
      body: new URLSearchParams({ appealId, intent: "uphold", note: "The message was unkind." }).toString(),
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    const context = { app: server.app, viewer: mod, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
    expect(((await moderationAction({ request: request_, context, params: {} })) as Response).status).toBe(200);
    const [row] = await server.app.db.select({ deletedAt: chatMessages.deletedAt }).from(chatMessages).where(eq(chatMessages.id, message.id));
    expect(row!.deletedAt).not.toBeNull();
  });
});
