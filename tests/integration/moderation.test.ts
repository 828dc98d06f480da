import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSessionToken } from "#app/modules/auth/session.server";
import { sendMessage, reportMessage } from "#app/modules/chat/chat.server";
import { createReply, moderatePost, reportPost } from "#app/modules/forums/posts.server";
import { createThread, getThreadPage } from "#app/modules/forums/threads.server";
import { listNotifications } from "#app/modules/notifications/notifications.server";
import { appealDecision, decideAppeal } from "#app/modules/moderation/appeals.server";
import { listAuditLog } from "#app/modules/moderation/audit-log.server";
import { actOnReport } from "#app/modules/moderation/decisions.server";
import { getNotice } from "#app/modules/moderation/notices.server";
import { listQueue } from "#app/modules/moderation/queue.server";
import { liftSuspension, suspendAccount } from "#app/modules/moderation/suspension.server";
import { fileReport } from "#app/modules/moderation/moderation.server";
import { matchesCrisisPhrase } from "#app/modules/moderation/moderation.schema";
import type { ChatSanction, RoomJoined } from "#app/realtime/events";
import { appeals, groupMemberships, moderationActions, posts, reports, users } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { clientId, collect, createChatGroup, createChatRoom, expectError, expectOk, nextEvent, request, sentinel } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure, outcome } from "#tests/helpers/errors";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;

describe(`moderation queue on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let mod: Member, author: Member, reporter: Member, reporter2: Member, otherMod: Member, admin: Member, orgAdmin: Member;
  let slug: string, groupId: string, roomId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const app = server.app;
    [mod, author, reporter, reporter2, otherMod, admin, orgAdmin] = await Promise.all(
      ["Mod", "Author", "Reporter", "Reporter2", "OtherMod", "Admin", "OrgAdmin"].map((n) => createMember(app, n)),
    );
    await app.db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    admin = { ...admin, siteRole: "admin" };
    ({ slug, groupId } = await createChatGroup(app, { moderatorId: mod.id, memberIds: [author.id, reporter.id, reporter2.id], orgStaff: [{ userId: orgAdmin.id, role: "admin" }] }));
    roomId = (await createChatRoom(app, mod, slug)).id;
    // Organization B: otherMod moderates it (as org moderator), and nothing in A.
    await createChatGroup(app, { moderatorId: otherMod.id, orgStaff: [{ userId: otherMod.id, role: "moderator" }] });
  });
  afterAll(() => server.stop());

  async function newPost(body = "Some post body that is long enough") {
    await server.app.limiter.reset(`forum:thread:${author.id}`);
    await server.app.limiter.reset(`forum:reply:${author.id}`);
    const { threadId } = await createThread(server.app, author, slug, { title: `Thread ${clientId()}`, body: "Opening post body" });
    const { postId } = await createReply(server.app, author, slug, threadId, { body });
    return { threadId, postId };
  }

  it("lists one item per reported content with the reporter count, crisis reports first, and hides it from other organizations' moderators", async () => {
    const plain = await newPost("An ordinary post");
    const crisis = await newPost("A worrying post");
    await reportPost(server.app, reporter, slug, plain.threadId, plain.postId, { reason: "spam", details: "ads" });
    await reportPost(server.app, reporter2, slug, plain.threadId, plain.postId, { reason: "harassment", details: "" });
    await reportPost(server.app, reporter, slug, crisis.threadId, crisis.postId, { reason: "crisis", details: "" });

    const { queue } = await listQueue(server.app, mod);
    const mine = queue.filter((q) => [plain.postId, crisis.postId].includes(q.targetId));
    expect(mine.map((q) => q.targetId)).toEqual([crisis.postId, plain.postId]);
    expect(mine[0]!.urgent).toBe(true);
    expect(mine[1]!.reporterCount).toBe(2);
    expect(mine[1]!.content?.body).toBe("An ordinary post");
    expect(queue[0]!.urgent).toBe(true); // crisis first of all

    const other = await listQueue(server.app, otherMod);
    expect(other.queue.some((q) => q.targetId === plain.postId)).toBe(false);
    // …and can take no decision on it.
    for (const intent of ["dismiss", "remove", "warn", "ban", "escalate"] as const) {
      expect(await outcome(actOnReport(server.app, otherMod, { intent, targetType: "post", targetId: plain.postId, groupId, reason: "not mine to judge" }))).not.toBe("ok");
    }
    expect(await outcome(actOnReport(server.app, otherMod, { intent: "mute", minutes: 60, targetType: "post", targetId: plain.postId, groupId, reason: "not mine" }))).not.toBe("ok");
    // A plain member has no queue at all.
    expect((await failure(listQueue(server.app, reporter))).code).toBe("forbidden");
  });

  it("removes a post with a reason: every duplicate report resolved, the author notified, one appeal, overturn restores", async () => {
    const { threadId, postId } = await newPost("Buy my miracle cure");
    await reportPost(server.app, reporter, slug, threadId, postId, { reason: "medical_misinformation", details: "" });
    await reportPost(server.app, reporter2, slug, threadId, postId, { reason: "spam", details: "" });
    const result = await actOnReport(server.app, mod, { intent: "remove", targetType: "post", targetId: postId, groupId, reason: "Unverified cure claims" });
    expect(result.intent).toBe("remove");

    const rows = await server.app.db.select({ status: reports.status }).from(reports).where(eq(reports.targetId, postId));
    expect(rows.map((r) => r.status)).toEqual(["actioned", "actioned"]);
    const [post] = await server.app.db.select({ deletedAt: posts.deletedAt, reason: posts.deletionReason }).from(posts).where(eq(posts.id, postId));
    expect(post!.deletedAt).not.toBeNull();
    expect(post!.reason).toBe("Unverified cure claims");
    // Still visible to moderators in the queue's history of the author.
    const { queue } = await listQueue(server.app, mod);
    expect(queue.some((q) => q.targetId === postId)).toBe(false);

    const { notifications } = await listNotifications(server.app, author);
    const notice = notifications.find((n) => n.link?.includes("/notices/"))!;
    expect(notice.title).toMatch(/removed your post/);
    expect(notice.body).toContain("Unverified cure claims");
    const actionId = notice.link!.split("/").at(-1)!;
    const view = await getNotice(server.app, author, actionId);
    expect(view.reason).toBe("Unverified cure claims");
    expect(view.removedText).toBe("Buy my miracle cure");
    expect(view.canAppeal).toBe(true);
    // Nobody else can read someone's notice.
    expect((await failure(getNotice(server.app, reporter, actionId))).code).toBe("not_found");

    await appealDecision(server.app, author, actionId, { body: "It was a joke between friends, sorry." });
    expect((await failure(appealDecision(server.app, author, actionId, { body: "Second try at an appeal" }))).code).toBe("conflict");
    expect((await getNotice(server.app, author, actionId)).canAppeal).toBe(false);

    const withAppeal = await listQueue(server.app, mod);
    const appeal = withAppeal.appeals.find((a) => a.actionId === actionId)!;
    expect(appeal.body).toContain("joke");
    expect((await failure(decideAppeal(server.app, otherMod, { appealId: appeal.id, intent: "overturn", note: "not mine" }))).code).not.toBe("ok");
    await decideAppeal(server.app, mod, { appealId: appeal.id, intent: "overturn", note: "Fair enough, restored." });
    const [restored] = await server.app.db.select({ deletedAt: posts.deletedAt }).from(posts).where(eq(posts.id, postId));
    expect(restored!.deletedAt).toBeNull();
    const [a] = await server.app.db.select({ status: appeals.status }).from(appeals).where(eq(appeals.id, appeal.id));
    expect(a!.status).toBe("overturned");
    const page = await getThreadPage(server.app, reporter, slug, threadId);
    expect(page.posts.find((p) => p.id === postId)?.state).toBe("visible");
  });

  it("dismisses and escalates; escalated reports reach site admins", async () => {
    const a = await newPost("Harmless post");
    await reportPost(server.app, reporter, slug, a.threadId, a.postId, { reason: "other", details: "" });
    await actOnReport(server.app, mod, { intent: "dismiss", targetType: "post", targetId: a.postId, groupId, reason: "" });
    const [dismissed] = await server.app.db.select({ status: reports.status }).from(reports).where(eq(reports.targetId, a.postId));
    expect(dismissed!.status).toBe("dismissed");

    const b = await newPost("Hard to judge post");
    await reportPost(server.app, reporter, slug, b.threadId, b.postId, { reason: "medical_misinformation", details: "" });
    await actOnReport(server.app, mod, { intent: "escalate", targetType: "post", targetId: b.postId, groupId, reason: "Needs a clinician's view" });
    const siteQueue = await listQueue(server.app, admin);
    expect(siteQueue.siteWide).toBe(true);
    expect(siteQueue.queue.find((q) => q.targetId === b.postId)?.escalated).toBe(true);
    await actOnReport(server.app, admin, { intent: "dismiss", targetType: "post", targetId: b.postId, groupId, reason: "Checked: fine" });
    expect((await listQueue(server.app, admin)).queue.some((q) => q.targetId === b.postId)).toBe(false);
  });

  it("warns the author with a notice and an audit row", async () => {
    const { threadId, postId } = await newPost("Snippy post");
    await reportPost(server.app, reporter, slug, threadId, postId, { reason: "harassment", details: "" });
    const r = await actOnReport(server.app, mod, { intent: "warn", targetType: "post", targetId: postId, groupId, reason: "Please be kind" });
    const notice = await getNotice(server.app, author, r.moderationActionId!);
    expect(notice.action).toBe("user.warn");
    expect(notice.reason).toBe("Please be kind");
  });

  it("a group mute and a group ban take effect on live chat sockets at once", async () => {
    const s = server.client({ cookie: `hearth_session=${author.token}` });
    await connected(s);
    const joined = await request<RoomJoined>(s, "room:join", { roomId });
    expect(joined.ok).toBe(true);
    const sent = await sendMessage(server.app, author, { roomId, body: "a message to report", clientId: clientId() });
    await reportMessage(server.app, reporter, { messageId: sent.message.id, reason: "harassment", details: "" });

    const sanction = nextEvent<ChatSanction>(s, "sanction", (p) => p.roomId === roomId && p.mutedUntil !== null);
    const muted = await actOnReport(server.app, mod, { intent: "mute", minutes: 60, targetType: "chat_message", targetId: sent.message.id, groupId, reason: "Cool off for an hour" });
    expect((await sanction).message).toContain("Cool off");
    // The very next send on the same live socket is refused.
    const refused = await request(s, "message:send", { roomId, body: "still here?", clientId: clientId() });
    expect(expectError(refused).message).toMatch(/muted/i);
    const notice = await getNotice(server.app, author, muted.moderationActionId!);
    expect(notice.until).toBeTruthy();

    // The moderator still sends while the author is muted (sendMessage throws otherwise).
    await sendMessage(server.app, mod, { roomId, body: "moderator message", clientId: clientId() });
    await server.app.db.update(groupMemberships).set({ mutedUntil: null }).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, author.id)));
    const again = await sendMessage(server.app, author, { roomId, body: "unmuted now", clientId: clientId() });
    await reportMessage(server.app, reporter, { messageId: again.message.id, reason: "spam", details: "" });
    const banned = nextEvent<ChatSanction>(s, "sanction", (p) => p.roomId === roomId && p.banned);
    await actOnReport(server.app, mod, { intent: "ban", targetType: "chat_message", targetId: again.message.id, groupId, reason: "Repeated spam" });
    await banned;
    // The socket left the room: it no longer hears the room's messages (the moderator's socket hears
    // the one sent after the ban), and can't re-join.
    const heard = collect(s, "message:new");
    const modSocket = server.client({ cookie: `hearth_session=${mod.token}` });
    await connected(modSocket);
    expectOk(await request<RoomJoined>(modSocket, "room:join", { roomId }));
    await sentinel({ from: (message) => sendMessage(server.app, mod, message), roomId, control: modSocket, quiet: [s] });
    expect(heard).toEqual([]);
    const rejoin = await request(s, "room:join", { roomId });
    expect(rejoin.ok).toBe(false);
    const [m] = await server.app.db.select({ status: groupMemberships.status }).from(groupMemberships).where(and(eq(groupMemberships.groupId, groupId), eq(groupMemberships.userId, author.id)));
    expect(m!.status).toBe("banned");
    // Moderators themselves can't be sanctioned from the queue.
    const modMsg = await sendMessage(server.app, mod, { roomId, body: "mod says hi", clientId: clientId() });
    await fileReport(server.app.db, { reporterId: reporter.id, targetType: "chat_message", targetId: modMsg.message.id, groupId, reason: "other", details: "" });
    expect((await failure(actOnReport(server.app, mod, { intent: "ban", targetType: "chat_message", targetId: modMsg.message.id, groupId, reason: "trying it" }))).code).toBe("forbidden");
  });

  it("suspends an account site-wide: sessions revoked and sockets disconnected at once; lifting restores it", async () => {
    const victim = await createMember(server.app, "Victim");
    const s = server.client({ cookie: `hearth_session=${victim.token}` });
    await connected(s);
    const gone = new Promise<void>((resolve) => s.on("disconnect", () => resolve()));
    expect((await failure(suspendAccount(server.app, mod, { displayName: victim.displayName, reason: "spam wave" }))).code).toBe("forbidden");
    await suspendAccount(server.app, admin, { displayName: victim.displayName, reason: "Spam wave" });
    await gone;
    expect(await validateSessionToken(server.app, victim.token)).toBeNull();
    expect((await failure(suspendAccount(server.app, admin, { displayName: admin.displayName, reason: "self" }))).code).toBe("invalid");
    await liftSuspension(server.app, admin, { userId: victim.id, reason: "Appeal accepted" });
    const [u] = await server.app.db.select({ status: users.status }).from(users).where(eq(users.id, victim.id));
    expect(u!.status).toBe("active");
  });

  it("the audit log: site admins see everything, organization admins their groups only, others nothing; filters work", async () => {
    const site = await listAuditLog(server.app, admin, {}, { action: "", actor: "", subject: "", group: "" });
    expect(site.entries.some((e) => e.action === "user.suspend")).toBe(true);
    const org = await listAuditLog(server.app, orgAdmin, { organizationSlug: `o-${slug}` }, { action: "", actor: "", subject: "", group: "" });
    expect(org.entries.length).toBeGreaterThan(0);
    expect(org.entries.every((e) => e.groupSlug === slug)).toBe(true);
    const removals = await listAuditLog(server.app, admin, {}, { action: "post.", actor: mod.displayName, subject: "", group: "" });
    expect(removals.entries.length).toBeGreaterThan(0);
    expect(removals.entries.every((e) => e.action.startsWith("post.") && e.actorName === mod.displayName)).toBe(true);
    expect((await failure(listAuditLog(server.app, mod, {}, { action: "", actor: "", subject: "", group: "" }))).code).toBe("forbidden");
    expect((await failure(listAuditLog(server.app, otherMod, { organizationSlug: `o-${slug}` }, { action: "", actor: "", subject: "", group: "" }))).code).toBe("forbidden");
    const before = await server.app.db.select({ id: moderationActions.id }).from(moderationActions);
    expect(before.length).toBeGreaterThan(5);
  });

  it("crisis phrases: the post is published and the author gets the gentle prompt flag; ordinary words don't match", async () => {
    expect(matchesCrisisPhrase("Some days I just want to die, honestly")).toBe(true);
    expect(matchesCrisisPhrase("I CAN’T GO ON like this")).toBe(true);
    expect(matchesCrisisPhrase("My botox wore off early, the spasms are back")).toBe(false);
    expect(matchesCrisisPhrase("the suicidesquad film")).toBe(false);
    // (author was banned above; reporter2 writes this one)
    const thread = await createThread(server.app, reporter2, slug, { title: "A hard week", body: "Nothing much to say" });
    expect(thread.crisisPrompt).toBe(false);
    const r = await createReply(server.app, reporter2, slug, thread.threadId, { body: "I feel like I want to die some days" });
    expect(r.crisisPrompt).toBe(true);
    const page = await getThreadPage(server.app, reporter, slug, thread.threadId);
    expect(page.posts.find((p) => p.id === r.postId)?.state).toBe("visible");
  });

  it("a removal made from the thread page (not the queue) also sends the author a notice they can appeal", async () => {
    const t2 = await createThread(server.app, reporter2, slug, { title: "Another thread", body: "Opening" });
    const r = await createReply(server.app, reporter2, slug, t2.threadId, { body: "Off-topic advert" });
    await moderatePost(server.app, mod, slug, t2.threadId, r.postId, "remove", "Adverts are not allowed");
    const { notifications } = await listNotifications(server.app, reporter2);
    const n = notifications.find((x) => x.body.includes("Adverts are not allowed"))!;
    expect(n.title).toMatch(/removed your post in /);
    const notice = await getNotice(server.app, reporter2, n.link!.split("/").at(-1)!);
    expect(notice.canAppeal).toBe(true);
  });
});
