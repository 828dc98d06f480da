import { eq, sql } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFIRM_EMAIL_FIRST } from "#app/policy.server";
import type { ChatMessage } from "#app/realtime/events";
import { accountTokens, eventRsvps, events, groupMemberships, posts, sessions, threads, users } from "#db/schema/index";
import { createMember, insertGroupWithRoom } from "#tests/helpers/app";
import { clientId, expectError, expectOk, request } from "#tests/helpers/chat";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox, type ReceivedMail } from "#tests/helpers/mail";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

const LINK_INVALID = "This link has expired or has already been used. You can ask for a new one.";
const HOSTILE = `'; drop table users; -- <script>alert(1)</script>`;

/**
 * Sign-up, verification, password reset and magic links through the real server (production build,
 * Express, Socket.IO) with its job workers sending to a real SMTP inbox: every link is taken from a
 * received message and followed over HTTP.
 */
describe(`account mail flows through the real server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let inbox: Inbox;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    inbox = await startInbox();
    s = await startAppServer({ SMTP_URL: inbox.url, MAIL_FROM: "Hearth <no-reply@hearth.test>" }, { jobs: true });
    await insertGroupWithRoom(s.app.db, "m", { slug: "mail-pub", name: "Mail group" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await s?.stop();
    await inbox?.close();
  });

  const get = (path: string, cookie?: string) => fetch(s.url + path, { redirect: "manual", headers: cookie ? { cookie } : {} });
  /** The path and query of the link in `mail` that starts with `prefix` (links point at PUBLIC_ORIGIN, not this port). */
  const linkIn = (mail: ReceivedMail, prefix: string) => {
    const url = mail.links.map((l) => new URL(l)).find((u) => u.pathname === prefix);
    if (!url) throw new Error(`no ${prefix} link in "${mail.subject}"`);
    return url.pathname + url.search;
  };
  const tokenOf = (path: string) => new URL(path, "http://x").searchParams.get("token")!;
  const sessionCookie = (r: Response) => {
    const m = /hearth_session=([a-z0-9]+)/.exec(r.headers.get("set-cookie") ?? "");
    if (!m) throw new Error("no session cookie");
    return s.cookie(m[1]!);
  };
  const viewerOf = async (cookie: string) =>
    ((await (await get("/?_data=root", cookie)).json()) as { viewer: { displayName: string; emailVerified: boolean } | null }).viewer;
  const userByEmail = async (email: string) => (await s.app.db.select().from(users).where(eq(users.email, email)))[0];
  /** Mail jobs ever queued (pg-boss keeps finished ones an hour): "nothing queued" compares two counts. */
  const mailJobsQueued = async () =>
    Number(rowsOf<{ n: number }>(await s.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'mail.send'`))[0]!.n);
  /**
   * Resolves once every mail job queued so far has run: this server's workers settled as many jobs as
   * were ever queued in its database (the settle event is the signal; no job here fails and retries).
   */
  const mailIdle = async () => s.app.jobs.waitFor("mail.send", await mailJobsQueued());
  const signUpForm = (email: string, displayName: string, password = "a long passphrase") =>
    s.postForm("/signup", { email, displayName, password, consentTerms: "on", consentHealthData: "on" });
  /** Everything about a response a watcher could compare, except the date. */
  const shape = async (r: Response) => ({
    status: r.status,
    location: r.headers.get("location"),
    headers: [...r.headers.keys()].filter((k) => k !== "date").sort(),
    body: await r.text(),
  });

  describe("sign-up", () => {
    it("answers a new and a registered address identically, creates only the new account, and mails each owner", async () => {
      const owner = await createMember(s.app, "Owner");
      // What sign-up could have changed (the display-name skeleton is backfilled lazily, so not compared).
      const account = async () => {
        const u = await userByEmail(owner.email);
        return { passwordHash: u!.passwordHash, displayName: u!.displayName, emailVerifiedAt: u!.emailVerifiedAt, status: u!.status };
      };
      const before = await account();
      const fresh = `fresh-${Date.now()}@example.test`;

      const a = await shape(await signUpForm(fresh, "Fresh Face"));
      const b = await shape(await signUpForm(owner.email.toUpperCase(), "Someone Else"));
      expect(a).toEqual(b);
      expect(a.status).toBe(302);
      expect(a.location).toBe("/check-email?for=signup");
      expect(a.headers).not.toContain("set-cookie");

      // The registered account is untouched; no "Someone Else" exists.
      expect(await account()).toEqual(before);
      expect(await s.app.db.select().from(users).where(eq(users.displayName, "Someone Else"))).toHaveLength(0);
      const created = await userByEmail(fresh);
      expect(created?.emailVerifiedAt).toBeNull();
      expect(await s.app.db.select().from(sessions).where(eq(sessions.userId, created!.id))).toHaveLength(0);

      const verify = await inbox.next(fresh);
      expect(verify.subject).toBe("Confirm your e-mail address for Hearth");
      expect(verify.html).toContain("Confirm my e-mail address");
      linkIn(verify, "/verify-email");
      const attempt = await inbox.next(owner.email);
      expect(attempt.subject).toBe("Someone tried to create a Hearth account with your address");
      expect(attempt.text).toContain("no new account was made");
      // The reset link in it works.
      const reset = await get(linkIn(attempt, "/reset-password"));
      expect(reset.status).toBe(200);
      expect(await reset.text()).toContain("Choose a new password");

      // The page both land on says the same thing either way.
      const page = await get("/check-email?for=signup");
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Check your e-mail");
    });

    it("still says a taken display name inline (names are public), storing nothing", async () => {
      const owner = await createMember(s.app, "Named");
      const email = `named-${Date.now()}@example.test`;
      const r = await s.postForm("/signup?_data=routes%2Fsignup", { email, displayName: owner.displayName.toUpperCase(), password: "a long passphrase", consentTerms: "on", consentHealthData: "on" });
      expect(r.status).toBe(409);
      expect(((await r.json()) as { error: Record<string, string[]> }).error.displayName).toEqual(["Someone already uses this display name. Please choose another."]);
      expect(await userByEmail(email)).toBeUndefined();
    });
  });

  describe("e-mail verification", () => {
    it("the GET only shows the button; the POST confirms, signs in on this device, and the link works once", async () => {
      const email = `verify-${Date.now()}@example.test`;
      await signUpForm(email, "Verify Me");
      const link = linkIn(await inbox.next(email), "/verify-email");

      for (let i = 0; i < 2; i++) {
        const page = await get(link);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("Confirm my e-mail address");
      }
      expect((await userByEmail(email))!.emailVerifiedAt).toBeNull();

      const confirmed = await s.postForm("/verify-email", { token: tokenOf(link) });
      expect(confirmed.status).toBe(302);
      expect(confirmed.headers.get("location")).toBe("/welcome?confirmed=email");
      const cookie = sessionCookie(confirmed);
      expect(await viewerOf(cookie)).toMatchObject({ displayName: "Verify Me", emailVerified: true });
      const user = await userByEmail(email);
      expect(user!.emailVerifiedAt).not.toBeNull();
      expect(await s.app.db.select().from(sessions).where(eq(sessions.userId, user!.id))).toHaveLength(1);

      // Used: the POST and the GET both answer the "expired" page now, and nothing more happens.
      const again = await s.postForm("/verify-email", { token: tokenOf(link) });
      expect(again.status).toBe(400);
      expect(again.headers.get("set-cookie")).toBeNull();
      expect(await again.text()).toContain(LINK_INVALID);
      const page = await get(link);
      expect(page.status).toBe(400);
      const html = await page.text();
      expect(html).toMatch(/This link doesn(?:'|&#x27;)t work any more/);
      expect(html).toContain('href="/signin/link"');
    });

    it("an expired link (expires_at moved into the past) is refused and changes nothing", async () => {
      const email = `expired-${Date.now()}@example.test`;
      await signUpForm(email, "Too Late");
      const link = linkIn(await inbox.next(email), "/verify-email");
      const user = await userByEmail(email);
      await s.app.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.userId, user!.id));
      expect((await get(link)).status).toBe(400);
      const r = await s.postForm("/verify-email", { token: tokenOf(link) });
      expect(r.status).toBe(400);
      expect(r.headers.get("set-cookie")).toBeNull();
      expect((await userByEmail(email))!.emailVerifiedAt).toBeNull();
    });

    it("'Send the link again' mails a new link (the old one stops working), at most 3 times an hour", async () => {
      const member = await createMember(s.app, "Resend", { verified: false });
      const cookie = s.cookie(member.token);
      const links: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await s.postForm("/verify-email/resend?_data=routes%2Fverify-email_.resend", {}, { cookie });
        expect(r.status).toBe(200);
        links.push(linkIn(await inbox.next(member.email), "/verify-email"));
      }
      const limited = await s.postForm("/verify-email/resend?_data=routes%2Fverify-email_.resend", {}, { cookie });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      // Only the newest link works.
      expect((await get(links[0]!)).status).toBe(400);
      expect((await get(links[2]!)).status).toBe(200);
      // Signed out, the button has nobody to send for.
      const anonymous = await s.postForm("/verify-email/resend", {});
      expect(anonymous.status).toBe(302);
      expect(anonymous.headers.get("location")).toMatch(/^\/signin\?redirectTo=/);
    });
  });

  describe("links that are not ours", () => {
    const tokens = {
      forged: "A".repeat(43),
      empty: "",
      oversize: "x".repeat(8000),
      hostile: HOSTILE,
      "another purpose": "",
    };
    it.each(["/verify-email", "/reset-password", "/magic-link"])("%s answers 400 with the expired page for forged, empty, oversize and hostile tokens", async (path) => {
      // A real reset token presented at another link's page is refused there too.
      const owner = await createMember(s.app, "Purpose");
      await s.postForm("/forgot-password", { email: owner.email });
      const resetToken = tokenOf(linkIn(await inbox.next(owner.email), "/reset-password"));
      const cases = { ...tokens, "another purpose": path === "/reset-password" ? "B".repeat(43) : resetToken };
      for (const [name, token] of Object.entries(cases)) {
        const page = await get(`${path}?token=${encodeURIComponent(token)}`);
        expect(page.status, `${name} GET`).toBe(400);
        const html = await page.text();
        expect(html, name).toContain(LINK_INVALID);
        expect(html, name).not.toContain("<script>alert(1)");
        const post = await s.postForm(path, { token, password: "a new long passphrase" });
        expect(post.status, `${name} POST`).toBe(400);
        expect(post.headers.get("set-cookie"), name).toBeNull();
      }
      // The reset link presented elsewhere was not used up by it.
      expect((await get(`/reset-password?token=${resetToken}`)).status).toBe(200);
      const [hash] = await s.app.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, owner.id));
      expect(hash!.h).toMatch(/^\$argon2id/);
      expect((await s.postForm("/signin", { email: owner.email, password: owner.password })).status).toBe(302);
    });
  });

  it("every new form refuses a foreign Origin with 403 (CSRF), using nothing up", async () => {
    const member = await createMember(s.app, "Csrf");
    await s.postForm("/forgot-password", { email: member.email });
    const link = linkIn(await inbox.next(member.email), "/reset-password");
    const jobs = await mailJobsQueued();
    for (const path of ["/forgot-password", "/signin/link", "/verify-email", "/magic-link", "/reset-password", "/verify-email/resend"]) {
      const r = await s.postForm(path, { email: member.email, token: tokenOf(link), password: "an evil passphrase" }, { Origin: "https://evil.example", cookie: s.cookie(member.token) });
      expect(r.status, path).toBe(403);
    }
    expect((await get(link)).status).toBe(200);
    expect(await mailJobsQueued()).toBe(jobs);
  });

  describe("forgot password", () => {
    it("answers an unknown and a known address identically; only the owner gets mail", async () => {
      const owner = await createMember(s.app, "Forgetful");
      const unknown = `nobody-${Date.now()}@example.test`;
      const a = await shape(await s.postForm("/forgot-password", { email: owner.email }));
      const b = await shape(await s.postForm("/forgot-password", { email: unknown }));
      expect(a).toEqual(b);
      expect(a.location).toBe("/check-email?for=reset");
      expect(a.headers).not.toContain("set-cookie");
      await mailIdle();
      const mail = await inbox.next(owner.email);
      expect(mail.subject).toBe("Choose a new password for Hearth");
      expect(inbox.untaken(unknown)).toEqual([]);
    });

    it("a reset sets the password, confirms the address, ends every session and live socket, and signs in here, once", async () => {
      const member = await createMember(s.app, "Resetter", { verified: false });
      const other = await createMember(s.app, "Bystander");
      const socket = await connectedSocket(s.url, { cookie: s.cookie(member.token), origin: s.url, track: sockets });
      const otherSocket = await connectedSocket(s.url, { cookie: s.cookie(other.token), origin: s.url, track: sockets });
      await s.postForm("/forgot-password", { email: member.email });
      const link = linkIn(await inbox.next(member.email), "/reset-password");

      const form = await get(link);
      expect(form.status).toBe(200);
      expect(await form.text()).toContain("New password");

      // Too short: the form says so and the link still works.
      const short = await s.postForm("/reset-password?_data=routes%2Freset-password", { token: tokenOf(link), password: "short" });
      expect(short.status).toBe(400);
      expect((await get(link)).status).toBe(200);

      const disconnected = new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));
      const done = await s.postForm("/reset-password", { token: tokenOf(link), password: "my brand new passphrase" });
      expect(done.status).toBe(302);
      expect(done.headers.get("location")).toBe("/groups?password=reset");
      const cookie = sessionCookie(done);
      await disconnected;
      expect(otherSocket.connected).toBe(true);
      expect(await viewerOf(s.cookie(member.token))).toBeNull();
      expect(await viewerOf(cookie)).toMatchObject({ emailVerified: true });
      expect(await viewerOf(s.cookie(other.token))).not.toBeNull();

      expect((await s.postForm("/signin", { email: member.email, password: member.password })).status).toBe(400);
      expect((await s.postForm("/signin", { email: member.email, password: "my brand new passphrase" })).status).toBe(302);

      const reused = await s.postForm("/reset-password", { token: tokenOf(link), password: "yet another passphrase" });
      expect(reused.status).toBe(400);
      expect(await reused.text()).toContain(LINK_INVALID);
      expect((await get(link)).status).toBe(400);
    });

    it("an expired reset link changes nothing", async () => {
      const member = await createMember(s.app, "Slow");
      await s.postForm("/forgot-password", { email: member.email });
      const link = linkIn(await inbox.next(member.email), "/reset-password");
      await s.app.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.userId, member.id));
      expect((await get(link)).status).toBe(400);
      const r = await s.postForm("/reset-password", { token: tokenOf(link), password: "a different passphrase" });
      expect(r.status).toBe(400);
      expect(await viewerOf(s.cookie(member.token))).not.toBeNull();
      expect((await s.postForm("/signin", { email: member.email, password: member.password })).status).toBe(302);
    });

    it.each([
      ["/forgot-password", "routes%2Fforgot-password"],
      ["/signin/link", "routes%2Fsignin_.link"],
    ])("%s: empty, oversize, malformed and hostile addresses get 400 with the message, nothing queued", async (path, route) => {
      const jobs = await mailJobsQueued();
      for (const [email, message] of [
        ["", "Enter your email address."],
        [`${"y".repeat(300)}@example.test`, "That email address is too long."],
        ["not an address", "Enter an email address like name@example.org."],
        [HOSTILE, "Enter an email address like name@example.org."],
      ] as const) {
        const r = await s.postForm(`${path}?_data=${route}`, { email });
        expect(r.status, email).toBe(400);
        expect(JSON.stringify(await r.json()), email).toContain(message);
        // The plain form post is the page again, with the address escaped.
        const html = await (await s.postForm(path, { email })).text();
        expect(html, email).not.toContain("<script>alert(1)");
      }
      // A body that is not a form at all.
      const json = await fetch(s.url + path, { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: s.url }, redirect: "manual" });
      expect(json.status).toBe(415);
      expect(await mailJobsQueued()).toBe(jobs);
    });
  });

  describe("magic sign-in link", () => {
    it("answers unknown addresses the same; the link's page has a Sign in button whose POST signs in and confirms the address, once", async () => {
      const member = await createMember(s.app, "Magic", { verified: false });
      const unknown = `ghost-${Date.now()}@example.test`;
      const a = await shape(await s.postForm("/signin/link", { email: member.email }));
      const b = await shape(await s.postForm("/signin/link", { email: unknown }));
      expect(a).toEqual(b);
      expect(a.location).toBe("/check-email?for=signin-link");
      await mailIdle();
      expect(inbox.untaken(unknown)).toEqual([]);
      const mail = await inbox.next(member.email);
      expect(mail.subject).toBe("Your sign-in link for Hearth");
      const link = linkIn(mail, "/magic-link");

      const page = await get(link);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("Sign in to Hearth");
      const signedIn = await s.postForm("/magic-link", { token: tokenOf(link) });
      expect(signedIn.status).toBe(302);
      expect(await viewerOf(sessionCookie(signedIn))).toMatchObject({ emailVerified: true });
      expect((await s.postForm("/magic-link", { token: tokenOf(link) })).status).toBe(400);
    });

    it("a suspended account can't use it: no mail, and a link mailed before the suspension is refused", async () => {
      const member = await createMember(s.app, "Suspended");
      await s.postForm("/signin/link", { email: member.email });
      const link = linkIn(await inbox.next(member.email), "/magic-link");
      await s.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, member.id));
      const r = await s.postForm("/magic-link", { token: tokenOf(link) });
      expect(r.status).toBe(403);
      expect(r.headers.get("set-cookie")).toBeNull();
      expect(await r.text()).toContain("suspended");
      await s.postForm("/signin/link", { email: member.email });
      await mailIdle();
      expect(inbox.untaken(member.email)).toEqual([]);
    });
  });

  describe("what waits for a confirmed address", () => {
    let unverified: Member;
    beforeAll(async () => {
      const db = s.app.db;
      const author = await createMember(s.app, "Author");
      unverified = await createMember(s.app, "Newcomer", { verified: false });
      await db.insert(groupMemberships).values({ groupId: "g-m", userId: author.id });
      await db.insert(threads).values({ id: "thread-m", groupId: "g-m", authorId: author.id, title: "Hello" });
      await db.insert(posts).values({ id: "post-m", threadId: "thread-m", authorId: author.id, isOpening: true, body: "Say hello" });
      const start = new Date(Date.now() + 7 * 86_400_000);
      await db.insert(events).values({ id: "event-m", organizationId: "org-m", groupId: "g-m", title: "Meet-up", startsAt: start, endsAt: new Date(start.getTime() + 3_600_000), timeZone: "UTC", format: "online", onlineUrl: "https://meet.example/m" });
    });

    const attempts = () => {
      const cookie = s.cookie(unverified.token);
      return {
        thread: () => s.postForm("/groups/mail-pub/forum/new?_data=routes%2Fgroups.%24slug.forum.new", { intent: "post", title: "My first thread", body: "Hello everyone" }, { cookie }),
        reply: () => s.postForm("/groups/mail-pub/forum/thread-m?_data=routes%2Fgroups.%24slug.forum.%24threadId", { intent: "post", body: "Hello back" }, { cookie }),
        rsvp: () => s.postForm("/events/event-m?_data=routes%2Fevents.%24eventId._index", { intent: "rsvp" }, { cookie }),
      };
    };

    it("an unverified member reads and joins an open group, and the banner says what waits", async () => {
      const cookie = s.cookie(unverified.token);
      expect((await get("/groups/mail-pub/forum/thread-m", cookie)).status).toBe(200);
      const joined = await s.postForm("/groups/mail-pub/membership?_data=routes%2Fgroups.%24slug.membership", { intent: "join" }, { cookie });
      expect(joined.status).toBe(200);
      const page = await (await get("/groups", cookie)).text();
      expect(page).toContain("Please confirm your e-mail address.");
      expect(page).toContain("Send the link again");
    });

    it("threads, replies, RSVPs (routes) and chat (Socket.IO) are refused with the reason, nothing stored", async () => {
      const a = attempts();
      for (const [name, attempt] of Object.entries(a)) {
        const r = await attempt();
        expect(r.status, name).toBe(403);
        expect(JSON.stringify(await r.json()), name).toContain(CONFIRM_EMAIL_FIRST);
      }
      const socket = await connectedSocket(s.url, { cookie: s.cookie(unverified.token), origin: s.url, track: sockets });
      expectOk(await request(socket, "room:join", { roomId: "room-m" }));
      const ack = expectError(await request<ChatMessage>(socket, "message:send", { roomId: "room-m", body: "hi", clientId: clientId() }));
      expect(ack).toMatchObject({ code: "forbidden", message: CONFIRM_EMAIL_FIRST });
      expect(await s.app.db.select().from(threads).where(eq(threads.authorId, unverified.id))).toHaveLength(0);
      expect(await s.app.db.select().from(posts).where(eq(posts.authorId, unverified.id))).toHaveLength(0);
    });

    it("once confirmed, the same member can do each of them", async () => {
      await s.app.db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, unverified.id));
      const a = attempts();
      // A data request's redirect is Remix's 204 with X-Remix-Redirect.
      expect((await a.thread()).headers.get("x-remix-redirect")).toMatch(/^\/groups\/mail-pub\/forum\//);
      expect((await a.reply()).status).toBeLessThan(300);
      expect((await a.rsvp()).status).toBe(200);
      expect(await s.app.db.select().from(posts).where(eq(posts.authorId, unverified.id))).toHaveLength(2);
      expect(await s.app.db.select().from(eventRsvps).where(eq(eventRsvps.userId, unverified.id))).toHaveLength(1);
      const socket = await connectedSocket(s.url, { cookie: s.cookie(unverified.token), origin: s.url, track: sockets });
      expectOk(await request(socket, "room:join", { roomId: "room-m" }));
      expectOk(await request<ChatMessage>(socket, "message:send", { roomId: "room-m", body: "hi", clientId: clientId() }));
      expect((await get("/groups", s.cookie(unverified.token)).then((r) => r.text()))).not.toContain("Please confirm your e-mail address.");
    });
  });

  // Last: every request here comes from 127.0.0.1, so the per-IP windows these fill would refuse the tests above.
  describe("rate limits", () => {
    it("forgot password: 3 an hour per address, then 429 with Retry-After (and the form says why)", async () => {
      const member = await createMember(s.app, "Limited");
      for (let i = 0; i < 3; i++) expect((await s.postForm("/forgot-password", { email: member.email })).status).toBe(302);
      const r = await s.postForm("/forgot-password?_data=routes%2Fforgot-password", { email: member.email });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(JSON.stringify(await r.json())).toContain("Please try again in");
      // Another address from the same connection still gets through.
      expect((await s.postForm("/forgot-password", { email: `other-${Date.now()}@example.test` })).status).toBe(302);
    });

    it("forgot password: 20 an hour per connection, whatever the address", async () => {
      let status = 302;
      let sent = 0;
      while (status === 302 && sent < 30) {
        status = (await s.postForm("/forgot-password", { email: `ip-${sent}-${Date.now()}@example.test` })).status;
        if (status === 302) sent += 1;
      }
      expect(status).toBe(429);
      // Earlier tests in this file used some of the window (all from 127.0.0.1).
      expect(sent).toBeLessThanOrEqual(20);
    });

    it("magic link: 5 an hour per address, then 429 with Retry-After", async () => {
      const member = await createMember(s.app, "Linky");
      for (let i = 0; i < 5; i++) expect((await s.postForm("/signin/link", { email: member.email })).status).toBe(302);
      const r = await s.postForm("/signin/link", { email: member.email });
      expect(r.status).toBe(429);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  });
});
