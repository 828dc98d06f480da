import { execFileSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { eq } from "drizzle-orm";
import { encodeCursor } from "#app/lib/cursor";
import { chatMessages, events, groupMemberships, organizationMembers, posts, resources, threads, users } from "#db/schema/index";
import { createMember, insertGroupWithRoom } from "#tests/helpers/app";
import { testDatabaseKind } from "#tests/helpers/database";
import { startAppServer, type AppServer } from "#tests/helpers/remix-server";
import { connectedSocket } from "#tests/helpers/sockets";

type Member = Awaited<ReturnType<typeof createMember>>;

/**
 * The HTTP layer through the real server and the production build: what reaches Remix (URLs, forms,
 * socket payloads), what leaves it (redirects, Cache-Control) and what is not served at all.
 */
describe(`the HTTP layer of the real server on ${testDatabaseKind}`, () => {
  let s: AppServer;
  let owner: Member, member: Member, admin: Member;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    s = await startAppServer();
    const db = s.app.db;
    await insertGroupWithRoom(db, "h", { slug: "hearth-pub", name: "Public H" });
    owner = await createMember(s.app, "Owner");
    member = await createMember(s.app, "Member");
    await db.insert(organizationMembers).values({ organizationId: "org-h", userId: owner.id, role: "owner" });
    admin = await createMember(s.app, "Admin");
    await db.update(users).set({ siteRole: "admin" }).where(eq(users.id, admin.id));
    await db.insert(groupMemberships).values([
      { groupId: "g-h", userId: member.id },
      { groupId: "g-h", userId: owner.id },
    ]);
    await db.insert(threads).values({ id: "thread-h", groupId: "g-h", authorId: member.id, title: "Mornings" });
    await db.insert(posts).values({ id: "post-h", threadId: "thread-h", authorId: member.id, isOpening: true, body: "How are your mornings?" });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await s?.stop();
  });

  const get = (path: string, who: Member | null = null, headers: Record<string, string> = {}) =>
    fetch(s.url + path, { redirect: "manual", headers: { ...(who ? { cookie: s.cookie(who.token) } : {}), ...headers } });

  describe("#13 a malformed percent-encoding in the address", () => {
    it.each(["/groups/%E0%A4%A", "/groups/%", "/library/%ZZ", "/groups/hearth-pub/forum/%ED%A0%80"])("answers %s with 400 and the normal page", async (path) => {
      const r = await get(path);
      expect(r.status).toBe(400);
      expect(r.headers.get("content-type")).toMatch(/^text\/html/);
      const html = await r.text();
      expect(html).toContain("Skip to main content");
      expect(html).toContain("That address is not valid");
    });

    it("answers a data request for it with 400 too", async () => {
      const r = await get("/groups/%E0%A4%A?_data=routes%2Fgroups.%24slug._index");
      expect(r.status).toBe(400);
    });
  });

  describe("#11 NUL bytes and lone surrogates in any input", () => {
    it.each([
      "/search?q=dyst%00onia",
      "/search?q=%00",
      "/library?q=a%00b",
      "/library?category=%00&organization=%00",
      "/events?group=a%00&organization=%00",
      "/groups/hearth-pub/forum?after=%00",
      "/search?q=%ED%A0%80",
    ])("GET %s is not a 500", async (path) => {
      const r = await get(path, member);
      expect(r.status).toBe(200);
    });

    it("a NUL in a path segment is a 404, not a 500", async () => {
      expect((await get("/groups/hearth%00pub/forum/x", member)).status).toBe(404);
    });

    it("strips NUL from the event form and stores the rest", async () => {
      const r = await s.postForm(
        "/events/new",
        {
          organizationId: "org-h",
          groupId: "g-h",
          title: "Stretch\u0000ing together",
          description: "Bring\u0000 a mat",
          timeZone: "Europe/Berlin",
          startsAt: "2099-05-01T10:00",
          endsAt: "2099-05-01T11:00",
          format: "online",
          onlineUrl: "https://meet.example/abc",
        },
        { cookie: s.cookie(owner.token) },
      );
      expect(r.status).toBe(302);
      const [row] = await s.app.db.select().from(events).where(eq(events.organizationId, "org-h"));
      expect(row).toMatchObject({ title: "Stretching together", description: "Bring a mat" });
    });

    it("strips NUL from the resource form, urlencoded and multipart", async () => {
      const link = { kind: "link", organizationId: "org-h", category: "living", url: "https://example.org/guide", tags: "" };
      const plain = await s.postForm("/library/new", { ...link, title: "Morning\u0000 routine", summary: "Small\u0000 steps" }, { cookie: s.cookie(owner.token) });
      expect(plain.status).toBe(302);
      const form = new FormData();
      for (const [k, v] of Object.entries({ ...link, title: "Evening\u0000 routine", summary: "Warm\u0000 compress" })) form.append(k, v);
      const multipart = await fetch(`${s.url}/library/new`, { method: "POST", body: form, headers: { Origin: s.url, cookie: s.cookie(owner.token) }, redirect: "manual" });
      expect(multipart.status).toBe(302);
      const titles = (await s.app.db.select({ title: resources.title, summary: resources.summary }).from(resources)).map((r) => `${r.title}|${r.summary}`).sort();
      expect(titles).toEqual(["Evening routine|Warm compress", "Morning routine|Small steps"]);
    });

    it("strips NUL from a new forum thread", async () => {
      const r = await s.postForm("/groups/hearth-pub/forum/new", { title: "Hello\u0000 there", body: "First\u0000 post here" }, { cookie: s.cookie(member.token) });
      expect(r.status).toBe(302);
      const [row] = await s.app.db.select({ title: threads.title }).from(threads).where(eq(threads.groupId, "g-h"));
      expect(row?.title).toBe("Hello there");
    });

    it("strips NUL and lone surrogates from socket payloads", async () => {
      const socket = await connectedSocket(s.url, { cookie: s.cookie(member.token), origin: s.url, track: sockets });
      const joined = await socket.timeout(10_000).emitWithAck("room:join", { roomId: "room-h" });
      expect(joined.ok).toBe(true);
      const sent = await socket.timeout(10_000).emitWithAck("message:send", { roomId: "room-h", body: "hi\u0000 there \ud800!", clientId: "client-nul-1" });
      expect(sent).toMatchObject({ ok: true });
      const search = await socket.timeout(10_000).emitWithAck("room:join", { roomId: "room\u0000-h" });
      expect(search.ok ? "ok" : search.error.code).not.toBe("internal");
      const [row] = await s.app.db.select({ body: chatMessages.body }).from(chatMessages).where(eq(chatMessages.roomId, "room-h"));
      expect(row?.body).toBe("hi there \ufffd!");
    });
  });
  describe("#5/#6 redirect targets", () => {
    const location = (r: Response) => r.headers.get("location");

    it.each([
      ["/%09/evil.example/x", "/groups"],
      ["/%0A/evil.example", "/groups"],
      ["/%5Cevil.example", "/groups"],
      ["%2F%2Fevil.example", "/groups"],
      ["https%3A%2F%2Fevil.example", "/groups"],
      ["/.//evil.example", "/groups"],
      ["/groups/hearth-pub", "/groups/hearth-pub"],
      ["/groups/%E0%A4%9C%E2%80%A8x?q=%C3%BC%0A", "/groups/%E0%A4%9C%E2%80%A8x?q=%C3%BC"],
    ])("a signed-in visit to /signin?redirectTo=%s goes to %s", async (target, expected) => {
      const r = await get(`/signin?redirectTo=${target}`, member);
      expect(r.status).toBe(302);
      expect(location(r)).toBe(expected);
    });

    it("signing in with a hostile or non-Latin-1 redirectTo stays on the site and never answers 500", async () => {
      for (const [redirectTo, expected] of [
        ["/\t/evil.example", "/groups"],
        ["/groups/ज\u2028?x=\n", "/groups/%E0%A4%9C%E2%80%A8?x="],
      ]) {
        const r = await s.postForm("/signin", { email: member.email, password: member.password, redirectTo });
        expect(r.status).toBe(302);
        expect(location(r)).toBe(expected);
      }
    });

    it("joining with a returnTo above U+00FF is saved and redirects to the encoded path", async () => {
      const joiner = await createMember(s.app, "Joiner");
      const r = await s.postForm("/groups/hearth-pub/membership", { intent: "join", returnTo: "/groups/hearth-pub?ज=\u2028" }, { cookie: s.cookie(joiner.token) });
      expect(r.status).toBe(302);
      expect(location(r)).toBe("/groups/hearth-pub?%E0%A4%9C=%E2%80%A8");
      const rows = await s.app.db.select().from(groupMemberships).where(eq(groupMemberships.userId, joiner.id));
      expect(rows).toHaveLength(1);
      const other = await createMember(s.app, "Joiner");
      const away = await s.postForm("/groups/hearth-pub/membership", { intent: "join", returnTo: "/\t/evil.example" }, { cookie: s.cookie(other.token) });
      expect(location(away)).toBe("/groups/hearth-pub");
    });

    it("the membership address with an odd slug redirects instead of answering 500", async () => {
      const r = await get("/groups/%E2%80%A8%E0%A4%9C/membership", member);
      expect(r.status).toBe(302);
      expect(location(r)).toBe("/groups/%E2%80%A8%E0%A4%9C");
    });
  });

  describe("#9 Cache-Control on responses that depend on the session", () => {
    const NO_STORE = "private, no-store";

    it.each(["/groups", "/groups/hearth-pub", "/groups/hearth-pub/forum/thread-h", "/notifications", "/library", "/groups/no-such-group"])(
      "a signed-in GET %s says private, no-store",
      async (path) => {
        const r = await get(path, member);
        expect(r.headers.get("cache-control")).toBe(NO_STORE);
      },
    );

    it("data requests, actions and a response that sets a cookie say private, no-store", async () => {
      expect((await get("/groups?_data=routes%2Fgroups._index", member)).headers.get("cache-control")).toBe(NO_STORE);
      expect((await get("/groups?_data=routes%2Fgroups._index")).headers.get("cache-control")).toBe(NO_STORE);
      const action = await s.postForm("/groups/hearth-pub/forum/thread-h?_data=routes%2Fgroups.%24slug.forum.%24threadId", { intent: "react", postId: "post-h", kind: "hug" }, { cookie: s.cookie(member.token) });
      expect(action.status).toBe(200);
      expect(action.headers.get("cache-control")).toBe(NO_STORE);
      const signIn = await s.postForm("/signin", { email: member.email, password: member.password });
      expect(signIn.headers.get("set-cookie")).toMatch(/hearth_session=/);
      expect(signIn.headers.get("cache-control")).toBe(NO_STORE);
      // A stale session cookie is cleared: that answer depends on the cookie too.
      const stale = await get("/groups", null, { cookie: "hearth_session=nosuchsession" });
      expect(stale.headers.get("set-cookie")).toMatch(/Max-Age=0/);
      expect(stale.headers.get("cache-control")).toBe(NO_STORE);
    });

    it("public pages for visitors stay cacheable as before (no no-store)", async () => {
      for (const path of ["/", "/groups", "/groups/hearth-pub", "/library"]) {
        const r = await get(path);
        expect(r.status).toBe(200);
        expect(r.headers.get("cache-control") ?? "").not.toMatch(/no-store|private/);
      }
    });

    it("static assets stay immutable for signed-in people", async () => {
      const html = await (await get("/groups", member)).text();
      const asset = /\/assets\/[^"]+\.js/.exec(html)?.[0];
      expect(asset).toBeTruthy();
      const r = await get(asset!, member);
      expect(r.headers.get("cache-control")).toMatch(/immutable/);
    });
  });

  describe("#14 every action reads its body through the one form reader", () => {
    it("a JSON or text POST to the chat rooms page answers 415", async () => {
      for (const type of ["application/json", "text/plain"]) {
        const r = await fetch(`${s.url}/groups/hearth-pub/chat`, { method: "POST", body: '{"intent":"create","name":"x"}', headers: { "Content-Type": type, Origin: s.url, cookie: s.cookie(owner.token) }, redirect: "manual" });
        expect(r.status).toBe(415);
      }
    });

    it("every route with an action answers a JSON body with 415, never 500", async () => {
      // The build's own route table, read in a plain Node process (Vitest would transform the bundle again).
      const entry = path.resolve(import.meta.dirname, "../..", s.buildDir, "server/index.js");
      // A nested route's path is relative to its parent's (settings.messages is "messages" under "settings"): join the chain.
      const script = `const b = await import(${JSON.stringify(pathToFileURL(entry).href)});
        const full = (r) => [r.parentId && b.routes[r.parentId] ? full(b.routes[r.parentId]) : "", r.path ?? ""].filter(Boolean).join("/");
        console.log(JSON.stringify(Object.values(b.routes).filter((r) => r.module.action).map(full)))`;
      const routePaths = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" })) as string[];
      const values: Record<string, string> = { slug: "hearth-pub", threadId: "thread-h", postId: "post-h", roomId: "room-h", eventId: "no-event", resourceId: "no-resource", actionId: "no-action" };
      // Sign-out reads no body at all: whatever is posted, it signs out.
      const withActions = routePaths.filter((p) => p && p !== "signout");
      const poster = await createMember(s.app, "Poster");
      expect(withActions.length).toBeGreaterThan(15);
      const results: Record<string, number> = {};
      for (const routePath of withActions) {
        const url = "/" + routePath.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? "x");
        const r = await fetch(s.url + url, { method: "POST", body: "{}", headers: { "Content-Type": "application/json", Origin: s.url, cookie: s.cookie(poster.token) }, redirect: "manual" });
        results[url] = r.status;
      }
      const unexpected = Object.entries(results).filter(([, status]) => status !== 415 && status !== 404);
      expect(unexpected).toEqual([]);
      expect(Object.values(results).filter((status) => status === 415).length).toBeGreaterThan(15);
    });
  });

  describe("#18 the benchmark baselines", () => {
    it("are not served by the production build", async () => {
      expect((await get("/bench/bare")).status).toBe(404);
      expect((await get("/bench/page")).status).toBe(404);
    });
  });

  describe("#12 hand-edited keyset cursors", () => {
    const bad = [
      "garbage",
      encodeCursor(["not a time", "x"]),
      encodeCursor(["2026-13-45T99:99:99Z", "x"]),
      encodeCursor([1, "not a time", "x"]),
      Buffer.from(JSON.stringify([{ x: 1 }, "x"])).toString("base64url"),
      encodeCursor(["x\u0000", "y"]),
      encodeCursor(["1e309", "x"]),
    ];
    const pages: [string, () => Member | null][] = [
      ["/library", () => null],
      ["/library?q=mornings", () => null],
      ["/library/bookmarks", () => member],
      ["/groups", () => null],
      ["/groups/hearth-pub/forum", () => member],
      ["/groups/hearth-pub/forum/thread-h", () => member],
      ["/groups/hearth-pub/members", () => member],
      ["/events", () => null],
      ["/notifications", () => member],
      ["/admin/audit", () => admin],
      ["/organizations/org-h/audit", () => owner],
    ];
    for (const [page, who] of pages) {
      it(`${page} ignores a bad cursor (first page, 200)`, async () => {
        for (const cursor of bad) {
          for (const param of ["after", "before"]) {
            const sep = page.includes("?") ? "&" : "?";
            const r = await get(`${page}${sep}${param}=${encodeURIComponent(cursor)}`, who());
            expect(r.status, `${page} ${param}=${cursor}`).toBe(200);
          }
        }
      });
    }
  });
});
