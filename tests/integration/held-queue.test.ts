import { and, eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "#app/lib/ids.server";
import { createThread } from "#app/modules/forums/threads.server";
import { approveHeld, listHeld, rejectHeld } from "#app/modules/moderation/held-queue.server";
import { moderationLinks } from "#app/modules/moderation/queue.server";
import { action as moderationAction } from "#app/routes/moderation";
import { chatMessages, heldContent, moderationActions, notifications, posts, threads, users } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { clientId, createChatGroup, createChatRoom, nextEvent } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure, outcome } from "#tests/helpers/errors";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`reviewing held content on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, orgAdmin: Member, author: Member, member: Member, otherMod: Member, admin: Member;
  let slug: string, groupId: string, roomId: string;
  let otherGroupId: string, privateGroupId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const app = server.app;
    [mod, orgAdmin, author, member, otherMod, admin] = await Promise.all(
      ["Mod", "OrgAdmin", "Author", "Member", "OtherMod", "Admin"].map((n) => createMember(app, n)),
    );
    await app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, siteRole: "admin" };
    ({ slug, groupId } = await createChatGroup(app, { moderatorId: mod.id, memberIds: [author.id, member.id], orgStaff: [{ userId: orgAdmin.id, role: "admin" }] }));
    roomId = (await createChatRoom(app, mod, slug)).id;
    // Another organization: otherMod is its staff; one public group and one private group.
    ({ groupId: otherGroupId } = await createChatGroup(app, { moderatorId: otherMod.id, memberIds: [author.id], orgStaff: [{ userId: otherMod.id, role: "moderator" }] }));
    ({ groupId: privateGroupId } = await createChatGroup(app, { visibility: "private", moderatorId: otherMod.id, memberIds: [author.id] }));
  });
  afterAll(() => server.stop());

  async function hold(values: Partial<typeof heldContent.$inferInsert> = {}) {
    const id = newId();
    await server.app.db.insert(heldContent).values({
      id,
      kind: "thread",
      groupId,
      authorId: author.id,
      title: `Held thread ${clientId()}`,
      body: `A first post that waits ${clientId()}`,
      reason: "new_member",
      ...values,
    });
    const [row] = await server.app.db.select().from(heldContent).where(eq(heldContent.id, id));
    return row!;
  }
  const statusOf = async (id: string) => (await server.app.db.select().from(heldContent).where(eq(heldContent.id, id)))[0]!;
  const noticesOf = (userId: string) => server.app.db.select().from(notifications).where(eq(notifications.userId, userId));

  it("lists pending items of the viewer's groups only, with author, group, reason and destination", async () => {
    const thread = await hold();
    const word = await hold({ kind: "chat_message", roomId, title: null, reason: "watched_word", matched: ["miracle cure"], payload: { clientId: clientId() } });
    const elsewhere = await hold({ groupId: otherGroupId });
    const decided = await hold({ status: "rejected" });

    const mine = await listHeld(server.app, mod);
    const ids = mine.items.map((i) => i.id);
    expect(ids).toContain(thread.id);
    expect(ids).toContain(word.id);
    expect(ids).not.toContain(elsewhere.id);
    expect(ids).not.toContain(decided.id);
    const t = mine.items.find((i) => i.id === thread.id)!;
    expect(t.authorName).toBe(author.displayName);
    expect(t.reason).toBe("New member: first posts are reviewed");
    expect(t.group.slug).toBe(slug);
    expect(t.destination.link).toBe(`/groups/${slug}/forum`);
    const w = mine.items.find((i) => i.id === word.id)!;
    expect(w.reason).toBe("Watched word: 'miracle cure'");
    expect(w.destination.link).toBe(`/groups/${slug}/chat/${roomId}`);
    expect(mine.total).toBe(mine.items.length);

    // The organization's staff see it too; another organization's staff and plain members don't.
    expect((await listHeld(server.app, orgAdmin)).items.map((i) => i.id)).toContain(thread.id);
    expect((await listHeld(server.app, otherMod)).items.map((i) => i.id)).not.toContain(thread.id);
    expect((await listHeld(server.app, otherMod)).items.map((i) => i.id)).toContain(elsewhere.id);
    expect((await listHeld(server.app, member)).items).toEqual([]);
    // Site admins see every group's.
    const all = (await listHeld(server.app, admin)).items.map((i) => i.id);
    expect(all).toEqual(expect.arrayContaining([thread.id, elsewhere.id]));

    // The header's count comes with the one moderationLinks query.
    expect(await moderationLinks(server.app, mod)).toMatchObject({ queue: true, held: mine.total });
    expect(await moderationLinks(server.app, member)).toMatchObject({ queue: false, held: 0 });
    expect((await moderationLinks(server.app, admin)).held).toBeGreaterThanOrEqual(3);

    for (const h of [thread, word, elsewhere]) await server.app.db.delete(heldContent).where(eq(heldContent.id, h.id));
  });

  it("pages oldest first in pages of 50 without gaps or repeats", async () => {
    const { groupId: g } = await createChatGroup(server.app, { moderatorId: otherMod.id, memberIds: [author.id] });
    const base = Date.parse("2026-01-01T00:00:00Z");
    const rows = Array.from({ length: 53 }, (_, i) => ({
      id: `pg${String(i).padStart(3, "0")}${clientId()}`,
      kind: "thread" as const,
      groupId: g,
      authorId: author.id,
      title: `Paged ${i}`,
      body: "Waiting",
      reason: "new_member" as const,
      createdAt: new Date(base + Math.floor(i / 2) * 1000),
    }));
    await server.app.db.insert(heldContent).values(rows);
    const first = await listHeld(server.app, otherMod);
    const mineFirst = first.items.filter((i) => i.group.id === g);
    expect(first.items).toHaveLength(50);
    expect(first.next).not.toBeNull();
    const second = await listHeld(server.app, otherMod, { after: first.next });
    const seen = [...mineFirst, ...second.items.filter((i) => i.group.id === g)].map((i) => i.title);
    expect(seen).toEqual(rows.map((r) => r.title));
    const back = await listHeld(server.app, otherMod, { before: second.previous });
    expect(back.items.map((i) => i.id)).toEqual(first.items.map((i) => i.id));
    await server.app.db.delete(heldContent).where(eq(heldContent.groupId, g));
  });

  it("approves: publishes once, keeps the new id, audits, tells the author, and pushes the new count live", async () => {
    const h = await hold();
    const socket = server.client({ cookie: `hearth_session=${mod.token}` });
    await connected(socket);
    const before = (await listHeld(server.app, mod)).total;
    // A connecting moderator is sent the current count first (io.server.ts): wait for the new one.
    const pushed = nextEvent<{ held: number }>(socket, "queue", (e) => e.held === before - 1);
    const result = await approveHeld(server.app, mod, { heldId: h.id });
    expect((await pushed).held).toBe(before - 1);

    const row = await statusOf(h.id);
    expect(row.status).toBe("approved");
    expect(row.resolvedBy).toBe(mod.id);
    expect(row.publishedId).toBe(result.id);
    const [thread] = await server.app.db.select().from(threads).where(eq(threads.id, result.id));
    expect(thread?.title).toBe(h.title);
    expect(thread?.authorId).toBe(author.id);
    const [audit] = await server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "held.approve"), eq(moderationActions.targetId, result.id)));
    expect(audit?.actorId).toBe(mod.id);
    const notices = await noticesOf(author.id);
    const told = notices.find((n) => n.link === result.link);
    expect(told?.title).toMatch(/^Your post in Group .* was approved$/);
    // Decided: a second approval or a rejection changes nothing.
    expect((await failure(approveHeld(server.app, orgAdmin, { heldId: h.id }))).code).toBe("conflict");
    expect((await failure(rejectHeld(server.app, orgAdmin, { heldId: h.id, reason: "Too late for this" }))).code).toBe("conflict");
    expect((await server.app.db.select().from(threads).where(eq(threads.title, h.title!))).length).toBe(1);
  });

  it("approves a held reply and a held chat message through the ordinary write path", async () => {
    const started = (await createThread(server.app, author, slug, { title: `Open ${clientId()}`, body: "Opening post body" })) as { threadId: string };
    const reply = await hold({ kind: "post", threadId: started.threadId, title: null, body: `Reply that waited ${clientId()}` });
    const r = await approveHeld(server.app, mod, { heldId: reply.id });
    const [post] = await server.app.db.select().from(posts).where(eq(posts.id, r.id));
    expect(post?.body).toBe(reply.body);
    expect(post?.threadId).toBe(started.threadId);

    const message = await hold({ kind: "chat_message", roomId, title: null, body: `Message that waited ${clientId()}`, payload: { clientId: clientId() } });
    const m = await approveHeld(server.app, orgAdmin, { heldId: message.id });
    const [msg] = await server.app.db.select().from(chatMessages).where(eq(chatMessages.id, m.id));
    expect(msg?.body).toBe(message.body);
    expect(msg?.authorId).toBe(author.id);
  });

  it("two moderators approving at once publish it once", async () => {
    const h = await hold();
    const results = await Promise.all([outcome(approveHeld(server.app, mod, { heldId: h.id })), outcome(approveHeld(server.app, orgAdmin, { heldId: h.id }))]);
    expect(results.sort()).toEqual(["conflict", "ok"]);
    expect((await server.app.db.select().from(threads).where(eq(threads.title, h.title!))).length).toBe(1);
    expect((await server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "held.approve"), eq(moderationActions.actorId, mod.id)))).length).toBeGreaterThan(0);
  });

  it("approve and reject at once: exactly one decision", async () => {
    const h = await hold();
    const results = await Promise.all([outcome(approveHeld(server.app, mod, { heldId: h.id })), outcome(rejectHeld(server.app, orgAdmin, { heldId: h.id, reason: "Not for this group" }))]);
    expect(results.filter((r) => r === "ok")).toHaveLength(1);
    expect(results.filter((r) => r === "conflict")).toHaveLength(1);
    const row = await statusOf(h.id);
    const published = (await server.app.db.select().from(threads).where(eq(threads.title, h.title!))).length;
    expect(row.status === "approved" ? 1 : 0).toBe(published);
  });

  it("rejects with a required reason; only the author is told, and the text reaches nobody else", async () => {
    const secret = `Held text nobody else may read ${clientId()}`;
    const h = await hold({ body: secret });
    const e = await failure(rejectHeld(server.app, mod, { heldId: h.id, reason: " " }));
    expect(e.code).toBe("invalid");
    expect(e.fieldErrors?.reason?.[0]).toMatch(/reason/);
    expect((await statusOf(h.id)).status).toBe("pending");

    const socket = server.client({ cookie: `hearth_session=${orgAdmin.token}` });
    await connected(socket);
    const pushed = nextEvent<{ held: number }>(socket, "queue");
    await rejectHeld(server.app, mod, { heldId: h.id, reason: "Please don't advertise products here." });
    await pushed;
    const row = await statusOf(h.id);
    expect(row.status).toBe("rejected");
    expect(row.rejectReason).toBe("Please don't advertise products here.");
    const [audit] = await server.app.db.select().from(moderationActions).where(and(eq(moderationActions.action, "held.reject"), eq(moderationActions.targetId, h.id)));
    expect(audit?.reason).toBe("Please don't advertise products here.");
    const told = (await noticesOf(author.id)).find((n) => n.body === "Reason: Please don't advertise products here.");
    expect(told?.title).toMatch(/^A moderator didn't publish your post in /);
    expect(await server.app.db.select().from(notifications).where(like(notifications.body, `%${secret}%`))).toEqual([]);
    expect(await server.app.db.select().from(notifications).where(like(notifications.title, `%${secret}%`))).toEqual([]);
    expect((await server.app.db.select().from(threads).where(eq(threads.title, h.title!))).length).toBe(0);
  });

  it("forged decisions: members, another organization's staff, unseen groups, unknown ids — clear errors, nothing changed", async () => {
    const h = await hold();
    const privateItem = await hold({ groupId: privateGroupId });
    expect((await failure(approveHeld(server.app, member, { heldId: h.id }))).code).toBe("forbidden");
    expect((await failure(rejectHeld(server.app, author, { heldId: h.id, reason: "I changed my mind" }))).code).toBe("forbidden");
    expect((await failure(approveHeld(server.app, otherMod, { heldId: h.id }))).code).toBe("forbidden");
    // A moderator of group A with a held id from a private group they can't see: 404, like the group.
    expect((await failure(approveHeld(server.app, mod, { heldId: privateItem.id }))).code).toBe("not_found");
    expect((await failure(rejectHeld(server.app, mod, { heldId: privateItem.id, reason: "Not mine to judge" }))).code).toBe("not_found");
    expect((await failure(approveHeld(server.app, mod, { heldId: "no-such-item" }))).code).toBe("not_found");
    expect((await failure(approveHeld(server.app, null, { heldId: h.id }))).code).toBe("unauthenticated");
    expect((await statusOf(h.id)).status).toBe("pending");
    expect((await statusOf(privateItem.id)).status).toBe("pending");
    expect((await server.app.db.select().from(threads).where(eq(threads.title, h.title!))).length).toBe(0);
  });

  it("the queue page's action answers forged and invalid posts with errors, never a 500", async () => {
    const h = await hold();
    const post = async (viewer: Member, fields: Record<string, string>) => {
      const request = new Request("http://localhost/moderation", {
        method: "POST",
        body: new URLSearchParams(fields).toString(),
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      const context = { app: server.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false };
      const response = (await moderationAction({ request, context, params: {} })) as Response;
      return { status: response.status, data: (await response.json()) as { ok: boolean; key?: string; fieldErrors?: Record<string, string[]> } };
    };
    expect((await post(member, { intent: "approveHeld", heldId: h.id })).status).toBe(403);
    expect((await post(mod, { intent: "approveHeld", heldId: "bad id!" })).status).toBe(400);
    const noReason = await post(mod, { intent: "rejectHeld", heldId: h.id });
    expect(noReason.status).toBe(400);
    expect(noReason.data.fieldErrors?.reason).toBeDefined();
    expect(noReason.data.key).toBe(`held:${h.id}`);
    const ok = await post(mod, { intent: "rejectHeld", heldId: h.id, reason: "Off topic for this group" });
    expect(ok.status).toBe(200);
    expect(ok.data.ok).toBe(true);
    expect((await post(mod, { intent: "approveHeld", heldId: h.id })).status).toBe(409);
  });
});
