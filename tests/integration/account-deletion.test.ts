import fs from "node:fs";
import path from "node:path";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deleteAccount, FORMER_MEMBER, LAST_OWNER, REMOVED_BY_AUTHOR } from "#app/modules/accounts/deletion.server";
import { CHOOSE_CONTENT } from "#app/modules/accounts/deletion.schema";
import { backfillDisplayNameSkeletons, displayNameSkeleton } from "#app/modules/accounts/display-name.server";
import { REAUTH_NEEDED, WRONG_PASSWORD } from "#app/modules/accounts/reauth.server";
import { requestMagicLink } from "#app/modules/accounts/magic-link.server";
import { requestPasswordReset } from "#app/modules/accounts/password-reset.server";
import { consumeToken, issueToken } from "#app/modules/accounts/tokens.server";
import { storageFor } from "#app/modules/library/storage.server";
import { suspendAccount } from "#app/modules/moderation/suspension.server";
import { manageTeam } from "#app/modules/organizations/organizations.server";
import {
  accountTokens,
  calendarFeeds,
  chatMessages,
  chatRooms,
  consents,
  dataExports,
  DEFAULT_PREFERENCES,
  eventRsvps,
  events,
  groupMemberships,
  moderationActions,
  notifications,
  organizationMembers,
  passkeys,
  posts,
  reports,
  sessions,
  threads,
  users,
  webauthnChallenges,
} from "#db/schema/index";
import { createMember, insertGroupWithRoom } from "#tests/helpers/app";
import { fanoutsDone } from "#tests/helpers/fanout";
import { testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox } from "#tests/helpers/mail";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import type { ChatMessage } from "#app/lib/chat-wire";
import { expectOk, nextEvent, request } from "#tests/helpers/chat";
import { SoftAuthenticator } from "#tests/helpers/soft-authenticator";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

const DATA = "?_data=routes%2Fsettings.delete";
const MB = "x".repeat(1024 * 1024);
const hostile = "'; update users set email = null; -- <script>alert(1)</script>";

/**
 * Account deletion (GDPR Art. 17) through the real route of the real server and through the module:
 * what is erased (read back from the tables), what stays under the anonymous name or reads "removed
 * by its author", RSVPs and the waitlist, memberships, live sockets, signing in again, the last
 * owner's refusal, and bad input that changes nothing.
 */
describe(`account deletion on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let inbox: Inbox;
  let keeper: Member, remover: Member, other: Member, waiting: Member, owner: Member;

  beforeAll(async () => {
    inbox = await startInbox();
    s = await startAppServer({ SMTP_URL: inbox.url, MAIL_FROM: "Hearth <no-reply@hearth.test>", PUBLIC_ORIGIN: "http://hearth.test" }, { jobs: true });
    const db = s.app.db;
    await insertGroupWithRoom(db, "d", { slug: "deletion-group", name: "Deletion group" });
    [keeper, remover, other, waiting, owner] = [
      await createMember(s.app, "Keeper"),
      await createMember(s.app, "Remover"),
      await createMember(s.app, "Other"),
      await createMember(s.app, "Waiting"),
      await createMember(s.app, "Owner"),
    ];
    await db.insert(groupMemberships).values([keeper, remover, other, waiting, owner].map((m) => ({ groupId: "g-d", userId: m.id })));
    await db.insert(organizationMembers).values([
      { organizationId: "org-d", userId: owner.id, role: "owner" },
      { organizationId: "org-d", userId: keeper.id, role: "moderator" },
    ]);
    // Threads by each of keeper, remover and other, each with the others' replies.
    for (const [key, author] of [["k", keeper], ["r", remover], ["o", other]] as const) {
      await db.insert(threads).values({ id: `thread-${key}`, groupId: "g-d", authorId: author.id, title: `Thread by ${key}` });
      await db.insert(posts).values([
        { id: `post-${key}-0`, threadId: `thread-${key}`, authorId: author.id, isOpening: true, body: `Opening by ${key}` },
        { id: `post-${key}-1`, threadId: `thread-${key}`, authorId: other.id, body: `Reply by other in ${key}` },
        { id: `post-${key}-2`, threadId: `thread-${key}`, authorId: author.id, body: `Second post by ${key}` },
      ]);
    }
    await db.insert(chatMessages).values([
      { id: "msg-k", roomId: "room-d", seq: 1, authorId: keeper.id, body: "Chat by keeper", clientId: "client-del-k" },
      { id: "msg-r", roomId: "room-d", seq: 2, authorId: remover.id, body: "Chat by remover", clientId: "client-del-r" },
      { id: "msg-o", roomId: "room-d", seq: 3, authorId: other.id, body: "Chat by other", clientId: "client-del-o" },
    ]);
    await db.update(chatRooms).set({ lastSeq: 3 }).where(eq(chatRooms.id, "room-d"));
    // A full event (capacity 1) the keeper holds the place of, with someone on the waitlist.
    const start = new Date(Date.now() + 7 * 86_400_000);
    await db.insert(events).values({
      id: "event-d",
      organizationId: "org-d",
      groupId: "g-d",
      title: "Meet-up",
      startsAt: start,
      endsAt: new Date(start.getTime() + 3_600_000),
      timeZone: "UTC",
      format: "online",
      onlineUrl: "https://meet.example/d",
      capacity: 1,
      rsvpSeq: 2,
    });
    await db.insert(eventRsvps).values([
      { eventId: "event-d", userId: keeper.id, status: "going", seq: 1 },
      { eventId: "event-d", userId: waiting.id, status: "waitlisted", seq: 2 },
    ]);
    // Everything personal the keeper has, to be erased.
    await db.update(users).set({ bio: "I like long walks.", displayNameChanges: [new Date().toISOString()], preferences: { textSize: 150, theme: "dark", reduceMotion: true, chatSend: "ctrl-enter" } }).where(eq(users.id, keeper.id));
    await db.insert(passkeys).values({ id: "cred-keeper", userId: keeper.id, name: "Phone", publicKey: "pk" });
    await db.insert(webauthnChallenges).values({ id: "chal-keeper", userId: keeper.id, challenge: "c", purpose: "reauthenticate", expiresAt: new Date(Date.now() + 60_000) });
    await db.insert(consents).values([
      { userId: keeper.id, kind: "terms", version: "1" },
      { userId: keeper.id, kind: "health_data", version: "1" },
    ]);
    await db.insert(notifications).values({ id: "note-keeper", userId: keeper.id, kind: "event_changed", title: "Changed" });
    await db.insert(calendarFeeds).values({ userId: keeper.id, token: "feed-token-keeper" });
    // Audit and a report that concern the keeper: they keep the (now anonymous) id.
    await db.insert(moderationActions).values({ id: "act-d", actorId: owner.id, action: "user.warn", targetType: "user", targetId: keeper.id, groupId: "g-d", subjectUserId: keeper.id });
    await db.insert(reports).values({ id: "rep-d", targetType: "post", targetId: "post-o-0", groupId: "g-d", reporterId: keeper.id, reason: "spam" });
    // The lazy skeleton backfill runs before the first name check: done now, so "nothing changed" compares like with like.
    await backfillDisplayNameSkeletons(s.app);
  });
  afterAll(async () => {
    await s?.stop();
    await inbox?.close();
  });

  const post = (member: Member, fields: Record<string, string>) => s.postForm(`/settings/delete${DATA}`, fields, { cookie: s.cookie(member.token) });
  const row = async (id: string) => (await s.app.db.select().from(users).where(eq(users.id, id)))[0]!;
  const stillSignedIn = async (m: Member) => (await s.app.db.select().from(sessions).where(eq(sessions.userId, m.id))).length > 0;

  describe("bad input changes nothing", () => {
    const cases: [string, Record<string, string>, number, RegExp][] = [
      ["an empty form", {}, 400, new RegExp(CHOOSE_CONTENT)],
      ["no confirmation", { content: "keep" }, 400, new RegExp(REAUTH_NEEDED)],
      ["a wrong password", { content: "keep", currentPassword: "not my password" }, 400, new RegExp(WRONG_PASSWORD)],
      ["a hostile choice", { content: hostile, currentPassword: "correct horse battery" }, 400, new RegExp(CHOOSE_CONTENT)],
      ["a hostile password", { content: "remove", currentPassword: hostile }, 400, new RegExp(WRONG_PASSWORD)],
      ["a 1 MB password", { content: "keep", currentPassword: MB }, 400, /too long/],
      ["a 1 MB choice", { content: MB, currentPassword: "correct horse battery" }, 400, new RegExp(CHOOSE_CONTENT)],
      ["a malformed passkey response", { content: "keep", passkeyResponse: "{not json" }, 400, /passkey/i],
    ];
    for (const [name, fields, status, message] of cases) {
      it(`${name}: ${status} with a message`, async () => {
        const before = await row(keeper.id);
        const r = await post(keeper, fields);
        expect(r.status).toBe(status);
        expect(JSON.stringify(await r.json())).toMatch(message);
        expect(await row(keeper.id)).toEqual(before);
        expect(await stillSignedIn(keeper)).toBe(true);
      });
    }

    it("a JSON body is a 415 and a visitor goes to sign in", async () => {
      const json = await fetch(`${s.url}/settings/delete${DATA}`, {
        method: "POST",
        body: JSON.stringify({ content: "keep", currentPassword: keeper.password }),
        headers: { "Content-Type": "application/json", Origin: s.url, cookie: s.cookie(keeper.token) },
      });
      expect(json.status).toBe(415);
      const visitor = await s.postForm("/settings/delete", { content: "keep", currentPassword: keeper.password });
      expect(visitor.status).toBe(302);
      expect(visitor.headers.get("location")).toMatch(/^\/signin\?redirectTo=/);
      expect((await row(keeper.id)).deletedAt).toBeNull();
    });
  });

  it("the only owner of an organization is told up front, with a link to its team, and refused", async () => {
    const page = await fetch(`${s.url}/settings/delete`, { headers: { cookie: s.cookie(owner.token) } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('href="/organizations/org-d#org-team"');
    expect(html).toContain("only owner");

    const before = await row(owner.id);
    const r = await post(owner, { content: "keep", currentPassword: owner.password });
    expect(r.status).toBe(409);
    expect(JSON.stringify(await r.json())).toContain(LAST_OWNER);
    expect(await row(owner.id)).toEqual(before);
    expect(await s.app.db.select().from(organizationMembers).where(eq(organizationMembers.userId, owner.id))).toHaveLength(1);
    expect(await stillSignedIn(owner)).toBe(true);
  });

  it("keeping content: everything personal is erased, posts stay readable under the anonymous name, the waitlist moves up, the socket ends", async () => {
    const db = s.app.db;
    const magicLink = await issueToken(s.app, keeper.id, "magic_link", keeper.email);
    await db.insert(dataExports).values({ id: "export-keeper", userId: keeper.id, status: "ready", storageKey: "export-export-keeper" });
    const storage = storageFor(s.app);
    const tmp = path.join(await storage.tempDir(), "export-keeper.zip");
    fs.writeFileSync(tmp, "zip");
    await storage.put("export-export-keeper", tmp);

    const socket = await connectedSocket(s.url, { cookie: s.cookie(keeper.token), origin: s.url });
    const gone = new Promise((resolve) => socket.once("disconnect", resolve));

    const r = await s.postForm("/settings/delete", { content: "keep", currentPassword: keeper.password }, { cookie: s.cookie(keeper.token) });
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/account-deleted");
    expect(r.headers.get("set-cookie")).toMatch(/hearth_session=;.*(Max-Age=0|Expires=Thu, 01 Jan 1970)/i);
    await gone;
    expect(socket.connected).toBe(false);

    const anon = await row(keeper.id);
    expect(anon.displayName).toMatch(new RegExp(`^${FORMER_MEMBER} \\d{6,8}$`));
    expect(anon).toMatchObject({
      email: null,
      passwordHash: null,
      emailVerifiedAt: null,
      bio: "",
      preferences: DEFAULT_PREFERENCES,
      profileVisibility: "nobody",
      listedInMembers: false,
      displayNameChanges: [],
      displayNameSkeleton: displayNameSkeleton(anon.displayName),
    });
    expect(anon.deletedAt).toBeInstanceOf(Date);
    for (const table of [sessions, accountTokens, passkeys, webauthnChallenges, consents, notifications, calendarFeeds, dataExports, groupMemberships, organizationMembers] as const) {
      expect(await db.select().from(table).where(eq(table.userId, keeper.id))).toEqual([]);
    }
    expect(await storage.get("export-export-keeper")).toBeNull();
    await expect(consumeToken(s.app, magicLink, "magic_link")).rejects.toThrow();

    // RSVP cancelled, the waitlisted member promoted and told.
    const rsvps = await db.select().from(eventRsvps).where(eq(eventRsvps.eventId, "event-d"));
    expect(Object.fromEntries(rsvps.map((x) => [x.userId, x.status]))).toEqual({ [keeper.id]: "cancelled", [waiting.id]: "going" });
    await fanoutsDone(s.app);
    expect(await db.select({ kind: notifications.kind }).from(notifications).where(eq(notifications.userId, waiting.id))).toEqual([{ kind: "event_promoted" }]);

    // Content, audit and reports keep the id; bodies are untouched.
    const kept = await db.select({ id: posts.id, body: posts.body, authorId: posts.authorId }).from(posts).where(inArray(posts.id, ["post-k-0", "post-k-2"]));
    expect(kept.map((p) => p.body).sort()).toEqual(["Opening by k", "Second post by k"]);
    expect((await db.select().from(threads).where(eq(threads.id, "thread-k")))[0]!.title).toBe("Thread by k");
    expect((await db.select().from(chatMessages).where(eq(chatMessages.id, "msg-k")))[0]!.body).toBe("Chat by keeper");
    expect((await db.select().from(moderationActions).where(eq(moderationActions.id, "act-d")))[0]!.subjectUserId).toBe(keeper.id);
    expect((await db.select().from(reports).where(eq(reports.id, "rep-d")))[0]!.reporterId).toBe(keeper.id);

    // The thread page shows the post under the anonymous name (read by another member).
    const thread = await (await fetch(`${s.url}/groups/deletion-group/forum/thread-k`, { headers: { cookie: s.cookie(other.token) } })).text();
    expect(thread).toContain(anon.displayName);
    expect(thread).toContain("Opening by k");
    expect(thread).not.toContain(keeper.displayName);
    // Their profile page is gone (it would otherwise be open to members of a shared group).
    expect((await fetch(`${s.url}/members/${keeper.id}`, { headers: { cookie: s.cookie(other.token) } })).status).toBe(404);

    // The old session and the old credentials no longer work.
    const oldSession = await fetch(`${s.url}/settings/delete`, { headers: { cookie: s.cookie(keeper.token) }, redirect: "manual" });
    expect(oldSession.status).toBe(302);
    expect(oldSession.headers.get("location")).toMatch(/^\/signin/);
    const signIn = await s.postForm("/signin?_data=routes%2Fsignin", { email: keeper.email, password: keeper.password });
    expect(signIn.status).toBe(400);
    expect(signIn.headers.get("set-cookie")).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, keeper.id))).toEqual([]);

    // A reset or sign-in link asked for the old address finds no account: nothing is sent. (The same
    // requests for a live account do arrive, so the mail path itself works.)
    const sent = s.app.jobs.settledCount("mail.send");
    await requestPasswordReset(s.app, keeper.email, "10.9.0.1");
    await requestMagicLink(s.app, keeper.email, "10.9.0.1");
    await requestPasswordReset(s.app, other.email, "10.9.0.1");
    await s.app.jobs.waitFor("mail.send", sent + 3);
    expect((await inbox.next(other.email)).links.some((l) => l.includes("/reset-password"))).toBe(true);
    expect(inbox.untaken(keeper.email)).toEqual([]);
    expect(await db.select().from(accountTokens).where(eq(accountTokens.userId, keeper.id))).toEqual([]);
  });

  it('removing content: their posts, thread titles and chat messages read "removed by its author"; nobody else\'s change', async () => {
    const db = s.app.db;
    // Someone reading the room live sees the message change at once.
    const reader = await connectedSocket(s.url, { cookie: s.cookie(other.token), origin: s.url });
    expectOk(await request(reader, "room:join", { roomId: "room-d" }));
    const changed = nextEvent<ChatMessage>(reader, "message:new", (m) => m.id === "msg-r");
    const r = await s.postForm("/settings/delete", { content: "remove", currentPassword: remover.password }, { cookie: s.cookie(remover.token) });
    expect(r.status).toBe(302);
    const live = await changed;
    reader.disconnect();
    expect(live.body).toBe(REMOVED_BY_AUTHOR);
    expect(live.author.displayName).toBe((await row(remover.id)).displayName);
    expect(live.author.displayName).toMatch(new RegExp(`^${FORMER_MEMBER} `));
    const theirs = await db.select({ body: posts.body }).from(posts).where(inArray(posts.id, ["post-r-0", "post-r-2"]));
    expect(theirs).toEqual([{ body: REMOVED_BY_AUTHOR }, { body: REMOVED_BY_AUTHOR }]);
    expect((await db.select().from(threads).where(eq(threads.id, "thread-r")))[0]!.title).toBe(REMOVED_BY_AUTHOR);
    expect((await db.select().from(chatMessages).where(eq(chatMessages.id, "msg-r")))[0]!.body).toBe(REMOVED_BY_AUTHOR);
    // Other people's content, in the same thread and room too, is untouched.
    const others = await db.select({ body: posts.body }).from(posts).where(eq(posts.authorId, other.id));
    expect(others.map((p) => p.body).sort()).toEqual(["Opening by o", "Reply by other in k", "Reply by other in o", "Reply by other in r", "Second post by o"]);
    expect((await db.select().from(threads).where(eq(threads.id, "thread-o")))[0]!.title).toBe("Thread by o");
    expect((await db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.id, "msg-o")))[0]!.body).toBe("Chat by other");
    expect((await db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.id, "msg-k")))[0]!.body).toBe("Chat by keeper");
    const other_ = await row(other.id);
    expect(other_.email).toBe(other.email);
    expect(await stillSignedIn(other)).toBe(true);
  });

  it("a deleted account can't be named for a team role or a suspension by its new name", async () => {
    const gone = await createMember(s.app, "Gone");
    await deleteAccount(s.app, gone, { content: "keep", reauth: { currentPassword: gone.password } });
    const { displayName } = await row(gone.id);
    const ownerActor = { id: owner.id, siteRole: "member" as const, status: "active" as const };
    const add = await manageTeam(s.app, ownerActor, "org-d", { intent: "add", displayName, role: "moderator" }).catch((e: Error) => e);
    expect(add).toMatchObject({ code: "invalid", fieldErrors: { displayName: [expect.stringMatching(/No one has that display name/)] } });
    const admin = { id: "site-admin", siteRole: "admin" as const, status: "active" as const };
    const suspend = await suspendAccount(s.app, admin, { displayName, reason: "test" }).catch((e: Error) => e);
    expect(suspend).toMatchObject({ code: "invalid" });
    expect((await s.app.db.select().from(organizationMembers).where(eq(organizationMembers.userId, gone.id))).length).toBe(0);
    expect((await row(gone.id)).status).toBe("active");
  });

  it("a passkey confirms instead of the password (another key's answer is refused); afterwards that passkey signs nobody in", async () => {
    const keyed = await createMember(s.app, "Keyed");
    const cookie = { cookie: s.cookie(keyed.token) };
    const options = async (purpose: string, m: Member | null) => {
      const r = await s.postForm("/passkeys/options", { purpose }, m ? { cookie: s.cookie(m.token) } : {});
      expect(r.status).toBe(200);
      return ((await r.json()) as { options: Parameters<SoftAuthenticator["register"]>[0] & Parameters<SoftAuthenticator["assert"]>[0] }).options;
    };
    const key = new SoftAuthenticator(s.url);
    const registered = await s.postForm("/settings/passkeys?_data=routes%2Fsettings.passkeys", { intent: "register", name: "Laptop", registrationResponse: JSON.stringify(key.register(await options("register", keyed))) }, cookie);
    expect(registered.status).toBe(200);
    const passkeySignIn = async () => s.postForm("/passkeys/signin", { passkeyResponse: JSON.stringify(key.assert(await options("signin", null))), redirectTo: "/groups" });
    // The key signs in while the account exists.
    expect((await passkeySignIn()).status).toBe(302);

    const before = await row(keyed.id);
    const stranger = new SoftAuthenticator(s.url).assert(await options("reauthenticate", keyed));
    const refused = await post(keyed, { content: "keep", passkeyResponse: JSON.stringify(stranger) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/passkey/i);
    expect(await row(keyed.id)).toEqual(before);

    const r = await s.postForm("/settings/delete", { content: "keep", passkeyResponse: JSON.stringify(key.assert(await options("reauthenticate", keyed))) }, cookie);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/account-deleted");
    expect(await s.app.db.select().from(passkeys).where(eq(passkeys.userId, keyed.id))).toEqual([]);
    const signIn = await passkeySignIn();
    expect(signIn.status).toBe(400);
    expect(signIn.headers.get("set-cookie")).toBeNull();
  });

  // Correctness at volume; its speed is not asserted here (benchmarks measure speed, tests don't).
  it("an account with 3,000 posts and 3,000 chat messages: every body is replaced in the one transaction", async () => {
    const db = s.app.db;
    const big = await createMember(s.app, "Prolific");
    await db.insert(threads).values({ id: "thread-big", groupId: "g-d", authorId: big.id, title: "Many posts" });
    for (let i = 0; i < 3_000; i += 1000) {
      await db.insert(posts).values(Array.from({ length: 1000 }, (_, j) => ({ id: `big-p-${i + j}`, threadId: "thread-big", authorId: big.id, body: `Post number ${i + j}` })));
      await db.insert(chatMessages).values(Array.from({ length: 1000 }, (_, j) => ({ id: `big-m-${i + j}`, roomId: "room-d", seq: 100 + i + j, authorId: big.id, body: `Message ${i + j}`, clientId: `client-big-${i + j}` })));
    }
    await db.update(chatRooms).set({ lastSeq: 100 + 2_999 }).where(eq(chatRooms.id, "room-d"));
    await deleteAccount(s.app, big, { content: "remove", reauth: { currentPassword: big.password } });
    const left = await db.select({ id: posts.id }).from(posts).where(eq(posts.authorId, big.id));
    expect(left).toHaveLength(3_000);
    const notRemoved = await db.select({ id: posts.id, body: posts.body }).from(posts).where(eq(posts.authorId, big.id));
    expect(notRemoved.filter((p) => p.body !== REMOVED_BY_AUTHOR)).toEqual([]);
    const messages = await db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.authorId, big.id));
    expect(messages).toHaveLength(3_000);
    expect(messages.filter((m) => m.body !== REMOVED_BY_AUTHOR)).toEqual([]);
  });
});
