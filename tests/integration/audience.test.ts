import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rowsOf } from "#app/lib/db-rows.server";
import { mentionSyntax } from "#app/lib/mentions";
import { MemoryRateLimiter } from "#app/lib/rate-limit.server";
import { ROBOTS_TXT } from "#app/lib/robots";
import { getMemberProfile } from "#app/modules/accounts/profile.server";
import { reportPost, submitReply } from "#app/modules/forums/posts.server";
import { toggleReaction } from "#app/modules/forums/reactions.server";
import { searchForums } from "#app/modules/forums/search.server";
import { getThreadPage, listThreads, submitThread } from "#app/modules/forums/threads.server";
import { getHome } from "#app/modules/home/home.server";
import { reportReasons } from "#app/modules/moderation/moderation.schema";
import { listNotifications } from "#app/modules/notifications/notifications.server";
import type { Actor } from "#app/policy.server";
import { groupMemberships, groups, notifications } from "#db/schema/index";
import { createMember } from "#tests/helpers/app";
import { createChatGroup, createChatRoom } from "#tests/helpers/chat";
import { testDatabaseKind } from "#tests/helpers/database";
import { failure } from "#tests/helpers/errors";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";

type Member = Awaited<ReturnType<typeof createMember>>;
type Role = "visitor" | "outsider" | "member" | "staff";

/**
 * Issue 15, audience: a group's "Visitors can read the forum" (groups.forum_public) and a thread's
 * "members only" (threads.members_only), for a visitor, a signed-in non-member, a member and the
 * organization's staff, in every place forum content is listed or read; and noindex through the real
 * server (production build, compression and the visitor page cache on).
 */
describe(`forum audience on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let mod: Member, author: Member, member: Member, outsider: Member, staff: Member, leaver: Member;
  let open: { slug: string; groupId: string }, closed: { slug: string; groupId: string };
  let roomId: string;
  const stamp = Date.now().toString(36);
  const t = { pub: "", mo: "", closed: "" };
  const opening = { pub: "", mo: "", closed: "" };
  const titles = { pub: `Quokkapub ${stamp}`, mo: `Quokkamo ${stamp}`, closed: `Quokkaclosed ${stamp}` };

  const viewers = (): [Role, Actor | null][] => [
    ["visitor", null],
    ["outsider", outsider],
    ["member", member],
    ["staff", staff],
  ];
  const insider = (role: Role) => role === "member" || role === "staff";
  /** What each viewer may read: the open forum's ordinary thread; the rest only from inside. */
  const readable = (role: Role) => ({ pub: true, mo: insider(role), closed: insider(role) });

  const fanoutIdle = async () => {
    const [row] = rowsOf<{ n: number }>(await s.app.db.execute(sql`select count(*)::int as n from pgboss.job where name = 'notifications.fanout'`));
    await s.app.jobs.waitFor("notifications.fanout", Number(row!.n));
  };

  beforeAll(async () => {
    s = await startAppServer({ VISITOR_PAGE_CACHE_MS: "60000" }, { jobs: true });
    const app = s.app;
    [mod, author, member, outsider, staff, leaver] = await Promise.all(["Mod", "Author", "Member", "Outsider", "Staff", "Leaver"].map((n) => createMember(app, n)));
    open = await createChatGroup(app, { moderatorId: mod.id, memberIds: [author.id, member.id], orgStaff: [{ userId: staff.id, role: "admin" }] });
    closed = await createChatGroup(app, { moderatorId: mod.id, memberIds: [author.id, member.id, leaver.id] });
    // The staff member runs both organizations: the closed group's too.
    const [closedGroup] = await app.db.select().from(groups).where(eq(groups.id, closed.groupId));
    const [openGroup] = await app.db.select().from(groups).where(eq(groups.id, open.groupId));
    await app.db.update(groups).set({ organizationId: openGroup!.organizationId }).where(eq(groups.id, closedGroup!.id));
    await app.db.update(groups).set({ forumPublic: true }).where(eq(groups.id, open.groupId));
    await app.db.update(groups).set({ forumPublic: false }).where(eq(groups.id, closed.groupId));
    // The outsider and the staff member share a third group with the author, so the author's profile opens for them.
    await createChatGroup(app, { moderatorId: author.id, memberIds: [outsider.id, staff.id] });
    roomId = (await createChatRoom(app, mod, open.slug)).id;

    const everyone = [member, outsider, staff, leaver].map((m) => mentionSyntax(m.displayName)).join(" ");
    const pub = await submitThread(app, author, open.slug, { title: titles.pub, body: `Wombatword open thread ${everyone}` });
    const mo = await submitThread(app, author, open.slug, { title: titles.mo, body: `Wombatword members-only thread ${everyone}`, membersOnly: true });
    const cl = await submitThread(app, author, closed.slug, { title: titles.closed, body: `Wombatword closed forum thread ${everyone}` });
    if (pub.held || mo.held || cl.held) throw new Error("nothing here should be held");
    t.pub = pub.threadId;
    t.mo = mo.threadId;
    t.closed = cl.threadId;
    opening.pub = pub.postId;
    opening.mo = mo.postId;
    opening.closed = cl.postId;
    await fanoutIdle();
  });
  afterAll(() => s?.stop());
  beforeEach(() => {
    s.app.limiter = new MemoryRateLimiter();
  });

  it("the thread list: the open forum hides members-only threads from outside; the closed forum is a 404 outside", async () => {
    for (const [role, viewer] of viewers()) {
      const list = (await listThreads(s.app, viewer, open.slug)).threads;
      expect(list.map((x) => x.id), role).toContain(t.pub);
      expect(list.some((x) => x.id === t.mo), role).toBe(insider(role));
      if (insider(role)) {
        expect((await listThreads(s.app, viewer, closed.slug)).threads.map((x) => x.id), role).toContain(t.closed);
      } else {
        expect((await failure(listThreads(s.app, viewer, closed.slug))).code, role).toBe("not_found");
      }
    }
  });

  it("the thread page answers 404 wherever the viewer may not read it", async () => {
    const slugOf = { pub: open.slug, mo: open.slug, closed: closed.slug };
    for (const [role, viewer] of viewers()) {
      for (const key of ["pub", "mo", "closed"] as const) {
        const page = getThreadPage(s.app, viewer, slugOf[key], t[key]);
        if (readable(role)[key]) expect((await page).thread.id, `${role} ${key}`).toBe(t[key]);
        else expect((await failure(page)).code, `${role} ${key}`).toBe("not_found");
      }
    }
  });

  it("a signed-in non-member can't reply to, react to or report a post they may not read: 404, nothing written", async () => {
    const where = { mo: open.slug, closed: closed.slug };
    for (const key of ["mo", "closed"] as const) {
      expect((await failure(submitReply(s.app, outsider, where[key], t[key], { body: "Sneaking in" }))).code, key).toBe("not_found");
      expect((await failure(toggleReaction(s.app, outsider, where[key], t[key], opening[key], "hug"))).code, key).toBe("not_found");
      expect((await failure(reportPost(s.app, outsider, where[key], t[key], opening[key], { reason: reportReasons[0], details: "" }))).code, key).toBe("not_found");
      expect((await getThreadPage(s.app, member, where[key], t[key])).thread.replyCount, key).toBe(0);
    }
    // The open thread takes their report (they can read it).
    await reportPost(s.app, outsider, open.slug, t.pub, opening.pub, { reason: reportReasons[0], details: "" });
  });

  it("site search finds only what the viewer may read, and a search scoped to a closed forum is a 404 outside", async () => {
    for (const [role, viewer] of viewers()) {
      const found = new Set((await searchForums(s.app, viewer, { q: "Wombatword" })).results.map((r) => r.threadId));
      for (const key of ["pub", "mo", "closed"] as const) expect(found.has(t[key]), `${role} ${key}`).toBe(readable(role)[key]);
      if (!insider(role)) expect((await failure(searchForums(s.app, viewer, { q: "Wombatword", group: closed.slug }))).code, role).toBe("not_found");
    }
  });

  it("mentions in members-only and closed-forum threads reach insiders only (notifications and home)", async () => {
    const mentionLinks = async (m: Member) =>
      (await s.app.db.select({ link: notifications.link }).from(notifications).where(and(eq(notifications.userId, m.id), eq(notifications.kind, "mention")))).map((n) => n.link ?? "");
    const has = (links: string[], id: string) => links.some((l) => l.includes(id));

    const outsiderLinks = await mentionLinks(outsider);
    expect(has(outsiderLinks, t.pub)).toBe(true);
    expect(has(outsiderLinks, t.mo)).toBe(false);
    expect(has(outsiderLinks, t.closed)).toBe(false);
    for (const m of [member, staff]) {
      const links = await mentionLinks(m);
      for (const id of [t.pub, t.mo]) expect(has(links, id), m.displayName).toBe(true);
    }
    expect(has(await mentionLinks(member), t.closed)).toBe(true);

    const listed = async (m: Member) => (await listNotifications(s.app, m)).notifications.map((n) => n.link ?? "");
    const onHome = async (m: Member) => (await getHome(s.app, m)).mentions.mentions.map((n) => n.link ?? "");
    expect(has(await listed(member), t.mo)).toBe(true);
    expect(has(await onHome(member), t.closed)).toBe(true);
    expect(has(await listed(outsider), t.pub)).toBe(true);
    expect(has(await onHome(outsider), t.pub)).toBe(true);

    // A member who leaves the closed group no longer sees the notice about its forum anywhere.
    expect(has(await listed(leaver), t.closed)).toBe(true);
    expect(has(await onHome(leaver), t.closed)).toBe(true);
    await s.app.db.delete(groupMemberships).where(and(eq(groupMemberships.groupId, closed.groupId), eq(groupMemberships.userId, leaver.id)));
    expect(has(await listed(leaver), t.closed)).toBe(false);
    expect(has(await onHome(leaver), t.closed)).toBe(false);
  });

  it("a member's profile lists only the posts the viewer may read", async () => {
    for (const [role, viewer] of viewers()) {
      if (!viewer) {
        expect((await failure(getMemberProfile(s.app, viewer, author.id))).code).toBe("not_found");
        continue;
      }
      const posts = new Set((await getMemberProfile(s.app, viewer, author.id)).recentPosts.map((p) => p.thread.id));
      for (const key of ["pub", "mo", "closed"] as const) expect(posts.has(t[key]), `${role} ${key}`).toBe(readable(role)[key]);
    }
  });

  describe("noindex through the real server (compression and the visitor cache on)", () => {
    const get = (path: string, headers: Record<string, string> = {}) => fetch(s.url + path, { headers: { "accept-encoding": "br, gzip", ...headers }, redirect: "manual" });

    it("group pages, threads and chat pages say noindex (header and meta), on the miss and on the visitor-cache hit", async () => {
      const paths = [`/groups/${open.slug}`, `/groups/${open.slug}/forum`, `/groups/${open.slug}/forum/${t.pub}`, `/groups/${open.slug}/chat`, `/groups/${open.slug}/chat/${roomId}`];
      for (const path of paths) {
        const first = await get(path);
        expect(first.headers.get("x-robots-tag"), path).toBe("noindex");
        // A visitor reads the group page, the open forum and its thread; chat sends them elsewhere (still noindex).
        if (!path.includes("/chat")) expect(first.status, path).toBe(200);
        if (first.status === 200) {
          expect(first.headers.get("content-encoding"), path).toBe("br");
          expect(await first.text(), path).toMatch(/<meta name="robots" content="noindex"\/?>/);
          const second = await get(path);
          expect(second.headers.get("x-hearth-cache"), path).toBe("hit");
          expect(second.headers.get("x-robots-tag"), path).toBe("noindex");
          expect(second.headers.get("content-encoding"), path).toBe("br");
          expect(await second.text(), path).toMatch(/<meta name="robots" content="noindex"\/?>/);
        } else {
          await first.arrayBuffer();
        }
      }
      // Signed in too, and the data requests the client makes.
      const signedIn = await get(`/groups/${open.slug}/forum/${t.mo}`, { cookie: s.cookie(member.token) });
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get("x-robots-tag")).toBe("noindex");
      await signedIn.arrayBuffer();
      const data = await get(`/groups/${open.slug}/forum/${t.pub}?_data=routes%2Fgroups.%24slug.forum.%24threadId`);
      expect(data.headers.get("x-robots-tag")).toBe("noindex");
      await data.arrayBuffer();
    });

    it("a members-only thread and a closed forum's thread answer a visitor 404 with noindex, and are never cached", async () => {
      for (const path of [`/groups/${open.slug}/forum/${t.mo}`, `/groups/${closed.slug}/forum/${t.closed}`, `/groups/${closed.slug}/forum`]) {
        for (let i = 0; i < 2; i++) {
          const res = await get(path);
          expect(res.status, path).toBe(404);
          expect(res.headers.get("x-robots-tag"), path).toBe("noindex");
          expect(res.headers.get("x-hearth-cache"), path).toBeNull();
          const html = await res.text();
          expect(html, path).not.toContain(titles.mo);
          expect(html, path).not.toContain(titles.closed);
        }
      }
      // The group pages themselves: the open one lists the ordinary thread only, the closed one says its forum is for members.
      const openPage = await (await get(`/groups/${open.slug}`)).text();
      expect(openPage).toContain(titles.pub);
      expect(openPage).not.toContain(titles.mo);
      const closedPage = await get(`/groups/${closed.slug}`);
      expect(closedPage.status).toBe(200);
      expect(closedPage.headers.get("x-robots-tag")).toBe("noindex");
      const closedHtml = await closedPage.text();
      expect(closedHtml).toContain("forum is for members");
      expect(closedHtml).not.toContain(titles.closed);
      // The open forum's list, as a visitor: the ordinary thread, not the members-only one.
      const list = await (await get(`/groups/${open.slug}/forum`)).text();
      expect(list).toContain(titles.pub);
      expect(list).not.toContain(titles.mo);
    });

    it("the home page, the group directory and the library may be indexed (miss and hit)", async () => {
      for (const path of ["/", "/groups", "/library"]) {
        for (let i = 0; i < 2; i++) {
          const res = await get(path);
          expect(res.status, path).toBe(200);
          if (i === 1) expect(res.headers.get("x-hearth-cache"), path).toBe("hit");
          expect(res.headers.get("x-robots-tag"), path).toBeNull();
          expect(await res.text(), path).not.toContain('name="robots"');
        }
      }
    });

    it("/robots.txt keeps crawlers out of everything but the home, the directory and the library", async () => {
      const res = await get("/robots.txt");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toBe(ROBOTS_TXT);
      expect(text.split("\n")).toEqual(expect.arrayContaining(["User-agent: *", "Allow: /$", "Allow: /groups$", "Allow: /library", "Disallow: /"]));
    });
  });
});
