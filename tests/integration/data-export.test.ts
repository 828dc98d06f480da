import fs from "node:fs/promises";
import path from "node:path";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId } from "#app/lib/ids.server";
import { runExport } from "#app/modules/accounts/export/build.server";
import { EXPORT_EXPIRED, EXPORT_IN_PROGRESS } from "#app/modules/accounts/export/export.server";
import { storageFor } from "#app/modules/library/storage.server";
import { action as dataAction, loader as dataLoader } from "#app/routes/settings.data";
import { loader as downloadLoader } from "#app/routes/settings_.data.$exportId.download";
import {
  appeals,
  chatMessages,
  consents,
  dataExports,
  eventRsvps,
  events,
  groupMemberships,
  moderationActions,
  posts,
  reactions,
  reports,
  resourceBookmarks,
  resources,
  threads,
  users,
} from "#db/schema/index";
import { createMember, createTestApp, insertGroupWithRoom, type TestApp } from "#tests/helpers/app";
import { rowsOf, testDatabaseKind } from "#tests/helpers/database";
import { startInbox, type Inbox } from "#tests/helpers/mail";
import { readZip } from "#tests/helpers/zip";

type Member = Awaited<ReturnType<typeof createMember>>;

const PDF = Buffer.from("%PDF-1.4\n% my own upload\n%%EOF\n");

/**
 * The data export end to end on the real routes, the real job queue and a real SMTP inbox: the ZIP's
 * contents (only the member's own data; another member by pseudonym only; own uploads), the mail,
 * downloads (owner only, never after expiry), the one-in-progress and daily limits, and bad input.
 */
describe(`data export on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let inbox: Inbox;
  let me: Member, other: Member;

  const context = (viewer: Member | null) => ({ app: t.app, viewer, cspNonce: "n", clientIp: "10.0.0.1", secure: false, isDataRequest: false });

  async function settle(run: () => Promise<Response>) {
    try {
      return await run();
    } catch (thrown) {
      if (thrown instanceof Response) return thrown;
      throw thrown;
    }
  }
  const requestExport = (viewer: Member | null, init: RequestInit = {}) =>
    settle(() =>
      dataAction({
        request: new Request("http://localhost/settings/data", { method: "POST", body: "", headers: { "Content-Type": "application/x-www-form-urlencoded" }, ...init }),
        context: context(viewer),
        params: {},
      } as unknown as ActionFunctionArgs),
    );
  const page = async (viewer: Member) =>
    (await dataLoader({ request: new Request("http://localhost/settings/data"), context: context(viewer), params: {} } as unknown as LoaderFunctionArgs)) as unknown as {
      exports: { id: string; state: string; sizeBytes: number | null }[];
      blocked: string | null;
    };
  const download = (viewer: Member | null, exportId: string) =>
    settle(() =>
      downloadLoader({
        request: new Request(`http://localhost/settings/data/${encodeURIComponent(exportId)}/download`),
        context: context(viewer),
        params: { exportId },
      } as unknown as LoaderFunctionArgs),
    );
  const exportsOf = (m: Member) => t.app.db.select().from(dataExports).where(eq(dataExports.userId, m.id));

  beforeAll(async () => {
    inbox = await startInbox();
    t = await createTestApp({ SMTP_URL: inbox.url, PUBLIC_ORIGIN: "http://hearth.test" });
    await t.app.jobs.start(t.app);
    [me, other] = [await createMember(t.app, "Exporter"), await createMember(t.app, "Neighbour")];
    const db = t.app.db;
    await db.update(users).set({ bio: "Living with it since 2019." }).where(eq(users.id, me.id));
    await insertGroupWithRoom(db, "ex", { slug: "export-group", name: "Export Group" });
    await db.insert(groupMemberships).values([
      { groupId: "g-ex", userId: me.id },
      { groupId: "g-ex", userId: other.id, role: "moderator" },
    ]);
    await db.insert(threads).values([
      { id: "th-mine", groupId: "g-ex", authorId: me.id, title: "My own thread title" },
      { id: "th-theirs", groupId: "g-ex", authorId: other.id, title: "NEIGHBOUR THREAD TITLE" },
    ]);
    await db.insert(posts).values([
      { id: "p-mine", threadId: "th-mine", authorId: me.id, isOpening: true, body: "My opening post body" },
      { id: "p-theirs", threadId: "th-mine", authorId: other.id, body: "NEIGHBOUR PRIVATE REPLY" },
      { id: "p-theirs-2", threadId: "th-theirs", authorId: other.id, isOpening: true, body: "NEIGHBOUR OPENING" },
      { id: "p-mine-2", threadId: "th-theirs", authorId: me.id, body: "My reply in their thread", deletedAt: new Date(), deletedBy: other.id },
    ]);
    await db.insert(reactions).values({ postId: "p-theirs", userId: me.id, kind: "hug" });
    await db.insert(chatMessages).values([
      { id: "m-mine", roomId: "room-ex", seq: 1, authorId: me.id, body: "My chat message", clientId: "c1" },
      { id: "m-theirs", roomId: "room-ex", seq: 2, authorId: other.id, body: "NEIGHBOUR CHAT", clientId: "c2" },
    ]);
    await db.insert(events).values({
      id: "ev-1",
      organizationId: "org-ex",
      groupId: "g-ex",
      title: "Monthly meet-up",
      startsAt: new Date("2027-01-10T18:00:00Z"),
      endsAt: new Date("2027-01-10T19:00:00Z"),
      timeZone: "Europe/Berlin",
      format: "online",
    });
    await db.insert(eventRsvps).values([
      { eventId: "ev-1", userId: me.id, status: "going", seq: 1 },
      { eventId: "ev-1", userId: other.id, status: "going", seq: 2 },
    ]);
    await db.insert(resources).values({ id: "res-link", organizationId: "org-ex", kind: "link", category: "living", title: "Pacing guide", url: "https://example.org/pacing" });
    await db.insert(resourceBookmarks).values({ userId: me.id, resourceId: "res-link" });
    // Two uploads: mine goes into my export, the neighbour's doesn't.
    const storage = storageFor(t.app);
    for (const [id, owner, key, name] of [
      ["res-mine", me.id, newId(), "my notes.pdf"],
      ["res-theirs", other.id, newId(), "their notes.pdf"],
    ] as const) {
      const temp = path.join(await storage.tempDir(), `${key}.tmp`);
      await fs.writeFile(temp, PDF);
      await storage.put(key, temp);
      await db.insert(resources).values({ id, organizationId: "org-ex", kind: "document", category: "living", title: name, fileKey: key, fileName: name, fileSize: PDF.length, fileMime: "application/pdf", createdBy: owner });
    }
    await db.insert(reports).values([
      { id: "rep-mine", targetType: "user", targetId: other.id, groupId: "g-ex", reporterId: me.id, reason: "harassment", details: "My report details" },
      { id: "rep-theirs", targetType: "post", targetId: "p-mine", groupId: "g-ex", reporterId: other.id, reason: "spam", details: "NEIGHBOUR REPORT" },
    ]);
    await db.insert(moderationActions).values({ id: "ma-1", actorId: other.id, action: "post.remove", targetType: "post", targetId: "p-mine-2", groupId: "g-ex", subjectUserId: me.id, reason: "Off topic" });
    await db.insert(appeals).values({ id: "ap-1", moderationActionId: "ma-1", userId: me.id, groupId: "g-ex", body: "My appeal text" });
    await db.insert(consents).values([
      { userId: me.id, kind: "terms", version: "2026-11" },
      { userId: me.id, kind: "health_data", version: "2026-11" },
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await inbox?.close();
  });

  let exportId: string;
  let files: Map<string, Buffer>;

  it("starts an export from the page, builds it in the job and mails the member (no content in the mail)", async () => {
    const r = await requestExport(me);
    expect(r.status).toBe(200);
    expect(((await r.json()) as { ok: boolean }).ok).toBe(true);
    const mail = await inbox.next(me.email);
    expect(mail.subject).toBe("Your Hearth data export is ready");
    expect(mail.links).toContain("http://hearth.test/settings/data");
    for (const secret of ["My opening post body", "Export Group", me.displayName]) {
      expect(mail.text).not.toContain(secret);
      expect(mail.html).not.toContain(secret);
    }
    const [row] = await exportsOf(me);
    expect(row).toMatchObject({ status: "ready" });
    exportId = row!.id;
    expect(row!.sizeBytes).toBeGreaterThan(0);
    expect(row!.expiresAt!.getTime() - row!.readyAt!.getTime()).toBe(7 * 24 * 3600 * 1000);
    const view = await page(me);
    expect(view.exports[0]).toMatchObject({ id: exportId, state: "ready", sizeBytes: row!.sizeBytes });
  });

  it("downloads for the owner as an attachment, never cached, holding every file", async () => {
    const r = await download(me, exportId);
    expect(r.status).toBe(200);
    expect(r.headers.get("Content-Type")).toBe("application/zip");
    expect(r.headers.get("Cache-Control")).toBe("private, no-store");
    expect(r.headers.get("Content-Disposition")).toBe(`attachment; filename="hearth-export-${new Date().toISOString().slice(0, 10)}.zip"`);
    const body = Buffer.from(await r.arrayBuffer());
    expect(Number(r.headers.get("Content-Length"))).toBe(body.length);
    files = await readZip(body);
    const names = [...files.keys()];
    for (const n of ["profile.json", "memberships.json", "threads.json", "posts.json", "chat-messages.json", "reactions.json", "rsvps.json", "bookmarks.json", "reports-filed.json", "notices-and-appeals.json", "consents.json"]) {
      expect(names).toContain(n);
      expect(() => JSON.parse(files.get(n)!.toString("utf8")) as unknown).not.toThrow();
    }
  });

  it("holds the member's own data", () => {
    const json = (n: string) => JSON.parse(files.get(n)!.toString("utf8")) as Record<string, unknown>[];
    const profile = JSON.parse(files.get("profile.json")!.toString("utf8")) as Record<string, unknown>;
    expect(profile).toMatchObject({ pseudonym: me.displayName, email: me.email, bio: "Living with it since 2019.", visibility: { profile: "members", listedInMembers: true } });
    expect(profile.preferences).toMatchObject({ theme: "system" });
    expect(json("memberships.json")).toEqual([expect.objectContaining({ group: "Export Group", role: "member", status: "active" })]);
    expect(json("threads.json").map((x) => x.title)).toEqual(["My own thread title"]);
    expect(json("posts.json").map((x) => x.body).sort()).toEqual(["My opening post body", "My reply in their thread"]);
    expect(json("posts.json").find((x) => x.body === "My reply in their thread")).toMatchObject({ removedBy: "a moderator" });
    expect(json("chat-messages.json")).toEqual([expect.objectContaining({ body: "My chat message", room: "General" })]);
    expect(json("rsvps.json")).toEqual([expect.objectContaining({ event: "Monthly meet-up", status: "going" })]);
    expect(json("bookmarks.json")).toEqual([expect.objectContaining({ resource: "Pacing guide" })]);
    expect(json("reports-filed.json")).toEqual([expect.objectContaining({ details: "My report details", reason: "harassment" })]);
    expect(json("notices-and-appeals.json")).toEqual([
      expect.objectContaining({ action: "post.remove", reason: "Off topic", appeal: expect.objectContaining({ body: "My appeal text", status: "open" }) }),
    ]);
    expect(json("consents.json").map((c) => c.kind).sort()).toEqual(["health_data", "terms"]);
  });

  it("names another member by pseudonym only and holds nothing they wrote", () => {
    const json = (n: string) => JSON.parse(files.get(n)!.toString("utf8")) as Record<string, unknown>[];
    expect(json("reactions.json")).toEqual([expect.objectContaining({ postAuthor: other.displayName, reaction: "hug", postId: "p-theirs" })]);
    expect(json("reports-filed.json")[0]).toMatchObject({ about: "user", member: other.displayName });
    const everything = [...files.values()].map((b) => b.toString("latin1")).join("\n");
    for (const theirs of [other.email, other.id, "NEIGHBOUR PRIVATE REPLY", "NEIGHBOUR OPENING", "NEIGHBOUR THREAD TITLE", "NEIGHBOUR CHAT", "NEIGHBOUR REPORT", "their notes"]) {
      expect(everything).not.toContain(theirs);
    }
  });

  it("includes the member's own uploads, byte for byte, and no one else's", () => {
    const uploads = [...files.keys()].filter((n) => n.startsWith("uploads/"));
    expect(uploads).toEqual(["uploads/res-mine-my notes.pdf"]);
    expect(files.get(uploads[0]!)!.equals(PDF)).toBe(true);
  });

  it("a retried job leaves a ready export alone (no rebuild, no second mail)", async () => {
    const [before] = await exportsOf(me);
    await runExport(t.app, exportId);
    const [after] = await exportsOf(me);
    expect(after).toEqual(before);
    expect(inbox.untaken(me.email)).toEqual([]);
  });

  it("is 404 for another member, a visitor, forged and hostile ids", async () => {
    expect((await download(other, exportId)).status).toBe(404);
    expect((await download(null, exportId)).status).toBe(404);
    for (const id of [newId(), "x".repeat(22), "../../../etc/passwd", `${exportId}'; drop table data_exports; --`, "<script>alert(1)</script>", "", "a".repeat(10_000), `${exportId}\u0000`]) {
      const r = await download(me, id);
      expect(r.status, id.slice(0, 30)).toBe(404);
    }
    expect(await exportsOf(me)).toHaveLength(1);
  });

  it("allows one export in progress at a time", async () => {
    const m = await createMember(t.app, "Waiting");
    await t.app.db.insert(dataExports).values({ id: newId(), userId: m.id, status: "running" });
    const r = await requestExport(m);
    expect(r.status).toBe(409);
    expect(((await r.json()) as { message: string }).message).toBe(EXPORT_IN_PROGRESS);
    expect((await page(m)).blocked).toBe(EXPORT_IN_PROGRESS);
    expect(await exportsOf(m)).toHaveLength(1);
  });

  it("starts one export when two requests race, and sends a visitor to sign in", async () => {
    const m = await createMember(t.app, "Doubleclick");
    const settled = t.app.jobs.settledCount("account.export");
    const statuses = (await Promise.all([requestExport(m), requestExport(m)])).map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    expect(await exportsOf(m)).toHaveLength(1);
    await t.app.jobs.waitFor("account.export", settled + 1);
    await inbox.next(m.email);
    const visitor = await requestExport(null);
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("Location")).toBe("/signin?redirectTo=%2Fsettings%2Fdata");
  });

  it("allows 3 exports a day, counted in the database, with Retry-After", async () => {
    const m = await createMember(t.app, "Frequent");
    const hour = 3600 * 1000;
    await t.app.db.insert(dataExports).values([0, 1, 2].map((h) => ({ id: newId(), userId: m.id, status: "failed" as const, createdAt: new Date(Date.now() - (h + 1) * hour) })));
    const r = await requestExport(m);
    expect(r.status).toBe(429);
    expect(((await r.json()) as { message: string }).message).toMatch(/3 data exports a day/);
    const retryAfter = Number(r.headers.get("Retry-After"));
    // The oldest of the three was three hours ago: about 21 hours to wait.
    expect(retryAfter).toBeGreaterThan(20 * 3600);
    expect(retryAfter).toBeLessThanOrEqual(21 * 3600);
    expect(await exportsOf(m)).toHaveLength(3);
    expect((await page(m)).blocked).toMatch(/3 data exports a day\. Please try again in 21 hours\./);
    // A day later the oldest no longer counts.
    await t.app.db.update(dataExports).set({ createdAt: new Date(Date.now() - 25 * hour) }).where(eq(dataExports.userId, m.id));
    const settled = t.app.jobs.settledCount("account.export");
    expect((await requestExport(m)).status).toBe(200);
    await t.app.jobs.waitFor("account.export", settled + 1);
    await inbox.next(m.email);
  });

  it("marks an export failed after its last retry, and the page offers to try again", async () => {
    const m = await createMember(t.app, "Unlucky");
    const id = newId();
    await t.app.db.insert(dataExports).values({ id, userId: m.id, status: "running" });
    const settled = t.app.jobs.settledCount("account.export.failed");
    await t.app.jobs.enqueue("account.export.failed", { exportId: id });
    await t.app.jobs.waitFor("account.export.failed", settled + 1);
    expect((await page(m)).exports[0]).toMatchObject({ id, state: "failed" });
    expect((await page(m)).blocked).toBeNull();
    expect((await requestExport(m)).status).toBe(200);
    await inbox.next(m.email);
    // The job's last failure lands there: pg-boss moves it to the dead-letter queue after its retries.
    const [queue] = rowsOf<{ dead_letter: string; retry_limit: number }>(
      await t.app.db.execute(sql`select dead_letter, retry_limit from pgboss.queue where name = 'account.export'`),
    );
    expect(queue).toEqual({ dead_letter: "account.export.failed", retry_limit: 2 });
  });

  it("re-checks the account when the job runs: a deleted account gets no export and no mail", async () => {
    const m = await createMember(t.app, "Leaving");
    const id = newId();
    await t.app.db.insert(dataExports).values({ id, userId: m.id, status: "queued" });
    await t.app.db.update(users).set({ deletedAt: new Date() }).where(eq(users.id, m.id));
    const settled = t.app.jobs.settledCount("account.export");
    await t.app.jobs.enqueue("account.export", { exportId: id }, { key: id });
    await t.app.jobs.waitFor("account.export", settled + 1);
    const [row] = await exportsOf(m);
    expect(row).toMatchObject({ status: "failed", storageKey: null });
    expect(inbox.untaken(m.email)).toEqual([]);
  });

  it("refuses a non-form POST with 415 and stores nothing", async () => {
    const m = await createMember(t.app, "Scripted");
    const r = await requestExport(m, { body: JSON.stringify({ go: true }), headers: { "Content-Type": "application/json" } });
    expect(r.status).toBe(415);
    expect(await exportsOf(m)).toHaveLength(0);
  });

  it("refuses a download after expiry, and the expiry job deletes the file", async () => {
    const [row] = await exportsOf(me);
    expect(await storageFor(t.app).get(row!.storageKey!)).not.toBeNull();
    // Move the clock: the export expired a minute ago.
    await t.app.db.update(dataExports).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(dataExports.id, exportId));
    const r = await download(me, exportId);
    expect(r.status).toBe(404);
    expect(((await r.json()) as { message: string }).message).toBe(EXPORT_EXPIRED);
    expect((await page(me)).exports[0]).toMatchObject({ id: exportId, state: "expired" });
    const settled = t.app.jobs.settledCount("account.export.expire");
    await t.app.jobs.enqueue("account.export.expire", { exportId });
    await t.app.jobs.waitFor("account.export.expire", settled + 1);
    expect(await storageFor(t.app).get(row!.storageKey!)).toBeNull();
    const [after] = await exportsOf(me);
    expect(after!.storageKey).toBeNull();
    expect((await download(me, exportId)).status).toBe(404);
  });
});
