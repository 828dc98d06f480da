import { and, eq } from "drizzle-orm";
import type { Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountTokens, sessions, users } from "#db/schema/index";
import { sessionRef } from "#app/modules/accounts/sessions.server";
import { issueToken } from "#app/modules/accounts/tokens.server";
import { createSession } from "#app/modules/auth/session.server";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox, type ReceivedMail } from "#tests/helpers/mail";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;
type Reply = { status?: string; error?: Record<string, string[] | null>; sentTo?: string | null; done?: string | null; ok?: boolean; message?: string };

const LINK_INVALID = "This link has expired or has already been used. You can ask for a new one.";
const HOSTILE = `'; drop table users; -- <script>alert(1)</script>`;
const MB = "x".repeat(1024 * 1024);
const FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0";

/**
 * Settings (e-mail change, password change, sessions, accessibility preferences) through the real
 * server (production build, Express, Socket.IO) with its job workers mailing a real SMTP inbox.
 */
describe(`settings through the real server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let inbox: Inbox;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    inbox = await startInbox();
    s = await startAppServer({ SMTP_URL: inbox.url, MAIL_FROM: "Hearth <no-reply@hearth.test>" }, { jobs: true });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await s?.stop();
    await inbox?.close();
  });

  const get = (path: string, m?: { token: string }, headers: Record<string, string> = {}) =>
    fetch(s.url + path, { redirect: "manual", headers: { ...(m ? { cookie: s.cookie(m.token) } : {}), ...headers } });
  const route = (id: string) => `?_data=${encodeURIComponent(`routes/${id}`)}`;
  /** A form POST to a settings page, answered as the route's JSON (what the page renders from). */
  const post = async (path: string, fields: Record<string, string>, m?: { token: string }) => {
    const r = await s.postForm(path + route(path.slice(1).replaceAll("/", ".")), fields, m ? { cookie: s.cookie(m.token) } : {});
    const body = r.headers.get("content-type")?.includes("json") ? ((await r.json()) as Reply) : null;
    return { status: r.status, body, location: r.headers.get("location") ?? r.headers.get("x-remix-redirect") };
  };
  const linkIn = (mail: ReceivedMail, prefix: string) => {
    const url = mail.links.map((l) => new URL(l)).find((u) => u.pathname === prefix);
    if (!url) throw new Error(`no ${prefix} link in "${mail.subject}"`);
    return url.pathname + url.search;
  };
  const tokenOf = (path: string) => new URL(path, "http://x").searchParams.get("token")!;
  const emailOf = async (id: string) => (await s.app.db.select({ email: users.email }).from(users).where(eq(users.id, id)))[0]!.email;
  const sessionIds = async (userId: string) => (await s.app.db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, userId))).map((r) => r.id).sort();
  const socketOf = (token: string) => connectedSocket(s.url, { cookie: s.cookie(token), origin: s.url, track: sockets });
  const disconnectedOf = (socket: Socket) => new Promise<void>((resolve) => socket.once("disconnect", () => resolve()));

  describe("the layout", () => {
    it("sends visitors to sign in and back, and /settings to the profile page", async () => {
      const visitor = await get("/settings/email");
      expect(visitor.status).toBe(302);
      expect(visitor.headers.get("location")).toBe("/signin?redirectTo=%2Fsettings%2Femail");
      const m = await createMember(s.app, "Layout");
      const index = await get("/settings", m);
      expect(index.status).toBe(302);
      expect(index.headers.get("location")).toBe("/settings/profile");
    });

    it("has the Settings nav with every page in order, the active one marked, and the header links to it", async () => {
      const m = await createMember(s.app, "Nav");
      const html = await (await get("/settings/sessions", m)).text();
      const nav = /<nav aria-label="Settings"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
      const links = [...nav.matchAll(/<a [^>]*href="([^"]+)"[^>]*>([^<]+)<\/a>/g)].map((x) => [x[1], x[2]]);
      expect(links).toEqual([
        ["/settings/profile", "Profile"],
        ["/settings/email", "E-mail"],
        ["/settings/notifications", "Notifications"],
        ["/settings/password", "Password"],
        ["/settings/sessions", "Sessions"],
        ["/settings/passkeys", "Passkeys"],
        ["/settings/accessibility", "Accessibility"],
        ["/settings/messages", "Direct messages"],
        ["/settings/blocked", "Blocked members"],
        ["/settings/data", "Your data"],
        ["/settings/delete", "Delete account"],
      ]);
      expect(nav).toMatch(/aria-current="page"[^>]*href="\/settings\/sessions"|href="\/settings\/sessions"[^>]*aria-current="page"/);
      expect((nav.match(/aria-current/g) ?? []).length).toBe(1);
      expect(html).toMatch(/<h1[^>]*>Settings<\/h1>/);
      expect(html).toMatch(/<a (?=[^>]*href="\/settings")(?=[^>]*data-testid="signed-in-as")/);
    });
  });

  describe("device labels", () => {
    it("sign-in stores the browser and system, never the raw header", async () => {
      const m = await createMember(s.app, "Device");
      const r = await s.postForm("/signin", { email: m.email, password: m.password, redirectTo: "" }, { "User-Agent": FIREFOX_ANDROID });
      expect(r.status).toBe(302);
      const token = /hearth_session=([a-z0-9]+)/.exec(r.headers.get("set-cookie") ?? "")![1]!;
      const [row] = await s.app.db.select().from(sessions).where(eq(sessions.id, token));
      expect(row!.device).toBe("Firefox on Android");
    });
  });

  describe("e-mail change", () => {
    it("is confirmed only by the link's POST; the old address is told without the new one in full", async () => {
      const m = await createMember(s.app, "Mover");
      const newEmail = `moved-${Date.now()}@elsewhere.test`;
      const r = await post("/settings/email", { newEmail: newEmail.toUpperCase(), currentPassword: m.password }, m);
      expect(r.status).toBe(200);
      expect(r.body?.sentTo).toBe(newEmail);
      expect(await emailOf(m.id)).toBe(m.email);

      const confirm = await inbox.next(newEmail);
      expect(confirm.subject).toBe("Confirm your new address for Hearth");
      const link = linkIn(confirm, "/change-email");
      const notice = await inbox.next(m.email);
      expect(notice.subject).toBe("A change of address was asked for on your Hearth account");
      expect(notice.text).toContain("m…@e….test");
      expect(notice.text + notice.html).not.toContain(newEmail);
      expect(notice.text + notice.html).not.toContain("moved-");

      // The GET (what a mail scanner follows) changes nothing, however often.
      for (let i = 0; i < 2; i++) {
        const page = await get(link);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain("Use this address");
      }
      expect(await emailOf(m.id)).toBe(m.email);

      const done = await post("/change-email", { token: tokenOf(link) });
      expect(done.status).toBe(200);
      expect(done.body?.ok).toBe(true);
      const [user] = await s.app.db.select().from(users).where(eq(users.id, m.id));
      expect(user!.email).toBe(newEmail);
      expect(user!.emailVerifiedAt).not.toBeNull();

      // Reused: refused, and the address stays.
      const again = await post("/change-email", { token: tokenOf(link) });
      expect(again.status).toBe(400);
      expect(again.body?.message).toBe(LINK_INVALID);
      expect((await get(link)).status).toBe(400);
      // The new address signs in; the old one no longer does.
      expect((await s.postForm("/signin", { email: newEmail, password: m.password, redirectTo: "" })).status).toBe(302);
      expect((await s.postForm("/signin", { email: m.email, password: m.password, redirectTo: "" })).status).toBe(400);
    });

    it("answers the same for an address that already has an account, whose owner is told instead of getting a link", async () => {
      const [m, owner] = [await createMember(s.app, "Asker"), await createMember(s.app, "Owner")];
      const fresh = `fresh-${Date.now()}@example.test`;
      const a = await post("/settings/email", { newEmail: fresh, currentPassword: m.password }, m);
      const b = await post("/settings/email", { newEmail: owner.email, currentPassword: m.password }, m);
      expect(a.status).toBe(b.status);
      expect({ ...a.body, sentTo: "x", initialValue: null }).toEqual({ ...b.body, sentTo: "x", initialValue: null });

      const toOwner = await inbox.next(owner.email);
      expect(toOwner.subject).toBe("Someone tried to use your address on Hearth");
      expect(toOwner.text).toContain("already has a Hearth account");
      expect(toOwner.links.some((l) => l.includes("/change-email"))).toBe(false);
      linkIn(await inbox.next(fresh), "/change-email");
      // Both requests told the asker's own address.
      await inbox.next(m.email);
      await inbox.next(m.email);
      expect(await emailOf(m.id)).toBe(m.email);
      expect(await emailOf(owner.id)).toBe(owner.email);
    });

    it("refuses a wrong current password, stores nothing and sends nothing", async () => {
      const m = await createMember(s.app, "Wrong");
      const refused = `w-${Date.now()}@example.test`;
      const r = await post("/settings/email", { newEmail: refused, currentPassword: "not my password" }, m);
      expect(r.status).toBe(400);
      expect(r.body?.error?.currentPassword).toEqual(["That isn't your current password."]);
      expect(await s.app.db.select().from(accountTokens).where(eq(accountTokens.userId, m.id))).toHaveLength(0);
      // A later, right request's mails arrive; the refused one sent nothing before or with them.
      const later = `later-${Date.now()}@example.test`;
      expect((await post("/settings/email", { newEmail: later, currentPassword: m.password }, m)).status).toBe(200);
      await inbox.next(later);
      const notice = await inbox.next(m.email);
      expect(notice.text).toContain("l…@e….test");
      expect(inbox.untaken(refused)).toHaveLength(0);
      expect(inbox.untaken(m.email)).toHaveLength(0);
    });

    it.each([
      ["an empty address", { newEmail: "" }, "newEmail"],
      ["a malformed address", { newEmail: "not an address" }, "newEmail"],
      ["an oversize address", { newEmail: `${"a".repeat(300)}@example.test` }, "newEmail"],
      ["a hostile address", { newEmail: HOSTILE }, "newEmail"],
      ["a 1 MB password", { newEmail: "ok@example.test", currentPassword: MB }, "currentPassword"],
      ["no password", { newEmail: "ok2@example.test", currentPassword: "" }, "currentPassword"],
    ])("refuses %s with a field error and changes nothing", async (_name, fields, field) => {
      const m = await createMember(s.app, "Bad");
      const r = await post("/settings/email", { currentPassword: m.password, ...fields }, m);
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      if (r.status === 400) expect(r.body?.error?.[field]?.[0]).toBeTruthy();
      expect(await emailOf(m.id)).toBe(m.email);
      expect(await s.app.db.select().from(accountTokens).where(eq(accountTokens.userId, m.id))).toHaveLength(0);
    });

    it("refuses the member's own address", async () => {
      const m = await createMember(s.app, "Same");
      const r = await post("/settings/email", { newEmail: m.email, currentPassword: m.password }, m);
      expect(r.status).toBe(400);
      expect(r.body?.error?.newEmail).toEqual(["That is already your address."]);
    });

    it("refuses forged, expired, other-purpose and missing links on the GET and the POST, changing nothing", async () => {
      const m = await createMember(s.app, "Links");
      const expired = await issueToken(s.app, m.id, "change_email", "expired@example.test");
      await s.app.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(and(eq(accountTokens.userId, m.id), eq(accountTokens.purpose, "change_email")));
      const otherPurpose = await issueToken(s.app, m.id, "reset_password", "reset@example.test");
      for (const token of ["A".repeat(43), expired, otherPurpose, "", HOSTILE, MB.slice(0, 5000)]) {
        const page = await get(`/change-email?token=${encodeURIComponent(token)}`);
        expect(page.status).toBe(400);
        expect(await page.text()).toContain("This link doesn");
        const r = await post("/change-email", { token });
        expect(r.status).toBe(400);
        expect(r.body?.message).toBe(LINK_INVALID);
      }
      expect(await emailOf(m.id)).toBe(m.email);
    });
  });

  describe("password change", () => {
    it("needs the current password, ends every other session and its sockets, keeps this one, and mails a notice", async () => {
      const m = await createMember(s.app, "Pass");
      const other = await createSession(s.app, m.id, "Chrome on Windows");
      const third = await createSession(s.app, m.id, "Safari on iPhone");
      const bystander = await createMember(s.app, "Bystander");
      const [mine, theirs, unrelated] = [await socketOf(m.token), await socketOf(other.token), await socketOf(bystander.token)];

      const wrong = await post("/settings/password", { currentPassword: "nope nope nope", newPassword: "a brand new passphrase" }, m);
      expect(wrong.status).toBe(400);
      expect(wrong.body?.error?.currentPassword).toEqual(["That isn't your current password."]);
      expect(await sessionIds(m.id)).toEqual([m.token, other.token, third.token].sort());

      const gone = disconnectedOf(theirs);
      const r = await post("/settings/password", { currentPassword: m.password, newPassword: "a brand new passphrase" }, m);
      expect(r.status).toBe(200);
      expect(r.body?.done).toContain("2 other sessions ended");
      await gone;
      expect(await sessionIds(m.id)).toEqual([m.token]);
      expect(mine.connected).toBe(true);
      expect(unrelated.connected).toBe(true);
      expect(JSON.stringify(r.body)).not.toContain("a brand new passphrase");

      const notice = await inbox.next(m.email);
      expect(notice.subject).toBe("Your Hearth password was changed");
      expect((await s.postForm("/signin", { email: m.email, password: "a brand new passphrase", redirectTo: "" })).status).toBe(302);
      expect((await s.postForm("/signin", { email: m.email, password: m.password, redirectTo: "" })).status).toBe(400);
    });

    it.each([
      ["an empty new password", { newPassword: "" }, "newPassword"],
      ["a short new password", { newPassword: "short" }, "newPassword"],
      ["an oversize new password", { newPassword: "p".repeat(300) }, "newPassword"],
      ["no current password", { currentPassword: "", newPassword: "a fine passphrase" }, "currentPassword"],
      ["a hostile current password", { currentPassword: HOSTILE, newPassword: "a fine passphrase" }, "currentPassword"],
    ])("refuses %s, keeping the password and every session", async (_name, fields, field) => {
      const m = await createMember(s.app, "BadPass");
      const other = await createSession(s.app, m.id, "Chrome on Windows");
      const before = (await s.app.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, m.id)))[0]!.h;
      const r = await post("/settings/password", { currentPassword: m.password, ...fields }, m);
      expect(r.status).toBe(400);
      expect(r.body?.error?.[field]?.[0]).toBeTruthy();
      expect((await s.app.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, m.id)))[0]!.h).toBe(before);
      expect(await sessionIds(m.id)).toEqual([m.token, other.token].sort());
    });
  });

  describe("sessions", () => {
    const refsIn = (html: string) => [...html.matchAll(/name="session" value="([^"]+)"/g)].map((x) => x[1]!);

    it("lists each session with its device, approximate last use and sign-in date, and never a token", async () => {
      const m = await createMember(s.app, "Lister");
      await s.app.db.update(sessions).set({ device: "Chrome on Windows" }).where(eq(sessions.id, m.token));
      const old = await createSession(s.app, m.id, "Firefox on Android");
      await s.app.db.update(sessions).set({ lastUsedAt: new Date(Date.now() - 3 * 24 * 3600_000 - 60_000) }).where(eq(sessions.id, old.token));
      const html = await (await get("/settings/sessions", m)).text();
      expect(html).toContain("Chrome on Windows");
      expect(html).toContain("this device");
      expect(html).toContain("Firefox on Android");
      expect(html).toContain("Last used: <!-- -->3 days ago");
      expect(html).toContain("Last used: <!-- -->active now");
      expect(html).not.toContain(m.token);
      expect(html).not.toContain(old.token);
      // Only the other session can be ended here (this one signs out).
      expect(refsIn(html)).toHaveLength(1);
    });

    it("ends one session at once (its socket too), refuses another account's, and ends all others", async () => {
      const [m, stranger] = [await createMember(s.app, "Ender"), await createMember(s.app, "Stranger")];
      const a = await createSession(s.app, m.id, "Firefox on Android");
      const b = await createSession(s.app, m.id, "Safari on iPhone");
      const strangerOther = await createSession(s.app, stranger.id, "Edge on Windows");

      // A stranger's session reference (from their own page) names nothing of this member's: 404, nothing ended.
      const strangerRef = refsIn(await (await get("/settings/sessions", stranger)).text())[0]!;
      const foreign = await post("/settings/sessions", { intent: "end", session: strangerRef }, m);
      expect(foreign.status).toBe(404);
      expect(await sessionIds(stranger.id)).toEqual([stranger.token, strangerOther.token].sort());

      // The page offers both other sessions, by reference (never their tokens).
      const refs = refsIn(await (await get("/settings/sessions", m)).text());
      expect(refs.sort()).toEqual([sessionRef(a.token), sessionRef(b.token)].sort());
      const [sockA, sockB, sockMine] = [await socketOf(a.token), await socketOf(b.token), await socketOf(m.token)];
      const goneA = disconnectedOf(sockA);
      const ended = await post("/settings/sessions", { intent: "end", session: sessionRef(a.token) }, m);
      expect(ended.status).toBe(200);
      await goneA;
      expect(await sessionIds(m.id)).toEqual([m.token, b.token].sort());
      expect(sockB.connected).toBe(true);
      expect(sockMine.connected).toBe(true);
      // The ended session's cookie no longer signs anyone in.
      const root = (await (await get("/?_data=root", { token: a.token })).json()) as { viewer: unknown };
      expect(root.viewer).toBeNull();

      const goneB = disconnectedOf(sockB);
      const all = await post("/settings/sessions", { intent: "end-others" }, m);
      expect(all.status).toBe(200);
      expect(all.body?.message).toBe("1 other session ended.");
      await goneB;
      expect(await sessionIds(m.id)).toEqual([m.token]);
      expect(sockMine.connected).toBe(true);
      expect(await sessionIds(stranger.id)).toEqual([stranger.token, strangerOther.token].sort());
    });

    it.each([
      ["no session", { intent: "end" }, 400],
      ["a malformed reference", { intent: "end", session: HOSTILE }, 400],
      ["an oversize reference", { intent: "end", session: MB }, 400],
      ["an unknown intent", { intent: "explode" }, 400],
      ["an unknown reference", { intent: "end", session: "A".repeat(22) }, 404],
    ])("refuses %s, ending nothing", async (_name, fields, status) => {
      const m = await createMember(s.app, "BadEnd");
      const other = await createSession(s.app, m.id, "Chrome on Windows");
      const r = await post("/settings/sessions", fields, m);
      expect(r.status).toBe(status);
      expect(await sessionIds(m.id)).toEqual([m.token, other.token].sort());
    });

    it("won't end this device's session from the list (that is signing out)", async () => {
      const m = await createMember(s.app, "Self");
      await createSession(s.app, m.id, "Chrome on Windows");
      // This device's reference (the page doesn't offer it), made as the module makes it.
      const r = await post("/settings/sessions", { intent: "end", session: sessionRef(m.token) }, m);
      expect(r.status).toBe(400);
      expect(await sessionIds(m.id)).toContain(m.token);
    });
  });

  describe("accessibility preferences", () => {
    const htmlTag = async (m?: Member) => /<html[^>]*>/.exec(await (await get("/groups", m)).text())![0];

    it("are stored with the account and server-rendered on every page, on every device of that member", async () => {
      const m = await createMember(s.app, "Prefs");
      const r = await post("/settings/accessibility", { textSize: "150", theme: "contrast", reduceMotion: "on", chatSend: "ctrl-enter" }, m);
      expect(r.status).toBe(200);
      const [row] = await s.app.db.select({ p: users.preferences }).from(users).where(eq(users.id, m.id));
      expect(row!.p).toEqual({ textSize: 150, theme: "contrast", reduceMotion: true, chatSend: "ctrl-enter" });

      const second = await createSession(s.app, m.id, "Safari on iPhone");
      for (const tag of [await htmlTag(m), await htmlTag({ ...m, token: second.token })]) {
        expect(tag).toContain('data-theme="contrast"');
        expect(tag).toContain('data-text-size="150"');
        expect(tag).toContain("data-reduce-motion");
      }
      // Someone else, and a visitor, keep the system defaults.
      const visitor = await htmlTag();
      expect(visitor).toContain('data-theme="system"');
      expect(visitor).toContain('data-text-size="100"');
      expect(visitor).not.toContain("data-reduce-motion");
      expect(await htmlTag(await createMember(s.app, "Other"))).toContain('data-theme="system"');

      // Unticking reduce motion and choosing dark.
      await post("/settings/accessibility", { textSize: "100", theme: "dark", chatSend: "enter" }, m);
      const tag = await htmlTag(m);
      expect(tag).toContain('data-theme="dark"');
      expect(tag).not.toContain("data-reduce-motion");
    });

    it.each([
      ["nothing", {}, "textSize"],
      ["a text size not offered", { textSize: "200" }, "textSize"],
      ["an unknown theme", { theme: "neon" }, "theme"],
      ["a hostile theme", { theme: HOSTILE }, "theme"],
      ["an oversize value", { chatSend: MB }, "chatSend"],
      ["a malformed checkbox", { reduceMotion: "yes please" }, "reduceMotion"],
    ])("refuse %s, storing nothing", async (_name, fields, field) => {
      const m = await createMember(s.app, "BadPrefs");
      const valid = { textSize: "125", theme: "light", chatSend: "enter" };
      const r = await post("/settings/accessibility", Object.keys(fields).length ? { ...valid, ...fields } : {}, m);
      expect(r.status).toBe(400);
      expect(r.body?.ok).toBe(false);
      expect(r.body?.message).toBeTruthy();
      expect((r.body as { fieldErrors?: Record<string, string[]> }).fieldErrors?.[field]?.[0]).toBeTruthy();
      const [row] = await s.app.db.select({ p: users.preferences }).from(users).where(eq(users.id, m.id));
      expect(row!.p).toEqual({ textSize: 100, theme: "system", reduceMotion: false, chatSend: "enter" });
    });
  });
});
