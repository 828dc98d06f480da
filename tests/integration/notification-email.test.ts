import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accountTokens, groupMemberships, groups, notifications, organizations, users } from "#db/schema/index";
import type { AppContext } from "#app/lib/app-context.server";
import { newId } from "#app/lib/ids.server";
import { runSweeps } from "#app/modules/jobs/sweep.server";
import { createMailer } from "#app/modules/mail/mailer.server";
import { digestSweep } from "#app/modules/notifications/digest.server";
import { sendNotificationEmail } from "#app/modules/notifications/email.server";
import { recordNotifications, type NotificationDraft } from "#app/modules/notifications/record.server";
import { readNotificationSettings } from "#app/modules/notifications/settings";
import { checkUnsubscribe, unsubscribe, UNSUBSCRIBE_INVALID } from "#app/modules/notifications/unsubscribe.server";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox, type ReceivedMail } from "#tests/helpers/mail";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * Notification e-mail (issue 13): at once after quiet hours, the daily digest, access and preference
 * re-checked when the mail goes, one-click unsubscribe. A real SMTP server receives every message;
 * time moves by setting `app.clock` and running the sweeps, never by waiting.
 */
describe(`notification e-mail on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let inbox: Inbox;
  const realClock = () => ({ now: () => new Date() });

  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url, PUBLIC_ORIGIN: "https://hearth.example" });
    await t.app.jobs.start(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  const at = (iso: string) => {
    t.app.clock = { now: () => new Date(iso) };
  };

  async function group(visibility: "public" | "private", name = "Long Covid Circle") {
    const key = newId(8).toLowerCase();
    await t.app.db.insert(organizations).values({ id: `org-${key}`, slug: `org-${key}`, name: `Org ${key}` });
    await t.app.db.insert(groups).values({ id: `g-${key}`, slug: `g-${key}`, name, organizationId: `org-${key}`, visibility });
    return `g-${key}`;
  }
  const join = (groupId: string, m: Member, role: "member" | "moderator" = "member") =>
    t.app.db.insert(groupMemberships).values({ groupId, userId: m.id, role, status: "active" });
  const setSettings = (m: Member, settings: Record<string, unknown>) => t.app.db.update(users).set({ notificationSettings: settings }).where(eq(users.id, m.id));
  const settingsOf = async (m: Member) => readNotificationSettings((await t.app.db.select({ s: users.notificationSettings }).from(users).where(eq(users.id, m.id)))[0]!.s);
  const rowOf = async (id: string) => (await t.app.db.select().from(notifications).where(eq(notifications.id, id)))[0]!;

  function reply(to: Member, groupId: string, extra: Partial<NotificationDraft> = {}): NotificationDraft {
    return {
      kind: "reply",
      recipients: [to.id],
      audience: { group: groupId, may: "forum.read" },
      title: "Sam replied in “Pacing on bad days”",
      body: "Same here: I rest before the crash, not after.",
      link: `/groups/x/forum/thread-1#post-2`,
      groupId,
      dedupeKey: `reply:${newId()}`,
      ...extra,
    };
  }
  async function record(draft: NotificationDraft) {
    const [row] = await recordNotifications(t.app, draft);
    if (!row) throw new Error("nothing recorded");
    return row;
  }
  /** Records and waits for the e-mail job the recording queued to finish. */
  async function recordAndMail(draft: NotificationDraft) {
    const before = t.app.jobs.settledCount("notifications.email");
    const row = await record(draft);
    await t.app.jobs.waitFor("notifications.email", before + 1);
    return row;
  }
  const tokenIn = (mail: ReceivedMail) => {
    const link = mail.links.map((l) => new URL(l)).find((u) => u.pathname === "/unsubscribe");
    if (!link) throw new Error(`no unsubscribe link in "${mail.subject}"`);
    return link.searchParams.get("token")!;
  };
  /** A header as sent (unfolded), without its name. */
  const header = (mail: ReceivedMail, name: string) =>
    mail.raw.headerLines
      .find((h) => h.key === name)
      ?.line.replace(/\r?\n[ \t]+/g, "")
      .slice(name.length + 1)
      .trim();
  /** Quiet hours over the clock's time, so a recorded row waits (no job yet) for the test to act first. */
  const held = (m: Member, extra: Record<string, unknown> = {}) => setSettings(m, { quietHours: { from: "22:00", to: "07:00" }, timeZone: "UTC", ...extra });

  it("mails a reply at once: a plain subject, the title, excerpt and link in the body, unsubscribe headers and footer", async () => {
    t.app.clock = realClock();
    const m = await createMember(t.app, "Instant");
    const g = await group("public", "Chronic Pain Pals");
    await join(g, m);
    const row = await recordAndMail(reply(m, g));
    const mail = await inbox.next(m.email);
    expect(mail.subject).toBe("New reply on Hearth");
    expect(mail.subject).not.toMatch(/Pacing|Chronic|Sam/);
    expect(mail.text).toContain("Sam replied in “Pacing on bad days”");
    expect(mail.text).toContain("Same here: I rest before the crash, not after.");
    expect(mail.links).toContain("https://hearth.example/groups/x/forum/thread-1#post-2");
    expect(mail.links).toContain("https://hearth.example/settings/notifications");
    expect(mail.text).toContain("“Replies in threads I follow” is set to e-mail at once");
    const unsubscribeLink = `https://hearth.example/unsubscribe?token=${tokenIn(mail)}`;
    expect(header(mail, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(header(mail, "list-unsubscribe")).toBe(`<${unsubscribeLink}>`);
    expect((await rowOf(row.id)).emailStatus).toBe("sent");
  });

  it("a job run twice, or twice at once, e-mails once; a send that fails goes back to pending and the retry sends it once", async () => {
    at("2026-02-02T23:00:00Z");
    const m = await createMember(t.app, "Twice");
    await held(m);
    const g = await group("public");
    await join(g, m);
    const row = await record(reply(m, g));
    expect((await rowOf(row.id)).emailStatus).toBe("pending");
    at("2026-02-03T07:00:00Z");
    // A node whose SMTP server is down: the send throws, the row is pending again for the retry.
    const broken: AppContext = { ...t.app, mail: createMailer({ ...t.app.config, SMTP_URL: "smtp://127.0.0.1:1" }) };
    await expect(sendNotificationEmail(broken, row.id)).rejects.toThrow();
    expect((await rowOf(row.id)).emailStatus).toBe("pending");
    await Promise.all([sendNotificationEmail(t.app, row.id), sendNotificationEmail(t.app, row.id)]);
    await sendNotificationEmail(t.app, row.id);
    await inbox.next(m.email);
    expect(inbox.untaken(m.email)).toEqual([]);
    expect((await rowOf(row.id)).emailStatus).toBe("sent");
  });

  it("a row a stopped node left 'sending' goes back to pending after 15 minutes and is mailed once", async () => {
    at("2026-02-07T10:00:00Z");
    const m = await createMember(t.app, "Stuck");
    await held(m, { quietHours: { from: "09:00", to: "11:00" } });
    const g = await group("public");
    await join(g, m);
    const row = await record(reply(m, g));
    at("2026-02-07T11:00:00Z");
    await t.app.db.update(notifications).set({ emailStatus: "sending", updatedAt: new Date("2026-02-07T11:00:00Z") }).where(eq(notifications.id, row.id));
    at("2026-02-07T11:14:00Z");
    await runSweeps(t.app);
    expect((await rowOf(row.id)).emailStatus).toBe("sending");
    at("2026-02-07T11:16:00Z");
    const before = t.app.jobs.settledCount("notifications.email");
    await runSweeps(t.app);
    await t.app.jobs.waitFor("notifications.email", before + 1);
    await inbox.next(m.email);
    expect((await rowOf(row.id)).emailStatus).toBe("sent");
    expect(inbox.untaken(m.email)).toEqual([]);
  });

  it("leaves the text of private groups out (by default), and puts it in when the member asks", async () => {
    t.app.clock = realClock();
    const g = await group("private", "Secret Circle");
    const hiding = await createMember(t.app, "Hiding");
    const showing = await createMember(t.app, "Showing");
    await setSettings(showing, { hidePrivateText: false });
    await join(g, hiding);
    await join(g, showing);
    await recordAndMail(reply(hiding, g));
    const hidden = await inbox.next(hiding.email);
    expect(hidden.subject).toBe("New reply on Hearth");
    expect(hidden.text).toContain("New reply in a private group: open Hearth to read it.");
    expect(hidden.text + hidden.html).not.toMatch(/Pacing|Same here|Secret Circle|Sam /);
    await recordAndMail(reply(showing, g));
    expect((await inbox.next(showing.email)).text).toContain("Same here: I rest before the crash");
  });

  describe("access lost between the notice and the mail: no mail, the row is skipped", () => {
    const cases: [string, (m: Member, groupId: string) => Promise<unknown>, "public" | "private"][] = [
      ["left a private group", (m, g) => t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, g), eq(groupMemberships.userId, m.id))), "private"],
      ["banned from a public group", (m, g) => t.app.db.update(groupMemberships).set({ status: "banned" }).where(and(eq(groupMemberships.groupId, g), eq(groupMemberships.userId, m.id))), "public"],
      [
        "group made private (a follower who never joined)",
        async (m, g) => {
          await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, g), eq(groupMemberships.userId, m.id)));
          await t.app.db.update(groups).set({ visibility: "private" }).where(eq(groups.id, g));
        },
        "public",
      ],
      ["account deleted", (m) => t.app.db.update(users).set({ deletedAt: new Date(), email: null }).where(eq(users.id, m.id)), "private"],
      ["account suspended", (m) => t.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, m.id)), "private"],
      ["reply e-mail turned off since", (m) => setSettings(m, { channels: { reply: "in_app" } }), "private"],
    ];
    for (const [name, lose, visibility] of cases) {
      it(name, async () => {
        at("2026-02-04T23:00:00Z");
        const m = await createMember(t.app, "Lost");
        await held(m);
        const g = await group(visibility);
        await join(g, m);
        const row = await record(reply(m, g));
        await lose(m, g);
        at("2026-02-05T07:00:00Z");
        await sendNotificationEmail(t.app, row.id);
        expect((await rowOf(row.id)).emailStatus).toBe("skipped");
        expect(inbox.untaken(m.email)).toEqual([]);
      });
    }
  });

  it("holds mail caused at 23:00 local in quiet hours 22:00–07:00: not sent at 06:59, sent by the sweep at 07:00", async () => {
    const m = await createMember(t.app, "Quiet");
    await setSettings(m, { quietHours: { from: "22:00", to: "07:00" }, timeZone: "Europe/Berlin" });
    const g = await group("public");
    await join(g, m);
    at("2026-01-15T22:00:00Z"); // 23:00 in Berlin (CET)
    const row = await record(reply(m, g));
    expect((await rowOf(row.id)).emailDueAt?.toISOString()).toBe("2026-01-16T06:00:00.000Z");
    at("2026-01-16T05:59:00Z"); // 06:59 in Berlin
    await runSweeps(t.app);
    await sendNotificationEmail(t.app, row.id);
    expect((await rowOf(row.id)).emailStatus).toBe("pending");
    expect(inbox.untaken(m.email)).toEqual([]);
    at("2026-01-16T06:00:00Z"); // 07:00
    const before = t.app.jobs.settledCount("notifications.email");
    await runSweeps(t.app);
    await t.app.jobs.waitFor("notifications.email", before + 1);
    expect((await inbox.next(m.email)).subject).toBe("New reply on Hearth");
    expect((await rowOf(row.id)).emailStatus).toBe("sent");
  });

  it("an urgent report reaches a moderator at once, in quiet hours and with reports set to the digest", async () => {
    at("2026-02-06T23:30:00Z");
    const mod = await createMember(t.app, "Moderator");
    await held(mod, { channels: { report: "digest" } });
    const g = await group("private", "Crisis Circle");
    await join(g, mod, "moderator");
    const before = t.app.jobs.settledCount("notifications.email");
    const row = await record({
      kind: "report",
      recipients: [mod.id],
      audience: { group: g, may: "moderation.viewQueue" },
      title: "Crisis report in Crisis Circle",
      body: "I can't go on",
      link: "/moderation",
      groupId: g,
      dedupeKey: `report:${newId()}`,
      urgent: true,
    });
    await t.app.jobs.waitFor("notifications.email", before + 1);
    const mail = await inbox.next(mod.email);
    expect(mail.subject).toBe("Urgent report waiting on Hearth");
    expect(mail.text).not.toContain("Crisis Circle");
    expect(mail.text).toContain("Urgent reports always reach the moderators by e-mail");
    expect((await rowOf(row.id)).emailStatus).toBe("sent");
  });

  it("sends the digest once a day at the member's hour in their zone, across a DST change, never twice", async () => {
    const m = await createMember(t.app, "Digest");
    await setSettings(m, { timeZone: "America/New_York", digestHour: 8, channels: { reply: "digest", mention: "digest" } });
    const pub = await group("public", "Open Circle");
    const priv = await group("private", "Hidden Circle");
    await join(pub, m);
    await join(priv, m);
    at("2026-03-07T10:00:00Z");
    const a = await record(reply(m, pub));
    await record(reply(m, priv, { title: "Kim replied in “Hidden thread”" }));
    await record({ ...reply(m, pub), kind: "mention", title: "Lee mentioned you in “Good days”" });
    expect((await rowOf(a.id)).emailStatus).toBe("digest");
    at("2026-03-07T12:59:00Z"); // 07:59 EST
    await runSweeps(t.app);
    expect(inbox.untaken(m.email)).toEqual([]);
    at("2026-03-07T13:00:00Z"); // 08:00 EST
    // Two nodes sweeping at the same moment: one digest.
    await Promise.all([digestSweep(t.app, t.app.clock.now()), digestSweep(t.app, t.app.clock.now())]);
    const first = await inbox.next(m.email);
    expect(first.subject).toBe("Your daily digest from Hearth");
    expect(first.text).toContain("Replies in threads I follow (2):");
    expect(first.text).toContain("Sam replied in “Pacing on bad days”");
    expect(first.text).toContain("New reply in a private group: open Hearth to read it.");
    expect(first.text).not.toContain("Hidden thread");
    expect(first.text).toContain("Mentions of me (1):");
    expect(header(first, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect((await rowOf(a.id)).emailStatus).toBe("sent");
    at("2026-03-07T20:00:00Z");
    await record(reply(m, pub));
    await runSweeps(t.app);
    expect(inbox.untaken(m.email)).toEqual([]);
    // 8 March: New York moves to EDT (UTC−4) at 02:00, so 08:00 local is 12:00 UTC, not 13:00.
    at("2026-03-08T11:59:00Z");
    await runSweeps(t.app);
    expect(inbox.untaken(m.email)).toEqual([]);
    at("2026-03-08T12:00:00Z");
    await runSweeps(t.app);
    expect((await inbox.next(m.email)).text).toContain("Replies in threads I follow (1):");
    at("2026-03-08T13:00:00Z");
    await record(reply(m, pub));
    await runSweeps(t.app);
    expect(inbox.untaken(m.email)).toEqual([]);
  });

  it("one-click unsubscribe changes only that type, works twice, and older links keep working", async () => {
    t.app.clock = realClock();
    const m = await createMember(t.app, "Unsub");
    const g = await group("public");
    await join(g, m);
    await recordAndMail(reply(m, g));
    const older = tokenIn(await inbox.next(m.email));
    await recordAndMail(reply(m, g));
    const newer = tokenIn(await inbox.next(m.email));
    expect(await checkUnsubscribe(t.app, older)).toEqual({ label: "Replies in threads I follow" });
    // The GET page's check changes nothing.
    expect((await settingsOf(m)).channels.reply).toBe("email");
    expect(await unsubscribe(t.app, older)).toEqual({ label: "Replies in threads I follow", changed: ["Replies in threads I follow"] });
    expect(await unsubscribe(t.app, newer)).toEqual({ label: "Replies in threads I follow", changed: [] });
    const s = await settingsOf(m);
    expect(s.channels.reply).toBe("in_app");
    expect(s.channels.mention).toBe("email");
    expect(s.channels.event_reminder).toBe("email");
  });

  it("the digest's link turns every digest type to in-app only, and nothing else", async () => {
    const m = await createMember(t.app, "UnsubDigest");
    await setSettings(m, { channels: { reply: "digest", reaction: "digest", mention: "email" } });
    const g = await group("public");
    await join(g, m);
    at("2026-04-01T12:00:00Z");
    await record(reply(m, g));
    at("2026-04-02T09:00:00Z");
    await runSweeps(t.app);
    const token = tokenIn(await inbox.next(m.email));
    // Organizers' RSVP notices and library reviews go to the digest by default, so they stop too.
    expect((await unsubscribe(t.app, token)).changed).toEqual([
      "Replies in threads I follow",
      "Reactions to my posts",
      "RSVPs to events I organize",
      "Library resources due for review",
    ]);
    const s = await settingsOf(m);
    expect([s.channels.reply, s.channels.reaction, s.channels.resource_review, s.channels.mention]).toEqual(["in_app", "in_app", "in_app", "email"]);
  });

  it("refuses forged, malformed, expired and wrong-purpose tokens with one message and changes nothing", async () => {
    t.app.clock = realClock();
    const m = await createMember(t.app, "Forged");
    const g = await group("public");
    await join(g, m);
    await recordAndMail(reply(m, g));
    const real = tokenIn(await inbox.next(m.email));
    await t.app.db.update(accountTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(accountTokens.userId, m.id));
    await t.app.db.insert(accountTokens).values({ tokenHash: "x".repeat(64), userId: m.id, purpose: "magic_link", email: m.email, scope: "reply", expiresAt: new Date(Date.now() + 60_000) });
    for (const token of [real, "A".repeat(43), "short", `${real}x`, "../../etc/passwd", "", "x".repeat(64)]) {
      await expect(unsubscribe(t.app, token)).rejects.toMatchObject({ code: "invalid", message: UNSUBSCRIBE_INVALID });
      await expect(checkUnsubscribe(t.app, token)).rejects.toMatchObject({ code: "invalid", message: UNSUBSCRIBE_INVALID });
    }
    expect((await settingsOf(m)).channels.reply).toBe("email");
  });
});
