import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { groupMemberships, groups, notifications, users } from "#db/schema/index";
import { noopPublisher } from "#app/lib/app-context.server";
import { unreadCount } from "#app/modules/notifications/notifications.server";
import { recordNotifications, type NotificationDraft } from "#app/modules/notifications/record.server";
import { createMember, createTestApp, insertGroupWithRoom, type TestApp } from "../helpers/app";
import { rowsOf } from "../helpers/database";

// The one recording function every source goes through: policy now, preferences, idempotency, live push.
describe("recordNotifications", () => {
  let t: TestApp;
  let pushed: { userId: string; unread: number; title: string | null }[];
  let author: Awaited<ReturnType<typeof createMember>>;
  let reader: Awaited<ReturnType<typeof createMember>>;
  let outsider: Awaited<ReturnType<typeof createMember>>;

  beforeAll(async () => {
    t = await createTestApp();
    t.app.realtime = {
      ...noopPublisher,
      notify: (userId, e) => void pushed.push({ userId, unread: e.unread, title: e.notification?.title ?? null }),
    };
    await insertGroupWithRoom(t.app.db, "rec", { slug: "rec", name: "Record group" });
    await t.app.db.update(groups).set({ visibility: "private" }).where(eq(groups.id, "g-rec"));
    author = await createMember(t.app, "Author");
    reader = await createMember(t.app, "Reader");
    outsider = await createMember(t.app, "Outsider");
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-rec", userId: author.id },
      { groupId: "g-rec", userId: reader.id },
    ]);
  });
  afterAll(() => t?.close());
  beforeEach(() => {
    pushed = [];
  });

  const draft = (over: Partial<NotificationDraft> = {}): NotificationDraft => ({
    kind: "reply",
    recipients: [author.id, reader.id, outsider.id],
    audience: { group: "g-rec", may: "forum.read" },
    title: "Author replied",
    body: "x".repeat(1000),
    link: "/groups/rec/forum/t1#post-p1",
    groupId: "g-rec",
    actorId: author.id,
    dedupeKey: `reply:${Math.random()}`,
    ...over,
  });
  const rowsFor = (userId: string, dedupeKey: string) =>
    t.app.db.select().from(notifications).where(and(eq(notifications.userId, userId), eq(notifications.dedupeKey, dedupeKey)));

  it("reaches only people who may read the place now, never the actor, and pushes the new count live", async () => {
    const d = draft();
    const written = await recordNotifications(t.app, d);
    expect(written.map((w) => w.userId)).toEqual([reader.id]);
    const [row] = await rowsFor(reader.id, d.dedupeKey);
    expect(row!.body.length).toBe(280);
    // Replies default to "e-mail at once": pending, due now.
    expect(row!.emailStatus).toBe("pending");
    expect(pushed).toEqual([{ userId: reader.id, unread: 1, title: "Author replied" }]);
  });

  it("is idempotent per recipient and key: a retried job adds nothing and pushes nothing", async () => {
    const d = draft();
    await recordNotifications(t.app, d);
    pushed = [];
    expect(await recordNotifications(t.app, d)).toEqual([]);
    expect(await rowsFor(reader.id, d.dedupeKey)).toHaveLength(1);
    expect(pushed).toEqual([]);
  });

  it("applies the recipient's channel: off writes nothing, digest waits for the digest", async () => {
    await t.app.db.update(users).set({ notificationSettings: { channels: { reply: "off", mention: "digest" } } }).where(eq(users.id, reader.id));
    try {
      expect(await recordNotifications(t.app, draft())).toEqual([]);
      const d = draft({ kind: "mention" });
      const [w] = await recordNotifications(t.app, d);
      expect(w!.emailStatus).toBe("digest");
      // Urgent notices ignore the preference.
      const [u] = await recordNotifications(t.app, draft({ urgent: true }));
      expect(u!.emailStatus).toBe("pending");
    } finally {
      await t.app.db.update(users).set({ notificationSettings: {} }).where(eq(users.id, reader.id));
    }
  });

  it("holds e-mail until the quiet hours end, in the member's zone", async () => {
    await t.app.db
      .update(users)
      .set({ notificationSettings: { quietHours: { from: "22:00", to: "07:00" }, timeZone: "Europe/Berlin" } })
      .where(eq(users.id, reader.id));
    const clock = t.app.clock;
    // 23:30 in Berlin (winter, UTC+1) = 22:30 UTC; the quiet hours end at 07:00 Berlin = 06:00 UTC.
    t.app.clock = { now: () => new Date("2026-12-01T22:30:00Z") };
    try {
      const d = draft();
      await recordNotifications(t.app, d);
      const [row] = await rowsFor(reader.id, d.dedupeKey);
      expect(row!.emailStatus).toBe("pending");
      expect(row!.emailDueAt!.toISOString()).toBe("2026-12-02T06:00:00.000Z");
    } finally {
      t.app.clock = clock;
      await t.app.db.update(users).set({ notificationSettings: {} }).where(eq(users.id, reader.id));
    }
  });

  it("folds batched notices into the unread row, and starts a new round once it was read", async () => {
    const key = `reaction:${Math.random()}`;
    await recordNotifications(t.app, draft({ kind: "reaction", batch: true, dedupeKey: key, title: "1 reaction" }));
    await recordNotifications(t.app, draft({ kind: "reaction", batch: true, dedupeKey: key, title: "2 reactions" }));
    let [row] = await rowsFor(reader.id, key);
    expect(row).toMatchObject({ count: 2, title: "2 reactions", readAt: null });
    await t.app.db.update(notifications).set({ readAt: new Date() }).where(eq(notifications.id, row!.id));
    await recordNotifications(t.app, draft({ kind: "reaction", batch: true, dedupeKey: key, title: "3 reactions" }));
    [row] = await rowsFor(reader.id, key);
    expect(row).toMatchObject({ count: 1, title: "3 reactions", readAt: null });
  });

  it("drops people who lost access since the event: left, banned, suspended, deleted", async () => {
    const leaver = await createMember(t.app, "Leaver");
    const banned = await createMember(t.app, "Banned");
    const suspended = await createMember(t.app, "Suspended");
    const deleted = await createMember(t.app, "Deleted");
    await t.app.db.insert(groupMemberships).values([
      { groupId: "g-rec", userId: banned.id, status: "banned" },
      { groupId: "g-rec", userId: suspended.id },
      { groupId: "g-rec", userId: deleted.id },
    ]);
    await t.app.db.update(users).set({ status: "suspended" }).where(eq(users.id, suspended.id));
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, deleted.id));
    const written = await recordNotifications(t.app, draft({ recipients: [leaver.id, banned.id, suspended.id, deleted.id, reader.id] }));
    expect(written.map((w) => w.userId)).toEqual([reader.id]);
  });

  it("pushes the same unread count the header shows: notices about a group the member left don't count", async () => {
    await insertGroupWithRoom(t.app.db, "left", { slug: "left", name: "Left group" });
    await t.app.db.update(groups).set({ visibility: "private" }).where(eq(groups.id, "g-left"));
    await t.app.db.insert(groupMemberships).values({ groupId: "g-left", userId: reader.id });
    await recordNotifications(t.app, draft({ groupId: "g-left", audience: { group: "g-left", may: "forum.read" } }));
    await t.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, "g-left"), eq(groupMemberships.userId, reader.id)));
    pushed = [];
    await recordNotifications(t.app, draft());
    const header = await unreadCount(t.app, { id: reader.id, siteRole: "member", status: "active" });
    expect(pushed).toEqual([{ userId: reader.id, unread: header, title: "Author replied" }]);
    const [{ n }] = rowsOf<{ n: number }>(
      await t.app.db.execute(sql`select count(*)::int as n from notifications where user_id = ${reader.id} and read_at is null`),
    );
    expect(n).toBe(header + 1);
  });

  it("checks a chat room audience with the room's own rules, every reader once", async () => {
    const many = await Promise.all(Array.from({ length: 30 }, (_, i) => createMember(t.app, `Many${i}`)));
    await t.app.db.insert(groupMemberships).values(many.map((m) => ({ groupId: "g-rec", userId: m.id })));
    const written = await recordNotifications(t.app, draft({ recipients: many.map((m) => m.id), audience: { room: "room-rec" } }));
    expect(new Set(written.map((w) => w.userId)).size).toBe(30);
  });
});
