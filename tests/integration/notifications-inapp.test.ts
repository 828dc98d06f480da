import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, organizationMembers, organizations, users } from "#db/schema/index";
import { noopPublisher } from "#app/lib/app-context.server";
import { encodeCursor } from "#app/lib/cursor";
import { newId } from "#app/lib/ids.server";
import { listNotifications, markRead, unreadCount } from "#app/modules/notifications/notifications.server";
import { setGroupModerator } from "#app/modules/organizations/organizations.server";
import type { LiveNotification } from "#app/modules/notifications/types";
import { action, loader } from "#app/routes/notifications";
import { createMember, createTestApp, type TestApp } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { connected, startTestServer } from "#tests/helpers/server";

type Member = Awaited<ReturnType<typeof createMember>>;
type Feed = { days: { label: string; lines: { ids: string[]; title: string; link: string | null; unread: boolean; urgent: boolean }[] }[]; nextCursor: string | null };

/** The notifications page and the header count: grouped, marked read, and only what the member may still see. */
describe(`the notifications page on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let pushed: { userId: string; unread: number; title: string | null }[] = [];
  let ann: Member, ben: Member, other: Member;
  const NOW = new Date("2026-03-10T12:00:00Z");

  beforeAll(async () => {
    t = await createTestApp();
    t.app.clock = { now: () => NOW };
    t.app.realtime = { ...noopPublisher, notify: (userId, e) => void pushed.push({ userId, unread: e.unread, title: e.notification?.title ?? null }) };
    [ann, ben, other] = [await createMember(t.app, "Ann"), await createMember(t.app, "Ben"), await createMember(t.app, "Other")];
    await t.app.db.insert(organizations).values({ id: "org-i", slug: "org-i", name: "Org I" });
    await t.app.db.insert(groups).values([
      { id: "g-open", slug: "open", name: "Open group", organizationId: "org-i" },
      { id: "g-priv", slug: "priv", name: "Private group", organizationId: "org-i", visibility: "private" },
    ]);
  });
  afterAll(() => t?.close());

  const ctx = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });
  const page = async (viewer: Member, after?: string) =>
    (await loader({ request: new Request(`http://localhost/notifications${after ? `?after=${encodeURIComponent(after)}` : ""}`), context: ctx(viewer), params: {} })) as unknown as Feed;
  const post = async (viewer: Member, body: string) => {
    const request = new Request("http://localhost/notifications", { method: "POST", body, headers: { "Content-Type": "application/x-www-form-urlencoded" } });
    return (await action({ request, context: ctx(viewer), params: {} })) as Response;
  };
  const notice = (userId: string, over: Partial<typeof notifications.$inferInsert> = {}) => ({
    id: newId(),
    userId,
    kind: "reply",
    title: "Someone replied in “Botox timing”",
    link: "/groups/open/forum/t1#post-1",
    groupId: "g-open",
    createdAt: new Date(NOW.getTime() - 60_000),
    ...over,
  });
  const clear = (userId: string) => t.app.db.delete(notifications).where(eq(notifications.userId, userId));

  it("groups by day in the member's time zone and folds consecutive notices about the same place into one line", async () => {
    await clear(ann.id);
    const at = (iso: string) => new Date(iso);
    await t.app.db.insert(notifications).values([
      notice(ann.id, { title: "Cara replied in “Botox timing”", link: "/groups/open/forum/t1#post-3", createdAt: at("2026-03-10T11:00:00Z") }),
      notice(ann.id, { title: "Dev replied in “Botox timing”", link: "/groups/open/forum/t1#post-2", createdAt: at("2026-03-10T10:00:00Z") }),
      notice(ann.id, { title: "Eli replied in “Botox timing”", link: "/groups/open/forum/t1#post-1", createdAt: at("2026-03-10T09:00:00Z"), readAt: at("2026-03-10T09:30:00Z") }),
      notice(ann.id, { kind: "report", title: "Urgent: a crisis report in Open group", link: "/moderation#x-title", urgent: true, createdAt: at("2026-03-09T18:00:00Z"), groupId: null }),
      notice(ann.id, { kind: "moderation", title: "Your account has been restored", link: null, groupId: null, createdAt: at("2026-03-01T08:00:00Z"), readAt: at("2026-03-02T08:00:00Z") }),
    ]);
    const { days } = await page(ann);
    expect(days.map((d) => d.label)).toEqual(["Today", "Yesterday", "Sunday, 1 March 2026"]);
    const [replies] = days[0]!.lines;
    expect(days[0]!.lines).toHaveLength(1);
    expect(replies).toMatchObject({ title: "3 new replies in “Botox timing”", unread: true, urgent: false });
    expect(replies!.ids).toHaveLength(3);
    // Reading starts at the oldest unread reply.
    expect(replies!.link).toBe("/groups/open/forum/t1#post-2");
    expect(days[1]!.lines[0]).toMatchObject({ urgent: true, unread: true, title: "Urgent: a crisis report in Open group" });
    expect(days[2]!.lines[0]).toMatchObject({ unread: false, link: null });
  });

  it("uses the member's zone for the day: late evening in New York is still yesterday there", async () => {
    await clear(ben.id);
    await t.app.db.insert(notifications).values(notice(ben.id, { createdAt: new Date("2026-03-10T03:00:00Z") }));
    expect((await page(ben)).days[0]!.label).toBe("Today");
    await t.app.db.update(users).set({ notificationSettings: { timeZone: "America/New_York" } }).where(eq(users.id, ben.id));
    expect((await page(ben)).days[0]!.label).toBe("Yesterday");
  });

  it("marks one line (all its folded notices) read, then all; other people's ids change nothing; the member's tabs hear the count", async () => {
    const { days } = await page(ann);
    const line = days[0]!.lines[0]!;
    pushed = [];
    const res = await post(ann, new URLSearchParams([["intent", "read"], ...line.ids.map((id) => ["id", id])]).toString());
    expect(res.status).toBe(200);
    expect(await unreadCount(t.app, ann)).toBe(1);
    expect(pushed).toEqual([{ userId: ann.id, unread: 1, title: null }]);
    // A single id (one field) parses as a line too; someone else's id reads nothing of theirs.
    const [bens] = await t.app.db.select({ id: notifications.id }).from(notifications).where(eq(notifications.userId, ben.id));
    expect((await post(ann, `intent=read&id=${bens!.id}`)).status).toBe(200);
    expect(await unreadCount(t.app, ben)).toBe(1);
    pushed = [];
    expect((await post(ann, "intent=read-all")).status).toBe(200);
    expect(await unreadCount(t.app, ann)).toBe(0);
    expect(pushed).toEqual([{ userId: ann.id, unread: 0, title: null }]);
    expect((await page(ann)).days.flatMap((d) => d.lines).some((l) => l.unread)).toBe(false);
  });

  it("answers bad input with 400 and stores nothing: unknown intent, no id, a hostile id", async () => {
    for (const body of ["intent=delete", "intent=read", `intent=read&id=${encodeURIComponent("x' or 1=1 --")}`, `intent=read&id=${"a".repeat(65)}`]) {
      expect((await post(ben, body)).status).toBe(400);
    }
    expect(await unreadCount(t.app, ben)).toBe(1);
  });

  it("hides notices about a group the member can no longer see, and moderators' notices from someone who stood down", async () => {
    await clear(other.id);
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-priv", userId: other.id, role: "moderator" },
      { groupId: "g-open", userId: other.id },
    ]);
    await t.app.db.insert(notifications).values([
      notice(other.id, { title: "Private reply", link: "/groups/priv/forum/t9#post-1", groupId: "g-priv" }),
      notice(other.id, { kind: "join_request", title: "Fay asked to join Private group", link: "/groups/priv#requests-title", groupId: "g-priv" }),
      notice(other.id, { title: "Open reply", link: "/groups/open/forum/t2#post-1" }),
      notice(other.id, { kind: "organization", title: "Account notice", link: null, groupId: null }),
    ]);
    const titles = async () => (await page(other)).days.flatMap((d) => d.lines.map((l) => l.title)).sort();
    expect(await titles()).toEqual(["Account notice", "Fay asked to join Private group", "Open reply", "Private reply"]);
    expect(await unreadCount(t.app, other)).toBe(4);

    // Stood down: still a member, so the group's posts show; its requests no longer do.
    await t.app.db.update(groupMemberships).set({ role: "member" }).where(and(eq(groupMemberships.groupId, "g-priv"), eq(groupMemberships.userId, other.id)));
    expect(await titles()).toEqual(["Account notice", "Open reply", "Private reply"]);
    // Left the private group: nothing about it, not even in the count.
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-priv"), eq(groupMemberships.userId, other.id)));
    expect(await titles()).toEqual(["Account notice", "Open reply"]);
    expect(await unreadCount(t.app, other)).toBe(2);
    // Banned from a public group: its notices go too.
    await t.app.db.update(groupMemberships).set({ status: "banned" }).where(and(eq(groupMemberships.groupId, "g-open"), eq(groupMemberships.userId, other.id)));
    expect(await titles()).toEqual(["Account notice"]);
    // Organization staff see the private group's notices again (the policy, not membership alone).
    await t.app.db.insert(organizationMembers).values({ organizationId: "org-i", userId: other.id, role: "moderator" });
    expect(await titles()).toEqual(["Account notice", "Fay asked to join Private group", "Private reply"]);
  });

  it("pages Older by (created_at, id) at the database's precision: no notice lost or shown twice", async () => {
    await clear(ben.id);
    // 71 notices, two per millisecond at .100 and .400 of it: a page ending on the later one must not skip the earlier.
    const base = NOW.getTime() - 3_600_000;
    await t.app.db.insert(notifications).values(
      Array.from({ length: 71 }, (_, i) => notice(ben.id, { kind: "organization", title: `N${i}`, link: `/x/${i}`, groupId: null, createdAt: new Date(base + Math.floor(i / 2)) })),
    );
    // Microseconds Date can't carry: JS rounding of the cursor would skip or repeat these.
    await t.app.db.execute(
      sql`update notifications set created_at = created_at + (100 + (substr(title, 2)::int % 2) * 300) * interval '1 microsecond' where user_id = ${ben.id}`,
    );
    const seen: string[] = [];
    let after: string | undefined;
    for (let i = 0; i < 5; i++) {
      const p = await listNotifications(t.app, ben, { after });
      seen.push(...p.notifications.map((n) => n.title));
      if (!p.nextCursor) break;
      after = p.nextCursor;
    }
    expect(seen).toHaveLength(71);
    expect(new Set(seen).size).toBe(71);
    // A forged cursor reads as the first page, never an error.
    expect((await page(ben, encodeCursor(["not a time", "x"]))).days.length).toBeGreaterThan(0);
    expect((await page(ben, "%%%")).days.length).toBeGreaterThan(0);
  });

  it("marks nothing and lists nothing for a visitor: they are sent to sign in", async () => {
    await expect(markRead(t.app, null)).rejects.toThrow();
    const thrown = await loader({ request: new Request("http://localhost/notifications"), context: ctx(null), params: {} }).catch((e: unknown) => e);
    expect((thrown as Response).status).toBe(302);
  });
});

/** Live: the member's open tabs (real Socket.IO clients) hear new notices and count changes. */
describe(`live notification count on ${testDatabaseKind}`, () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let admin: Member, mia: Member;

  beforeAll(async () => {
    server = await startTestServer();
    [admin, mia] = [await createMember(server.app, "Admin"), await createMember(server.app, "Mia")];
    await server.app.db.insert(organizations).values({ id: "org-l", slug: "org-l", name: "Org L" });
    await server.app.db.insert(organizationMembers).values({ organizationId: "org-l", userId: admin.id, role: "owner" });
    await server.app.db.insert(groups).values({ id: "g-l", slug: "live", name: "Live group", organizationId: "org-l" });
    await server.app.db.insert(groupMemberships).values({ groupId: "g-l", userId: mia.id });
  });
  afterAll(() => server?.stop());

  const next = (socket: ReturnType<typeof server.client>) =>
    new Promise<{ notification: LiveNotification | null; unread: number }>((resolve) => socket.once("notification", resolve));

  it("a notice written with notifyUsers reaches both of the member's tabs after its commit; marking read in one updates the other", async () => {
    const tabs = [server.client({ cookie: `hearth_session=${mia.token}` }), server.client({ cookie: `hearth_session=${mia.token}` })];
    // Each connection first hears the count as of now (nothing is missed between a page's render and its socket).
    const initial = tabs.map(next);
    await Promise.all(tabs.map(connected));
    expect(await Promise.all(initial)).toEqual([
      { notification: null, unread: 0 },
      { notification: null, unread: 0 },
    ]);
    const heard = tabs.map(next);
    await setGroupModerator(server.app, admin, "live", { userId: mia.id, intent: "appoint" });
    for (const e of await Promise.all(heard)) {
      expect(e.unread).toBe(1);
      expect(e.notification).toMatchObject({ kind: "organization", title: "You are now a moderator of Live group", link: "/moderation", urgent: false });
    }
    const cleared = tabs.map(next);
    expect(await markRead(server.app, mia)).toBe(1);
    for (const e of await Promise.all(cleared)) expect(e).toEqual({ notification: null, unread: 0 });
  });
});
