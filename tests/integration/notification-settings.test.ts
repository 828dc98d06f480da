import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "#db/schema/index";
import { readNotificationSettings } from "#app/modules/notifications/settings";
import { unsubscribeUrl } from "#app/modules/notifications/unsubscribe.server";
import { createMember } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * The unsubscribe page and its one-click POST, and the settings → notifications form, through the
 * real server (server.ts's origin check, the production build): a mail client's POST has no Origin,
 * no session and no form token, and must change exactly the link's preference.
 */
describe(`notification settings and unsubscribe over HTTP on ${testDatabaseKind}`, () => {
  let s: AppServer;
  beforeAll(async () => {
    s = await startAppServer();
  });
  afterAll(() => s?.stop());

  const stored = async (m: Member) => (await s.app.db.select({ v: users.notificationSettings }).from(users).where(eq(users.id, m.id)))[0]!.v;
  const channels = async (m: Member) => readNotificationSettings(await stored(m)).channels;
  const linkFor = async (m: Member, scope: "mention" | "digest") => new URL(await unsubscribeUrl(s.app, { id: m.id, email: m.email }, scope));
  const oneClick = (path: string, headers: Record<string, string> = {}) =>
    fetch(s.url + path, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, redirect: "manual" });

  it("a mail client's one-click POST (no Origin, no session) changes only that type and answers 200; twice is fine", async () => {
    const m = await createMember(s.app, "OneClick");
    const link = await linkFor(m, "mention");
    const path = link.pathname + link.search;
    const first = await oneClick(path);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain("Mentions of me");
    const c = await channels(m);
    expect(c.mention).toBe("in_app");
    expect(c.reply).toBe("email");
    expect(c.event_update).toBe("email");
    // From another site, and again: still 200, nothing else changes.
    const again = await oneClick(path, { Origin: "https://mail.example" });
    expect(again.status).toBe(200);
    expect(await channels(m)).toEqual(c);
  });

  it("the page's GET changes nothing (link scanners follow links) and its button does the change", async () => {
    const m = await createMember(s.app, "Scanner");
    const link = await linkFor(m, "mention");
    const page = await fetch(s.url + link.pathname + link.search);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Stop these e-mails");
    expect(html).toContain("Mentions of me");
    expect((await channels(m)).mention).toBe("email");
    const r = await s.postForm(link.pathname + link.search, { token: link.searchParams.get("token")! });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("These now reach you in Hearth only, not by e-mail: Mentions of me.");
    expect((await channels(m)).mention).toBe("in_app");
  });

  it("forged, malformed and missing tokens: one friendly 400 page, nothing changed, nothing revealed", async () => {
    const m = await createMember(s.app, "Forgery");
    const before = await stored(m);
    for (const q of ["?token=" + "A".repeat(43), "?token=short", "?token=%00%3Cscript%3E", ""]) {
      const get = await fetch(`${s.url}/unsubscribe${q}`);
      expect(get.status).toBe(400);
      expect(await get.text()).toContain("This unsubscribe link doesn&#x27;t work");
      const post = await oneClick(`/unsubscribe${q}`);
      expect(post.status).toBe(400);
      expect(await post.text()).not.toContain(m.email);
    }
    expect(await stored(m)).toEqual(before);
  });

  it("other POSTs still need our origin: the unsubscribe exemption is that path only", async () => {
    const m = await createMember(s.app, "Origin");
    const r = await fetch(s.url + "/settings/notifications", {
      method: "POST",
      body: "timeZone=UTC&digestHour=8",
      headers: { "Content-Type": "application/x-www-form-urlencoded", cookie: s.cookie(m.token) },
      redirect: "manual",
    });
    expect(r.status).toBe(403);
  });

  describe("the settings form", () => {
    const post = async (m: Member, fields: [string, string][]) => {
      const body = new URLSearchParams(fields).toString();
      const r = await fetch(`${s.url}/settings/notifications?_data=routes%2Fsettings.notifications`, {
        method: "POST",
        body,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: s.url, cookie: s.cookie(m.token) },
        redirect: "manual",
      });
      return { status: r.status, body: (await r.json()) as { status?: string; error?: Record<string, string[] | null>; saved?: string } };
    };
    const valid: [string, string][] = [
      ["channels.reply", "digest"],
      ["channels.mention", "off"],
      ["quietHours", "on"],
      ["quietFrom", "22:00"],
      ["quietTo", "07:00"],
      ["timeZone", "Europe/Berlin"],
      ["digestHour", "19"],
    ];

    it("saves a valid form; types it leaves out keep their value; the private-text box unticked is stored as off", async () => {
      const m = await createMember(s.app, "Saver");
      await s.app.db.update(users).set({ notificationSettings: { channels: { report: "off" } } }).where(eq(users.id, m.id));
      const r = await post(m, valid);
      expect(r.status).toBe(200);
      expect(r.body.saved).toMatch(/^Saved\./);
      const v = readNotificationSettings(await stored(m));
      expect(v.channels).toMatchObject({ reply: "digest", mention: "off", report: "off", reaction: "in_app" });
      expect(v.quietHours).toEqual({ from: "22:00", to: "07:00" });
      expect([v.timeZone, v.digestHour, v.hidePrivateText]).toEqual(["Europe/Berlin", 19, false]);
      const page = await fetch(s.url + "/settings/notifications", { headers: { cookie: s.cookie(m.token) } });
      expect(page.status).toBe(200);
    });

    const bad: [string, [string, string][], string][] = [
      ["an unknown type", [...valid, ["channels.sms", "email"]], "channels"],
      ["an unknown channel", [...valid.filter(([k]) => k !== "channels.reply"), ["channels.reply", "pigeon"]], "channels.reply"],
      ["an unknown field", [...valid, ["isAdmin", "on"]], ""],
      ["a zone that isn't one", [...valid.filter(([k]) => k !== "timeZone"), ["timeZone", "Mars/Olympus_Mons"]], "timeZone"],
      ["a time that isn't HH:MM", [...valid.filter(([k]) => k !== "quietTo"), ["quietTo", "25:99"]], "quietTo"],
      ["quiet hours without an end", valid.filter(([k]) => k !== "quietTo"), "quietTo"],
      ["a digest hour of 24", [...valid.filter(([k]) => k !== "digestHour"), ["digestHour", "24"]], "digestHour"],
      ["a checkbox value a box can't send", [...valid, ["hidePrivateText", "yes"]], "hidePrivateText"],
    ];
    for (const [name, fields, errorAt] of bad) {
      it(`refuses ${name} inline and saves nothing`, async () => {
        const m = await createMember(s.app, "Strict");
        const before = await stored(m);
        const r = await post(m, fields);
        expect(r.status).toBe(400);
        expect(r.body.error?.[errorAt]?.length).toBeGreaterThan(0);
        expect(await stored(m)).toEqual(before);
      });
    }
  });
});
